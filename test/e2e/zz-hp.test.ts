import { it, expect } from 'vitest';
import { writeFileSync } from 'node:fs';
import { scanInputs } from '../../core/scan.js';
import { hostilePcap } from './hostile-pcap.js';
it('hp', async () => {
  writeFileSync('/tmp/hostile.pcap', hostilePcap('<img src=x onerror=alert(1)>'));
  const r = await scanInputs(['/tmp/hostile.pcap']);
  console.log(JSON.stringify(r.flows.map((f) => [f.app, f.tls?.sni, f.kex])));
  expect(r.flows[0]?.tls?.sni).toBe('<img src=x onerror=alert(1)>');
});
