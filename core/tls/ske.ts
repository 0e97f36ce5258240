/**
 * TLS ≤ 1.2 ServerKeyExchange (RFC 5246 §7.4.3 DHE ServerDHParams; RFC 8422 §5.4 ECDHE
 * ServerECDHParams / ECCurveType; RFC 4279 §3 + RFC 5489 §2 PSK identity hint prefix).
 */
import type { ServerKeyExchange } from './types.js';
import type { Result } from './hello.js';
import { Reader } from './reader.js';
import { suiteHasPskHint, suiteKex } from './suites.js';

/** RFC 8422 §5.4 ECCurveType */
const CURVE_EXPLICIT_PRIME = 1;
const CURVE_EXPLICIT_CHAR2 = 2;
const CURVE_NAMED = 3;

function bitLength(n: Uint8Array): number {
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i >= n.length) return 0;
  return (n.length - i - 1) * 8 + (32 - Math.clz32(n[i] ?? 0));
}

function ecdhe(r: Reader): ServerKeyExchange | null {
  const curveType = r.u8();
  let namedCurve = -1;
  if (curveType === CURVE_NAMED) namedCurve = r.u16();
  else if (curveType === CURVE_EXPLICIT_PRIME) namedCurve = 0xff01;
  else if (curveType === CURVE_EXPLICIT_CHAR2) namedCurve = 0xff02;
  else return null;
  if (curveType === CURVE_NAMED) {
    const point = r.bytes(r.u8());
    if (!r.ok || point.length === 0) return null;
  }
  return r.ok ? { kind: 'ecdhe', namedCurve, dhPrimeBits: 0 } : null;
}

function dhe(r: Reader): ServerKeyExchange | null {
  const p = r.bytes(r.u16());
  const g = r.bytes(r.u16());
  const ys = r.bytes(r.u16());
  if (!r.ok || p.length === 0 || g.length === 0 || ys.length === 0) return null;
  return { kind: 'dhe', namedCurve: -1, dhPrimeBits: bitLength(p) };
}

export function decodeServerKeyExchange(body: Uint8Array, cipherSuite: number, start = 0, end = body.length): Result<ServerKeyExchange> {
  const kex = suiteKex(cipherSuite);
  const r = new Reader(body, start, end);
  if (suiteHasPskHint(cipherSuite)) r.bytes(r.u16());
  let v: ServerKeyExchange | null = null;
  if (kex === 'ecdhe') v = ecdhe(r);
  else if (kex === 'dhe') v = dhe(r);
  else if (kex === 'unknown') {
    // unknown suite: try the ECDHE shape first (curve_type 3 + named curve), then DHE
    v = end > start && body[start] === CURVE_NAMED ? ecdhe(new Reader(body, start, end)) : null;
    if (v === null) v = dhe(new Reader(body, start, end));
    if (v === null) return { ok: true, value: { kind: 'unknown', namedCurve: -1, dhPrimeBits: 0 } };
  } else {
    // RSA_EXPORT / PSK / SRP ServerKeyExchange: no (EC)DH group to report
    return { ok: true, value: { kind: 'unknown', namedCurve: -1, dhPrimeBits: 0 } };
  }
  if (v === null) return { ok: false, error: 'tls.server_key_exchange_malformed' };
  return { ok: true, value: v };
}
