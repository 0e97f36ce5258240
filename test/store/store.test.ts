/**
 * DuckDB store: schema and migrations, Appender write of a 100k-flow report, paging /
 * sorting / filters in SQL, atomic failure (no partial rows), read-only reopen.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  FLOW_COLUMNS, INPUT_COLUMNS, SCHEMA_VERSION, StoreError, migrate, openStore, readSchemaVersion,
} from '../../core/store/index.js';
import type { Store } from '../../core/store/index.js';
import type { ScanReport } from '../../core/report/model.js';
import { syntheticReport } from './synthetic.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hndl-store-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function counts(store: Store, id: string): Promise<{ scans: number; flows: number; inputs: number }> {
  const scan = await store.getScan(id);
  const page = await store.listFlows(id, { limit: 1 });
  return { scans: scan === null ? 0 : 1, flows: page?.total ?? 0, inputs: scan?.inputs.length ?? 0 };
}

async function tableColumns(path: string, table: string): Promise<string[]> {
  const inst = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const conn = await inst.connect();
  const r = await conn.runAndReadAll(
    `SELECT column_name FROM information_schema.columns WHERE table_name = $t ORDER BY ordinal_position`,
    { t: table },
  );
  const names = r.getRowObjectsJS().map((row) => String(row['column_name']));
  conn.closeSync();
  inst.closeSync();
  return names;
}

describe('schema', () => {
  it('creates the tables at SCHEMA_VERSION with the Appender column order', async () => {
    const path = join(dir, 'schema.duckdb');
    const store = await openStore(path);
    await store.close();
    expect(await tableColumns(path, 'flows')).toEqual(FLOW_COLUMNS);
    expect(await tableColumns(path, 'inputs')).toEqual(INPUT_COLUMNS);
    const inst = await DuckDBInstance.create(path);
    const conn = await inst.connect();
    expect(await readSchemaVersion(conn)).toBe(SCHEMA_VERSION);
    expect(await migrate(conn)).toEqual([]);
    conn.closeSync();
    inst.closeSync();
  });

  it('applies newer migrations in order, rolls back a failing one, refuses a newer file', async () => {
    const path = join(dir, 'migrate.duckdb');
    const inst = await DuckDBInstance.create(path);
    const conn = await inst.connect();
    const v1 = { version: 1, description: 't', statements: ['CREATE TABLE a (x INTEGER)'] };
    const v2 = { version: 2, description: 'u', statements: ['ALTER TABLE a ADD COLUMN y INTEGER'] };
    const bad = { version: 3, description: 'bad', statements: ['CREATE TABLE b (x INTEGER)', 'SELECT * FROM nope'] };
    expect(await migrate(conn, { migrations: [v1] })).toEqual([1]);
    expect(await migrate(conn, { migrations: [v1, v2] })).toEqual([2]);
    await expect(migrate(conn, { migrations: [v1, v2, bad] })).rejects.toThrow();
    expect(await readSchemaVersion(conn)).toBe(2);
    const b = await conn.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = 'b'`);
    expect(b.getRowObjectsJS()[0]?.['n']).toBe(0);
    await expect(migrate(conn, { migrations: [v1] })).rejects.toMatchObject({ code: 'SCHEMA_TOO_NEW' });
    await expect(migrate(conn, { migrations: [v1, v2, { ...v2, version: 4 }], readOnly: true }))
      .rejects.toMatchObject({ code: 'NEEDS_MIGRATION' });
    conn.closeSync();
    inst.closeSync();
  });
});

describe('someone else\'s DuckDB file', () => {
  // found by fuzzing: hndl-scan added its meta table (and with no flows table, all its tables)
  // to a user's own database before failing on it
  for (const [what, ddl] of [
    ['a flows table of its own', 'CREATE TABLE flows (a INTEGER); INSERT INTO flows VALUES (1)'],
    ['other tables', 'CREATE TABLE notes (t VARCHAR); CREATE VIEW v AS SELECT 1 AS one'],
  ] as const) {
    it(`with ${what}: refused as not an hndl-scan database, and left as it was`, async () => {
      const path = join(dir, `foreign-${what.length}.duckdb`);
      const inst = await DuckDBInstance.create(path);
      const conn = await inst.connect();
      await conn.run(ddl);
      const tablesOf = async (): Promise<string[]> => {
        const r = await conn.runAndReadAll(`SELECT table_name FROM information_schema.tables ORDER BY table_name`);
        return r.getRowObjectsJS().map((row) => String(row['table_name']));
      };
      const before = await tablesOf();
      conn.closeSync();
      inst.closeSync();
      await expect(openStore(path)).rejects.toMatchObject({ code: 'NOT_HNDL_DB' });
      const again = await DuckDBInstance.create(path);
      const c2 = await again.connect();
      const r = await c2.runAndReadAll(`SELECT table_name FROM information_schema.tables ORDER BY table_name`);
      expect(r.getRowObjectsJS().map((row) => String(row['table_name']))).toEqual(before);
      c2.closeSync();
      again.closeSync();
    });
  }
});

describe('store', () => {
  it('round-trips a report exactly (optional fields, extra keys, microseconds)', async () => {
    const path = join(dir, 'roundtrip.duckdb');
    const store = await openStore(path);
    const report = syntheticReport('rt', 60);
    const f0 = report.flows[0];
    if (f0 === undefined) throw new Error('no flow');
    f0.firstSeen = '2025-01-01T00:00:00.123456Z';
    f0['quic'] = { version: 1, dcid: 'abcd' };
    const f1 = report.flows[1];
    if (f1?.tls) {
      f1.tls.certificate = { signatureAlgorithm: 'sha256WithRSAEncryption', publicKeyAlgorithm: 'rsaEncryption', publicKeyBits: 2048 };
      f1.tls.ech = true;
      f1.tls.signatureAlgorithms = [0x0804, 0x0403];
      f1.kex.reason = null;
      f1.kex.mechanism = 'ecdhe';
      f1.tunnelId = 4242;
    }
    report['extraTop'] = { a: 1 };
    await store.writeScan(report);
    const back = await store.getReport('rt');
    // kex.reason null is stored as NULL and comes back absent
    if (f1) delete f1.kex.reason;
    expect(back).toEqual(report);
    await store.close();
  });

  it('writes 100k flows with the Appender, pages, sorts and filters in SQL', async () => {
    const path = join(dir, 'big.duckdb');
    const store = await openStore(path);
    const report = syntheticReport('big', 100_000);
    const t0 = performance.now();
    await store.writeScan(report);
    const ms = performance.now() - t0;
    console.log(`writeScan 100000 flows: ${ms.toFixed(0)} ms`);

    const scans = await store.listScans();
    expect(scans).toHaveLength(1);
    expect(scans[0]).toMatchObject({ id: 'big', flows: 100_000, inputs: 2 });
    expect(scans[0]?.byNegotiated['hybrid']).toBe(20_000);

    const page = await store.listFlows('big', { limit: 50, offset: 100 });
    expect(page?.total).toBe(100_000);
    expect(page?.flows.map((f) => f.id)).toEqual(Array.from({ length: 50 }, (_, i) => 100 + i));
    expect(page?.flows[0]).toEqual(report.flows[100]);

    const byBytes = await store.listFlows('big', { sort: 'bytes', order: 'desc', limit: 3 });
    const totals = byBytes?.flows.map((f) => f.bytes.clientToServer + f.bytes.serverToClient) ?? [];
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
    expect(totals[0]).toBe(Math.max(...report.flows.map((f) => f.bytes.clientToServer + f.bytes.serverToClient)));

    const hybrid = await store.listFlows('big', { kexNegotiated: 'hybrid', limit: 10 });
    expect(hybrid?.total).toBe(20_000);
    expect(hybrid?.flows.every((f) => f.kex.negotiated === 'hybrid')).toBe(true);

    const bySni = await store.listFlows('big', { server: 'HOST5.example', limit: 1000 });
    const expected = report.flows.filter((f) => f.tls?.sni?.includes('host5.example')).length;
    expect(bySni?.total).toBe(expected);
    expect(bySni?.flows).toHaveLength(Math.min(1000, expected));
    const byIp = await store.listFlows('big', { server: '192.0.2.7' });
    expect(byIp?.total).toBe(2000);

    // values are parameters, never SQL
    expect((await store.listFlows('big', { server: "x' OR 1=1 --" }))?.total).toBe(0);
    expect((await store.listFlows('big', { server: '%' }))?.total).toBe(0);
    await expect(store.listFlows('big', { sort: 'flow_id; DROP TABLE flows' as 'id' })).rejects.toMatchObject({ code: 'BAD_QUERY' });
    expect(await store.listFlows('nope')).toBeNull();
    expect(await store.getScan('nope')).toBeNull();
    await store.close();

    const ro = await openStore(path, { readOnly: true });
    expect(ro.readOnly).toBe(true);
    expect(await counts(ro, 'big')).toEqual({ scans: 1, flows: 100_000, inputs: 2 });
    await expect(ro.writeScan(syntheticReport('other', 1))).rejects.toMatchObject({ code: 'READ_ONLY' });
    await ro.close();
  });

  it('keeps no partial rows when a write fails midway (constraint or thrown value)', async () => {
    const path = join(dir, 'atomic.duckdb');
    const store = await openStore(path);

    const violating = syntheticReport('bad1', 5000);
    const last = violating.flows[4999];
    if (last) last.server.port = 70000; // CHECK constraint, raised by DuckDB at flush
    await expect(store.writeScan(violating)).rejects.toBeInstanceOf(StoreError);
    expect(await counts(store, 'bad1')).toEqual({ scans: 0, flows: 0, inputs: 0 });

    const thrown = syntheticReport('bad2', 5000);
    const mid = thrown.flows[2500];
    if (mid) mid.firstSeen = 'not a time'; // raised in JS halfway through the Appender
    await expect(store.writeScan(thrown)).rejects.toMatchObject({ code: 'INVALID_REPORT' });
    expect(await counts(store, 'bad2')).toEqual({ scans: 0, flows: 0, inputs: 0 });

    const dup = syntheticReport('bad3', 100);
    const d = dup.flows[50];
    if (d) d.id = 10; // primary key (scan_id, flow_id)
    await expect(store.writeScan(dup)).rejects.toThrow();
    expect(await counts(store, 'bad3')).toEqual({ scans: 0, flows: 0, inputs: 0 });

    // the store still works afterwards, and ids are unique per scan
    await store.writeScan(syntheticReport('good', 10));
    await expect(store.writeScan(syntheticReport('good', 10))).rejects.toMatchObject({ code: 'SCAN_EXISTS' });
    await store.writeScan(syntheticReport('good', 20), { replace: true });
    expect(await counts(store, 'good')).toEqual({ scans: 1, flows: 20, inputs: 2 });
    expect(await store.listScans()).toHaveLength(1);
    expect(await store.deleteScan('good')).toBe(true);
    expect(await counts(store, 'good')).toEqual({ scans: 0, flows: 0, inputs: 0 });
    expect(await store.deleteScan('good')).toBe(false);
    await store.close();
    await expect(store.listScans()).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('serialises concurrent operations on one store', async () => {
    const store = await openStore(join(dir, 'concurrent.duckdb'));
    const reports: ScanReport[] = Array.from({ length: 5 }, (_, i) =>
      syntheticReport(`s${i}`, 500, `2025-02-0${i + 1}T00:00:00.000Z`));
    await Promise.all([
      ...reports.map((r) => store.writeScan(r)),
      store.listScans(),
      store.listFlows('s0'),
    ]);
    const list = await store.listScans();
    expect(list.map((s) => s.id)).toEqual(['s4', 's3', 's2', 's1', 's0']);
    await store.close();
  });
});
