/**
 * TLS named groups (RFC 8446 §4.2.7 "supported_groups", IANA "TLS Supported Groups" registry)
 * and their key-exchange class for Harvest-Now-Decrypt-Later analysis.
 *
 * Share lengths are KeyShareEntry.key_exchange sizes (RFC 8446 §4.2.8): client = encapsulation
 * key (+ ECDH public value), server = ciphertext (+ ECDH public value).
 * An unknown or private-use codepoint is never assumed post-quantum (class 'unknown').
 */
import type { KexClass } from './types.js';

export type GroupClass = 'classical' | 'hybrid' | 'pq';

/** where the ML-KEM / Kyber encapsulation key sits inside a client key share */
export type ShareLayout = 'mlkem-only' | 'mlkem-first' | 'ecdh-first' | 'ecdh';

export interface GroupInfo {
  name: string;
  class: GroupClass;
  clientShareLen?: number;
  serverShareLen?: number;
  layout?: ShareLayout;
  /** ML-KEM / Kyber parameter k (FIPS 203 §8 Table 2): 2 = 512, 3 = 768, 4 = 1024 */
  mlkemK?: 2 | 3 | 4;
  /** bytes of the classical ECDH value preceding or following the KEM part */
  ecdhLen?: number;
  /** pre-standard / experimental codepoint */
  legacy?: boolean;
  /** class only trusted when the observed share length matches (colliding private-use codepoints) */
  requireLength?: boolean;
  source: string;
}

const RFC8422 = 'RFC 8422 §5.1.1 / IANA TLS Supported Groups';
const RFC7919 = 'RFC 7919 §2 (ffdhe)';
const RFC8446 = 'RFC 8446 §4.2.7';
const RFC7027 = 'RFC 7027 §2 (brainpool, TLS 1.2)';
const RFC8734 = 'RFC 8734 §2 (brainpool TLS 1.3)';
const RFC9189 = 'RFC 9189 §4 (GOST curves)';
const MLKEM = 'draft-ietf-tls-mlkem (IANA 512/513/514)';
const ECDHE_MLKEM = 'draft-ietf-tls-ecdhe-mlkem (IANA 4587-4589), RFC 10024 per DOMAIN.md';

function c(name: string, source: string, share?: number): GroupInfo {
  return share === undefined
    ? { name, class: 'classical', layout: 'ecdh', source }
    : { name, class: 'classical', layout: 'ecdh', clientShareLen: share, serverShareLen: share, source };
}

/** codepoint → group; one citation per row */
export const GROUPS: ReadonlyMap<number, GroupInfo> = new Map<number, GroupInfo>([
  // RFC 8422 §5.1.1 (deprecated binary / prime curves of RFC 4492)
  [0x0001, c('sect163k1', RFC8422)],
  [0x0002, c('sect163r1', RFC8422)],
  [0x0003, c('sect163r2', RFC8422)],
  [0x0004, c('sect193r1', RFC8422)],
  [0x0005, c('sect193r2', RFC8422)],
  [0x0006, c('sect233k1', RFC8422)],
  [0x0007, c('sect233r1', RFC8422)],
  [0x0008, c('sect239k1', RFC8422)],
  [0x0009, c('sect283k1', RFC8422)],
  [0x000a, c('sect283r1', RFC8422)],
  [0x000b, c('sect409k1', RFC8422)],
  [0x000c, c('sect409r1', RFC8422)],
  [0x000d, c('sect571k1', RFC8422)],
  [0x000e, c('sect571r1', RFC8422)],
  [0x000f, c('secp160k1', RFC8422)],
  [0x0010, c('secp160r1', RFC8422)],
  [0x0011, c('secp160r2', RFC8422)],
  [0x0012, c('secp192k1', RFC8422)],
  [0x0013, c('secp192r1', RFC8422)],
  [0x0014, c('secp224k1', RFC8422)],
  [0x0015, c('secp224r1', RFC8422)],
  [0x0016, c('secp256k1', RFC8422)],
  [0x0017, c('secp256r1', 'RFC 8446 §4.2.7 / RFC 8422 (uncompressed point 65 B)', 65)],
  [0x0018, c('secp384r1', 'RFC 8446 §4.2.7 / RFC 8422 (97 B)', 97)],
  [0x0019, c('secp521r1', 'RFC 8446 §4.2.7 / RFC 8422 (133 B)', 133)],
  [0x001a, c('brainpoolP256r1', RFC7027)],
  [0x001b, c('brainpoolP384r1', RFC7027)],
  [0x001c, c('brainpoolP512r1', RFC7027)],
  [0x001d, c('x25519', 'RFC 8446 §4.2.7 / RFC 7748 (32 B)', 32)],
  [0x001e, c('x448', 'RFC 8446 §4.2.7 / RFC 7748 (56 B)', 56)],
  [0x001f, c('brainpoolP256r1tls13', RFC8734, 65)],
  [0x0020, c('brainpoolP384r1tls13', RFC8734, 97)],
  [0x0021, c('brainpoolP512r1tls13', RFC8734, 129)],
  [0x0022, c('GC256A', RFC9189)],
  [0x0023, c('GC256B', RFC9189)],
  [0x0024, c('GC256C', RFC9189)],
  [0x0025, c('GC256D', RFC9189)],
  [0x0026, c('GC512A', RFC9189)],
  [0x0027, c('GC512B', RFC9189)],
  [0x0028, c('GC512C', RFC9189)],
  [0x0029, c('curveSM2', 'RFC 8998 §2.1', 65)],
  [0x0100, c('ffdhe2048', RFC7919, 256)],
  [0x0101, c('ffdhe3072', RFC7919, 384)],
  [0x0102, c('ffdhe4096', RFC7919, 512)],
  [0x0103, c('ffdhe6144', RFC7919, 768)],
  [0x0104, c('ffdhe8192', RFC7919, 1024)],
  [0xff01, c('arbitrary_explicit_prime_curves', RFC8422)],
  [0xff02, c('arbitrary_explicit_char2_curves', RFC8422)],
  // ML-KEM alone (FIPS 203 sizes: ek 800/1184/1568, ct 768/1088/1568)
  [0x0200, { name: 'MLKEM512', class: 'pq', clientShareLen: 800, serverShareLen: 768, layout: 'mlkem-only', mlkemK: 2, source: MLKEM }],
  [0x0201, { name: 'MLKEM768', class: 'pq', clientShareLen: 1184, serverShareLen: 1088, layout: 'mlkem-only', mlkemK: 3, source: MLKEM }],
  [0x0202, { name: 'MLKEM1024', class: 'pq', clientShareLen: 1568, serverShareLen: 1568, layout: 'mlkem-only', mlkemK: 4, source: MLKEM }],
  // Hybrids ECDHE + ML-KEM
  [0x11e9, { name: 'SecP256r1MLKEM512', class: 'hybrid', clientShareLen: 865, serverShareLen: 833, layout: 'ecdh-first', ecdhLen: 65, mlkemK: 2, source: 'draft-kwiatkowski-tls-ecdhe-mlkem (IANA 4585)' }],
  [0x11ea, { name: 'MLKEM512X25519', class: 'hybrid', clientShareLen: 832, serverShareLen: 800, layout: 'mlkem-first', ecdhLen: 32, mlkemK: 2, source: 'draft-kwiatkowski-tls-ecdhe-mlkem (IANA 4586)' }],
  [0x11eb, { name: 'SecP256r1MLKEM768', class: 'hybrid', clientShareLen: 1249, serverShareLen: 1153, layout: 'ecdh-first', ecdhLen: 65, mlkemK: 3, source: ECDHE_MLKEM }],
  [0x11ec, { name: 'X25519MLKEM768', class: 'hybrid', clientShareLen: 1216, serverShareLen: 1120, layout: 'mlkem-first', ecdhLen: 32, mlkemK: 3, source: ECDHE_MLKEM }],
  [0x11ed, { name: 'SecP384r1MLKEM1024', class: 'hybrid', clientShareLen: 1665, serverShareLen: 1665, layout: 'ecdh-first', ecdhLen: 97, mlkemK: 4, source: ECDHE_MLKEM }],
  [0x11ee, { name: 'curveSM2MLKEM768', class: 'hybrid', clientShareLen: 1249, serverShareLen: 1153, layout: 'ecdh-first', ecdhLen: 65, mlkemK: 3, source: 'draft-yang-tls-hybrid-sm2-mlkem (IANA 4590)' }],
  // Pre-standard Kyber (round 3) hybrids: Kyber public keys use the same 12-bit encoding
  [0x6399, { name: 'X25519Kyber768Draft00', class: 'hybrid', clientShareLen: 1216, serverShareLen: 1120, layout: 'ecdh-first', ecdhLen: 32, mlkemK: 3, legacy: true, source: 'draft-tls-westerbaan-xyber768d00 (IANA 25497)' }],
  [0x639a, { name: 'SecP256r1Kyber768Draft00', class: 'hybrid', clientShareLen: 1249, serverShareLen: 1153, layout: 'ecdh-first', ecdhLen: 65, mlkemK: 3, legacy: true, source: 'draft-kwiatkowski-tls-ecdhe-kyber (IANA 25498)' }],
  // shares: X25519 (32) ‖ HRSS public key or ciphertext (HRSS_PUBLIC_KEY_BYTES = HRSS_CIPHERTEXT_BYTES = 1138, BoringSSL include/openssl/hrss.h; CECPQ2KeyShare::KeyShareSizes, ssl/ssl_key_share.cc)
  [0x4138, { name: 'CECPQ2', class: 'hybrid', clientShareLen: 1170, serverShareLen: 1170, legacy: true, source: 'BoringSSL CECPQ2 experiment 2019 (X25519 + NTRU-HRSS)' }],
  // Cloudflare experiments in the private-use range (collide with OQS): only with a matching share
  [0xfe30, { name: 'X25519Kyber512Draft00', class: 'hybrid', clientShareLen: 832, serverShareLen: 800, layout: 'ecdh-first', ecdhLen: 32, mlkemK: 2, legacy: true, requireLength: true, source: 'cloudflare/go Kyber experiment (private use)' }],
  [0xfe31, { name: 'X25519Kyber768Draft00Old', class: 'hybrid', clientShareLen: 1216, serverShareLen: 1120, layout: 'ecdh-first', ecdhLen: 32, mlkemK: 3, legacy: true, requireLength: true, source: 'cloudflare/go Kyber experiment (private use)' }],
  [0xfe32, { name: 'P256Kyber768Draft00', class: 'hybrid', clientShareLen: 1249, serverShareLen: 1153, layout: 'ecdh-first', ecdhLen: 65, mlkemK: 3, legacy: true, requireLength: true, source: 'cloudflare/go Kyber experiment (private use)' }],
]);

/** RFC 8701 §2: GREASE values 0x0A0A, 0x1A1A, … 0xFAFA (both bytes equal, low nibble 0xA) */
export function isGrease(v: number): boolean {
  return (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);
}

export function hex4(v: number): string {
  return '0x' + (v & 0xffff).toString(16).padStart(4, '0');
}

/**
 * Dense index over the 16-bit codepoint space: BY_CODEPOINT[cp] = 1 + position in GROUP_LIST,
 * 0 for codepoints not in the table (a typed-array load instead of a Map lookup per group of
 * every hello).
 */
const GROUP_LIST: readonly GroupInfo[] = [...GROUPS.values()];
const BY_CODEPOINT = new Uint16Array(65536);
for (const [i, cp] of [...GROUPS.keys()].entries()) BY_CODEPOINT[cp] = i + 1;

export function groupInfo(cp: number): GroupInfo | undefined {
  if ((cp & 0xffff) !== cp) return undefined;
  const i = BY_CODEPOINT[cp] ?? 0;
  return i === 0 ? undefined : GROUP_LIST[i - 1];
}

/** table name, or `unknown-0xNNNN` (4 lowercase hex digits) */
export function groupName(cp: number): string {
  return groupInfo(cp)?.name ?? `unknown-${hex4(cp)}`;
}

/**
 * Class of a codepoint. `shareLen` (client or server key_share length) lets colliding
 * private-use codepoints count: without a matching share they are 'unknown'.
 */
export function groupClass(cp: number, shareLen?: number): KexClass {
  const g = groupInfo(cp);
  if (g === undefined) return 'unknown';
  if (g.requireLength === true) {
    if (shareLen === undefined) return 'unknown';
    if (shareLen !== g.clientShareLen && shareLen !== g.serverShareLen) return 'unknown';
  }
  return g.class;
}

/**
 * unknown = plaintext = 0 < classical < hybrid < pq. A switch, not a Record lookup: a keyed load
 * whose key varies goes megamorphic, and this runs for every group of every hello.
 */
function rank(c: KexClass): number {
  switch (c) {
    case 'classical': return 1;
    case 'hybrid': return 2;
    case 'pq': return 3;
    default: return 0;
  }
}

/** pq > hybrid > classical > unknown */
export function strongerClass(a: KexClass, b: KexClass): KexClass {
  return rank(b) > rank(a) ? b : a;
}
