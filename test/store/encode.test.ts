/**
 * The chunk encoder's byte layouts (core/store/encode.ts), read back by hand: what
 * copy_data_to_vector then copies into DuckDB's vectors as they are.
 */
import { describe, expect, it } from 'vitest';
import {
  ChunkEncoder, LAYOUT_STRIDE, L_CHILD_COUNT, L_CHILD_HEAP_END, L_CHILD_HEAP_START, L_CHILD_OFF, L_HEAP_END, L_HEAP_START,
  SECTION_BYTES, VALIDITY_AT, type ColumnSpec, type EncodedChunk,
} from '../../core/store/encode.js';
import { StoreError } from '../../core/store/types.js';

interface Row { s: string | null; i: number | null; b: number; d: number; t: string; ok: boolean; l: number[] | null; v: string[] | null; j: object }
const cols: ColumnSpec<Row>[] = [
  { name: 's', kind: 'varchar', field: 's', nullable: true, get: (r) => r.s },
  { name: 'i', kind: 'integer', field: 'i', nullable: true, get: (r) => r.i },
  { name: 'b', kind: 'bigint', field: 'b', nullable: false, get: (r) => r.b },
  { name: 'd', kind: 'double', field: 'd', nullable: false, get: (r) => r.d },
  { name: 't', kind: 'timestamp', field: 't', nullable: false, get: (r) => r.t },
  { name: 'ok', kind: 'boolean', field: 'ok', nullable: false, get: (r) => r.ok },
  { name: 'l', kind: 'integer[]', field: 'l', nullable: true, get: (r) => r.l },
  { name: 'v', kind: 'varchar[]', field: 'v', nullable: true, get: (r) => r.v },
  { name: 'j', kind: 'json', field: 'j', nullable: false, get: (r) => r.j },
];
const shared = { category: 'unknown' };
const rows: Row[] = [
  { s: 'tcp', i: -2, b: 2 ** 40 + 5, d: 0.5, t: '2026-01-01T00:00:00.000001Z', ok: true, l: [1, -1], v: ['h2', 'a-string-over-12-bytes'], j: shared },
  { s: null, i: null, b: -3, d: -1e300, t: '1970-01-01T00:00:00.000000Z', ok: false, l: null, v: null, j: shared },
  { s: 'exactly12chr', i: 2147483647, b: 0, d: 0, t: '1600-01-01T00:00:00.000000Z', ok: true, l: [], v: ['é'], j: { k: [1] } },
];

function section(enc: EncodedChunk, c: number): DataView {
  return new DataView(enc.bytes, c * SECTION_BYTES, SECTION_BYTES);
}
const valid = (enc: EncodedChunk, c: number, r: number): boolean => ((new Uint8Array(enc.bytes)[c * SECTION_BYTES + VALIDITY_AT + (r >> 3)] ?? 0) >> (r & 7) & 1) === 1;
const heap = (enc: EncodedChunk, c: number, start: number, end: number): [number, string][] => {
  const L = enc.layout;
  const out: [number, string][] = [];
  for (let i = L[c * LAYOUT_STRIDE + start] ?? 0; i < (L[c * LAYOUT_STRIDE + end] ?? 0); i++) out.push([enc.heapRows[i] ?? -1, enc.heapStrings[i] ?? '']);
  return out;
};

describe('ChunkEncoder', () => {
  const enc = new ChunkEncoder(cols, (r) => `row ${rows.indexOf(r)}`).encode(rows, 0, rows.length);

  it('writes short ASCII strings inline (length, then bytes) and lists the others for the heap', () => {
    const v = section(enc, 0);
    expect(v.getUint32(0, true)).toBe(3);
    expect(new TextDecoder().decode(new Uint8Array(enc.bytes, 4, 3))).toBe('tcp');
    expect(v.getUint32(32, true)).toBe(12);
    expect(new TextDecoder().decode(new Uint8Array(enc.bytes, 36, 12))).toBe('exactly12chr');
    expect(heap(enc, 0, L_HEAP_START, L_HEAP_END)).toEqual([]);
    expect(valid(enc, 0, 0)).toBe(true);
    expect(valid(enc, 0, 1)).toBe(false);
    expect(valid(enc, 0, 2)).toBe(true);
  });

  it('writes numbers little-endian: int32, int64 two’s complement, doubles, booleans, timestamps in µs', () => {
    expect(section(enc, 1).getInt32(0, true)).toBe(-2);
    expect(valid(enc, 1, 1)).toBe(false);
    expect(section(enc, 1).getInt32(8, true)).toBe(2147483647);
    expect(section(enc, 2).getBigInt64(0, true)).toBe(2n ** 40n + 5n);
    expect(section(enc, 2).getBigInt64(8, true)).toBe(-3n);
    expect(section(enc, 3).getFloat64(8, true)).toBe(-1e300);
    expect(section(enc, 4).getBigInt64(0, true)).toBe(1767225600000001n);
    expect(section(enc, 4).getBigInt64(8, true)).toBe(0n);
    expect(section(enc, 4).getBigInt64(16, true)).toBe(BigInt(Date.UTC(1600, 0, 1)) * 1000n);
    expect([0, 1, 2].map((r) => section(enc, 5).getUint8(r))).toEqual([1, 0, 1]);
  });

  it('writes list entries (offset, length) and their items after the columns', () => {
    const e = section(enc, 6);
    expect([e.getBigUint64(0, true), e.getBigUint64(8, true)]).toEqual([0n, 2n]);
    expect(valid(enc, 6, 1)).toBe(false);
    expect([e.getBigUint64(32, true), e.getBigUint64(40, true)]).toEqual([2n, 0n]);
    const L = enc.layout;
    expect(L[6 * LAYOUT_STRIDE + L_CHILD_COUNT]).toBe(2);
    const off = L[6 * LAYOUT_STRIDE + L_CHILD_OFF] ?? 0;
    expect(off % 8).toBe(0);
    expect(Array.from(new Int32Array(enc.bytes, off, 2))).toEqual([1, -1]);
    // varchar[]: 'h2' inline in the child slots, the long and the non-ASCII item by child index
    expect(L[7 * LAYOUT_STRIDE + L_CHILD_COUNT]).toBe(3);
    const voff = L[7 * LAYOUT_STRIDE + L_CHILD_OFF] ?? 0;
    expect(new DataView(enc.bytes, voff).getUint32(0, true)).toBe(2);
    expect(heap(enc, 7, L_CHILD_HEAP_START, L_CHILD_HEAP_END)).toEqual([[1, 'a-string-over-12-bytes'], [2, 'é']]);
  });

  it('stringifies JSON values once per distinct object', () => {
    expect(heap(enc, 8, L_HEAP_START, L_HEAP_END).map(([r]) => r)).toEqual([0, 1]);
    const a = heap(enc, 8, L_HEAP_START, L_HEAP_END)[0]?.[1];
    expect(a).toBe('{"category":"unknown"}');
    expect(section(enc, 8).getUint32(32, true)).toBe(9); // {"k":[1]} inline
  });

  it('zeroes what the last chunk wrote when it reuses its buffer', () => {
    const e = new ChunkEncoder(cols, () => 'row');
    e.encode(rows, 0, 1);
    const again = e.encode([{ ...(rows[0] as Row), s: 'ab' }], 0, 1);
    expect(new Uint8Array(again.bytes, 4, 12)).toEqual(Uint8Array.of(97, 98, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
  });

  it('names the row and field of an invalid value', () => {
    const bad = [{ ...(rows[0] as Row), i: 2 ** 31 }];
    expect(() => new ChunkEncoder(cols, () => 'flow 7').encode(bad, 0, 1)).toThrow(new StoreError('INVALID_REPORT', 'flow 7: invalid i: 2147483648'));
    const nul = [{ ...(rows[0] as Row), b: null as unknown as number }];
    expect(() => new ChunkEncoder(cols, () => 'flow 8').encode(nul, 0, 1)).toThrow('flow 8: invalid b: null');
  });
});
