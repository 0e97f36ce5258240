import { findingsOf } from './findings.js';
/** the header line of an NDJSON report */
export function ndjsonHeader(report) {
    return JSON.stringify({ type: 'scan', tool: report.tool, scan: report.scan, summary: report.summary });
}
/** one flow line; `type` is first and cannot be overridden by a field of the flow */
export function ndjsonFlow(flow) {
    return JSON.stringify(Object.assign({ type: 'flow' }, flow, { type: 'flow' }));
}
export function ndjsonFinding(f) {
    return JSON.stringify(Object.assign({ type: 'finding' }, f, { type: 'finding' }));
}
/** The whole report as NDJSON, each line ending in \n. */
export function toNdjson(report) {
    const lines = [ndjsonHeader(report)];
    for (const f of report.flows)
        lines.push(ndjsonFlow(f));
    for (const f of findingsOf(report))
        lines.push(ndjsonFinding(f));
    return `${lines.join('\n')}\n`;
}
//# sourceMappingURL=ndjson.js.map