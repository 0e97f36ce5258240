/**
 * Administration of a hndl-scan DuckDB file (issue "Reports and CI gate"), always opened with
 * access_mode READ_ONLY so no statement can change it at the engine level:
 *
 * - readOnlyQuery: one user SQL statement, with file access disabled and the configuration
 *   locked (no COPY TO, ATTACH, INSTALL or SET to lift the limits);
 * - exportParquet: one Parquet file per table via `COPY (SELECT * FROM t) TO … (FORMAT parquet)`
 *   (parquet is built into DuckDB; extensions are never installed or loaded);
 * - listScanCaptures / diffScans: scans with their inputs' SHA-256, scans of the same capture
 *   recognised by those digests, and a comparison of two scans per negotiated class and per
 *   server ("did PQ adoption go up?"). Schema: schema.ts.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from './duckdb.js';
import type { DuckDBConnection, DuckDBValue, Json } from '@duckdb/node-api';
import { migrate, readSchemaVersion } from './migrate.js';

export type AdminErrorCode = 'NOT_FOUND' | 'UNREADABLE' | 'NOT_HNDL_DB' | 'BAD_QUERY' | 'NO_SCAN' | 'AMBIGUOUS' | 'EXPORT_FAILED';

export class AdminError extends Error {
  readonly code: AdminErrorCode;
  constructor(code: AdminErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AdminError';
    this.code = code;
  }
}

const KEX_ORDER = ['plaintext', 'classical', 'unknown', 'hybrid', 'pq'] as const;

function msgOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export interface AdminDb {
  readonly path: string;
  readonly conn: DuckDBConnection;
  close(): void;
}

/**
 * Open `path` READ_ONLY. `files: false` (default) also disables every file-system access of SQL
 * (COPY, ATTACH, read_csv, INSTALL …) and locks the configuration.
 */
export async function openAdminDb(path: string, opts: { files?: boolean } = {}): Promise<AdminDb> {
  if (!existsSync(path)) throw new AdminError('NOT_FOUND', `${path}: no such database file`);
  const config: Record<string, string> = {
    access_mode: 'READ_ONLY',
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  };
  if (opts.files !== true) {
    config['enable_external_access'] = 'false';
    config['lock_configuration'] = 'true';
  }
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, config);
  } catch (e: unknown) {
    throw new AdminError('UNREADABLE', `${path}: cannot open as a DuckDB database: ${msgOf(e)}`, { cause: e });
  }
  try {
    const conn = await instance.connect();
    return {
      path,
      conn,
      close: () => {
        conn.closeSync();
        instance.closeSync();
      },
    };
  } catch (e: unknown) {
    instance.closeSync();
    throw e;
  }
}

/** Fail unless the file is a hndl-scan store at this build's schema version. */
export async function checkHndlDb(db: AdminDb): Promise<void> {
  if ((await readSchemaVersion(db.conn)) === 0) {
    throw new AdminError('NOT_HNDL_DB', `${db.path}: not a hndl-scan database (no schema version)`);
  }
  await migrate(db.conn, { readOnly: true });
}

async function rows(conn: DuckDBConnection, sql: string, params?: Record<string, DuckDBValue>): Promise<Record<string, Json>[]> {
  const r = await conn.runAndReadAll(sql, params);
  return r.getRowObjectsJson();
}

// ---------------------------------------------------------------------------------------------
// read-only query

export interface QueryResult {
  columns: string[];
  types: string[];
  /** JSON-safe values: big integers and timestamps as strings, lists and structs as JSON */
  rows: Json[][];
}

const INTEGER_TYPES = new Set(['BIGINT', 'UBIGINT', 'HUGEINT', 'UHUGEINT']);

/** a big-integer JSON string as a number when it is exactly representable */
function safeInt(v: Json): Json {
  if (typeof v !== 'string' || !/^-?\d+$/.test(v)) return v;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
}

/** Run exactly one SQL statement on a read-only connection. Errors (syntax, writes) are BAD_QUERY. */
export async function readOnlyQuery(db: AdminDb, sql: string): Promise<QueryResult> {
  try {
    const extracted = await db.conn.extractStatements(sql);
    if (extracted.count !== 1) throw new AdminError('BAD_QUERY', `give exactly one SQL statement (got ${extracted.count})`);
    const stmt = await extracted.prepare(0);
    const r = await stmt.runAndReadAll();
    const types = r.columnTypes().map((t) => t.toString());
    const ints = types.map((t) => INTEGER_TYPES.has(t));
    const out = r.getRowsJson().map((row) => row.map((v, i) => (ints[i] === true ? safeInt(v) : v)));
    return { columns: r.columnNames(), types, rows: out };
  } catch (e: unknown) {
    if (e instanceof AdminError) throw e;
    throw new AdminError('BAD_QUERY', msgOf(e), { cause: e });
  }
}

// ---------------------------------------------------------------------------------------------
// parquet export

export interface ExportedTable {
  table: string;
  file: string;
  rows: number;
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function sqlIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/** Write DIR/<table>.parquet for every base table of the main schema (DIR is created). */
export async function exportParquet(db: AdminDb, dir: string): Promise<ExportedTable[]> {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e: unknown) {
    throw new AdminError('EXPORT_FAILED', `cannot create ${dir}: ${msgOf(e)}`, { cause: e });
  }
  const tables = await rows(
    db.conn,
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const out: ExportedTable[] = [];
  for (const t of tables) {
    const table = String(t['table_name']);
    const file = join(dir, `${table.replace(/[^A-Za-z0-9_.-]/g, '_')}.parquet`);
    try {
      await db.conn.run(`COPY (SELECT * FROM ${sqlIdent(table)}) TO ${sqlString(resolve(file))} (FORMAT parquet)`);
    } catch (e: unknown) {
      throw new AdminError('EXPORT_FAILED', `cannot export table ${table} to ${file}: ${msgOf(e)}`, { cause: e });
    }
    const n = await rows(db.conn, `SELECT count(*)::BIGINT AS n FROM ${sqlIdent(table)}`);
    out.push({ table, file, rows: Number(n[0]?.['n'] ?? 0) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// scans and captures

export interface ScanInputDigest {
  path: string;
  sha256: string | null;
}

export interface ScanCapture {
  id: string;
  startedAt: string | null;
  storedAt: string;
  inputs: ScanInputDigest[];
  flows: number;
  byNegotiated: Record<string, number>;
  /** digest identifying the set of input files (the input's own SHA-256 when there is one); null when a digest is missing */
  captureId: string | null;
  /** 1 for the first scan of this capture, 2 for the next … (chronological) */
  captureScan: number;
  /** scans of this capture in the database */
  captureScans: number;
}

export function captureIdOf(inputs: readonly ScanInputDigest[]): string | null {
  const shas: string[] = [];
  for (const i of inputs) {
    if (i.sha256 === null || i.sha256 === '') return null;
    shas.push(i.sha256);
  }
  if (shas.length === 0) return null;
  if (shas.length === 1) return shas[0] ?? null;
  return createHash('sha256').update([...shas].sort().join('\n')).digest('hex');
}

function byNegotiatedOf(summary: Json | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (typeof summary !== 'string') return out;
  try {
    const parsed: unknown = JSON.parse(summary);
    if (parsed === null || typeof parsed !== 'object' || !('byNegotiated' in parsed)) return out;
    const by: unknown = parsed.byNegotiated;
    if (by === null || typeof by !== 'object') return out;
    for (const [k, v] of Object.entries(by)) if (typeof v === 'number') out[k] = v;
  } catch {
    /* a summary that is not JSON has no histogram */
  }
  return out;
}

function isoOf(v: Json | undefined): string | null {
  if (typeof v !== 'string') return null;
  return v.includes('T') ? v : `${v.replace(' ', 'T')}Z`;
}

/** Every scan, oldest first, with its inputs' digests and its place among scans of the same capture. */
export async function listScanCaptures(db: AdminDb): Promise<ScanCapture[]> {
  await checkHndlDb(db);
  const scans = await rows(
    db.conn,
    `SELECT scan_id, strftime(started_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS started,
            strftime(stored_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS stored, flows, summary
       FROM scans ORDER BY started_at ASC NULLS FIRST, stored_at ASC, scan_id ASC`,
  );
  const inputs = await rows(db.conn, `SELECT scan_id, path, sha256 FROM inputs ORDER BY scan_id, idx`);
  const byScan = new Map<string, ScanInputDigest[]>();
  for (const r of inputs) {
    const id = String(r['scan_id']);
    const list = byScan.get(id) ?? [];
    list.push({ path: String(r['path']), sha256: typeof r['sha256'] === 'string' ? r['sha256'] : null });
    byScan.set(id, list);
  }
  const seen = new Map<string, number>();
  const list: ScanCapture[] = scans.map((r) => {
    const id = String(r['scan_id']);
    const ins = byScan.get(id) ?? [];
    const captureId = captureIdOf(ins);
    const n = captureId === null ? 1 : (seen.get(captureId) ?? 0) + 1;
    if (captureId !== null) seen.set(captureId, n);
    return {
      id,
      startedAt: isoOf(r['started']),
      storedAt: isoOf(r['stored']) ?? '',
      inputs: ins,
      flows: Number(r['flows'] ?? 0),
      byNegotiated: byNegotiatedOf(r['summary']),
      captureId,
      captureScan: n,
      captureScans: 1,
    };
  });
  for (const s of list) if (s.captureId !== null) s.captureScans = seen.get(s.captureId) ?? 1;
  return list;
}

/** A scan id from an exact id or a unique prefix (at least 4 characters). */
export function resolveScanId(scans: readonly ScanCapture[], idOrPrefix: string): ScanCapture {
  const exact = scans.find((s) => s.id === idOrPrefix);
  if (exact !== undefined) return exact;
  const matches = idOrPrefix.length >= 4 ? scans.filter((s) => s.id.startsWith(idOrPrefix)) : [];
  const first = matches[0];
  if (first === undefined) throw new AdminError('NO_SCAN', `no scan '${idOrPrefix}' in the database (see db list)`);
  if (matches.length > 1) throw new AdminError('AMBIGUOUS', `scan id prefix '${idOrPrefix}' matches ${matches.length} scans`);
  return first;
}

/** The two most recent scans of the most recently scanned capture that was scanned at least twice. */
export function latestRepeatedPair(scans: readonly ScanCapture[]): [ScanCapture, ScanCapture] {
  for (let i = scans.length - 1; i >= 0; i--) {
    const b = scans[i];
    if (b === undefined || b.captureId === null || b.captureScans < 2) continue;
    for (let j = i - 1; j >= 0; j--) {
      const a = scans[j];
      if (a !== undefined && a.captureId === b.captureId) return [a, b];
    }
  }
  throw new AdminError('NO_SCAN', 'no capture was scanned twice (same input SHA-256): give two scan ids');
}

// ---------------------------------------------------------------------------------------------
// diff

export type ServerChange = 'regressed' | 'improved' | 'new' | 'gone' | 'changed' | 'unchanged';

export interface ClassDelta {
  kex: string;
  a: number;
  b: number;
  delta: number;
}

export interface ServerDiff {
  /** SNI when seen, else the server address */
  server: string;
  port: number;
  a: Record<string, number>;
  b: Record<string, number>;
  groupsA: string[];
  groupsB: string[];
  change: ServerChange;
}

export interface PqShare {
  /** hybrid + pq flows */
  protected: number;
  /** flows with a known class (all but unknown) */
  known: number;
  share: number | null;
}

export interface ScanDiff {
  a: ScanCapture;
  b: ScanCapture;
  sameCapture: boolean;
  byNegotiated: ClassDelta[];
  pqA: PqShare;
  pqB: PqShare;
  /** did the share of hybrid/pq flows among known flows go up? */
  pqAdoption: 'up' | 'down' | 'same';
  servers: ServerDiff[];
}

interface ServerAgg {
  server: string;
  port: number;
  classes: Record<string, number>;
  groups: Set<string>;
}

async function serverAggs(db: AdminDb, scanId: string): Promise<Map<string, ServerAgg>> {
  const rs = await rows(
    db.conn,
    `SELECT coalesce(lower(sni), server_ip) AS server, server_port AS port, kex_negotiated AS kex,
            kex_group AS grp, count(*)::BIGINT AS n
       FROM flows WHERE scan_id = $id GROUP BY ALL`,
    { id: scanId },
  );
  const out = new Map<string, ServerAgg>();
  for (const r of rs) {
    const server = String(r['server']);
    const port = Number(r['port']);
    const key = `${server}\u0000${port}`;
    const agg = out.get(key) ?? { server, port, classes: {}, groups: new Set<string>() };
    const kex = String(r['kex']);
    agg.classes[kex] = (agg.classes[kex] ?? 0) + Number(r['n']);
    if (typeof r['grp'] === 'string') agg.groups.add(r['grp']);
    out.set(key, agg);
  }
  return out;
}

function pqShare(classes: Record<string, number>): PqShare {
  let known = 0;
  for (const [k, v] of Object.entries(classes)) if (k !== 'unknown') known += v;
  const prot = (classes['hybrid'] ?? 0) + (classes['pq'] ?? 0);
  return { protected: prot, known, share: known === 0 ? null : prot / known };
}

function plaintextShare(classes: Record<string, number>): number | null {
  const s = pqShare(classes);
  return s.known === 0 ? null : (classes['plaintext'] ?? 0) / s.known;
}

function sameKeys(x: Iterable<string>, y: Iterable<string>): boolean {
  const a = [...x].sort();
  const b = [...y].sort();
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** How a server's exposure changed from scan A to scan B. */
export function classifyServerChange(a: Record<string, number> | null, b: Record<string, number> | null, groupsSame = true): ServerChange {
  if (a === null && b === null) return 'unchanged';
  if (a === null) return 'new';
  if (b === null) return 'gone';
  const pa = pqShare(a).share;
  const pb = pqShare(b).share;
  if (pa !== null && pb !== null && pa !== pb) return pb > pa ? 'improved' : 'regressed';
  const ta = plaintextShare(a);
  const tb = plaintextShare(b);
  if (ta !== null && tb !== null && ta !== tb) return tb < ta ? 'improved' : 'regressed';
  const present = (c: Record<string, number>): string[] => Object.keys(c).filter((k) => (c[k] ?? 0) > 0);
  return sameKeys(present(a), present(b)) && groupsSame ? 'unchanged' : 'changed';
}

const CHANGE_ORDER: Record<ServerChange, number> = { regressed: 0, improved: 1, new: 2, gone: 3, changed: 4, unchanged: 5 };

function sum(classes: Record<string, number>, into: Record<string, number>): void {
  for (const [k, v] of Object.entries(classes)) into[k] = (into[k] ?? 0) + v;
}

/** Compare scan A (before) with scan B (after). */
export async function diffScans(db: AdminDb, a: ScanCapture, b: ScanCapture): Promise<ScanDiff> {
  const sa = await serverAggs(db, a.id);
  const sb = await serverAggs(db, b.id);
  const totA: Record<string, number> = {};
  const totB: Record<string, number> = {};
  for (const s of sa.values()) sum(s.classes, totA);
  for (const s of sb.values()) sum(s.classes, totB);
  const kexes = [...KEX_ORDER, ...Object.keys({ ...totA, ...totB }).filter((k) => !(KEX_ORDER as readonly string[]).includes(k))];
  const byNegotiated = kexes.map((kex) => ({ kex, a: totA[kex] ?? 0, b: totB[kex] ?? 0, delta: (totB[kex] ?? 0) - (totA[kex] ?? 0) }));
  const servers: ServerDiff[] = [];
  for (const key of new Set([...sa.keys(), ...sb.keys()])) {
    const x = sa.get(key);
    const y = sb.get(key);
    const ref = x ?? y;
    if (ref === undefined) continue;
    const groupsA = [...(x?.groups ?? [])].sort();
    const groupsB = [...(y?.groups ?? [])].sort();
    servers.push({
      server: ref.server,
      port: ref.port,
      a: x?.classes ?? {},
      b: y?.classes ?? {},
      groupsA,
      groupsB,
      change: classifyServerChange(x?.classes ?? null, y?.classes ?? null, sameKeys(groupsA, groupsB)),
    });
  }
  servers.sort((p, q) => CHANGE_ORDER[p.change] - CHANGE_ORDER[q.change] || p.server.localeCompare(q.server) || p.port - q.port);
  const pqA = pqShare(totA);
  const pqB = pqShare(totB);
  const shareA = pqA.share ?? 0;
  const shareB = pqB.share ?? 0;
  return {
    a,
    b,
    sameCapture: a.captureId !== null && a.captureId === b.captureId,
    byNegotiated,
    pqA,
    pqB,
    pqAdoption: shareB > shareA ? 'up' : shareB < shareA ? 'down' : 'same',
    servers,
  };
}
