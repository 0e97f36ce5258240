/**
 * Writes report objects into DuckDB Appender rows. The append order of appendFlow /
 * appendInput must match FLOW_COLUMNS / INPUT_COLUMNS of schema.ts (a test checks the table).
 * Invalid values throw StoreError('INVALID_REPORT') naming the flow and field.
 * Schema version 2 adds appendMcpMessages / appendFinding / appendMcpPayloads and
 * writeScanDetails, which writes them inside writeScan's transaction.
 */
import { INTEGER, LIST, VARCHAR, timestampValue } from '@duckdb/node-api';
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { Finding, FlowReport, InputReport, McpPayloadReport, ScanReport } from '../report/model.js';
import { SCAN_DETAIL_TABLES } from './schema.js';
import { isoToMicros } from './time.js';
import { StoreError } from './types.js';

const INT_LIST = LIST(INTEGER);
const STR_LIST = LIST(VARCHAR);

/** FlowReport keys with their own columns; every other key goes to the `extra` JSON column. */
const FLOW_KEYS = new Set([
  'id', 'transport', 'client', 'server', 'vlan', 'tunnelId', 'app', 'firstSeen', 'lastSeen',
  'packets', 'bytes', 'endReason', 'tls', 'kex', 'mcp', 'sensitivity', 'risk', 'issues',
]);

function bad(where: string, field: string, value: unknown): StoreError {
  return new StoreError('INVALID_REPORT', `${where}: invalid ${field}: ${JSON.stringify(value) ?? String(value)}`);
}

function str(a: DuckDBAppender, v: string | null | undefined): void {
  if (v === null || v === undefined) a.appendNull();
  else a.appendVarchar(v);
}

function int(a: DuckDBAppender, v: number | null | undefined, where: string, field: string): void {
  if (v === null || v === undefined) a.appendNull();
  else if (Number.isInteger(v) && v >= -2147483648 && v <= 2147483647) a.appendInteger(v);
  else throw bad(where, field, v);
}

function big(a: DuckDBAppender, v: number | null | undefined, where: string, field: string): void {
  if (v === null || v === undefined) a.appendNull();
  // the Appender casts to the column type: small values skip the BigInt allocation
  else if (Number.isInteger(v) && v >= -2147483648 && v <= 2147483647) a.appendInteger(v);
  else if (Number.isSafeInteger(v)) a.appendBigInt(BigInt(v));
  else throw bad(where, field, v);
}

function dbl(a: DuckDBAppender, v: number | null | undefined, where: string, field: string): void {
  if (v === null || v === undefined) a.appendNull();
  else if (Number.isFinite(v)) a.appendDouble(v);
  else throw bad(where, field, v);
}

function bool(a: DuckDBAppender, v: boolean | null | undefined): void {
  if (v === null || v === undefined) a.appendNull();
  else a.appendBoolean(v);
}

function ints(a: DuckDBAppender, v: readonly number[] | null | undefined, where: string, field: string): void {
  if (v === null || v === undefined) {
    a.appendNull();
    return;
  }
  for (const n of v) if (!Number.isInteger(n) || n < -2147483648 || n > 2147483647) throw bad(where, field, v);
  // list literal text, cast to INTEGER[] by the Appender: ~5x faster than building a LIST value
  a.appendVarchar(`[${v.join(',')}]`);
}

/** items written as list-literal text ('a','b'); anything else goes through a LIST value */
const PLAIN_LIST_ITEM = /^[A-Za-z0-9._/:+=@#-]+$/;

function strs(a: DuckDBAppender, v: readonly string[] | null | undefined, where: string, field: string): void {
  if (v === null || v === undefined) {
    a.appendNull();
    return;
  }
  for (const s of v) if (typeof s !== 'string') throw bad(where, field, v);
  if (v.every((s) => PLAIN_LIST_ITEM.test(s) && s.toUpperCase() !== 'NULL')) a.appendVarchar(`[${v.map((s) => `'${s}'`).join(',')}]`);
  else a.appendList(v, STR_LIST);
}

function ts(a: DuckDBAppender, v: string | null | undefined, where: string, field: string): void {
  if (v === null || v === undefined) {
    a.appendNull();
    return;
  }
  const us = typeof v === 'string' ? isoToMicros(v) : null;
  if (us === null) throw bad(where, field, v);
  a.appendTimestamp(timestampValue(us));
}

function json(a: DuckDBAppender, v: unknown): void {
  if (v === null || v === undefined) a.appendNull();
  else a.appendVarchar(JSON.stringify(v));
}

/** the FlowReport keys without a column of their own, or null */
function extraOf(f: FlowReport): Record<string, unknown> | null {
  let extra: Record<string, unknown> | null = null;
  for (const k of Object.keys(f)) {
    if (FLOW_KEYS.has(k) || f[k] === undefined) continue;
    extra ??= {};
    extra[k] = f[k];
  }
  return extra;
}

export function appendFlow(a: DuckDBAppender, scanId: string, f: FlowReport): void {
  const w = `flow ${String(f.id)}`;
  a.appendVarchar(scanId);
  big(a, f.id, w, 'id');
  a.appendVarchar(f.transport);
  a.appendVarchar(f.client.ip);
  int(a, f.client.port, w, 'client.port');
  a.appendVarchar(f.server.ip);
  int(a, f.server.port, w, 'server.port');
  int(a, f.vlan, w, 'vlan');
  big(a, f.tunnelId, w, 'tunnelId');
  str(a, f.app);
  ts(a, f.firstSeen, w, 'firstSeen');
  ts(a, f.lastSeen, w, 'lastSeen');
  big(a, f.packets.clientToServer, w, 'packets.clientToServer');
  big(a, f.packets.serverToClient, w, 'packets.serverToClient');
  big(a, f.bytes.clientToServer, w, 'bytes.clientToServer');
  big(a, f.bytes.serverToClient, w, 'bytes.serverToClient');
  str(a, f.endReason);
  const t = f.tls;
  a.appendBoolean(t !== null && t !== undefined);
  str(a, t?.version);
  str(a, t?.sni);
  ints(a, t?.offeredGroups, w, 'tls.offeredGroups');
  ints(a, t?.keyShareGroups, w, 'tls.keyShareGroups');
  int(a, t?.selectedGroup, w, 'tls.selectedGroup');
  bool(a, t?.helloRetryRequest);
  int(a, t?.cipherSuite, w, 'tls.cipherSuite');
  strs(a, t?.alpn, w, 'tls.alpn');
  str(a, t?.ja4);
  ints(a, t?.signatureAlgorithms, w, 'tls.signatureAlgorithms');
  bool(a, t?.ech);
  str(a, t?.certificate?.signatureAlgorithm);
  str(a, t?.certificate?.publicKeyAlgorithm);
  int(a, t?.certificate?.publicKeyBits, w, 'tls.certificate.publicKeyBits');
  str(a, t?.shareValidation);
  a.appendVarchar(f.kex.offered);
  a.appendVarchar(f.kex.negotiated);
  str(a, f.kex.group);
  str(a, f.kex.reason);
  str(a, f.kex.mechanism);
  json(a, f.mcp);
  str(a, f.sensitivity?.category);
  dbl(a, f.sensitivity?.lifetimeYears, w, 'sensitivity.lifetimeYears');
  json(a, f.sensitivity);
  dbl(a, f.risk?.score, w, 'risk.score');
  str(a, f.risk?.level);
  json(a, f.risk);
  strs(a, f.issues, w, 'issues');
  json(a, extraOf(f));
  a.endRow();
}

export function appendInput(a: DuckDBAppender, scanId: string, idx: number, i: InputReport): void {
  const w = `input ${idx}`;
  a.appendVarchar(scanId);
  a.appendInteger(idx);
  a.appendVarchar(i.path);
  a.appendVarchar(i.format);
  bool(a, i.compressed);
  big(a, i.packets, w, 'packets');
  big(a, i.bytes, w, 'bytes');
  a.appendBoolean(i.truncated);
  str(a, i.error);
  str(a, i.sha256);
  ints(a, i.linkTypes, w, 'linkTypes');
  a.endRow();
}

/* ---- schema version 2: mcp_messages, findings, mcp_payloads (core/store/schema.ts) ---- */

/** Appends one mcp_messages row per message record of the flow (MCP_MESSAGE_COLUMNS order). */
export function appendMcpMessages(a: DuckDBAppender, scanId: string, f: FlowReport): number {
  const m = f.mcp;
  if (m === null || m === undefined) return 0;
  const list = m['messages'];
  if (!Array.isArray(list)) return 0;
  const session = typeof m.session === 'string' ? m.session : null;
  const w = `flow ${String(f.id)}`;
  let n = 0;
  list.forEach((raw: unknown, seq) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw bad(w, `mcp.messages[${seq}]`, raw);
    const r = raw as Record<string, unknown>;
    const field = (k: string): string => `mcp.messages[${seq}].${k}`;
    const s = (k: string): string | null => {
      const v = r[k];
      if (v === null || v === undefined) return null;
      if (typeof v !== 'string') throw bad(w, field(k), v);
      return v;
    };
    const nOrNull = (k: string): number | null => {
      const v = r[k];
      if (v === null || v === undefined) return null;
      if (typeof v !== 'number') throw bad(w, field(k), v);
      return v;
    };
    a.appendVarchar(scanId);
    big(a, f.id, w, 'id');
    a.appendInteger(seq);
    const us = nOrNull('tsMicros');
    if (us === null) a.appendNull();
    else if (Number.isSafeInteger(us)) a.appendTimestamp(timestampValue(BigInt(us)));
    else throw bad(w, field('tsMicros'), us);
    const dir = s('dir');
    if (dir !== 'c2s' && dir !== 's2c') throw bad(w, field('dir'), dir);
    a.appendVarchar(dir);
    str(a, s('id'));
    str(a, s('method'));
    const kind = s('kind');
    if (kind === null) throw bad(w, field('kind'), kind);
    a.appendVarchar(kind);
    str(a, s('tool'));
    str(a, s('uri'));
    big(a, nOrNull('size'), w, field('size'));
    int(a, nOrNull('status'), w, field('status'));
    str(a, session);
    a.endRow();
    n++;
  });
  return n;
}

const LEVELS = new Set(['none', 'low', 'medium', 'high', 'critical']);

/** Appends one findings row (FINDING_COLUMNS order). */
export function appendFinding(a: DuckDBAppender, scanId: string, idx: number, fd: Finding): void {
  const w = `finding ${idx}`;
  if (fd === null || typeof fd !== 'object') throw bad(w, 'finding', fd);
  if (typeof fd.ruleId !== 'string' || fd.ruleId === '') throw bad(w, 'ruleId', fd.ruleId);
  if (!LEVELS.has(fd.level)) throw bad(w, 'level', fd.level);
  if (typeof fd.message !== 'string') throw bad(w, 'message', fd.message);
  a.appendVarchar(scanId);
  a.appendInteger(idx);
  a.appendVarchar(fd.ruleId);
  a.appendVarchar(fd.level);
  a.appendVarchar(fd.message);
  str(a, typeof fd.server === 'string' ? fd.server : null);
  str(a, typeof fd.client === 'string' ? fd.client : null);
  ints(a, Array.isArray(fd.flowIds) ? fd.flowIds : null, w, 'flowIds');
  str(a, typeof fd.recommendation === 'string' ? fd.recommendation : null);
  json(a, fd.evidence);
  a.endRow();
}

/** Appends the flow's opt-in payload rows (MCP_PAYLOAD_COLUMNS order); none by default. */
export function appendMcpPayloads(a: DuckDBAppender, scanId: string, f: FlowReport): number {
  const list = f.mcp?.payloads;
  if (!Array.isArray(list)) return 0;
  const w = `flow ${String(f.id)}`;
  list.forEach((p: McpPayloadReport, i) => {
    if (p === null || typeof p !== 'object' || !Number.isInteger(p.seq) || p.seq < 0) throw bad(w, `mcp.payloads[${i}].seq`, p?.seq);
    a.appendVarchar(scanId);
    big(a, f.id, w, 'id');
    a.appendInteger(p.seq);
    json(a, p.params);
    json(a, p.result);
    json(a, p.error);
    a.endRow();
  });
  return list.length;
}

/**
 * Writes the schema-2 rows of a report (mcp_messages, findings, mcp_payloads). Call inside
 * writeScan's open transaction, after the flows; rows of the same scan id are deleted first so
 * a replaced scan never keeps stale rows. On failure the appender is discarded and the error
 * rethrown for the caller's ROLLBACK.
 */
export async function writeScanDetails(conn: DuckDBConnection, scanId: string, report: ScanReport): Promise<void> {
  for (const t of SCAN_DETAIL_TABLES) await conn.run(`DELETE FROM ${t} WHERE scan_id = $id`, { id: scanId });
  const steps: [string, (a: DuckDBAppender) => void][] = [
    ['mcp_messages', (a) => { for (const f of report.flows) appendMcpMessages(a, scanId, f); }],
    ['findings', (a) => { (report.findings ?? []).forEach((fd, i) => appendFinding(a, scanId, i, fd)); }],
  ];
  if (report.flows.some((f) => Array.isArray(f.mcp?.payloads) && (f.mcp?.payloads?.length ?? 0) > 0)) {
    steps.push(['mcp_payloads', (a) => { for (const f of report.flows) appendMcpPayloads(a, scanId, f); }]);
  }
  for (const [table, fill] of steps) {
    const a = await conn.createAppender(table);
    try {
      fill(a);
      a.closeSync();
    } catch (err) {
      try { a.clear(); } catch { /* already failed */ }
      try { a.closeSync(); } catch { /* already failed */ }
      throw err;
    }
  }
}
