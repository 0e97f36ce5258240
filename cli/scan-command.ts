/**
 * The scan command: inputs → engine → reports (table / json, several --format/--out pairs in
 * one run) → optional DuckDB store → exit code from --fail-on.
 */
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkDbPath, dbOpenProblem } from './db-path.js';
import { ScanSession } from '../core/scan.js';
import { defaultJobs, scanParallel } from '../core/merge.js';
import { Progress } from './progress.js';
import type { ScanReport, RiskLevel } from '../core/report/model.js';
import { renderTable } from '../core/report/table.js';
import { sarifPieces } from '../core/report/sarif.js';
import { cbomPieces } from '../core/report/cbom.js';
import { toMarkdown } from '../core/report/markdown.js';
import { ndjsonPieces } from '../core/report/ndjson.js';
import { jsonReportPieces } from '../core/report/json.js';
import { stdoutClosed } from './stdout.js';
import type { Store } from '../core/store/index.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './errors.js';
import { loadPolicy, PolicyError } from '../core/risk/policy.js';
import { loadMcpPolicy, McpPolicyError } from '../core/mcp/policy.js';
import type { McpPolicy } from '../core/mcp/policy.js';

function mcpPolicyFrom(path: string | undefined): McpPolicy | null {
  if (path === undefined) return null;
  try {
    return loadMcpPolicy(path);
  } catch (e: unknown) {
    if (e instanceof McpPolicyError) throw new UsageError(e.message);
    throw e;
  }
}
import type { Policy } from '../core/risk/policy.js';

function policyFrom(path: string | undefined): Policy | undefined {
  if (path === undefined) return undefined;
  try {
    return loadPolicy(path);
  } catch (e: unknown) {
    if (e instanceof PolicyError) throw new UsageError(e.message);
    throw e;
  }
}

export interface ScanCliOptions {
  format?: string[];
  out?: string[];
  db?: string;
  failOn: RiskLevel;
  streamBytes: number;
  maxFlows: number;
  maxFlowReports?: number;
  quiet?: boolean;
  policy?: string;
  sign?: string;
  inventory?: string;
  storePayloads?: boolean;
  cbomVersion?: '1.6' | '1.7';
  jobs?: number;
}

/** inputs smaller than this in total are scanned in this thread (a worker costs ~100 ms to start) */
const PARALLEL_MIN_BYTES = 64 * 1024 * 1024;

const LEVEL_RANK: Record<RiskLevel, number> = { none: 0, low: 1, medium: 2, high: 3, critical: 4 };

interface Output {
  format: string;
  out: string | null;
}

/** Pair each --format with the --out given after it; a lone --out takes json. */
export function pairOutputs(formats: string[], outs: string[]): Output[] {
  if (formats.length === 0 && outs.length === 0) return [{ format: 'table', out: null }];
  if (outs.length > formats.length && formats.length > 1) throw new UsageError('more --out than --format options: give each --out its own --format');
  if (formats.length === 0) return outs.map((o) => ({ format: 'json', out: o }));
  return formats.map((f, i) => ({ format: f, out: outs[i] ?? null }));
}

/**
 * The report in `format` as text pieces: JSON, NDJSON, SARIF and CBOM a batch of flows, servers
 * or results at a time (a large report never becomes one string: V8 strings stop at ≈ 512 MiB),
 * Markdown and the table in one piece.
 */
function render(report: ScanReport, format: string, toTty: boolean, opts: ScanCliOptions): Iterable<string> {
  switch (format) {
    case 'json':
      return jsonReportPieces(report);
    case 'ndjson':
      return ndjsonPieces(report);
    case 'sarif':
      return sarifPieces(report);
    case 'cbom':
      return cbomPieces(report, { specVersion: opts.cbomVersion ?? '1.6' });
    case 'markdown':
      return [toMarkdown(report)];
    case 'table':
    default: {
      const color = toTty && !process.env['NO_COLOR'];
      const width = toTty ? (process.stdout.columns ?? 120) : 160;
      return [renderTable(report, { color, width })];
    }
  }
}

/** writes the pieces to FILE (created or truncated); a failure is the user's: one line, exit 2 */
function writePieces(path: string, pieces: Iterable<string>): void {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'w');
    for (const piece of pieces) writeSync(fd, piece);
  } catch (e: unknown) {
    throw new UsageError(`cannot write ${path}: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

async function openStoreOrExplain(path: string): Promise<Store> {
  checkDbPath(path);
  try {
    // DuckDB loads only when --db is given
    const { openStore } = await import('../core/store/index.js');
    return await openStore(path);
  } catch (e: unknown) {
    throw new UsageError(dbOpenProblem(path, e));
  }
}

/** a report file: not a directory, in a directory that exists (checked before scanning) */
function checkOutPath(out: string): void {
  if (existsSync(out) && statSync(out).isDirectory()) throw new UsageError(`--out ${out}: is a directory (give a file path)`);
  const dir = dirname(resolve(out));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--out ${out}: no such directory ${dir}`);
}

/** Highest level among the report's findings. */
export function worstLevel(report: ScanReport): RiskLevel {
  let worst: RiskLevel = 'none';
  for (const f of report.findings ?? []) if (LEVEL_RANK[f.level] > LEVEL_RANK[worst]) worst = f.level;
  return worst;
}

export async function runScan(inputs: string[], opts: ScanCliOptions): Promise<number> {
  if (inputs.length === 0) throw new UsageError('no capture given: hndl-scan [options] <capture|->... (see --help)');
  if (inputs.filter((i) => i === '-').length > 1) throw new UsageError('standard input (-) can be read only once');
  for (const i of inputs) {
    if (i === '-') continue;
    if (!existsSync(i)) throw new UsageError(`${i}: no such file`);
    if (statSync(i).isDirectory()) throw new UsageError(`${i}: is a directory (give capture files)`);
  }
  const outputs = pairOutputs(opts.format ?? [], opts.out ?? []);
  for (const o of outputs) if (o.out !== null) checkOutPath(o.out);
  if (opts.sign !== undefined) {
    if (!existsSync(opts.sign)) throw new UsageError(`${opts.sign}: no such key file (make one with: hndl-scan keygen)`);
    if (outputs.some((o) => o.out === null)) throw new UsageError('--sign needs every report written to a file: give each --format its --out');
    // the key is read now, not after the scan is stored: a bad key file stops before anything is written
    const { loadSecretKey } = await import('../core/sign/files.js');
    loadSecretKey(opts.sign);
  }
  const stdoutOutputs = outputs.filter((o) => o.out === null);
  if (stdoutOutputs.length > 1) throw new UsageError('only one format can go to standard output: give the others --out FILE');

  const policy = policyFrom(opts.policy);
  const mcpPolicy = mcpPolicyFrom(opts.inventory);
  // open the database before scanning: a path that cannot hold one fails fast, as a user error
  const store = opts.db === undefined ? null : await openStoreOrExplain(opts.db);
  const files = inputs.filter((i) => i !== '-');
  const sizes = files.map((f) => statSync(f).size);
  const totalBytes = files.length === inputs.length ? sizes.reduce((a, b) => a + b, 0) : null;
  const progress = Progress.forStderr(opts.quiet === true, totalBytes);
  const jobs = Math.max(1, opts.jobs ?? defaultJobs());
  const scanOpts = {
    streamBytes: opts.streamBytes,
    maxFlows: opts.maxFlows,
    maxFlowReports: opts.maxFlowReports,
    hash: opts.db !== undefined,
    storePayloads: opts.storePayloads === true,
  };
  let report: ScanReport;
  if (jobs > 1 && files.length > 1 && totalBytes !== null && totalBytes >= PARALLEL_MIN_BYTES) {
    report = await scanParallel(files, {
      jobs,
      scan: scanOpts,
      mcpPolicy,
      ...(policy ? { policy } : {}),
      onProgress: (done) => progress.update(done),
    });
  } else {
    let before = 0;
    const session = new ScanSession({
      ...scanOpts,
      mcpPolicy,
      ...(policy ? { policy } : {}),
      onProgress: (bytesRead) => progress.update(before + bytesRead),
    });
    for (const input of inputs) {
      const res = await session.addInput(input);
      before += res.bytes;
    }
    report = session.finish();
  }
  progress.done();
  if (!opts.quiet) {
    for (const i of report.scan.inputs) {
      if (i.truncated || i.error) process.stderr.write(`hndl-scan: warning: ${i.path}: ${i.error ?? 'the file ends inside a record'}; scanned everything before it\n`);
    }
    const notListed = Number(report.summary['flowsNotListed'] ?? 0);
    if (notListed > 0) {
      process.stderr.write(
        `hndl-scan: warning: ${notListed} flows past --max-flow-reports ${report.flows.length} are counted in the summary but not listed, aggregated or assessed for findings\n`,
      );
    }
  }

  // Store first: a report is only as good as the scan it describes.
  if (store !== null) {
    try {
      await store.writeScan(report);
    } finally {
      await store.close();
    }
  }
  for (const o of outputs) {
    const pieces = render(report, o.format, o.out === null && process.stdout.isTTY === true, opts);
    if (o.out === null) {
      for (const piece of pieces) {
        if (stdoutClosed()) break;
        process.stdout.write(piece);
      }
    } else {
      writePieces(o.out, pieces);
      // the signature covers the bytes as written
      if (opts.sign !== undefined) {
        // ML-DSA loads only when a report is signed
        const { writeReportSignature } = await import('../core/sign/files.js');
        writeReportSignature(o.out, readFileSync(o.out), opts.sign);
      }
    }
  }
  if (opts.failOn === 'none') return EXIT_OK;
  return LEVEL_RANK[worstLevel(report)] >= LEVEL_RANK[opts.failOn] ? EXIT_FINDINGS : EXIT_OK;
}
