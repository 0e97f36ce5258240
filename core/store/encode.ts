/**
 * Rows → the bytes of DuckDB data-chunk vectors, in plain JS (no DuckDB import); chunks.ts
 * copies them into the chunk's vectors. Keeping the two apart keeps the byte layouts and value
 * checks testable without DuckDB and out of the native-call loop.
 *
 * Layouts (duckdb.h, little-endian as on every platform DuckDB ships Node binaries for):
 * - INTEGER 4 bytes, BIGINT and TIMESTAMP (µs) 8-byte two's complement, DOUBLE IEEE 754,
 *   BOOLEAN 1 byte;
 * - VARCHAR / JSON: duckdb_string_t, 16 bytes — a u32 length, then the string zero-padded when
 *   it is at most 12 bytes ("inlined"), else a prefix and a pointer into the vector's string
 *   heap. Inlined strings are written here; the others are listed (row, text) for
 *   duckdb_vector_assign_string_element;
 * - LIST: duckdb_list_entry, 16 bytes — u64 offset and u64 length into the child vector, whose
 *   items follow in the same layouts;
 * - validity: one bit per row, 1 = valid, in u64 words.
 *
 * Values are checked as the row appender did: a value of the wrong type or range throws
 * StoreError('INVALID_REPORT') naming the row and field. JSON columns stringify each distinct
 * object once per write (reports share identical sensitivity verdicts and MCP records).
 */
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

/**
 * Rows per data chunk (a chunk holds at most DuckDB's vector_size, 2048). Smaller chunks keep
 * fewer converted values alive across a scavenge: on the reference workload 512 rows gave
 * 40–60 MB less peak RSS than 2048 and a slightly faster write; 128–256 no further gain.
 */
export const CHUNK_ROWS = 512;

/** JSON texts remembered per write (distinct objects beyond it are stringified each time) */
const JSON_MEMO_MAX = 1024;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const TWO_32 = 4294967296;

/** duckdb_string_t and duckdb_list_entry: 16 bytes per row */
export const SLOT_BYTES = 16;
const INLINE_MAX = 12;

/** bytes per row of each kind's vector data */
export const KIND_WIDTH: Readonly<Record<ColumnKind, number>> = {
  varchar: SLOT_BYTES,
  json: SLOT_BYTES,
  integer: 4,
  bigint: 8,
  double: 8,
  boolean: 1,
  timestamp: 8,
  'integer[]': SLOT_BYTES,
  'varchar[]': SLOT_BYTES,
};

/** bytes of a validity mask for CHUNK_ROWS rows (whole u64 words) */
const VALIDITY_BYTES = Math.ceil(CHUNK_ROWS / 64) * 8;
/** where a column's validity starts in its section (after room for 16-byte rows) */
export const VALIDITY_AT = CHUNK_ROWS * SLOT_BYTES;
/** one column's section in the chunk bytes: data, then validity */
export const SECTION_BYTES = VALIDITY_AT + VALIDITY_BYTES;

/** Int32 fields per column in EncodedChunk.layout */
export const LAYOUT_STRIDE = 6;
/** layout fields: [childOff, childCount, heapStart, heapEnd, childHeapStart, childHeapEnd] */
export const L_CHILD_OFF = 0;
export const L_CHILD_COUNT = 1;
export const L_HEAP_START = 2;
export const L_HEAP_END = 3;
export const L_CHILD_HEAP_START = 4;
export const L_CHILD_HEAP_END = 5;

/**
 * One data chunk's columns as bytes. Column c's data starts at c × SECTION_BYTES (rows × its
 * width), its validity at c × SECTION_BYTES + VALIDITY_AT; a list column's child items start at
 * layout[childOff]. Strings that are not inlined are heapStrings[heapStart, heapEnd) for the
 * rows heapRows[heapStart, heapEnd) (child item indexes for a list's child range).
 */
export interface EncodedChunk {
  rows: number;
  columns: number;
  bytes: ArrayBuffer;
  layout: Int32Array;
  heapRows: Int32Array;
  heapStrings: string[];
}

function bad(where: string, field: string, value: unknown): StoreError {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return new StoreError('INVALID_REPORT', `${where}: invalid ${field}: ${text}`);
}

function isObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null;
}

/** JSON text of a value, objects stringified once per write; null when it has none */
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
 * Encodes rows chunk by chunk. One encoder per write (it holds the JSON memo); the chunk encode()
 * returns is valid until the next call (its bytes are the encoder's reused buffer).
 */
export class ChunkEncoder<R> {
  private readonly jsonText = jsonTexts();
  private bytes = new Uint8Array(0);
  private u32 = new Uint32Array(0);
  private i32 = new Int32Array(0);
  private f64 = new Float64Array(0);
  private childEnd = 0;
  private heapRows: number[] = [];
  private heapStrings: string[] = [];

  constructor(
    private readonly columns: readonly ColumnSpec<R>[],
    private readonly where: (row: R) => string,
  ) {}

  /** rows[from, from + n), n ≤ CHUNK_ROWS */
  encode(rows: readonly R[], from: number, n: number): EncodedChunk {
    const cols = this.columns.length;
    const fixed = cols * SECTION_BYTES;
    // one buffer for every chunk, zeroed where the last chunk wrote (a fresh one per chunk is
    // native memory V8 frees only at its next GC: ≈ 0.4 MB × chunks of peak RSS)
    if (this.bytes.length < fixed + 8192) this.views(new ArrayBuffer(fixed + 8192));
    else this.bytes.fill(0, 0, this.childEnd);
    this.childEnd = fixed;
    this.heapRows = [];
    this.heapStrings = [];
    const layout = new Int32Array(cols * LAYOUT_STRIDE);
    for (let c = 0; c < cols; c++) {
      const col = this.columns[c] as ColumnSpec<R>;
      const base = c * SECTION_BYTES;
      const validity = base + VALIDITY_AT;
      this.bytes.fill(0xff, validity, validity + Math.ceil(n / 64) * 8);
      const L = c * LAYOUT_STRIDE;
      layout[L + L_HEAP_START] = this.heapStrings.length;
      for (let r = 0; r < n; r++) {
        const row = rows[from + r] as R;
        const v = col.get(row);
        if (v === null || v === undefined) {
          if (!col.nullable) throw bad(this.where(row), col.field, v);
          const at = validity + (r >> 3);
          this.bytes[at] = (this.bytes[at] ?? 0) & ~(1 << (r & 7));
          continue;
        }
        if (!this.value(col.kind, base, r, v)) throw bad(this.where(row), col.field, v);
      }
      layout[L + L_HEAP_END] = this.heapStrings.length;
      if (col.kind === 'integer[]' || col.kind === 'varchar[]') {
        // the rows' entries are in place; now their items, back to back
        const childOff = align8(this.childEnd);
        layout[L + L_CHILD_OFF] = childOff;
        layout[L + L_CHILD_HEAP_START] = this.heapStrings.length;
        const count = this.listItems(col, rows, from, n, base, childOff);
        layout[L + L_CHILD_COUNT] = count;
        layout[L + L_CHILD_HEAP_END] = this.heapStrings.length;
      }
    }
    return {
      rows: n,
      columns: cols,
      bytes: this.bytes.buffer as ArrayBuffer,
      layout,
      heapRows: Int32Array.from(this.heapRows),
      heapStrings: this.heapStrings,
    };
  }

  private views(buf: ArrayBuffer): void {
    this.bytes = new Uint8Array(buf);
    this.u32 = new Uint32Array(buf);
    this.i32 = new Int32Array(buf);
    this.f64 = new Float64Array(buf);
  }

  /** room for `more` bytes after childEnd, keeping what is written */
  private reserve(more: number): void {
    const need = this.childEnd + more;
    if (need <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(need, this.bytes.length * 2));
    next.set(this.bytes);
    this.views(next.buffer);
  }

  /** string `s` as string_t slot `i` of the region at byte `base`; heap strings listed */
  private string(base: number, i: number, s: string): void {
    const len = s.length;
    if (len <= INLINE_MAX) {
      let ascii = true;
      for (let k = 0; k < len; k++) {
        if (s.charCodeAt(k) > 0x7f) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        const at = base + i * SLOT_BYTES;
        this.u32[at >> 2] = len;
        for (let k = 0; k < len; k++) this.bytes[at + 4 + k] = s.charCodeAt(k);
        return;
      }
    }
    this.heapRows.push(i);
    this.heapStrings.push(s);
  }

  /** a safe integer as a little-endian two's-complement int64 at byte `at` */
  private int64(at: number, v: number): void {
    const hi = Math.floor(v / TWO_32);
    this.u32[at >> 2] = v - hi * TWO_32;
    this.u32[(at >> 2) + 1] = hi; // ToUint32 wraps a negative high word into two's complement
  }

  private int64Big(at: number, v: bigint): void {
    this.u32[at >> 2] = Number(BigInt.asUintN(32, v));
    this.u32[(at >> 2) + 1] = Number(BigInt.asUintN(32, v >> 32n));
  }

  /** present value `v` as row `r` of the column at `base`; false when of the wrong type or range */
  private value(kind: ColumnKind, base: number, r: number, v: unknown): boolean {
    switch (kind) {
      case 'varchar':
        if (typeof v !== 'string') return false;
        this.string(base, r, v);
        return true;
      case 'json': {
        const text = this.jsonText(v);
        if (text === null) return false;
        this.string(base, r, text);
        return true;
      }
      case 'integer':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) return false;
        this.i32[(base >> 2) + r] = v;
        return true;
      case 'bigint':
        if (typeof v !== 'number' || !Number.isSafeInteger(v)) return false;
        this.int64(base + 8 * r, v);
        return true;
      case 'double':
        if (typeof v !== 'number' || !Number.isFinite(v)) return false;
        this.f64[(base >> 3) + r] = v;
        return true;
      case 'boolean':
        if (typeof v !== 'boolean') return false;
        this.bytes[base + r] = v ? 1 : 0;
        return true;
      case 'timestamp': {
        if (typeof v !== 'string') return false;
        const us = isoToMicrosNumber(v);
        if (us !== null) {
          this.int64(base + 8 * r, us);
          return true;
        }
        // far from today (before 1685, after 2255): exact through a BigInt
        const big = isoToMicros(v);
        if (big === null) return false;
        this.int64Big(base + 8 * r, big);
        return true;
      }
      case 'integer[]':
        if (!Array.isArray(v)) return false;
        for (const x of v) if (typeof x !== 'number' || !Number.isInteger(x) || x < INT32_MIN || x > INT32_MAX) return false;
        return true;
      case 'varchar[]':
        if (!Array.isArray(v)) return false;
        for (const x of v) if (typeof x !== 'string') return false;
        return true;
      default:
        return false;
    }
  }

  /** the items of a list column's rows (already checked) after its entries; returns the item count */
  private listItems(col: ColumnSpec<R>, rows: readonly R[], from: number, n: number, base: number, childOff: number): number {
    const ints = col.kind === 'integer[]';
    let count = 0;
    for (let r = 0; r < n; r++) {
      const v = col.get(rows[from + r] as R);
      if (!Array.isArray(v)) continue;
      const items = v as readonly unknown[];
      const e = (base >> 2) + 4 * r;
      this.u32[e] = count; // offset (u64: high word stays 0)
      this.u32[e + 2] = items.length; // length
      this.reserve(childOff - this.childEnd + (count + items.length) * (ints ? 4 : SLOT_BYTES));
      for (const x of items) {
        if (ints) this.i32[(childOff >> 2) + count] = x as number;
        else this.string(childOff, count, x as string);
        count++;
      }
    }
    this.childEnd = childOff + count * (ints ? 4 : SLOT_BYTES);
    return count;
  }
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
