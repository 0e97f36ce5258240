/**
 * Pure decoders for TLS hello messages (bodies after the 4-byte handshake header):
 * ClientHello / ServerHello (RFC 8446 §4.1.2–§4.1.4, RFC 5246 §7.4.1), their extensions
 * (RFC 6066 §3 server_name, RFC 8446 §4.2 supported_versions / supported_groups / key_share /
 * signature_algorithms / psk_key_exchange_modes / pre_shared_key / early_data, RFC 7301 ALPN,
 * RFC 5077 session_ticket, draft-ietf-tls-esni encrypted_client_hello), TLS 1.3 drafts < 23
 * (key_share = 40, draft ServerHello without session id), and the SSL 2.0 CLIENT-HELLO /
 * SERVER-HELLO (RFC 5246 Appendix E.2, SSL 2.0 spec). Hostile input never throws.
 */
import { copyBytes } from '../util/bytes.js';
import type { ClientHello, KeyShareEntry, ServerHello } from './types.js';
import { Reader, toHex } from './reader.js';
import { checkClientShare } from './mlkem.js';

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

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
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

function u16list(r: Reader, out: number[]): void {
  while (r.remaining >= 2) out.push(r.u16());
  if (r.remaining !== 0) r.ok = false;
}

function parseClientKeyShares(data: Reader, out: KeyShareEntry[]): boolean {
  const r = data.vec(2);
  while (r.ok && r.remaining > 0) {
    const group = r.u16();
    const share = r.bytes(r.u16());
    if (!r.ok) break;
    const e: KeyShareEntry = { group, length: share.length };
    const v = checkClientShare(group, share);
    if (v !== null) e.mlkemKeyValid = v;
    out.push(e);
  }
  return r.ok && data.ok && data.remaining === 0;
}

function parseAlpn(data: Reader, out: string[]): boolean {
  const r = data.vec(2);
  while (r.ok && r.remaining > 0) {
    const p = r.bytes(r.u8());
    if (!r.ok) break;
    out.push(utf8.decode(p));
  }
  return r.ok && data.ok;
}

type ClientHelloHead = Pick<ClientHello, 'legacyVersion' | 'recordVersion' | 'sslv2' | 'random' | 'sessionId' | 'cipherSuites' | 'compressionMethods'>;

/** A ClientHello with the fixed fields of `head` and no extensions seen yet */
function emptyClientHello(head: ClientHelloHead): ClientHello {
  return {
    legacyVersion: head.legacyVersion,
    recordVersion: head.recordVersion,
    sslv2: head.sslv2,
    random: head.random,
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

/** ClientHello (RFC 8446 §4.1.2 / RFC 5246 §7.4.1.2) from its handshake body */
export function decodeClientHello(body: Uint8Array, recordVersion: number): Result<ClientHello> {
  const r = new Reader(body);
  const legacyVersion = r.u16();
  const random = copyBytes(r.bytes(32));
  const sessionId = copyOrEmpty(r.bytes(r.u8()));
  if (!r.ok) return { ok: false, error: 'tls.client_hello_truncated' };
  if (sessionId.length > 32) return { ok: false, error: 'tls.client_hello_bad_session_id' };
  const cs = r.vec(2);
  const cipherSuites: number[] = [];
  u16list(cs, cipherSuites);
  if (!r.ok || !cs.ok) return { ok: false, error: 'tls.client_hello_bad_cipher_suites' };
  const cm = r.vec(1);
  const compressionMethods: number[] = [];
  while (cm.remaining > 0) compressionMethods.push(cm.u8());
  if (!r.ok) return { ok: false, error: 'tls.client_hello_bad_compression' };

  const ch = emptyClientHello({ legacyVersion, recordVersion, sslv2: false, random, sessionId, cipherSuites, compressionMethods });
  if (r.remaining === 0) return { ok: true, value: ch }; // extensions are optional before TLS 1.3
  const exts = r.vec(2);
  if (!r.ok) return { ok: false, error: 'tls.client_hello_bad_extensions_length' };
  let draftShares: KeyShareEntry[] | null = null;
  let sawKeyShare = false;
  // real hellos carry a few dozen extensions: a scan of the list beats a Set per hello; a
  // hostile one with thousands gets the Set (no quadratic scan)
  let seen: Set<number> | null = null;
  while (exts.remaining > 0) {
    const type = exts.u16();
    const data = exts.vec(2);
    if (!exts.ok) return { ok: false, error: 'tls.client_hello_bad_extension' };
    if (seen === null && ch.extensionTypes.length >= 64) seen = new Set(ch.extensionTypes);
    if (seen !== null ? seen.has(type) : ch.extensionTypes.includes(type)) warn(ch, 'tls.duplicate_extension');
    seen?.add(type);
    ch.extensionTypes.push(type);
    switch (type) {
      case EXT.serverName: {
        const list = data.vec(2);
        while (list.ok && list.remaining > 0) {
          const nameType = list.u8();
          const name = list.bytes(list.u16());
          if (list.ok && nameType === 0 && ch.sni === null) {
            ch.sni = latin1.decode(name.subarray(0, MAX_SNI));
          }
        }
        if (!list.ok) warn(ch, 'tls.ext_server_name_malformed');
        break;
      }
      case EXT.supportedGroups: {
        const l = data.vec(2);
        u16list(l, ch.supportedGroups);
        if (!l.ok) warn(ch, 'tls.ext_supported_groups_malformed');
        break;
      }
      case EXT.signatureAlgorithms: {
        const l = data.vec(2);
        u16list(l, ch.signatureAlgorithms);
        if (!l.ok) warn(ch, 'tls.ext_signature_algorithms_malformed');
        break;
      }
      case EXT.alpn:
        if (!parseAlpn(data, ch.alpn)) warn(ch, 'tls.ext_alpn_malformed');
        break;
      case EXT.sessionTicket:
        ch.sessionTicketLength = data.remaining;
        if (data.remaining > 0) ch.sessionTicketKey = toHex(data.bytes(Math.min(32, data.remaining)));
        break;
      case EXT.keyShare:
        sawKeyShare = true;
        if (!parseClientKeyShares(data, ch.keyShares)) warn(ch, 'tls.ext_key_share_malformed');
        break;
      case EXT.keyShareDraft: {
        draftShares = [];
        if (!parseClientKeyShares(data, draftShares)) warn(ch, 'tls.ext_key_share_malformed');
        break;
      }
      case EXT.preSharedKey:
        ch.hasPreSharedKey = true;
        break;
      case EXT.earlyData:
        ch.hasEarlyData = true;
        break;
      case EXT.supportedVersions: {
        const l = data.vec(1);
        u16list(l, ch.supportedVersions);
        if (!l.ok) warn(ch, 'tls.ext_supported_versions_malformed');
        break;
      }
      case EXT.pskKeyExchangeModes: {
        const l = data.vec(1);
        while (l.remaining > 0) ch.pskKeyExchangeModes.push(l.u8());
        if (!l.ok) warn(ch, 'tls.ext_psk_modes_malformed');
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
  if (exts.pos !== exts.end || r.remaining !== 0) warn(ch, 'tls.client_hello_trailing_bytes');
  return { ok: true, value: ch };
}

function emptyServerHello(legacyVersion: number, random: Uint8Array): ServerHello {
  return {
    legacyVersion,
    random,
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
export function decodeServerHello(body: Uint8Array): Result<ServerHello> {
  const r = new Reader(body);
  const legacyVersion = r.u16();
  const random = copyBytes(r.bytes(32));
  if (!r.ok) return { ok: false, error: 'tls.server_hello_truncated' };
  const sh = emptyServerHello(legacyVersion, random);
  sh.isHelloRetryRequest = equalBytes(random, HRR_RANDOM);
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
  while (exts.remaining > 0) {
    const type = exts.u16();
    const data = exts.vec(2);
    if (!exts.ok) return { ok: false, error: 'tls.server_hello_bad_extension' };
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
        if (!parseAlpn(data, l)) warn(sh, 'tls.ext_alpn_malformed');
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
  const challenge = r.bytes(challengeLen);
  if (!r.ok) return { ok: false, error: 'tls.sslv2_client_hello_truncated' };
  const cipherSuites: number[] = [];
  for (let i = 0; i + 3 <= specs.length; i += 3) {
    cipherSuites.push(((specs[i] ?? 0) << 16) | ((specs[i + 1] ?? 0) << 8) | (specs[i + 2] ?? 0));
  }
  const random = new Uint8Array(32);
  random.set(challenge, 32 - challenge.length); // E.2: challenge right-aligned, zero padded
  return {
    ok: true,
    value: emptyClientHello({ legacyVersion, recordVersion: 0x0002, sslv2: true, random, sessionId, cipherSuites, compressionMethods: [0] }),
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
  const sh = emptyServerHello(version, new Uint8Array(32));
  sh.sslv2 = true;
  sh.cipherSuite = specs.length >= 3 ? ((specs[0] ?? 0) << 16) | ((specs[1] ?? 0) << 8) | (specs[2] ?? 0) : -1;
  return { ok: true, value: { hello: sh, certificate: cert } };
}
