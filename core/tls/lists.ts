/**
 * Interned codepoint lists of TLS hellos (cipher_suites, extension types, supported_groups,
 * signature_algorithms, supported_versions, psk_key_exchange_modes, compression_methods; RFC 8446
 * §4.1.2, §4.2). Clients send the same lists hello after hello, so a list read from the wire is
 * looked up — FNV-1a over its values, then compared item by item — and the shared copy is
 * returned instead of a new array per hello. Decoded records are read-only, so sharing is safe.
 * The table is capped at MAX_INTERNED lists; past the cap a list is built per hello as before.
 */

/** lists kept at most (a capture of hostile hellos cannot grow the table without bound) */
export const MAX_INTERNED = 16_384;

/** the shared empty list */
export const EMPTY_LIST: readonly number[] = [];
const EMPTY = EMPTY_LIST;
const BUCKETS = new Map<number, (readonly number[])[]>();
let interned = 0;

/** FNV-1a step */
function fnv(h: number, v: number): number {
  return Math.imul(h ^ v, 0x01000193);
}

function item(b: Uint8Array, p: number, width: 1 | 2): number {
  return width === 2 ? ((b[p] ?? 0) << 8) | (b[p + 1] ?? 0) : (b[p] ?? 0);
}

function remember(h: number, bucket: (readonly number[])[] | undefined, list: readonly number[]): readonly number[] {
  if (interned >= MAX_INTERNED) return list;
  interned++;
  if (bucket === undefined) BUCKETS.set(h, [list]);
  else bucket.push(list);
  return list;
}

/** the `n` items of `width` bytes each (big-endian) at b[start…], as a shared list */
export function wireList(b: Uint8Array, start: number, n: number, width: 1 | 2): readonly number[] {
  if (n <= 0) return EMPTY;
  let h = fnv(0x811c9dc5, n);
  for (let i = 0, p = start; i < n; i++, p += width) h = fnv(h, item(b, p, width));
  const bucket = BUCKETS.get(h);
  if (bucket !== undefined) {
    for (const l of bucket) {
      if (l.length !== n) continue;
      let same = true;
      for (let i = 0, p = start; i < n; i++, p += width) {
        if (l[i] !== item(b, p, width)) {
          same = false;
          break;
        }
      }
      if (same) return l;
    }
  }
  const list: number[] = [];
  for (let i = 0, p = start; i < n; i++, p += width) list.push(item(b, p, width));
  return remember(h, bucket, list);
}

/** the first `n` values of a scratch array, as a shared list */
export function scratchList(s: Uint16Array, n: number): readonly number[] {
  if (n <= 0) return EMPTY;
  let h = fnv(0x811c9dc5, n);
  for (let i = 0; i < n; i++) h = fnv(h, s[i] ?? 0);
  const bucket = BUCKETS.get(h);
  if (bucket !== undefined) {
    for (const l of bucket) {
      if (l.length !== n) continue;
      let same = true;
      for (let i = 0; i < n; i++) {
        if (l[i] !== s[i]) {
          same = false;
          break;
        }
      }
      if (same) return l;
    }
  }
  const list: number[] = [];
  for (let i = 0; i < n; i++) list.push(s[i] ?? 0);
  return remember(h, bucket, list);
}

/** `a` then `b` (a repeated extension adds to the list, as if its items had been appended) */
export function concatList(a: readonly number[], b: readonly number[]): readonly number[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  return [...a, ...b];
}

/** lists in the table now (for tests of the cap) */
export function internedLists(): number {
  return interned;
}
