/**
 * The dashboard's findings (core/store/dashboard.ts FINDINGS_CTE) come from the findings table;
 * a scan stored before schema 2 has its findings only in the scans.findings JSON, and must read
 * the same. (Unpacking that JSON for every scan ran DuckDB out of memory on 250 k findings.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listFindings, scanOverview, flowDetail } from '../../core/store/dashboard.js';
import { openStore } from '../../core/store/index.js';
import { scanInputs } from '../../core/scan.js';

const dir = mkdtempSync(join(tmpdir(), 'hndl-findings-src-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('findings in the dashboard', () => {
  it('read the same from the findings table and, for a scan without its rows, from the scan JSON', async () => {
    const report = await scanInputs(['samples/mixed.pcapng'], { now: new Date('2026-11-25T00:00:00Z') });
    report.scan.id = 'mixed';
    expect((report.findings ?? []).length).toBeGreaterThan(1);
    const store = await openStore(join(dir, 'f.duckdb'));
    try {
      await store.writeScan(report);
      const flowId = report.findings?.[0]?.flowIds?.[0] ?? 0;
      const read = async (): Promise<unknown[]> => [
        await listFindings(store, 'mixed'),
        (await scanOverview(store, 'mixed'))?.topFindings,
        (await flowDetail(store, 'mixed', flowId))?.findings,
      ];
      const fromTable = await read();
      const list = fromTable[0] as { total: number };
      expect(list.total).toBe(report.findings?.length);
      // as a scan stored before schema 2: no rows in the findings table
      await store.read((q) => q(`DELETE FROM findings WHERE scan_id = 'mixed'`));
      expect(await store.read((q) => q(`SELECT count(*)::INTEGER AS n FROM findings`))).toEqual([{ n: 0 }]);
      expect(await read()).toEqual(fromTable);
    } finally {
      await store.close();
    }
  });
});
