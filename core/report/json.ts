/**
 * The JSON report (../shared/contract/report.schema.json) as a sequence of text pieces whose
 * concatenation is exactly `JSON.stringify(report, null, 2) + '\n'`, built a batch of flows at
 * a time (core/report/json-pieces.ts: one string for a large report passes V8's string limit).
 */
import type { ScanReport } from './model.js';
import { jsonPieces } from './json-pieces.js';

/** JSON text pieces of the report; their concatenation equals JSON.stringify(report, null, 2) + '\n' */
export function* jsonReportPieces(report: ScanReport): Generator<string> {
  yield* jsonPieces(report);
  yield '\n';
}
