/**
 * Captured strings may hold NUL bytes and lone surrogates (an SNI is attacker-controlled): what
 * the store gives back must be what the report said, or at least never a different prefix.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../core/store/index.js';
import { syntheticReport } from './synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'hndl-nul-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('strings with NUL bytes', () => {
  it('round-trip through the flows table', async () => {
    const report = syntheticReport('nul-1', 4);
    const odd = ['evil\u0000.example', 'a\u0000', '\u0000'];
    report.flows.forEach((f, i) => {
      if (f.tls) f.tls.sni = odd[i % odd.length] ?? null;
    });
    const store = await openStore(join(dir, 'n.duckdb'));
    await store.writeScan(report);
    const page = await store.listFlows('nul-1', { limit: 10, sort: 'id', order: 'asc' });
    await store.close();
    for (const f of page?.flows ?? []) {
      const want = report.flows.find((x) => x.id === f.id);
      expect(f.tls?.sni).toBe(want?.tls?.sni);
    }
  });
});
