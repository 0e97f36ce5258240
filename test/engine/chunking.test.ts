/**
 * The reader reuses one chunk buffer, and analyzers receive zero-copy views into it: whatever an
 * analyzer keeps must be a real copy. Scanning with a tiny chunk size (so every buffer is
 * overwritten many times before the flows end) must give exactly the report of a one-chunk scan.
 */
import { describe, expect, it } from 'vitest';
import { scanInputs } from '../../core/scan.js';
import type { ScanReport } from '../../core/report/model.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const PUBLIC = new URL('../../../shared/captures/public/', import.meta.url).pathname;

const captures = [
  `${PUBLIC}suricata__tls.pcap`,
  `${PUBLIC}ndpi__sites.pcapng`,
  `${PUBLIC}ja4__tls-handshake.pcapng`,
  `${PUBLIC}zeek__quic-decrypt-fail-google-de-51833.pcap`,
  `${PUBLIC}ja4__socks-https-example.pcap`,
  `${PUBLIC}zeek__ssh_kex_mlkem.pcap`,
  `${ROOT}samples/mcp-streamable-sse.pcap`,
  `${ROOT}samples/mcp-ndjson-tcp.pcap`,
  `${ROOT}samples/mcp-legacy-sse.pcap`,
  `${ROOT}samples/mixed.pcapng`,
];

function comparable(r: ScanReport): unknown {
  const { scan, ...rest } = r;
  return JSON.parse(JSON.stringify({ ...rest, inputs: scan.inputs }));
}

describe('chunk-buffer reuse', () => {
  for (const c of captures) {
    it(c.split('/').pop() ?? c, async () => {
      const now = new Date('2026-11-24T00:00:00Z');
      const whole = await scanInputs([c], { now, chunkBytes: 64 << 20 });
      const tiny = await scanInputs([c], { now, chunkBytes: 4096 });
      expect(comparable(tiny)).toEqual(comparable(whole));
    });
  }
});
