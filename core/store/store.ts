/**
 * The DuckDB store: openStore() opens (or creates and migrates) a database file and returns a
 * Store. One connection; operations are serialised so a write transaction never interleaves
 * with a read. Flows and inputs are written with the DuckDB Appender inside one transaction
 * (rolled back on any failure). Extensions are never installed or loaded at run time.
 */
import { DuckDBInstance, timestampValue } from './duckdb.js';
import { writeScanDetails } from './write.js';
import { SCAN_DETAIL_TABLES } from './schema.js';
import type { DuckDBAppender, DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { FlowReport, ScanReport } from '../report/model.js';
import { migrate } from './migrate.js';
import { buildFlowQuery } from './query.js';
import { FLOW_SELECT, INPUT_SELECT, flowFromRow, inputFromRow, iso, jsonObject, num, str } from './read.js';
import type { Row } from './read.js';
import { isoToMicros } from './time.js';
import { wellFormed } from '../report/format-util.js';
import { StoreError } from './types.js';
import type {
  FlowPage, ListFlowsOptions, OpenStoreOptions, QueryFn, ScanListItem, ScanRecord, Store, WriteScanOptions,
} from './types.js';
import { appendFlows, appendInput } from './write.js';

const REPORT_KEYS = new Set(['tool', 'scan', 'summary', 'flows', 'findings']);

class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.tail.then(fn, fn);
    this.tail = p.then(
      () => undefined,
      () => undefined,
    );
    return p;
  }
}

function tsParam(v: string | undefined, field: string): DuckDBValue {
  if (v === undefined || v === null) return null;
  const us = isoToMicros(v);
  if (us === null) throw new StoreError('INVALID_REPORT', `scan: invalid ${field}: ${JSON.stringify(v)}`);
  return timestampValue(us);
}

function intParam(v: number | undefined, field: string): DuckDBValue {
  if (v === undefined || v === null) return 0n;
  if (!Number.isSafeInteger(v)) throw new StoreError('INVALID_REPORT', `summary: invalid ${field}: ${String(v)}`);
  return BigInt(v);
}

/**
 * The scan row's own fields of a report given to writeScan (an upload may hold anything): tool
 * name and version are text, the duration a number of milliseconds a report can have.
 */
function checkScanHeader(report: ScanReport): void {
  const tool: unknown = report.tool;
  if (tool !== undefined && (typeof tool !== 'object' || tool === null || Array.isArray(tool))) {
    throw new StoreError('INVALID_REPORT', 'tool must be an object');
  }
  const t = tool as { name?: unknown; version?: unknown } | undefined;
  for (const k of ['name', 'version'] as const) {
    const v = t?.[k];
    if (v !== undefined && v !== null && typeof v !== 'string') throw new StoreError('INVALID_REPORT', `tool.${k} must be a string`);
  }
  const d: unknown = report.scan.durationMs;
  if (d !== undefined && d !== null && (typeof d !== 'number' || !Number.isFinite(d) || d < 0 || d > Number.MAX_SAFE_INTEGER)) {
    throw new StoreError('INVALID_REPORT', 'scan.durationMs must be a number of milliseconds');
  }
}

function reportExtra(report: ScanReport): string | null {
  const extra: Record<string, unknown> = {};
  let any = false;
  for (const k of Object.keys(report)) {
    if (REPORT_KEYS.has(k) || report[k] === undefined) continue;
    extra[k] = report[k];
    any = true;
  }
  return any ? JSON.stringify(extra) : null;
}

function wrapWriteError(err: unknown): unknown {
  if (err instanceof StoreError) return err;
  // a value of the wrong type in the report (the Appender's or our own property access failed)
  if (err instanceof TypeError) return new StoreError('INVALID_REPORT', `invalid report: ${err.message}`, { cause: err });
  const msg = err instanceof Error ? err.message : String(err);
  if (/constraint|conversion|invalid|out of range|cannot create values of type/i.test(msg)) {
    return new StoreError('INVALID_REPORT', msg, { cause: err });
  }
  return err;
}

async function rows(conn: DuckDBConnection, sql: string, params?: Record<string, DuckDBValue>): Promise<Row[]> {
  const reader = await conn.runAndReadAll(sql, params);
  return reader.getRowObjectsJS();
}

class DuckStore implements Store {
  private readonly serial = new Serial();
  private closed = false;

  constructor(
    readonly path: string,
    readonly readOnly: boolean,
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
  ) {}

  private op<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StoreError('CLOSED', 'store is closed'));
    return this.serial.run(() => {
      if (this.closed) throw new StoreError('CLOSED', 'store is closed');
      return fn(this.conn);
    });
  }

  writeScan(report: ScanReport, opts: WriteScanOptions = {}): Promise<void> {
    if (this.readOnly) return Promise.reject(new StoreError('READ_ONLY', 'store is open read-only'));
    return this.op(async (conn) => {
      const id = report.scan?.id;
      if (typeof id !== 'string' || id === '') throw new StoreError('INVALID_REPORT', 'scan.id is missing');
      // DuckDB would store a lone surrogate as U+FFFD: the scan could not be found by its own id
      if (wellFormed(id) !== id) throw new StoreError('INVALID_REPORT', 'scan.id is not well-formed Unicode (a lone surrogate)');
      checkScanHeader(report);
      await conn.run('BEGIN TRANSACTION');
      let appender: DuckDBAppender | null = null;
      try {
        const existing = await rows(conn, 'SELECT 1 AS x FROM scans WHERE scan_id = $id', { id });
        if (existing.length > 0) {
          if (opts.replace !== true) throw new StoreError('SCAN_EXISTS', `scan ${id} is already stored`);
          for (const t of [...SCAN_DETAIL_TABLES, 'flows', 'inputs', 'scans']) await conn.run(`DELETE FROM ${t} WHERE scan_id = $id`, { id });
        }
        const s = report.summary;
        await conn.run(
          `INSERT INTO scans VALUES ($id, $started, $finished, $duration, $tool, $version,
             $flows, $packets, $bytes, $summary, $options, $findings, $extra, $stored)`,
          {
            id,
            started: tsParam(report.scan.startedAt, 'startedAt'),
            finished: tsParam(report.scan.finishedAt, 'finishedAt'),
            duration: Number.isFinite(report.scan.durationMs) ? report.scan.durationMs : null,
            tool: report.tool?.name ?? 'hndl-scan',
            version: report.tool?.version ?? '',
            flows: intParam(s.flows, 'flows'),
            packets: intParam(s.packets, 'packets'),
            bytes: intParam(s.bytes, 'bytes'),
            summary: JSON.stringify(s),
            options: report.scan.options === undefined ? null : JSON.stringify(report.scan.options),
            findings: report.findings === undefined ? null : JSON.stringify(report.findings),
            extra: reportExtra(report),
            stored: timestampValue(BigInt(Date.now()) * 1000n),
          },
        );
        appender = await conn.createAppender('inputs');
        report.scan.inputs.forEach((input, idx) => appendInput(appender as DuckDBAppender, id, idx, input));
        appender.closeSync();
        appender = await conn.createAppender('flows');
        appendFlows(appender, id, report.flows);
        appender.closeSync();
        appender = null;
        await writeScanDetails(conn, id, report);
        await conn.run('COMMIT');
      } catch (err) {
        if (appender !== null) {
          try { appender.clear(); } catch { /* already failed */ }
          try { appender.closeSync(); } catch { /* already failed */ }
        }
        await conn.run('ROLLBACK').catch(() => undefined);
        throw wrapWriteError(err);
      }
    });
  }

  listScans(): Promise<ScanListItem[]> {
    return this.op(async (conn) => {
      const rs = await rows(
        conn,
        `SELECT scan_id, epoch_us(started_at) AS started_us, epoch_us(finished_at) AS finished_us,
                duration_ms, tool_version, flows, packets, bytes, summary,
                epoch_us(stored_at) AS stored_us,
                (SELECT count(*) FROM inputs i WHERE i.scan_id = s.scan_id) AS n_inputs
           FROM scans s ORDER BY started_at DESC NULLS LAST, stored_at DESC, scan_id`,
      );
      return rs.map((r) => {
        const by = jsonObject(r['summary'])?.['byNegotiated'];
        const byNegotiated: Record<string, number> = {};
        if (by !== null && typeof by === 'object') {
          for (const [k, v] of Object.entries(by)) if (typeof v === 'number') byNegotiated[k] = v;
        }
        return {
          id: str(r['scan_id']) ?? '',
          startedAt: iso(r['started_us']),
          finishedAt: iso(r['finished_us']),
          durationMs: num(r['duration_ms']),
          toolVersion: str(r['tool_version']) ?? '',
          flows: num(r['flows']) ?? 0,
          packets: num(r['packets']) ?? 0,
          bytes: num(r['bytes']) ?? 0,
          inputs: num(r['n_inputs']) ?? 0,
          byNegotiated,
          storedAt: iso(r['stored_us']) ?? '',
        };
      });
    });
  }

  private async scanRecord(conn: DuckDBConnection, id: string): Promise<ScanRecord | null> {
    const rs = await rows(
      conn,
      `SELECT scan_id, epoch_us(started_at) AS started_us, epoch_us(finished_at) AS finished_us,
              duration_ms, tool_name, tool_version, flows, packets, bytes, summary, options,
              epoch_us(stored_at) AS stored_us
         FROM scans WHERE scan_id = $id`,
      { id },
    );
    const r = rs[0];
    if (r === undefined) return null;
    const inputs = await rows(conn, `SELECT ${INPUT_SELECT} FROM inputs WHERE scan_id = $id ORDER BY idx`, { id });
    return {
      id,
      startedAt: iso(r['started_us']),
      finishedAt: iso(r['finished_us']),
      durationMs: num(r['duration_ms']),
      tool: { name: str(r['tool_name']) ?? 'hndl-scan', version: str(r['tool_version']) ?? '' },
      flows: num(r['flows']) ?? 0,
      packets: num(r['packets']) ?? 0,
      bytes: num(r['bytes']) ?? 0,
      summary: (jsonObject(r['summary']) ?? {}) as ScanReport['summary'],
      inputs: inputs.map(inputFromRow),
      options: jsonObject(r['options']),
      storedAt: iso(r['stored_us']) ?? '',
    };
  }

  getScan(id: string): Promise<ScanRecord | null> {
    return this.op((conn) => this.scanRecord(conn, id));
  }

  listFlows(scanId: string, opts: ListFlowsOptions = {}): Promise<FlowPage | null> {
    return this.op(async (conn) => {
      const q = buildFlowQuery(scanId, opts);
      const exists = await rows(conn, 'SELECT 1 AS x FROM scans WHERE scan_id = $scan', { scan: scanId });
      if (exists.length === 0) return null;
      const count = await rows(conn, `SELECT count(*) AS n FROM flows WHERE ${q.where}`, q.params);
      const page = await rows(
        conn,
        `SELECT ${FLOW_SELECT} FROM flows WHERE ${q.where} ORDER BY ${q.orderBy} LIMIT $limit OFFSET $offset`,
        { ...q.params, limit: BigInt(q.limit), offset: BigInt(q.offset) },
      );
      return { total: num(count[0]?.['n']) ?? 0, limit: q.limit, offset: q.offset, flows: page.map(flowFromRow) };
    });
  }

  getReport(id: string): Promise<ScanReport | null> {
    return this.op(async (conn) => {
      const rec = await this.scanRecord(conn, id);
      if (rec === null) return null;
      const extraRows = await rows(conn, 'SELECT findings, extra FROM scans WHERE scan_id = $id', { id });
      const findings = extraRows[0]?.['findings'];
      const extra = jsonObject(extraRows[0]?.['extra']) ?? {};
      const flowRows = await rows(conn, `SELECT ${FLOW_SELECT} FROM flows WHERE scan_id = $id ORDER BY flow_id`, { id });
      const flows: FlowReport[] = flowRows.map(flowFromRow);
      const report: ScanReport = {
        ...extra,
        tool: { name: 'hndl-scan', version: rec.tool.version },
        scan: {
          id,
          startedAt: rec.startedAt ?? '',
          finishedAt: rec.finishedAt ?? '',
          durationMs: rec.durationMs ?? 0,
          inputs: rec.inputs,
          ...(rec.options !== null ? { options: rec.options } : {}),
        },
        summary: rec.summary,
        flows,
      };
      if (typeof findings === 'string') {
        const parsed: unknown = JSON.parse(findings);
        if (Array.isArray(parsed)) report.findings = parsed;
      }
      return report;
    });
  }

  deleteScan(id: string): Promise<boolean> {
    if (this.readOnly) return Promise.reject(new StoreError('READ_ONLY', 'store is open read-only'));
    return this.op(async (conn) => {
      await conn.run('BEGIN TRANSACTION');
      try {
        const existing = await rows(conn, 'SELECT 1 AS x FROM scans WHERE scan_id = $id', { id });
        for (const t of [...SCAN_DETAIL_TABLES, 'flows', 'inputs', 'scans']) await conn.run(`DELETE FROM ${t} WHERE scan_id = $id`, { id });
        await conn.run('COMMIT');
        return existing.length > 0;
      } catch (err) {
        await conn.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  read<T>(fn: (query: QueryFn) => Promise<T>): Promise<T> {
    return this.op((conn) => fn((sql, params) => rows(conn, sql, params)));
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.serial.run(async () => {
      if (this.closed) return;
      this.closed = true;
      this.conn.closeSync();
      this.instance.closeSync();
    });
  }
}

/** Open (creating and migrating when writable) the DuckDB database at `path`. */
export async function openStore(path: string, opts: OpenStoreOptions = {}): Promise<Store> {
  const readOnly = opts.readOnly === true;
  const config: Record<string, string> = {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  };
  if (readOnly) config['access_mode'] = 'READ_ONLY';
  const instance = await DuckDBInstance.create(path, config);
  let conn: DuckDBConnection | null = null;
  try {
    conn = await instance.connect();
    await migrate(conn, { readOnly });
    return new DuckStore(path, readOnly, instance, conn);
  } catch (err) {
    conn?.closeSync();
    instance.closeSync();
    throw err;
  }
}
