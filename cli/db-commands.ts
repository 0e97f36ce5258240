/**
 * `hndl-scan db list|query|export|diff` (issue "Reports and CI gate"): inspect a hndl-scan
 * DuckDB file opened READ_ONLY (core/store/admin.ts). User errors (missing file, not a hndl-scan
 * database, bad SQL, a write statement) are one line on stderr and exit 2; `db diff
 * --fail-on-regression` exits 1 when PQ adoption went down or a server regressed
 * (../shared/contract/README.md).
 */
import type { Command } from 'commander';
import { safeText } from '../core/report/table.js';
import type { AdminDb, PqShare, ScanCapture, ScanDiff } from '../core/store/admin.js';
import { StoreError } from '../core/store/types.js';

/** the DuckDB-backed admin module, loaded only when a db command runs (keeps scans light) */
type Admin = typeof import('../core/store/admin.js');
const loadAdmin = (): Promise<Admin> => import('../core/store/admin.js');
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './errors.js';

export const DEFAULT_DB = 'hndl-scan.duckdb';
const MAX_CELL = 80;

type Out = (s: string) => void;
const stdout: Out = (s) => process.stdout.write(s);

interface DbOpts {
  db: string;
  json?: boolean;
}

async function withDb<T>(path: string, files: boolean, fn: (db: AdminDb, admin: Admin) => Promise<T>): Promise<T> {
  const admin = await loadAdmin();
  let db: AdminDb | null = null;
  try {
    db = await admin.openAdminDb(path, { files });
    return await fn(db, admin);
  } catch (e: unknown) {
    if (e instanceof admin.AdminError || e instanceof StoreError) throw new UsageError(e.message);
    throw e;
  } finally {
    db?.close();
  }
}

function cell(v: unknown): string {
  let s: string;
  if (v === null || v === undefined) s = 'NULL';
  else if (typeof v === 'string') s = v;
  else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') s = String(v);
  else s = JSON.stringify(v);
  s = safeText(s);
  return s.length > MAX_CELL ? `${s.slice(0, MAX_CELL - 1)}…` : s;
}

/** Plain aligned text table; numeric columns right-aligned. */
export function renderGrid(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const text = rows.map((r) => headers.map((_, i) => cell(r[i])));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || r[i] === null));
  const widths = headers.map((h, i) => Math.max(safeText(h).length, ...text.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (numeric[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return `${[line(headers.map(safeText)), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)].join('\n')}\n`;
}

function histogram(by: Record<string, number>): string {
  const order = ['plaintext', 'classical', 'unknown', 'hybrid', 'pq'];
  const keys = [...order.filter((k) => (by[k] ?? 0) > 0), ...Object.keys(by).filter((k) => !order.includes(k) && (by[k] ?? 0) > 0)];
  return keys.length === 0 ? '-' : keys.map((k) => `${k}:${by[k] ?? 0}`).join(' ');
}

function shortId(s: ScanCapture): string {
  return s.id.slice(0, 8);
}

function captureLabel(s: ScanCapture): string {
  if (s.captureId === null) return '-';
  const base = s.captureId.slice(0, 12);
  return s.captureScans > 1 ? `${base} (${s.captureScan}/${s.captureScans})` : base;
}

export async function runDbList(opts: DbOpts, out: Out = stdout): Promise<number> {
  const scans = await withDb(opts.db, false, (db, a) => a.listScanCaptures(db));
  if (opts.json === true) {
    out(`${JSON.stringify(scans, null, 2)}\n`);
    return EXIT_OK;
  }
  if (scans.length === 0) {
    out(`no scans in ${opts.db}\n`);
    return EXIT_OK;
  }
  out(renderGrid(
    ['scan', 'started', 'flows', 'negotiated', 'capture (sha256)', 'inputs'],
    scans.map((s) => [shortId(s), s.startedAt ?? '-', s.flows, histogram(s.byNegotiated), captureLabel(s), s.inputs.map((i) => i.path).join(', ')]),
  ));
  const repeated = new Set(scans.filter((s) => s.captureScans > 1).map((s) => s.captureId));
  out(`${scans.length} scan(s); ${repeated.size} capture(s) scanned more than once (n/m = n-th of m scans of the same input SHA-256; compare with db diff)\n`);
  return EXIT_OK;
}

export async function runDbQuery(sql: string, opts: DbOpts, out: Out = stdout): Promise<number> {
  if (sql.trim() === '') throw new UsageError('db query: give one SQL statement');
  const r = await withDb(opts.db, false, async (db, a) => {
    try {
      return await a.readOnlyQuery(db, sql);
    } catch (e: unknown) {
      if (e instanceof a.AdminError) throw new a.AdminError(e.code, `query failed: ${e.message.split('\n')[0] ?? ''}`);
      throw e;
    }
  });
  if (opts.json === true) {
    const objs = r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i] ?? null])));
    out(`${JSON.stringify(objs, null, 2)}\n`);
    return EXIT_OK;
  }
  out(renderGrid(r.columns, r.rows));
  out(`(${r.rows.length} row${r.rows.length === 1 ? '' : 's'})\n`);
  return EXIT_OK;
}

export async function runDbExport(opts: { db: string; parquet: string }, out: Out = stdout): Promise<number> {
  const tables = await withDb(opts.db, true, (db, a) => a.exportParquet(db, opts.parquet));
  for (const t of tables) out(`${t.file}  ${t.rows} row${t.rows === 1 ? '' : 's'}\n`);
  return EXIT_OK;
}

function pct(s: PqShare): string {
  return s.share === null ? `${s.protected}/${s.known}` : `${s.protected}/${s.known} (${(s.share * 100).toFixed(1)}%)`;
}

export function renderDiff(d: ScanDiff, all: boolean): string {
  const lines: string[] = [];
  const head = (tag: string, s: ScanCapture): string =>
    `scan ${tag}  ${s.id}  ${s.startedAt ?? '-'}  ${safeText(s.inputs.map((i) => i.path).join(', '))}`;
  lines.push(head('A', d.a), head('B', d.b));
  lines.push(d.sameCapture ? `same capture (sha256 ${d.a.captureId?.slice(0, 12) ?? ''})` : 'different captures');
  lines.push('');
  let text = `${lines.join('\n')}\n`;
  text += renderGrid(['negotiated', 'A', 'B', 'change'], d.byNegotiated.map((c) => [c.kex, c.a, c.b, c.delta > 0 ? `+${c.delta}` : String(c.delta)]));
  text += `\nPQ-protected flows (hybrid + pq of known): ${pct(d.pqA)} -> ${pct(d.pqB)}: PQ adoption ${d.pqAdoption}\n`;
  const shown = all ? d.servers : d.servers.filter((s) => s.change !== 'unchanged');
  const changed = d.servers.filter((s) => s.change !== 'unchanged').length;
  text += `\n${changed} of ${d.servers.length} server(s) changed\n`;
  if (shown.length > 0) {
    text += renderGrid(
      ['change', 'server', 'port', 'A', 'B', 'groups A -> B'],
      shown.map((s) => [s.change, s.server, s.port, histogram(s.a), histogram(s.b), `${s.groupsA.join(',') || '-'} -> ${s.groupsB.join(',') || '-'}`]),
    );
  }
  return text;
}

export async function runDbDiff(
  ids: string[],
  opts: DbOpts & { all?: boolean; failOnRegression?: boolean },
  out: Out = stdout,
): Promise<number> {
  if (ids.length !== 0 && ids.length !== 2) throw new UsageError('db diff: give two scan ids (SCAN_A SCAN_B), or none to compare the last two scans of the same capture');
  const d = await withDb(opts.db, false, async (db, admin) => {
    const scans = await admin.listScanCaptures(db);
    const [a, b] = ids.length === 2 ? [admin.resolveScanId(scans, ids[0] ?? ''), admin.resolveScanId(scans, ids[1] ?? '')] : admin.latestRepeatedPair(scans);
    return admin.diffScans(db, a, b);
  });
  out(opts.json === true ? `${JSON.stringify(d, null, 2)}\n` : renderDiff(d, opts.all === true));
  if (opts.failOnRegression === true && (d.pqAdoption === 'down' || d.servers.some((s) => s.change === 'regressed'))) return EXIT_FINDINGS;
  return EXIT_OK;
}

function oneLineErrors(cmd: Command): Command {
  return cmd.exitOverride().configureOutput({
    writeErr: (s) => process.stderr.write(s),
    outputError: (s, write) => write(`hndl-scan: ${s.replace(/^error: /, '').trim()}\n`),
  });
}

/** Register `db` and its subcommands on the root program. */
export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('inspect a hndl-scan DuckDB file (opened read-only)');
  const dbOption = (c: Command): Command => c.option('--db <path>', 'DuckDB file with stored scans', DEFAULT_DB);

  oneLineErrors(dbOption(db.command('list'))
    .description('stored scans: time, flows, negotiated classes, input SHA-256 (repeated captures marked n/m)')
    .option('--json', 'JSON output')
    .action(async (opts: DbOpts) => {
      process.exitCode = await runDbList(opts);
    }));

  oneLineErrors(dbOption(db.command('query'))
    .description('run one read-only SQL statement (tables: scans, inputs, flows, mcp_messages, findings, mcp_payloads, meta; view handshakes)')
    .argument('<sql>', 'SQL statement')
    .option('--json', 'JSON output (array of row objects)')
    .action(async (sql: string, opts: DbOpts) => {
      process.exitCode = await runDbQuery(sql, opts);
    }));

  oneLineErrors(dbOption(db.command('export'))
    .description('write one Parquet file per table into DIR')
    .requiredOption('--parquet <dir>', 'output directory (created)')
    .action(async (opts: { db: string; parquet: string }) => {
      process.exitCode = await runDbExport(opts);
    }));

  oneLineErrors(dbOption(db.command('diff'))
    .description('compare two scans per negotiated class and per server (default: the last two scans of the same capture)')
    .argument('[scans...]', 'SCAN_A SCAN_B (ids or unique prefixes)')
    .option('--all', 'list unchanged servers too')
    .option('--json', 'JSON output')
    .option('--fail-on-regression', 'exit 1 when PQ adoption went down or a server regressed')
    .action(async (ids: string[], opts: DbOpts & { all?: boolean; failOnRegression?: boolean }) => {
      process.exitCode = await runDbDiff(ids, opts);
    }));
}
