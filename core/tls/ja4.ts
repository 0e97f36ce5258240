/**
 * JA4 TLS client fingerprint (FoxIO JA4 specification, BSD 3-Clause; reference implementation
 * FoxIO-LLC/ja4 rust/ja4/src/tls.rs): a_b_c where
 *  a = transport (t/q) + version (highest non-GREASE supported_versions, else legacy_version)
 *      + d/i (SNI present) + cipher count + extension count (2 digits each, GREASE excluded,
 *      capped at 99) + first and last character of the first ALPN value ('00' if none),
 *  b = first 12 hex of SHA-256 of the sorted cipher suites (4-hex, comma-joined),
 *  c = first 12 hex of SHA-256 of the sorted extensions without SNI (0x0000) and ALPN (0x0010),
 *      then '_' and the signature algorithms in wire order ('' and no '_' when none).
 * An empty list hashes to '000000000000'.
 */
import { createHash } from 'node:crypto';
import type { ClientHello } from './types.js';
import { isGrease } from './groups.js';

const EXT_SNI = 0x0000;
const EXT_ALPN = 0x0010;
const EXT_SUPPORTED_VERSIONS = 0x002b;

function ja4Version(v: number): string {
  switch (v) {
    case 0x0304: return '13';
    case 0x0303: return '12';
    case 0x0302: return '11';
    case 0x0301: return '10';
    case 0x0300: return 's3';
    case 0x0002: return 's2';
    case 0xfeff: return 'd1';
    case 0xfefd: return 'd2';
    case 0xfefc: return 'd3';
    default: return '00';
  }
}

function h4(v: number): string {
  return v.toString(16).padStart(4, '0');
}

/** clients repeat the same hellos: the truncated hashes are remembered (bounded) */
const HASH_CACHE = new Map<string, string>();
const HASH_CACHE_MAX = 8192;

function hash12(s: string): string {
  if (s.length === 0) return '000000000000';
  const hit = HASH_CACHE.get(s);
  if (hit !== undefined) return hit;
  const h = createHash('sha256').update(s).digest('hex').slice(0, 12);
  if (HASH_CACHE.size < HASH_CACHE_MAX) HASH_CACHE.set(s, h);
  return h;
}

function two(n: number): string {
  return String(Math.min(99, n)).padStart(2, '0');
}

/** non-ASCII characters become '9' (reference implementation first_last) */
function alpnChars(alpn: string | undefined): string {
  if (alpn === undefined || alpn.length === 0) return '00';
  const chars = [...alpn];
  const fix = (c: string): string => ((c.codePointAt(0) ?? 0) < 0x80 ? c : '9');
  const first = fix(chars[0] ?? '0');
  const last = chars.length > 1 ? fix(chars[chars.length - 1] ?? '0') : '0';
  return first + last;
}

/** FNV-1a-style steps of the two 32-bit lanes of shapeKey */
const P1 = 0x01000193;
const P2 = 0x85ebca6b;

/**
 * 2 × 32-bit FNV-1a over the numbers JA4 depends on (53 bits kept): a cheap memo key for repeated hellos.
 * Each list is preceded by a marker and its length, so lists cannot run into each other. The
 * lanes live in locals (one loop per list) so the hot loop touches no shared state.
 */
function shapeKey(ch: ClientHello, transport: 'tcp' | 'quic'): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x9e3779b9;
  const lists: readonly (readonly number[])[] = [ch.cipherSuites, ch.extensionTypes, ch.supportedVersions, ch.signatureAlgorithms];
  let v = transport === 'quic' ? 1 : 0;
  h1 = Math.imul(h1 ^ (v & 0xffff), P1);
  h2 = Math.imul(h2 ^ ((v * 31 + 7) & 0xffff), P2);
  v = ch.legacyVersion;
  h1 = Math.imul(h1 ^ (v & 0xffff), P1);
  h2 = Math.imul(h2 ^ ((v * 31 + 7) & 0xffff), P2);
  for (const xs of lists) {
    h1 = Math.imul(h1 ^ 0xfffe, P1);
    h2 = Math.imul(h2 ^ ((0xfffe * 31 + 7) & 0xffff), P2);
    v = xs.length;
    h1 = Math.imul(h1 ^ (v & 0xffff), P1);
    h2 = Math.imul(h2 ^ ((v * 31 + 7) & 0xffff), P2);
    for (let i = 0; i < xs.length; i++) {
      v = xs[i] ?? 0;
      h1 = Math.imul(h1 ^ (v & 0xffff), P1);
      h2 = Math.imul(h2 ^ ((v * 31 + 7) & 0xffff), P2);
    }
  }
  const alpn = ch.alpn[0] ?? '';
  v = alpn.length;
  h1 = Math.imul(h1 ^ (v & 0xffff), P1);
  h2 = Math.imul(h2 ^ ((v * 31 + 7) & 0xffff), P2);
  for (let i = 0; i < alpn.length; i++) {
    v = alpn.charCodeAt(i);
    h1 = Math.imul(h1 ^ (v & 0xffff), P1);
    h2 = Math.imul(h2 ^ ((v * 31 + 7) & 0xffff), P2);
  }
  // 32 + 21 bits in one double (exact below 2^53): a number key hashes without building a string
  return (h1 >>> 0) * 0x200000 + (h2 >>> 11);
}

const JA4_CACHE = new Map<number, string>();
const JA4_CACHE_MAX = 8192;

export function ja4(ch: ClientHello, transport: 'tcp' | 'quic'): string {
  const key = shapeKey(ch, transport);
  const hit = JA4_CACHE.get(key);
  if (hit !== undefined) return hit;
  const v = computeJa4(ch, transport);
  if (JA4_CACHE.size < JA4_CACHE_MAX) JA4_CACHE.set(key, v);
  return v;
}

function computeJa4(ch: ClientHello, transport: 'tcp' | 'quic'): string {
  const exts = ch.extensionTypes.filter((e) => !isGrease(e));
  let version = ch.legacyVersion;
  if (ch.extensionTypes.includes(EXT_SUPPORTED_VERSIONS)) {
    const vs = ch.supportedVersions.filter((v) => !isGrease(v));
    if (vs.length > 0) version = Math.max(...vs);
    else version = -1;
  }
  const ciphers = ch.cipherSuites.filter((c) => !isGrease(c));
  const a =
    (transport === 'quic' ? 'q' : 't') +
    ja4Version(version) +
    (exts.includes(EXT_SNI) ? 'd' : 'i') +
    two(ciphers.length) +
    two(exts.length) +
    alpnChars(ch.alpn[0]);
  const b = hash12(ciphers.slice().sort((x, y) => x - y).map(h4).join(','));
  const sortedExts = exts.filter((e) => e !== EXT_SNI && e !== EXT_ALPN).sort((x, y) => x - y).map(h4).join(',');
  const sigs = ch.signatureAlgorithms.map(h4).join(',');
  const c = hash12(sigs.length > 0 ? `${sortedExts}_${sigs}` : sortedExts);
  return `${a}_${b}_${c}`;
}
