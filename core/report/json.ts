/**
 * The JSON report (../shared/contract/report.schema.json) as a sequence of text pieces whose
 * concatenation is exactly `JSON.stringify(report, null, 2) + '\n'`, built one flow at a time.
 *
 * One string for the whole report needs memory for all of it at once and stops working at
 * V8's string limit (2^29 − 24 characters, ≈ 512 MiB): a capture with a few hundred thousand
 * flows reaches it. Each piece here is small; the caller writes them as they come.
 *
 * Equivalence with JSON.stringify(value, null, 2): top-level keys in insertion order, keys whose
 * value is undefined (or a function or symbol) left out; array items stringified with
 * JSON.stringify(item, null, 2) (undefined → null) and re-indented — JSON text has no raw line
 * breaks inside strings, so indenting after each '\n' is exact. A test checks the equality on
 * real and random reports.
 */
import type { ScanReport } from './model.js';

/** array items stringified per batch (one native JSON.stringify call each) */
const BATCH = 256;

function omitted(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

function indent(text: string, pad: string): string {
  return text.includes('\n') ? text.replace(/\n/g, `\n${pad}`) : text;
}

/** JSON text pieces of the report; their concatenation equals JSON.stringify(report, null, 2) + '\n' */
export function* jsonReportPieces(report: ScanReport): Generator<string> {
  const obj = report as unknown as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => !omitted(obj[k]));
  if (keys.length === 0) {
    yield '{}\n';
    return;
  }
  let buf = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const v = obj[k];
    const name = JSON.stringify(k);
    buf += `${i === 0 ? '' : ','}\n  ${name}: `;
    if (Array.isArray(v) && v.length > BATCH) {
      // {"k": batch} stringified puts the items at exactly the indentation and with the commas
      // they have in the whole report: the text between its brackets is reused as it is
      const open = `{\n  ${name}: [\n`;
      const close = '\n  ]\n}';
      buf += '[\n';
      for (let j = 0; j < v.length; j += BATCH) {
        const text = JSON.stringify({ [k]: v.slice(j, j + BATCH) }, null, 2);
        yield `${buf}${j === 0 ? '' : ',\n'}${text.slice(open.length, text.length - close.length)}`;
        buf = '';
      }
      buf += '\n  ]';
    } else {
      buf += indent(JSON.stringify(v, null, 2) ?? 'null', '  ');
    }
  }
  yield `${buf}\n}\n`;
}
