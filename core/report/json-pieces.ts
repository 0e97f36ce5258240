/**
 * Any JSON value as a sequence of text pieces whose concatenation is exactly
 * `JSON.stringify(value, null, 2)`, for documents too large for one string.
 *
 * One string for a whole report needs memory for all of it at once and stops working at V8's
 * string limit (2^29 − 24 characters, ≈ 512 MiB). A capture with a few hundred thousand flows
 * or servers reaches it — and a 1 MB hostile capture of 400 k one-packet DNS flows did, in the
 * JSON report (its server aggregates) and in SARIF (one result per server).
 *
 * Arrays longer than BATCH are written BATCH items per JSON.stringify call; the objects and
 * short arrays that contain such an array within MAX_DEPTH levels are written member by member;
 * everything else is one JSON.stringify call, re-indented
 * (JSON text has no raw line breaks inside strings, so indenting after each '\n' is exact).
 * Equivalence with JSON.stringify(value, null, 2): object keys in insertion order, members whose
 * value is undefined, a function or a symbol left out of objects and written as null in arrays,
 * toJSON honoured (such values are written whole). test/report/json-pieces.test.ts checks the
 * equality on real reports and random values.
 */

/** array items stringified per batch (one native JSON.stringify call each) */
const BATCH = 256;
/** how deep a long array is looked for (reports nest them at depth ≤ 3) */
const MAX_DEPTH = 4;

function omitted(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

function indent(text: string, pad: string): string {
  return pad === '' || !text.includes('\n') ? text : text.replace(/\n/g, `\n${pad}`);
}

/** a plain container JSON.stringify walks itself (no toJSON) */
function container(v: unknown): v is Record<string, unknown> | unknown[] {
  if (typeof v !== 'object' || v === null) return false;
  return typeof (v as { toJSON?: unknown }).toJSON !== 'function';
}

/** holds an array longer than BATCH within `depth` levels */
function big(v: unknown, depth: number): boolean {
  if (!container(v)) return false;
  if (Array.isArray(v)) {
    if (v.length > BATCH) return true;
    if (depth <= 0) return false;
    for (const x of v) if (big(x, depth - 1)) return true;
    return false;
  }
  if (depth <= 0) return false;
  for (const k of Object.keys(v)) if (big(v[k], depth - 1)) return true;
  return false;
}

/** `v` at indentation `pad`, as JSON.stringify(v, null, 2) nested there would write it */
function* pieces(v: unknown, pad: string, depth: number): Generator<string> {
  if (!container(v) || !big(v, depth)) {
    yield indent(JSON.stringify(v, null, 2) ?? 'null', pad);
    return;
  }
  const inner = `${pad}  `;
  if (Array.isArray(v)) {
    // a long array's items go in batches as they are (looking into each one would cost more
    // than writing it); a short one is here because one of its items is big
    const long = v.length > BATCH;
    yield '[';
    for (let j = 0; j < v.length; ) {
      const x = v[j];
      if (!long && big(x, depth - 1)) {
        yield `${j === 0 ? '' : ','}\n${inner}`;
        yield* pieces(x, inner, depth - 1);
        j++;
        continue;
      }
      // a run of ordinary items: one stringify, its text between the brackets reused as it is
      let end = j + 1;
      while (end < v.length && end - j < BATCH && (long || !big(v[end], depth - 1))) end++;
      const text = JSON.stringify(v.slice(j, end), null, 2);
      yield `${j === 0 ? '' : ','}\n${inner}${indent(text.slice(4, text.length - 2), pad)}`;
      j = end;
    }
    yield `\n${pad}]`;
    return;
  }
  let first = true;
  yield '{';
  for (const k of Object.keys(v)) {
    const x = v[k];
    if (omitted(x)) continue;
    yield `${first ? '' : ','}\n${inner}${JSON.stringify(k)}: `;
    first = false;
    yield* pieces(x, inner, depth - 1);
  }
  yield first ? '}' : `\n${pad}}`;
}

/** JSON text pieces of `value`; their concatenation equals JSON.stringify(value, null, 2) */
export function jsonPieces(value: unknown): Generator<string> {
  return pieces(value, '', MAX_DEPTH);
}
