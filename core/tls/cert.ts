/**
 * Minimal bounded DER walk of the leaf X.509 certificate (RFC 5280 §4.1: Certificate,
 * TBSCertificate, AlgorithmIdentifier, SubjectPublicKeyInfo; RFC 3279 §2.3.1 RSAPublicKey,
 * RFC 5480 §2.1.1 ECParameters namedCurve) from a TLS ≤ 1.2 Certificate message
 * (RFC 5246 §7.4.2: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>).
 * Only fixed-depth reads; every length is checked against its enclosing element.
 */
import type { CertificateInfo } from './types.js';
import type { Result } from './hello.js';
import { Reader } from './reader.js';

interface Tlv {
  tag: number;
  start: number; // value start
  end: number; // value end
}

const MAX_OID_BYTES = 64;

/** one DER TLV at `pos`, bounded by `limit`; null on any malformation (X.690 §8.1) */
function tlv(b: Uint8Array, pos: number, limit: number): Tlv | null {
  if (pos + 2 > limit) return null;
  const tag = b[pos] ?? 0;
  if ((tag & 0x1f) === 0x1f) return null; // high-tag-number form is not used in these fields
  let p = pos + 1;
  let len = b[p++] ?? 0;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > limit) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (b[p++] ?? 0);
  }
  if (p + len > limit) return null;
  return { tag, start: p, end: p + len };
}

/**
 * The texts of the last OID_CACHE OIDs decoded, by their bytes: a capture's certificates repeat
 * a handful of algorithm and curve OIDs, so most lookups compare a few bytes instead of
 * building the text again.
 */
const OID_CACHE = 8;
const oidBytes: Uint8Array[] = [];
const oidTexts: string[] = [];
let oidNext = 0;

function cachedOid(b: Uint8Array, start: number, end: number): string | null {
  const n = end - start;
  for (let k = 0; k < oidBytes.length; k++) {
    const c = oidBytes[k];
    if (c === undefined || c.length !== n) continue;
    let i = 0;
    while (i < n && c[i] === b[start + i]) i++;
    if (i === n) return oidTexts[k] ?? null;
  }
  return null;
}

/** dotted OID text of an OBJECT IDENTIFIER value (X.690 §8.19) */
function oidText(b: Uint8Array, start: number, end: number): string | null {
  if (end <= start || end - start > MAX_OID_BYTES) return null;
  const hit = cachedOid(b, start, end);
  if (hit !== null) return hit;
  const text = decodeOid(b, start, end);
  if (text !== null) {
    oidBytes[oidNext] = b.slice(start, end);
    oidTexts[oidNext] = text;
    oidNext = (oidNext + 1) % OID_CACHE;
  }
  return text;
}

function decodeOid(b: Uint8Array, start: number, end: number): string | null {
  const parts: number[] = [];
  let v = 0;
  for (let i = start; i < end; i++) {
    const x = b[i] ?? 0;
    v = v * 128 + (x & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 256) return null;
    if ((x & 0x80) === 0) {
      if (parts.length === 0) {
        const first = v < 80 ? Math.floor(v / 40) : 2;
        parts.push(first, v - first * 40);
      } else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

function intBits(b: Uint8Array, t: Tlv): number {
  let i = t.start;
  while (i < t.end && b[i] === 0) i++;
  if (i >= t.end) return 0;
  return (t.end - i - 1) * 8 + (32 - Math.clz32(b[i] ?? 0));
}

const OID_RSA = '1.2.840.113549.1.1.1'; // RFC 3279 §2.3.1 rsaEncryption
const OID_EC = '1.2.840.10045.2.1'; // RFC 5480 §2.1.1 id-ecPublicKey
/** RFC 5480 §2.1.1.1 named curves → field size bits */
const CURVE_BITS: Record<string, number> = {
  '1.2.840.10045.3.1.7': 256, // secp256r1
  '1.3.132.0.34': 384, // secp384r1
  '1.3.132.0.35': 521, // secp521r1
  '1.3.132.0.10': 256, // secp256k1
  '1.3.36.3.3.2.8.1.1.7': 256, // brainpoolP256r1 (RFC 5639)
  '1.3.36.3.3.2.8.1.1.11': 384, // brainpoolP384r1
  '1.3.36.3.3.2.8.1.1.13': 512, // brainpoolP512r1
};
/** RFC 8410 §3 */
const EDDSA_BITS: Record<string, number> = { '1.3.101.112': 256, '1.3.101.113': 456, '1.3.101.110': 256, '1.3.101.111': 448 };

/** decode one DER certificate */
export function decodeCertificateDer(der: Uint8Array): Result<CertificateInfo> {
  const info: CertificateInfo = { signatureAlgorithmOid: null, publicKeyAlgorithmOid: null, publicKeyBits: null, curveOid: null };
  const bad = { ok: false as const, error: 'tls.certificate_der_malformed' };
  const cert = tlv(der, 0, der.length);
  if (cert === null || cert.tag !== 0x30) return bad;
  const tbs = tlv(der, cert.start, cert.end);
  if (tbs === null || tbs.tag !== 0x30) return bad;
  let p = tbs.start;
  let t = tlv(der, p, tbs.end);
  if (t !== null && t.tag === 0xa0) {
    p = t.end; // [0] EXPLICIT version
    t = tlv(der, p, tbs.end);
  }
  if (t === null || t.tag !== 0x02) return bad; // serialNumber
  p = t.end;
  const sig = tlv(der, p, tbs.end); // signature AlgorithmIdentifier
  if (sig === null || sig.tag !== 0x30) return bad;
  const sigOid = tlv(der, sig.start, sig.end);
  if (sigOid !== null && sigOid.tag === 0x06) info.signatureAlgorithmOid = oidText(der, sigOid.start, sigOid.end);
  p = sig.end;
  for (let i = 0; i < 3; i++) {
    // issuer, validity, subject
    const x = tlv(der, p, tbs.end);
    if (x === null) return bad;
    p = x.end;
  }
  const spki = tlv(der, p, tbs.end);
  if (spki === null || spki.tag !== 0x30) return bad;
  const alg = tlv(der, spki.start, spki.end);
  if (alg === null || alg.tag !== 0x30) return bad;
  const algOid = tlv(der, alg.start, alg.end);
  if (algOid === null || algOid.tag !== 0x06) return bad;
  const pk = oidText(der, algOid.start, algOid.end);
  info.publicKeyAlgorithmOid = pk;
  const params = tlv(der, algOid.end, alg.end);
  const bits = tlv(der, alg.end, spki.end);
  if (pk === OID_RSA && bits !== null && bits.tag === 0x03 && bits.end > bits.start) {
    const seq = tlv(der, bits.start + 1, bits.end); // skip unused-bits octet
    const mod = seq !== null && seq.tag === 0x30 ? tlv(der, seq.start, seq.end) : null;
    if (mod !== null && mod.tag === 0x02) info.publicKeyBits = intBits(der, mod);
  } else if (pk === OID_EC && params !== null && params.tag === 0x06) {
    info.curveOid = oidText(der, params.start, params.end);
    info.publicKeyBits = info.curveOid !== null ? (CURVE_BITS[info.curveOid] ?? null) : null;
  } else if (pk !== null && EDDSA_BITS[pk] !== undefined) {
    info.publicKeyBits = EDDSA_BITS[pk] ?? null;
  }
  return { ok: true, value: info };
}

/**
 * TLS ≤ 1.2 Certificate message body. `body` may be a truncated prefix of a long chain: only
 * the leaf has to be complete.
 */
export function decodeCertificate(body: Uint8Array, start = 0, end = body.length): Result<CertificateInfo | null> {
  const r = new Reader(body, start, end);
  r.u24(); // certificate_list length (may exceed a truncated body)
  const leafLen = r.u24();
  if (!r.ok) return end - start === 3 ? { ok: true, value: null } : { ok: false, error: 'tls.certificate_truncated' };
  const leaf = r.bytes(leafLen);
  if (!r.ok) return { ok: false, error: 'tls.certificate_truncated' };
  return decodeCertificateDer(leaf);
}
