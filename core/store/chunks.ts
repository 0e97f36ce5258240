/**
 * Column-major bulk writes through the DuckDB Appender (duckdb_append_data_chunk).
 *
 * Rows go into DuckDB as data chunks of up to `vector_size` rows. Every column but the lists is
 * built as bytes in a JS scratch buffer — numbers, booleans, timestamps, and short ASCII strings
 * in DuckDB's inlined string form — and copied into the chunk with one native call, plus one
 * for its validity; only longer strings and list items cross into DuckDB one call at a time.
 * Per-value Appender calls (duckdb_append_int32 …) cost one native call each, ~0.3 µs; on the
 * reference workload (36 k flows × 47 columns) the whole store write went 0.88 → 0.59 s with
 * typed-array numbers, and the flows write 523 → 391 ms with the scratch columns. The byte
 * layouts are little-endian, as on every platform DuckDB ships Node binaries for.
 *
 * A column spec names its kind, the report field it comes from (for the error message) and a
 * getter. Values are checked here as the row appender did: a value of the wrong type throws
 * StoreError('INVALID_REPORT') naming the row and field, before the chunk is appended.
 * JSON columns stringify each distinct object once per write (reports share identical
 * sensitivity verdicts and MCP records between flows).
 */
import duckdb from '@duckdb/node-bindings';
import { DuckDBDataChunk, listValue } from '@duckdb/node-api';
import type { DuckDBAppender, DuckDBType, DuckDBValue, DuckDBVector } from '@duckdb/node-api';
import { isoToMicros, isoToMicrosNumber } from './time.js';
import { StoreError } from './types.js';

export type ColumnKind =
  | 'varchar'
  | 'json'
  | 'integer'
  | 'bigint'
  | 'double'
  | 'boolean'
  | 'timestamp'
  | 'integer[]'
  | 'varchar[]';

export interface ColumnSpec<R> {
  /** column name, in table order */
  readonly name: string;
  readonly kind: ColumnKind;
  /** report field named in an error message */
  readonly field: string;
  /** false: null / undefined is an invalid value (NOT NULL columns) */
  readonly nullable: boolean;
  readonly get: (row: R) => unknown;
}

/** JSON texts remembered per write (distinct objects beyond it are stringified each time) */
const JSON_MEMO_MAX = 1024;

/**
 * Rows per data chunk (a chunk holds at most DuckDB's vector_size, 2048). Smaller chunks keep
 * fewer converted values alive across a scavenge: on the reference workload 512 rows gave
 * 40–60 MB less peak RSS than 2048 and a slightly faster write; 128–256 no further gain.
 */
export const CHUNK_ROWS = 512;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function bad(where: string, field: string, value: unknown): StoreError {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return new StoreError('INVALID_REPORT', `${where}: invalid ${field}: ${text}`);
}

/** returned by a converter for a value of the wrong type or range */
const INVALID: unique symbol = Symbol('invalid');
type Convert = (v: unknown) => DuckDBValue | typeof INVALID;

function isObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null;
}

/** list kinds: written through node-api's list vectors, which write their items in bulk */
type ListKind = 'integer[]' | 'varchar[]';

/** converters from a present (non-null) report value to the chunk value of each list kind */
const LIST_CONVERTERS: Record<ListKind, Convert> = {
  'integer[]': (v) => {
    if (!Array.isArray(v)) return INVALID;
    for (const n of v) {
      if (typeof n !== 'number' || !Number.isInteger(n) || n < INT32_MIN || n > INT32_MAX) return INVALID;
    }
    return listValue(v as number[]);
  },
  'varchar[]': (v) => {
    if (!Array.isArray(v)) return INVALID;
    for (const s of v) if (typeof s !== 'string') return INVALID;
    return listValue(v as string[]);
  },
};

/**
 * JSON text of a value; objects are stringified once per write (reports share identical
 * sensitivity verdicts and MCP records between flows). null when the value has no JSON text.
 */
function jsonTexts(): (v: unknown) => string | null {
  const memo = new Map<object, string>();
  return (v) => {
    if (!isObject(v)) return JSON.stringify(v) ?? null;
    const hit = memo.get(v);
    if (hit !== undefined) return hit;
    const text: string | undefined = JSON.stringify(v);
    if (text === undefined) return null;
    // shared objects show up early and often; a column of distinct objects stops adding here
    if (memo.size < JSON_MEMO_MAX) memo.set(v, text);
    return text;
  };
}

/**
 * duckdb_string_t (duckdb.h): 16 bytes per row, a little-endian u32 length, then either the
 * string itself zero-padded when it is at most 12 bytes ("inlined"), or a 4-byte prefix and a
 * pointer into the vector's string heap.
 */
const STRING_T_BYTES = 16;
const INLINE_MAX = 12;

/**
 * Writes `s` as row `r` into `slots`, a JS copy of a VARCHAR vector's string_t array, in the
 * inlined form when it is ASCII of at most 12 bytes; returns false for anything else, which the
 * caller assigns through duckdb_vector_assign_string_element (UTF-8, the string heap).
 */
function inlineString(slots: Uint8Array, r: number, s: string): boolean {
  const len = s.length;
  if (len > INLINE_MAX) return false;
  for (let i = 0; i < len; i++) if (s.charCodeAt(i) > 0x7f) return false;
  const at = r * STRING_T_BYTES;
  slots[at] = len;
  for (let i = 0; i < len; i++) slots[at + 4 + i] = s.charCodeAt(i);
  return true;
}

/** bytes per row of the fixed-width kinds (DuckDB INTEGER, BIGINT, DOUBLE, BOOLEAN, TIMESTAMP) */
const WIDTH: Partial<Record<ColumnKind, number>> = { integer: 4, bigint: 8, double: 8, boolean: 1, timestamp: 8 };

const TWO_32 = 4294967296;

/**
 * Scratch for one column of one chunk: the vector's data (string_t slots or fixed-width values)
 * and its validity bitmask, built in JS and copied into the vector with one call each (the
 * bindings' copy_data_to_vector, as node-api's own vectors do for numbers). No per-value native
 * call and no BigInt or value object per cell. Most report strings are short codes (tcp, tls,
 * classical, x25519, key_share, high …): in the inlined string_t form they need no native call
 * either (≈ 0.5 µs each); on the reference workload 664 k of the 838 k string cells (nulls
 * included) need none. Sharing one assigned slot between the rows that repeat a long string
 * saved only ≈ 10 ms more and was not kept.
 */
class ScratchColumn {
  private readonly buffer = new ArrayBuffer(CHUNK_ROWS * STRING_T_BYTES);
  private readonly bytes = new Uint8Array(this.buffer);
  private readonly u32 = new Uint32Array(this.buffer);
  private readonly i32 = new Int32Array(this.buffer);
  private readonly f64 = new Float64Array(this.buffer);
  private readonly validity = new Uint8Array(Math.ceil(CHUNK_ROWS / 64) * 8);
  /** rows whose strings go through the string heap, and those strings */
  private readonly heapRows: number[] = [];
  private readonly heapStrings: string[] = [];

  reset(): void {
    this.bytes.fill(0);
    this.validity.fill(0xff);
    this.heapRows.length = 0;
    this.heapStrings.length = 0;
  }

  setNull(r: number): void {
    this.validity[r >> 3] = (this.validity[r >> 3] ?? 0) & ~(1 << (r & 7));
  }

  string(r: number, s: string): void {
    if (inlineString(this.bytes, r, s)) return;
    this.heapRows.push(r);
    this.heapStrings.push(s);
  }

  int32(r: number, v: number): void {
    this.i32[r] = v;
  }

  /** a safe integer as a little-endian two's-complement int64 (BIGINT, TIMESTAMP micros) */
  int64(r: number, v: number): void {
    const hi = Math.floor(v / TWO_32);
    this.u32[2 * r] = v - hi * TWO_32;
    this.u32[2 * r + 1] = hi; // ToUint32 wraps a negative high word into two's complement
  }

  int64Big(r: number, v: bigint): void {
    this.u32[2 * r] = Number(BigInt.asUintN(32, v));
    this.u32[2 * r + 1] = Number(BigInt.asUintN(32, v >> 32n));
  }

  float64(r: number, v: number): void {
    this.f64[r] = v;
  }

  bool(r: number, v: boolean): void {
    this.bytes[r] = v ? 1 : 0;
  }

  /** into column `c` of the chunk: data (`width` bytes per row), heap strings over their slots, validity */
  flush(chunk: DuckDBDataChunk, c: number, n: number, width: number): void {
    const vector = duckdb.data_chunk_get_vector(chunk.chunk, c);
    duckdb.copy_data_to_vector(vector, 0, this.buffer, 0, n * width);
    for (let i = 0; i < this.heapRows.length; i++) duckdb.vector_assign_string_element(vector, this.heapRows[i] ?? 0, this.heapStrings[i] ?? '');
    // always: a reset chunk need not clear the null bits of the chunk before it
    duckdb.vector_ensure_validity_writable(vector);
    duckdb.copy_data_to_vector_validity(vector, 0, this.validity.buffer, this.validity.byteOffset, Math.ceil(n / 64) * 8);
  }
}

/**
 * Writes present value `v` of `kind` as row `r` of the scratch; false when it is of the wrong
 * type or out of range (the checks the row-by-row appender made).
 */
function writeValue(kind: ColumnKind, scratch: ScratchColumn, r: number, v: unknown, jsonText: (v: unknown) => string | null): boolean {
  switch (kind) {
    case 'varchar':
      if (typeof v !== 'string') return false;
      scratch.string(r, v);
      return true;
    case 'json': {
      const text = jsonText(v);
      if (text === null) return false;
      scratch.string(r, text);
      return true;
    }
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) return false;
      scratch.int32(r, v);
      return true;
    case 'bigint':
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) return false;
      scratch.int64(r, v);
      return true;
    case 'double':
      if (typeof v !== 'number' || !Number.isFinite(v)) return false;
      scratch.float64(r, v);
      return true;
    case 'boolean':
      if (typeof v !== 'boolean') return false;
      scratch.bool(r, v);
      return true;
    case 'timestamp': {
      if (typeof v !== 'string') return false;
      const us = isoToMicrosNumber(v);
      if (us !== null) {
        scratch.int64(r, us);
        return true;
      }
      // far from today (before 1685, after 2255): exact through a BigInt
      const big = isoToMicros(v);
      if (big === null) return false;
      scratch.int64Big(r, big);
      return true;
    }
    default:
      return false;
  }
}

/**
 * Appends `rows` to the appender's table, CHUNK_ROWS at a time. `columns` must list every
 * column of the table in order (checked against the appender). `where` names a row in errors.
 * Throws StoreError('INVALID_REPORT') on the first invalid value; rows of earlier chunks are
 * then already in the appender, so the caller clears it and rolls back.
 */
export function appendRows<R>(
  appender: DuckDBAppender,
  columns: readonly ColumnSpec<R>[],
  rows: readonly R[],
  where: (row: R) => string,
): void {
  if (appender.columnCount !== columns.length) {
    throw new StoreError('INVALID_REPORT', `table has ${appender.columnCount} columns, the writer knows ${columns.length}`);
  }
  if (rows.length === 0) return;
  const types: DuckDBType[] = [];
  for (let i = 0; i < columns.length; i++) types.push(appender.columnType(i));
  const jsonText = jsonTexts();
  // one chunk, reset and refilled: a chunk's vectors and string heap are native memory that
  // V8 does not see, so a new chunk per 2048 rows would pile up until a late GC
  const chunk = DuckDBDataChunk.create(types);
  const scratch = new ScratchColumn();
  for (let off = 0; off < rows.length; off += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, rows.length - off);
    chunk.reset();
    chunk.rowCount = n;
    for (let c = 0; c < columns.length; c++) {
      const col = columns[c] as ColumnSpec<R>;
      const width = col.kind === 'varchar' || col.kind === 'json' ? STRING_T_BYTES : WIDTH[col.kind];
      if (width !== undefined) {
        scratch.reset();
        for (let r = 0; r < n; r++) {
          const row = rows[off + r] as R;
          const v = col.get(row);
          if (v === null || v === undefined) {
            if (!col.nullable) throw bad(where(row), col.field, v);
            scratch.setNull(r);
          } else if (!writeValue(col.kind, scratch, r, v, jsonText)) {
            throw bad(where(row), col.field, v);
          }
        }
        scratch.flush(chunk, c, n, width);
        continue;
      }
      // lists: node-api's list vectors (their items are written in bulk on flush)
      const convert = LIST_CONVERTERS[col.kind as ListKind];
      const vector: DuckDBVector = chunk.getColumnVector(c);
      for (let r = 0; r < n; r++) {
        const row = rows[off + r] as R;
        const v = col.get(row);
        if (v === null || v === undefined) {
          if (!col.nullable) throw bad(where(row), col.field, v);
          vector.setItem(r, null);
        } else {
          const value = convert(v);
          if (value === INVALID) throw bad(where(row), col.field, v);
          vector.setItem(r, value);
        }
      }
      vector.flush();
    }
    appender.appendDataChunk(chunk);
  }
}
