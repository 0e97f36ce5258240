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

/** The whole report as NDJSON, each line ending in \n. */
export function toNdjson(report: ScanReport): string {
  const lines = [ndjsonHeader(report)];
  for (const f of report.flows) lines.push(ndjsonFlow(f));
  for (const f of findingsOf(report)) lines.push(ndjsonFinding(f));
  return `${lines.join('\n')}\n`;
}
