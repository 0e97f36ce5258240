/**
 * NDJSON output (newline-delimited JSON, one object per line, https://github.com/ndjson/ndjson-spec):
 * a `scan` header line {type, tool, scan, summary}, one `flow` line per FlowReport (the JSON
 * contract's flow shape plus `type`), then one `finding` line per finding. JSON.stringify escapes
 * every line break inside strings, so a captured value can never split a line.
 */
import type { Finding, FlowReport, ScanReport } from './model.js';
import { findingsOf } from './findings.js';

/** the header line of an NDJSON report */
export function ndjsonHeader(report: ScanReport): string {
  return JSON.stringify({ type: 'scan', tool: report.tool, scan: report.scan, summary: report.summary });
}

/** one flow line; `type` is first and cannot be overridden by a field of the flow */
export function ndjsonFlow(flow: FlowReport): string {
  return JSON.stringify(Object.assign({ type: 'flow' }, flow, { type: 'flow' }));
}

export function ndjsonFinding(f: Finding): string {
  return JSON.stringify(Object.assign({ type: 'finding' }, f, { type: 'finding' }));
}

/** lines are grouped into pieces of about this many characters */
const PIECE_CHARS = 1 << 20;

/**
 * The report as NDJSON text pieces (whole lines, each ending in \n), a flow at a time: a large
 * report never becomes one string (V8 caps strings at ≈ 512 MiB).
 */
export function* ndjsonPieces(report: ScanReport): Generator<string> {
  let buf = `${ndjsonHeader(report)}\n`;
  for (const f of report.flows) {
    buf += `${ndjsonFlow(f)}\n`;
    if (buf.length >= PIECE_CHARS) {
      yield buf;
      buf = '';
    }
  }
  for (const f of findingsOf(report)) buf += `${ndjsonFinding(f)}\n`;
  yield buf;
}

/** The whole report as NDJSON, each line ending in \n. */
export function toNdjson(report: ScanReport): string {
  return [...ndjsonPieces(report)].join('');
}
