/**
 * Pure decoders for TLS hello messages (bodies after the 4-byte handshake header):
 * ClientHello / ServerHello (RFC 8446 §4.1.2–§4.1.4, RFC 5246 §7.4.1), their extensions
 * (RFC 6066 §3 server_name, RFC 8446 §4.2 supported_versions / supported_groups / key_share /
 * signature_algorithms / psk_key_exchange_modes / pre_shared_key / early_data, RFC 7301 ALPN,
 * RFC 5077 session_ticket, draft-ietf-tls-esni encrypted_client_hello), TLS 1.3 drafts < 23
 * (key_share = 40, draft ServerHello without session id), and the SSL 2.0 CLIENT-HELLO /
 * SERVER-HELLO (RFC 5246 Appendix E.2, SSL 2.0 spec). Hostile input never throws.
 */
import { copyBytes, copyRange, hexOf } from '../util/bytes.js';
import type { ClientHello, KeyShareEntry, ServerHello } from './types.js';
import { Reader } from './reader.js';
import { checkClientShare } from './mlkem.js';
import { groupInfo } from './groups.js';

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

/** IANA TLS ExtensionType values */
export const EXT = {
  serverName: 0, // RFC 6066 §3
  supportedGroups: 10, // RFC 8446 §4.2.7
  signatureAlgorithms: 13, // RFC 8446 §4.2.3
  alpn: 16, // RFC 7301 §3.1
  sessionTicket: 35, // RFC 5077 §3.2
  keyShareDraft: 40, // draft-ietf-tls-tls13-22 and earlier
  preSharedKey: 41, // RFC 8446 §4.2.11
  earlyData: 42, // RFC 8446 §4.2.10
  supportedVersions: 43, // RFC 8446 §4.2.1
  pskKeyExchangeModes: 45, // RFC 8446 §4.2.9
  keyShare: 51, // RFC 8446 §4.2.8
  quicTransportParameters: 57, // RFC 9001 §8.2
  encryptedClientHello: 0xfe0d, // draft-ietf-tls-esni §11.1
} as const;

/** RFC 8446 §4.1.3: SHA-256("HelloRetryRequest") */
export const HRR_RANDOM = Uint8Array.from(
  Buffer.from('cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c', 'hex'),
);

/** RFC 8446 §4: HandshakeType */
export const HS = {
  helloRequest: 0,
  clientHello: 1,
  serverHello: 2,
  newSessionTicket: 4,
  certificate: 11,
  serverKeyExchange: 12,
  serverHelloDone: 14,
} as const;

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');
const MAX_SNI = 255; // RFC 1035 §2.3.4 name length; longer names are truncated for display

/** shared empty session id (records are read-only once decoded; no allocation per hello) */
const NO_SESSION_ID = new Uint8Array(0);

/** a copy of `v` (the input may be a reused capture buffer); the shared empty array when empty */
function copyOrEmpty(v: Uint8Array): Uint8Array {
  return v.length === 0 ? NO_SESSION_ID : copyBytes(v);
}

/** b[at, at + want.length) equals `want` (the caller checked the range is inside b) */
function equalAt(b: Uint8Array, at: number, want: Uint8Array): boolean {
  for (let i = 0; i < want.length; i++) if (b[at + i] !== want[i]) return false;
  return true;
}

/**
 * Split complete handshake messages (RFC 8446 §4: msg_type u8, length u24, body) from `data`.
 * Returns the number of bytes consumed; a trailing partial message is left for the caller.
 */
export function parseHandshakeMessages(data: Uint8Array, onMessage: (type: number, body: Uint8Array) => void): number {
  let pos = 0;
  while (pos + 4 <= data.length) {
    const type = data[pos] ?? 0;
    const len = ((data[pos + 1] ?? 0) << 16) | ((data[pos + 2] ?? 0) << 8) | (data[pos + 3] ?? 0);
    if (pos + 4 + len > data.length) break;
    onMessage(type, data.subarray(pos + 4, pos + 4 + len));
    pos += 4 + len;
  }
  return pos;
}

/** adds warning `w` to the record once, at most 16 (the list exists only once there is one) */
function warn(rec: { warnings?: string[] }, w: string): void {
  const list = (rec.warnings ??= []);
  if (!list.includes(w) && list.length < 16) list.push(w);
}

type ClientHelloHead = Pick<ClientHello, 'legacyVersion' | 'recordVersion' | 'sslv2' | 'sessionId' | 'cipherSuites' | 'compressionMethods'>;

/** A ClientHello with the fixed fields of `head` and no extensions seen yet */
function emptyClientHello(head: ClientHelloHead): ClientHello {
  return {
    legacyVersion: head.legacyVersion,
    recordVersion: head.recordVersion,
    sslv2: head.sslv2,
    sessionId: head.sessionId,
    cipherSuites: head.cipherSuites,
    compressionMethods: head.compressionMethods,
    extensionTypes: [],
    sni: null,
    supportedGroups: [],
    keyShares: [],
    supportedVersions: [],
    alpn: [],
    signatureAlgorithms: [],
    pskKeyExchangeModes: [],
    hasPreSharedKey: false,
    hasEarlyData: false,
    ech: false,
    sessionTicketLength: 0,
    sessionTicketKey: null,
  };
}

/**
 * Extension types seen in the hello being decoded: EXT_SEEN[type] === the hello's stamp.
 * One table for the process (decoding is synchronous), so a duplicate check costs one load
 * whatever the number of extensions (a hostile hello with thousands stays linear).
 */
const EXT_SEEN = new Uint32Array(65536);
let extStamp = 0;

function nextStamp(): number {
  extStamp = (extStamp + 1) >>> 0;
  if (extStamp === 0) {
    EXT_SEEN.fill(0); // after 2^32 - 1 hellos: old stamps must not match again
    extStamp = 1;
  }
  return extStamp;
}

/** big-endian u16 at b[p] (callers check bounds) */
function be16(b: Uint8Array, p: number): number {
  return ((b[p] ?? 0) << 8) | (b[p + 1] ?? 0);
}

/**
 * Appends the u16 items of a vector with a `lenBytes` length prefix at b[p..end) to `out`.
 * false when the prefix or the vector does not fit, or its length is odd (the whole items before
 * that are kept). Bytes after the vector inside the extension are ignored.
 */
function u16vec(b: Uint8Array, p: number, end: number, lenBytes: 1 | 2, out: number[]): boolean {
  if (p + lenBytes > end) return false;
  const n = lenBytes === 1 ? (b[p] ?? 0) : be16(b, p);
  p += lenBytes;
  if (p + n > end) return false;
  const stop = p + n - 1;
  for (; p < stop; p += 2) out.push(be16(b, p));
  return (n & 1) === 0;
}

/** end of the vector with a u16 length prefix at b[p], or -1 when it does not fit in b[..end) */
function vec16End(b: Uint8Array, p: number, end: number): number {
  if (p + 2 > end) return -1;
  const e = p + 2 + be16(b, p);
  return e > end ? -1 : e;
}

/** server_name (RFC 6066 §3) list at b[p..end): the first host_name into ch.sni; false if malformed */
function serverName(b: Uint8Array, p: number, end: number, ch: ClientHello): boolean {
  const listEnd = vec16End(b, p, end);
  if (listEnd < 0) return false;
  p += 2;
  while (p < listEnd) {
    if (p + 3 > listEnd) return false;
    const nameType = b[p] ?? 0;
    const len = be16(b, p + 1);
    p += 3;
    if (p + len > listEnd) return false;
    if (nameType === 0 && ch.sni === null) ch.sni = latin1.decode(b.subarray(p, p + Math.min(len, MAX_SNI)));
    p += len;
  }
  return true;
}

/** key_share client_shares (RFC 8446 §4.2.8) of the extension b[p..end) into `out`; false if malformed */
function clientKeyShares(b: Uint8Array, p: number, end: number, out: KeyShareEntry[]): boolean {
  const listEnd = vec16End(b, p, end);
  if (listEnd < 0) return false;
  p += 2;
  while (p < listEnd) {
    if (p + 4 > listEnd) return false;
    const group = be16(b, p);
    const len = be16(b, p + 2);
    p += 4;
    if (p + len > listEnd) return false;
    const e: KeyShareEntry = { group, length: len };
    // only groups carrying an ML-KEM / Kyber key get a view and the FIPS 203 modulus check
    if (groupInfo(group)?.mlkemK !== undefined) {
      const v = checkClientShare(group, b.subarray(p, p + len));
      if (v !== null) e.mlkemKeyValid = v;
    }
    out.push(e);
    p += len;
  }
  return listEnd === end;
}

/** ALPN protocol_name_list (RFC 7301 §3.1) at b[p..end) into `out`; false if malformed */
function alpnList(b: Uint8Array, p: number, end: number, out: string[]): boolean {
  const listEnd = vec16End(b, p, end);
  if (listEnd < 0) return false;
  p += 2;
  while (p < listEnd) {
    const len = b[p] ?? 0;
    p += 1;
    if (p + len > listEnd) return false;
    out.push(utf8.decode(b.subarray(p, p + len)));
    p += len;
  }
  return true;
}

/**
 * ClientHello (RFC 8446 §4.1.2 / RFC 5246 §7.4.1.2) from its handshake body. Walks the body
 * with plain offsets (no cursor object or view per vector: this runs once per TLS flow); every
 * length is checked against the vector that encloses it.
 */
export function decodeClientHello(body: Uint8Array, recordVersion: number, start = 0, end = body.length): Result<ClientHello> {
  const b = body;
  if (end - start < 35) return { ok: false, error: 'tls.client_hello_truncated' };
  const legacyVersion = be16(b, start);
  // random (32 bytes) is not kept: nothing hndl-scan reports depends on it
  const sidLen = b[start + 34] ?? 0;
  let p = start + 35;
  if (p + sidLen > end) return { ok: false, error: 'tls.client_hello_truncated' };
  if (sidLen > 32) return { ok: false, error: 'tls.client_hello_bad_session_id' };
  const sessionId = sidLen === 0 ? NO_SESSION_ID : copyRange(b, p, p + sidLen);
  p += sidLen;
  const cipherSuites: number[] = [];
  if (!u16vec(b, p, end, 2, cipherSuites)) return { ok: false, error: 'tls.client_hello_bad_cipher_suites' };
  p += 2 + be16(b, p);
  const compressionMethods: number[] = [];
  if (p + 1 > end || p + 1 + (b[p] ?? 0) > end) return { ok: false, error: 'tls.client_hello_bad_compression' };
  for (let i = p + 1, stop = p + 1 + (b[p] ?? 0); i < stop; i++) compressionMethods.push(b[i] ?? 0);
  p += 1 + (b[p] ?? 0);

  const ch = emptyClientHello({ legacyVersion, recordVersion, sslv2: false, sessionId, cipherSuites, compressionMethods });
  if (p === end) return { ok: true, value: ch }; // extensions are optional before TLS 1.3
  const extsEnd = vec16End(b, p, end);
  if (extsEnd < 0) return { ok: false, error: 'tls.client_hello_bad_extensions_length' };
  p += 2;
  let draftShares: KeyShareEntry[] | null = null;
  let sawKeyShare = false;
  const stamp = nextStamp();
  while (p < extsEnd) {
    const dEnd = p + 2 <= extsEnd ? vec16End(b, p + 2, extsEnd) : -1;
    if (dEnd < 0) return { ok: false, error: 'tls.client_hello_bad_extension' };
    const type = be16(b, p);
    const d = p + 4;
    p = dEnd;
    if (EXT_SEEN[type] === stamp) warn(ch, 'tls.duplicate_extension');
    EXT_SEEN[type] = stamp;
    ch.extensionTypes.push(type);
    switch (type) {
      case EXT.serverName:
        if (!serverName(b, d, dEnd, ch)) warn(ch, 'tls.ext_server_name_malformed');
        break;
      case EXT.supportedGroups:
        if (!u16vec(b, d, dEnd, 2, ch.supportedGroups)) warn(ch, 'tls.ext_supported_groups_malformed');
        break;
      case EXT.signatureAlgorithms:
        if (!u16vec(b, d, dEnd, 2, ch.signatureAlgorithms)) warn(ch, 'tls.ext_signature_algorithms_malformed');
        break;
      case EXT.alpn:
        if (!alpnList(b, d, dEnd, ch.alpn)) warn(ch, 'tls.ext_alpn_malformed');
        break;
      case EXT.sessionTicket:
        ch.sessionTicketLength = dEnd - d;
        if (dEnd > d) ch.sessionTicketKey = hexOf(b, d, Math.min(dEnd, d + 32));
        break;
      case EXT.keyShare:
        sawKeyShare = true;
        if (!clientKeyShares(b, d, dEnd, ch.keyShares)) warn(ch, 'tls.ext_key_share_malformed');
        break;
      case EXT.keyShareDraft:
        draftShares = [];
        if (!clientKeyShares(b, d, dEnd, draftShares)) warn(ch, 'tls.ext_key_share_malformed');
        break;
      case EXT.preSharedKey:
        ch.hasPreSharedKey = true;
        break;
      case EXT.earlyData:
        ch.hasEarlyData = true;
        break;
      case EXT.supportedVersions:
        if (!u16vec(b, d, dEnd, 1, ch.supportedVersions)) warn(ch, 'tls.ext_supported_versions_malformed');
        break;
      case EXT.pskKeyExchangeModes: {
        const n = dEnd > d ? (b[d] ?? 0) : -1;
        if (n < 0 || d + 1 + n > dEnd) warn(ch, 'tls.ext_psk_modes_malformed');
        else for (let i = d + 1; i < d + 1 + n; i++) ch.pskKeyExchangeModes.push(b[i] ?? 0);
        break;
      }
      case EXT.encryptedClientHello:
        ch.ech = true;
        break;
      default:
        break;
    }
  }
  // drafts < 23 used extension 40 for key_share (draft-ietf-tls-tls13-22 §4.2.8)
  if (!sawKeyShare && draftShares !== null) ch.keyShares = draftShares;
  if (extsEnd !== end) warn(ch, 'tls.client_hello_trailing_bytes');
  return { ok: true, value: ch };
}

function emptyServerHello(legacyVersion: number): ServerHello {
  return {
    legacyVersion,
    sessionId: NO_SESSION_ID,
    cipherSuite: -1,
    compressionMethod: 0,
    extensionTypes: [],
    selectedVersion: 0,
    keyShareGroup: -1,
    keyShareLength: 0,
    isHelloRetryRequest: false,
    pskSelected: false,
    alpn: null,
  };
}

/** ServerHello / HelloRetryRequest (RFC 8446 §4.1.3–§4.1.4, RFC 5246 §7.4.1.3, TLS 1.3 drafts) */
export function decodeServerHello(body: Uint8Array, start = 0, end = body.length): Result<ServerHello> {
  const r = new Reader(body, start, end);
  const legacyVersion = r.u16();
  const randomAt = r.pos;
  r.bytes(32);
  if (!r.ok) return { ok: false, error: 'tls.server_hello_truncated' };
  const sh = emptyServerHello(legacyVersion);
  sh.isHelloRetryRequest = equalAt(body, randomAt, HRR_RANDOM);
  // draft-ietf-tls-tls13 before -22: version, random, cipher_suite, extensions (no session id)
  const draftFormat = legacyVersion >= 0x7f00 && legacyVersion < 0x7f16;
  if (!draftFormat) {
    const sid = r.bytes(r.u8());
    if (sid.length > 32) return { ok: false, error: 'tls.server_hello_bad_session_id' };
    sh.sessionId = copyOrEmpty(sid);
  }
  sh.cipherSuite = r.u16();
  if (!draftFormat) sh.compressionMethod = r.u8();
  if (!r.ok) return { ok: false, error: 'tls.server_hello_truncated' };
  if (r.remaining === 0) return { ok: true, value: sh };
  const exts = r.vec(2);
  if (!r.ok) return { ok: false, error: 'tls.server_hello_bad_extensions_length' };
  const stamp = nextStamp();
  while (exts.remaining > 0) {
    const type = exts.u16();
    const data = exts.vec(2);
    if (!exts.ok) return { ok: false, error: 'tls.server_hello_bad_extension' };
    // RFC 8446 §4.2: no two extensions of the same type; the stamp table, not a search of the
    // list: a 64 KiB ServerHello of 16 000 extensions made includes() quadratic (62 ms per
    // hello, found by an audit)
    if (EXT_SEEN[type] === stamp) warn(sh, 'tls.duplicate_extension');
    EXT_SEEN[type] = stamp;
    sh.extensionTypes.push(type);
    switch (type) {
      case EXT.supportedVersions:
        sh.selectedVersion = data.u16();
        if (!data.ok) warn(sh, 'tls.ext_supported_versions_malformed');
        break;
      case EXT.keyShare:
      case EXT.keyShareDraft:
        if (type === EXT.keyShareDraft && sh.keyShareGroup !== -1) break;
        sh.keyShareGroup = data.u16();
        if (!sh.isHelloRetryRequest && data.remaining > 0) {
          sh.keyShareLength = data.bytes(data.u16()).length;
        } else if (!sh.isHelloRetryRequest) {
          data.ok = false; // a ServerHello key_share must carry key_exchange
        }
        if (!data.ok) warn(sh, 'tls.ext_key_share_malformed');
        break;
      case EXT.preSharedKey:
        sh.pskSelected = true;
        break;
      case EXT.alpn: {
        const l: string[] = [];
        if (!alpnList(data.buf, data.pos, data.end, l)) warn(sh, 'tls.ext_alpn_malformed');
        sh.alpn = l[0] ?? null;
        break;
      }
      default:
        break;
    }
  }
  return { ok: true, value: sh };
}

/** SSL 2.0 message types (SSL 2.0 spec §2.6) */
const SSL2_CLIENT_HELLO = 1;
const SSL2_SERVER_HELLO = 4;

/**
 * If `data` starts with an SSL 2.0 record header (2-byte form, high bit set) returns
 * { headerLen: 2, length } of the record body, else null (RFC 5246 Appendix E.2).
 */
export function sslv2RecordLength(data: Uint8Array): number | null {
  const b0 = data[0];
  const b1 = data[1];
  if (b0 === undefined || b1 === undefined || (b0 & 0x80) === 0) return null;
  return ((b0 & 0x7f) << 8) | b1;
}

/** SSL 2.0-compatible CLIENT-HELLO body (starting at msg_type), RFC 5246 Appendix E.2 */
export function decodeSslv2ClientHello(msg: Uint8Array): Result<ClientHello> {
  const r = new Reader(msg);
  if (r.u8() !== SSL2_CLIENT_HELLO) return { ok: false, error: 'tls.sslv2_not_client_hello' };
  const legacyVersion = r.u16();
  const specLen = r.u16();
  const sidLen = r.u16();
  const challengeLen = r.u16();
  if (!r.ok || specLen % 3 !== 0 || (sidLen !== 0 && sidLen !== 16) || challengeLen < 16 || challengeLen > 32) {
    return { ok: false, error: 'tls.sslv2_client_hello_malformed' };
  }
  const specs = r.bytes(specLen);
  const sessionId = copyOrEmpty(r.bytes(sidLen));
  r.bytes(challengeLen); // challenge: only its length is checked
  if (!r.ok) return { ok: false, error: 'tls.sslv2_client_hello_truncated' };
  const cipherSuites: number[] = [];
  for (let i = 0; i + 3 <= specs.length; i += 3) {
    cipherSuites.push(((specs[i] ?? 0) << 16) | ((specs[i + 1] ?? 0) << 8) | (specs[i + 2] ?? 0));
  }
  return {
    ok: true,
    value: emptyClientHello({ legacyVersion, recordVersion: 0x0002, sslv2: true, sessionId, cipherSuites, compressionMethods: [0] }),
  };
}

/** SSL 2.0 SERVER-HELLO (SSL 2.0 spec §2.6): also returns the server certificate DER view */
export function decodeSslv2ServerHello(msg: Uint8Array): Result<{ hello: ServerHello; certificate: Uint8Array }> {
  const r = new Reader(msg);
  if (r.u8() !== SSL2_SERVER_HELLO) return { ok: false, error: 'tls.sslv2_not_server_hello' };
  r.u8(); // session_id_hit
  r.u8(); // certificate_type
  const version = r.u16();
  const certLen = r.u16();
  const specLen = r.u16();
  const connIdLen = r.u16();
  const cert = r.bytes(certLen);
  const specs = r.bytes(specLen);
  r.bytes(connIdLen);
  if (!r.ok || specLen % 3 !== 0) return { ok: false, error: 'tls.sslv2_server_hello_malformed' };
  const sh = emptyServerHello(version);
  sh.sslv2 = true;
  sh.cipherSuite = specs.length >= 3 ? ((specs[0] ?? 0) << 16) | ((specs[1] ?? 0) << 8) | (specs[2] ?? 0) : -1;
  return { ok: true, value: { hello: sh, certificate: cert } };
}
