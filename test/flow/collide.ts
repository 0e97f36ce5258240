/**
 * Hash-flooding inputs: IPv4 endpoints whose flow-key hashes collide under a known seed, built
 * by inverting MurmurHash3 (its round and finaliser are bijections), as an attacker who knew the
 * seed could (core/flow/keyindex.ts). Test-only.
 */
import { fmix, mix } from '../../core/flow/keyindex.js';

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const M5 = 0xe6546b64;
const F1 = 0x85ebca6b;
const F2 = 0xc2b2ae35;

/** multiplicative inverse of an odd number mod 2^32 (Newton's iteration) */
function inv(c: number): number {
  let x = c;
  for (let i = 0; i < 6; i++) x = Math.imul(x, 2 - Math.imul(c, x));
  return x | 0;
}

const rotr = (x: number, r: number): number => (x >>> r) | (x << (32 - r));

function fmixInv(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, inv(F2));
  h ^= (h >>> 13) ^ (h >>> 26);
  h = Math.imul(h, inv(F1));
  h ^= h >>> 16;
  return h | 0;
}

/** the k with mix(h, k) === m */
function mixInvKey(h: number, m: number): number {
  let x = Math.imul((m - M5) | 0, inv(5));
  x = rotr(x, 13);
  const k1 = x ^ h;
  return Math.imul(rotr(Math.imul(k1, inv(C2)), 15), inv(C1)) | 0;
}

function dotted(a: number): string {
  return `${(a >>> 24) & 255}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

/**
 * `n` IPv4 endpoints (address, port) whose endpoint hash under `seed` is `target`: any two of
 * them talking to the same other endpoint make flow keys with one hash.
 */
export function collidingEndpoints(seed: number, n: number, target = 0x12345678): { ip: string; port: number }[] {
  const m = fmixInv(target);
  const out: { ip: string; port: number }[] = [];
  for (let port = 1024; out.length < n && port < 65536; port++) {
    const a = mixInvKey(mix(seed | 0, port), m);
    if (fmix(mix(mix(seed | 0, port), a)) !== (target | 0)) throw new Error('inversion failed');
    out.push({ ip: dotted(a), port });
  }
  return out;
}

/** `n` IPv4 addresses whose Ipv4Names home slot (14 bits) under `seed` is the same */
export function collidingAddresses(seed: number, n: number, slotBits = 14): string[] {
  const out: string[] = [];
  for (let k = 0; out.length < n; k++) {
    const target = (0x1234 | (k << slotBits)) | 0;
    // fmix(mix(seed, a)) === target  ⇔  mix(seed, a) === fmixInv(target)
    out.push(dotted(mixInvKey(seed | 0, fmixInv(target))));
  }
  return out;
}
