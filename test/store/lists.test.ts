/**
 * List columns go into the data chunks as LIST vectors (core/store/chunks.ts): hostile strings
 * (quotes, commas, brackets, NULL, unicode) and empty lists must come back exactly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../core/store/index.js';
import { syntheticReport } from './synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'hndl-lists-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('list columns', () => {
  it('round-trip plain and hostile list items exactly', async () => {
    const report = syntheticReport('lists-1', 16);
    const hostile = ["it's", 'a,b', '[x]', 'NULL', ' pad ', '', 'h2', '\\', '"q"', 'ünï'];
    // each hostile item alone in a list, so no plain neighbour hides it from the text path
    const cases: string[][] = [['h2', 'http/1.1'], hostile, [], ['x=y@z#1'], ...hostile.map((h) => [h])];
    report.flows.forEach((f, i) => {
      if (f.tls) {
        f.tls.alpn = cases[i] ?? [];
        f.tls.offeredGroups = i === 0 ? [] : [4588, 29, 23];
      }
      f.issues = cases[(i + 1) % cases.length] ?? [];
    });
    const store = await openStore(join(dir, 'l.duckdb'));
    await store.writeScan(report);
    const page = await store.listFlows('lists-1', { limit: 20, sort: 'id', order: 'asc' });
    await store.close();
    expect(page?.flows.length).toBe(16);
    page?.flows.forEach((f, i) => {
      const want = report.flows[i];
      if (want?.tls && f.tls) {
        expect(f.tls.alpn).toEqual(want.tls.alpn);
        expect(f.tls.offeredGroups).toEqual(want.tls.offeredGroups);
      }
      expect(f.issues).toEqual(want?.issues);
    });
  });
});
