/**
 * Schema version 2 of the DuckDB store (core/store/schema.ts): mcp_messages / findings /
 * mcp_payloads written by writeScanDetails (core/store/write.ts) in one transaction, read back
 * with listMcpMessages (core/store/mcp.ts), the handshakes view, and migration of a v1 file.
 * Real DuckDB files in a temp directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { migrate, readSchemaVersion } from '../../core/store/migrate.js';
import {
  FINDING_COLUMNS, MCP_MESSAGE_COLUMNS, MCP_PAYLOAD_COLUMNS, MIGRATIONS, SCHEMA_VERSION,
} from '../../core/store/schema.js';
import { appendFlows, writeScanDetails } from '../../core/store/write.js';
import { listMcpMessages, listMcpPayloads } from '../../core/store/mcp.js';
import { openStore } from '../../core/store/store.js';
import { analyzeMcp } from '../../core/mcp/analyze.js';
import { parseMcpPolicy } from '../../core/mcp/policy.js';
import type { ScanReport } from '../../core/report/model.js';
import { MCP_SAMPLES, SECRETS, scan, totalMessages } from './helpers.js';

let dir: string;
let report: ScanReport;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hndl-mcp-store-'));
  report = await scan(...Object.values(MCP_SAMPLES), 'tls13-hybrid.pcap');
  analyzeMcp(report, parseMcpPolicy('servers: []\ntoolPolicy: [{server: "*", deny: [lookup_*]}]', 'x'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function open(path: string): Promise<{ conn: DuckDBConnection; close: () => void }> {
  const inst = await DuckDBInstance.create(path, { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const conn = await inst.connect();
  return { conn, close: () => { conn.closeSync(); inst.closeSync(); } };
}

async function rows(conn: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJS();
}

async function columns(conn: DuckDBConnection, table: string): Promise<string[]> {
  const r = await conn.runAndReadAll(
    `SELECT column_name FROM information_schema.columns WHERE table_name = $t ORDER BY ordinal_position`, { t: table },
  );
  return r.getRowObjectsJS().map((x) => String(x['column_name']));
}

async function inTx(conn: DuckDBConnection, fn: () => Promise<void>): Promise<void> {
  await conn.run('BEGIN TRANSACTION');
  try {
    await fn();
    await conn.run('COMMIT');
  } catch (err) {
    await conn.run('ROLLBACK');
    throw err;
  }
}

async function count(conn: DuckDBConnection, table: string, scanId: string): Promise<number> {
  const r = await conn.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM ${table} WHERE scan_id = $s`, { s: scanId });
  return Number(r.getRowObjectsJS()[0]?.['n']);
}

describe('schema version 2', () => {
  it('a new store has the v2 tables in Appender column order and the handshakes view', async () => {
    const path = join(dir, 'new.duckdb');
    await (await openStore(path)).close();
    const { conn, close } = await open(path);
    expect(SCHEMA_VERSION).toBe(2);
    expect(await readSchemaVersion(conn)).toBe(2);
    expect(await columns(conn, 'mcp_messages')).toEqual(MCP_MESSAGE_COLUMNS);
    expect(await columns(conn, 'findings')).toEqual(FINDING_COLUMNS);
    expect(await columns(conn, 'mcp_payloads')).toEqual(MCP_PAYLOAD_COLUMNS);
    const view = await columns(conn, 'handshakes');
    expect(view).toContain('sni');
    expect(view).toContain('kex_negotiated');
    expect(view).not.toContain('mcp');
    expect(view).not.toContain('bytes_c2s');
    close();
  });

  it('writes one mcp_messages row per message and the findings, read back by listMcpMessages', async () => {
    const path = join(dir, 'write.duckdb');
    const store = await openStore(path);
    await store.writeScan(report);
    await store.close();
    const { conn, close } = await open(path);
    const id = report.scan.id;
    await inTx(conn, () => writeScanDetails(conn, id, report));
    expect(totalMessages(report)).toBeGreaterThan(80);
    expect(await count(conn, 'mcp_messages', id)).toBe(totalMessages(report));
    // replace: rows of the scan are rewritten, never duplicated
    await inTx(conn, () => writeScanDetails(conn, id, report));
    expect(await count(conn, 'mcp_messages', id)).toBe(totalMessages(report));
    expect(await count(conn, 'mcp_payloads', id)).toBe(0);

    const legacy = report.flows.find((f) => f.server.port === 8934 && f.mcp !== null && f.mcp['client'] === null && Array.isArray(f.mcp['messages']) && f.mcp['messages'].length === 8);
    expect(legacy).toBeDefined();
    const msgs = await listMcpMessages(conn, id, legacy?.id ?? -1);
    expect(msgs).toHaveLength(8);
    expect(msgs.map((m) => m.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(msgs[0]).toMatchObject({ dir: 's2c', jsonrpcId: '0', method: 'initialize', kind: 'response', status: 200, session: legacy?.mcp?.session });
    expect(msgs[2]).toMatchObject({ method: 'tools/call', tool: 'lookup_customer' });
    expect(msgs[0]?.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const rec = (legacy?.mcp?.['messages'] as { tsMicros: number; size: number }[])[0];
    expect(Date.parse(msgs[0]?.ts ?? '') * 1000 + Number((msgs[0]?.ts ?? '').slice(23, 26))).toBe(rec?.tsMicros);
    expect(msgs[0]?.size).toBe(rec?.size);
    expect(await listMcpMessages(conn, id, 999_999)).toEqual([]);

    const fs = await rows(conn, `SELECT idx, rule_id, level, message, server, client, flow_ids, recommendation, evidence FROM findings ORDER BY idx`);
    expect(fs.length).toBe(report.findings?.length);
    expect(fs.map((f) => f['rule_id'])).toEqual(report.findings?.map((f) => f.ruleId));
    expect(fs.filter((f) => f['rule_id'] === 'HNDL009')).toHaveLength(5);
    expect(fs[0]?.['flow_ids']).toEqual(report.findings?.[0]?.flowIds);
    expect(JSON.parse(String(fs[0]?.['evidence']))).toEqual(report.findings?.[0]?.evidence);

    const hs = await rows(conn, `SELECT count(*)::INTEGER AS n, min(kex_negotiated) AS k FROM handshakes WHERE scan_id = '${id}'`);
    expect(hs[0]).toEqual({ n: 1, k: 'hybrid' });

    const dump = JSON.stringify(await rows(conn, 'SELECT * EXCLUDE (flow_id, ts, size) FROM mcp_messages')) + JSON.stringify(fs);
    for (const s of SECRETS) expect(dump).not.toContain(s);
    close();
  });

  it('stores opt-in payloads only when the report carries them, and rolls back a bad report', async () => {
    const path = join(dir, 'payloads.duckdb');
    await (await openStore(path)).close();
    const { conn, close } = await open(path);
    const r: ScanReport = structuredClone(report);
    r.scan.id = 'payload-scan';
    const f = r.flows.find((x) => x.mcp !== null);
    if (!f?.mcp) throw new Error('no MCP flow');
    f.mcp.payloads = [{ seq: 0, params: { protocolVersion: '2025-11-25' } }, { seq: 1, result: { ok: true }, error: null }];
    await inTx(conn, () => writeScanDetails(conn, r.scan.id, r));
    expect(await listMcpPayloads(conn, r.scan.id, f.id)).toEqual([
      { seq: 0, params: { protocolVersion: '2025-11-25' }, result: null, error: null },
      { seq: 1, params: null, result: { ok: true }, error: null },
    ]);
    const bad: ScanReport = structuredClone(report);
    bad.scan.id = 'bad-scan';
    const last = bad.flows.filter((x) => x.mcp !== null).at(-1);
    (last?.mcp?.['messages'] as Record<string, unknown>[])[0] = { tsMicros: 1, dir: 'sideways', kind: 'request', id: null, method: null, size: 1 };
    await expect(inTx(conn, () => writeScanDetails(conn, bad.scan.id, bad))).rejects.toThrow(/mcp\.messages\[0\]\.dir/);
    expect(await count(conn, 'mcp_messages', 'bad-scan')).toBe(0);
    expect(await count(conn, 'findings', 'bad-scan')).toBe(0);
    close();
  });

  it('migrates an existing v1 file: data kept, v2 tables added', async () => {
    const path = join(dir, 'v1.duckdb');
    const v1 = MIGRATIONS.filter((m) => m.version === 1);
    {
      const { conn, close } = await open(path);
      expect(await migrate(conn, { migrations: v1 })).toEqual([1]);
      await conn.run(
        `INSERT INTO scans (scan_id, tool_name, tool_version, flows, packets, bytes, summary, stored_at)
         VALUES ('old', 'hndl-scan', '0.1.0', ${report.flows.length}, 0, 0, '{}', now()::TIMESTAMP)`,
      );
      const a = await conn.createAppender('flows');
      appendFlows(a, 'old', report.flows);
      a.closeSync();
      expect(await readSchemaVersion(conn)).toBe(1);
      expect(await rows(conn, `SELECT table_name FROM information_schema.tables WHERE table_name = 'mcp_messages'`)).toEqual([]);
      close();
    }
    await expect(openStore(path, { readOnly: true })).rejects.toMatchObject({ code: 'NEEDS_MIGRATION' });
    const store = await openStore(path);
    expect((await store.listFlows('old', { limit: 1 }))?.total).toBe(report.flows.length);
    await store.close();
    const { conn, close } = await open(path);
    expect(await readSchemaVersion(conn)).toBe(2);
    expect(await count(conn, 'handshakes', 'old')).toBe(1);
    await inTx(conn, () => writeScanDetails(conn, 'old', report));
    expect(await count(conn, 'mcp_messages', 'old')).toBe(totalMessages(report));
    close();
  });
});
