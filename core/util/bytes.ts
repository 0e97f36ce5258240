/**
 * Copying bytes out of a zero-copy view. The capture reader reuses its chunk buffer, so an
 * analyzer that keeps bytes beyond the call must copy them. `buf.slice()` is NOT a copy when the
 * view is a Node Buffer (Buffer#slice is subarray), so the engine copies with this instead.
 */
export function copyBytes(view: Uint8Array): Uint8Array {
  return new Uint8Array(view);
}

/** a copy of b[start, end) in one allocation (no intermediate view) */
export function copyRange(b: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  for (let i = start; i < end; i++) out[i - start] = b[i] ?? 0;
  return out;
}

/** two lowercase hex digits of every byte value */
const HEX2: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** lowercase hex of b[start, end) (short values: session ids, tickets, connection ids) */
export function hexOf(b: Uint8Array, start = 0, end = b.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += HEX2[b[i] ?? 0] ?? '';
  return s;
}
