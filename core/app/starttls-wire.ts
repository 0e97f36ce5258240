/**
 * Wire formats and protocol tables of the protocols that upgrade to TLS in-band
 * (core/app/starttls.ts reads sessions with them): constants with their sources, the text
 * protocols' command and reply tables, BER, TPKT/X.224, MySQL and PostgreSQL header readers, and
 * the sniffer that recognises a protocol from a direction's first bytes. Pure functions over
 * byte views; nothing here keeps state or throws.
 */
import { u32 as be32 } from '../net/bytes.js';

export type StartTlsProtocol = 'smtp' | 'ftp' | 'pop3' | 'imap' | 'nntp' | 'postgresql' | 'mysql' | 'ldap' | 'rdp' | 'xmpp';

/** bytes in one line, at most (RFC 5321 §4.5.3.1.5: 512 for SMTP replies; RFC 9051 allows longer, 1 KiB is plenty before login) */
export const MAX_LINE = 1024;

/** PostgreSQL SSLRequest: Int32 length 8, Int32 80877103 */
export const PG_SSL_REQUEST = 80877103;
/** PostgreSQL GSSENCRequest: Int32 length 8, Int32 80877104 (GSSAPI encryption, not TLS) */
export const PG_GSSENC_REQUEST = 80877104;
/** PostgreSQL StartupMessage protocol 3.x: major 3 in the high 16 bits (3.0, and 3.2 from PostgreSQL 18) */
export const PG_PROTOCOL_MAJOR = 3;
/** MySQL capability flags: CLIENT_PROTOCOL_41, CLIENT_SSL */
export const MYSQL_CLIENT_PROTOCOL_41 = 0x0200;
export const MYSQL_CLIENT_SSL = 0x0800;
/** MySQL SSLRequest payload: capabilities 4, max packet 4, charset 1, filler 23 */
export const MYSQL_SSL_REQUEST_LEN = 32;
/**
 * SASL mechanisms that can set up a security layer of their own (integrity or confidentiality
 * after authentication): GSSAPI (RFC 4752 §3.3), GSS-SPNEGO (Active Directory's LDAP sign and
 * seal), DIGEST-MD5 (RFC 2831 §2.3), KERBEROS_V4 (RFC 2222 §7.1), NTLM. A session authenticated
 * with one of them is not called plaintext. The others (PLAIN, LOGIN, CRAM-MD5, SCRAM, EXTERNAL,
 * OAUTHBEARER, GS2, which RFC 5801 §2 gives no security layer) leave it in the clear.
 */
export const SASL_LAYER = new Set(['GSSAPI', 'GSS-SPNEGO', 'DIGEST-MD5', 'KERBEROS_V4', 'NTLM']);
/** LDAP StartTLS extended operation name (RFC 4511 §4.14.1) */
export const LDAP_STARTTLS_OID = '1.3.6.1.4.1.1466.20037';
/** LDAP protocolOp tags (RFC 4511 §4.2–§4.12, BER [APPLICATION n]) that carry directory content in the clear */
export const LDAP_CONTENT_OPS = new Map<number, string>([
  [0x63, 'SearchRequest'], [0x66, 'ModifyRequest'], [0x68, 'AddRequest'], [0x4a, 'DelRequest'],
  [0x6c, 'ModifyDNRequest'], [0x6e, 'CompareRequest'],
]);
export const LDAP_BIND_REQUEST = 0x60;
export const LDAP_UNBIND_REQUEST = 0x42;
export const LDAP_EXTENDED_REQUEST = 0x77;
export const LDAP_EXTENDED_RESPONSE = 0x78;
export const LDAP_SEARCH_REQUEST = 0x63;
/** AuthenticationChoice tags: simple [0] OCTET STRING, sasl [3] SaslCredentials */
export const LDAP_AUTH_SIMPLE = 0x80;
export const LDAP_AUTH_SASL = 0xa3;
/** TPKT version (RFC 1006 §6) and X.224 TPDU codes (ITU-T X.224 §13.3, §13.4): Connection Request, Connection Confirm */
const TPKT_VERSION = 3;
export const X224_CR = 0xe0;
export const X224_CC = 0xd0;
/** [MS-RDPBCGR] 2.2.1.1.1 / 2.2.1.2.1 / 2.2.1.2.2: RDP_NEG_REQ, RDP_NEG_RSP, RDP_NEG_FAILURE (each 8 bytes) */
export const RDP_NEG_REQ = 0x01;
export const RDP_NEG_RSP = 0x02;
export const RDP_NEG_FAILURE = 0x03;
/** requested / selected protocols ([MS-RDPBCGR] 2.2.1.1.1): bit names in order of value */
const RDP_PROTOCOLS: ReadonlyArray<[number, string]> = [[0x1, 'SSL'], [0x2, 'HYBRID'], [0x4, 'RDSTLS'], [0x8, 'HYBRID_EX'], [0x10, 'RDSAAD']];
/** XMPP namespaces (RFC 6120 §5.4, §6.4): STARTTLS and SASL negotiation */
export const XMPP_TLS_NS = 'urn:ietf:params:xml:ns:xmpp-tls';
export const XMPP_SASL_NS = 'urn:ietf:params:xml:ns:xmpp-sasl';
/** the XML namespace of stream headers (RFC 6120 §4.8.5): a client's first bytes name it */
export const XMPP_STREAMS_NS = 'http://etherx.jabber.org/streams';

/** the element name of one XML tag (`<starttls xmlns=…/>` → `starttls`, `<?xml …?>` → `?xml`), or '' */
export function xmlName(tag: string): string {
  const m = /^<([?!]?[A-Za-z_][\w.:-]*)/.exec(tag);
  return m?.[1] ?? '';
}

/** MySQL HandshakeV10 protocol version byte */
const MYSQL_PROTOCOL_10 = 0x0a;

interface TextVerbs {
  /** the upgrade request verb(s) */
  upgrade: ReadonlySet<string>;
  /** other commands a client of this protocol sends before either (they confirm the protocol) */
  hello: ReadonlySet<string>;
  /** a reply code (POP3: POP3_OK / POP3_ERR) that accepts the upgrade (true), refuses it (false) or neither (null) */
  accept: (code: number) => boolean | null;
  /** verbs that carry the session's content (credentials, mail, files, articles) */
  content: ReadonlySet<string>;
}

/** SMTP reply: final line `ddd SP text` (RFC 5321 §4.2); continuation lines `ddd-` are skipped */
export function replyCode(line: string): number {
  if (line.length < 3 || (line.length > 3 && line[3] !== ' ')) return -1;
  const n = Number(line.slice(0, 3));
  return Number.isInteger(n) && n >= 100 && n <= 599 ? n : -1;
}

function codeAnswer(ok: readonly number[]): (code: number) => boolean | null {
  return (c) => (ok.includes(c) ? true : c >= 400 ? false : null);
}

/** POP3 status indicators as reply codes (RFC 1939 §3) */
export const POP3_OK = 1;
export const POP3_ERR = 0;

/** IMAP: the tagged status of the command with `tag` (RFC 9051 §7.1): OK, NO / BAD, or null */
export function imapAnswer(line: string, tag: string | null): boolean | null {
  if (tag === null || !line.startsWith(`${tag} `)) return null;
  const status = line.slice(tag.length + 1, tag.length + 4).toUpperCase();
  return status === 'OK ' || status === 'OK' ? true : status.startsWith('NO') || status.startsWith('BAD') ? false : null;
}

export const VERBS: Record<Exclude<StartTlsProtocol, 'postgresql' | 'mysql' | 'ldap' | 'rdp' | 'xmpp'>, TextVerbs> = {
  smtp: {
    upgrade: new Set(['STARTTLS']),
    hello: new Set(['EHLO', 'HELO', 'LHLO', 'NOOP', 'RSET', 'QUIT', 'HELP']),
    accept: codeAnswer([220]),
    content: new Set(['MAIL', 'RCPT', 'DATA', 'BDAT', 'AUTH', 'VRFY', 'EXPN']),
  },
  ftp: {
    upgrade: new Set(['AUTH']),
    hello: new Set(['FEAT', 'SYST', 'OPTS', 'HOST', 'CLNT', 'NOOP', 'QUIT', 'HELP']),
    accept: codeAnswer([234, 334]),
    content: new Set(['USER', 'PASS', 'ACCT', 'RETR', 'STOR', 'STOU', 'APPE', 'LIST', 'NLST', 'MLSD', 'MLST', 'CWD', 'SIZE']),
  },
  pop3: {
    upgrade: new Set(['STLS']),
    hello: new Set(['CAPA', 'NOOP', 'QUIT']),
    accept: (c) => (c === POP3_OK ? true : c === POP3_ERR ? false : null),
    content: new Set(['USER', 'PASS', 'APOP', 'AUTH', 'STAT', 'LIST', 'RETR', 'TOP', 'UIDL', 'DELE']),
  },
  imap: {
    upgrade: new Set(['STARTTLS']),
    hello: new Set(['CAPABILITY', 'NOOP', 'LOGOUT', 'ID']),
    accept: () => null, // by tag: imapAnswer
    content: new Set(['LOGIN', 'AUTHENTICATE', 'SELECT', 'EXAMINE', 'FETCH', 'APPEND', 'LIST', 'LSUB', 'STATUS', 'SEARCH', 'UID', 'CREATE', 'STORE']),
  },
  nntp: {
    upgrade: new Set(['STARTTLS']),
    hello: new Set(['CAPABILITIES', 'MODE', 'QUIT', 'HELP', 'DATE']),
    accept: codeAnswer([382]),
    content: new Set(['AUTHINFO', 'ARTICLE', 'BODY', 'HEAD', 'GROUP', 'LISTGROUP', 'POST', 'IHAVE', 'NEWNEWS', 'OVER', 'XOVER']),
  },
};

/** SMTP / LMTP greeting commands and FTP-only commands that tell the two `220` protocols apart */
export const SMTP_HELLO = new Set(['EHLO', 'HELO', 'LHLO']);
export const FTP_FIRST = new Set(['AUTH', 'USER', 'FEAT', 'SYST', 'OPTS', 'PBSZ', 'PROT', 'HOST', 'CLNT']);

export interface StartTlsSniff {
  protocol: StartTlsProtocol | 'smtp-or-ftp';
  /** the chunk's sender is the server (a greeting) rather than the client */
  senderIsServer: boolean;
}

/**
 * one complete line at the head of `b` (CRLF or LF within MAX_LINE) without control characters
 * (bytes from 0x80 allowed: some servers greet in UTF-8), or null
 */
function firstLine(b: Uint8Array): string | null {
  const n = Math.min(b.length, MAX_LINE);
  for (let i = 0; i < n; i++) {
    const c = b[i] ?? 0;
    if (c === 0x0a) {
      const end = i > 0 && b[i - 1] === 0x0d ? i - 1 : i;
      return latin1(b, 0, end);
    }
    if ((c < 0x20 && c !== 0x09 && c !== 0x0d) || c === 0x7f) return null;
  }
  return null;
}

export function latin1(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(b[i] ?? 0);
  return s;
}

export function le24(b: Uint8Array, p: number): number {
  return (b[p] ?? 0) | ((b[p + 1] ?? 0) << 8) | ((b[p + 2] ?? 0) << 16);
}

export function le32(b: Uint8Array, p: number): number {
  return ((b[p] ?? 0) | ((b[p + 1] ?? 0) << 8) | ((b[p + 2] ?? 0) << 16) | ((b[p + 3] ?? 0) << 24)) >>> 0;
}

/** a MySQL HandshakeV10 packet at the head of `b`: 3-byte length, sequence 0, protocol 10, a NUL-terminated printable version */
export function isMysqlGreeting(b: Uint8Array): boolean {
  if (b.length < 6) return false;
  const len = le24(b, 0);
  if (len < 20 || len > 1024 || b[3] !== 0 || b[4] !== MYSQL_PROTOCOL_10) return false;
  const stop = Math.min(b.length, 5 + 64, 4 + len);
  for (let i = 5; i < stop; i++) {
    const c = b[i] ?? 0;
    if (c === 0) return i > 5;
    if (c < 0x20 || c > 0x7e) return false;
  }
  return false;
}

/** a PostgreSQL SSLRequest, or a protocol-3.0 StartupMessage whose first parameter name is printable */
function pgClientFirst(b: Uint8Array): boolean {
  if (b.length < 8) return false;
  const len = be32(b, 0);
  const code = be32(b, 4);
  if (len === 8) return code === PG_SSL_REQUEST || code === PG_GSSENC_REQUEST;
  if (code >>> 16 !== PG_PROTOCOL_MAJOR || len < 9 || len > 10_000 || b.length < 10) return false;
  // parameter names are NUL-terminated (e.g. "user"): a letter first
  const c = b[8] ?? 0;
  return (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

/** a BER tag-length header at b[p..end): tag, header length and content length; 0 when incomplete, null when not BER */
export function berHeader(b: Uint8Array, p: number, end: number): { tag: number; hdr: number; len: number } | 0 | null {
  if (end - p < 2) return 0;
  const tag = b[p] ?? 0;
  const l0 = b[p + 1] ?? 0;
  if (l0 < 0x80) return { tag, hdr: 2, len: l0 };
  const n = l0 & 0x7f;
  // indefinite length is not allowed in LDAP (RFC 4511 §5.1); Active Directory writes 4-byte
  // lengths (0x84) even for short messages; callers bound the length itself
  if (n === 0 || n > 4) return null;
  if (end - p < 2 + n) return 0;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + (b[p + 2 + i] ?? 0);
  return { tag, hdr: 2 + n, len };
}

/**
 * An LDAPMessage header at b[p..end) (RFC 4511 §4.1.1): SEQUENCE, messageID INTEGER of 1–4 bytes,
 * then the protocolOp's tag. The op's offset and the message's total length; 0 when incomplete,
 * null when not one.
 */
export function ldapMessage(b: Uint8Array, p: number, end: number): { total: number; op: number; opAt: number } | 0 | null {
  const seq = berHeader(b, p, end);
  if (seq === null || seq === 0) return seq;
  if (seq.tag !== 0x30) return null;
  const id = berHeader(b, p + seq.hdr, end);
  if (id === null || id === 0) return id;
  if (id.tag !== 0x02 || id.len < 1 || id.len > 4) return null;
  const opAt = p + seq.hdr + id.hdr + id.len;
  if (opAt >= end) return 0;
  return { total: seq.hdr + seq.len, op: b[opAt] ?? 0, opAt };
}

/** an LDAP request a client opens with: bind, StartTLS (or another extended operation), search, unbind */
function isLdapClientFirst(b: Uint8Array): boolean {
  const m = ldapMessage(b, 0, b.length);
  if (m === null || m === 0) return false;
  return m.op === LDAP_BIND_REQUEST || m.op === LDAP_EXTENDED_REQUEST || m.op === LDAP_UNBIND_REQUEST || LDAP_CONTENT_OPS.has(m.op);
}

/** a TPKT header with an X.224 TPDU of `code` at b[0..): its total length, 0 when not one */
export function tpkt(b: Uint8Array, p: number, code: number): number {
  if (b.length - p < 6 || b[p] !== TPKT_VERSION || b[p + 1] !== 0) return 0;
  const len = ((b[p + 2] ?? 0) << 8) | (b[p + 3] ?? 0);
  const li = b[p + 4] ?? 0;
  // X.224 length indicator: the TPDU header after it, within the packet; CR and CC headers are ≥ 6
  if (len < 11 || li < 6 || 5 + li > len || ((b[p + 5] ?? 0) & 0xf0) !== code) return 0;
  return len;
}

export function rdpProtocols(mask: number): string {
  if (mask === 0) return 'RDP';
  const names = RDP_PROTOCOLS.filter(([bit]) => (mask & bit) !== 0).map(([, n]) => n);
  return names.length > 0 ? names.join('|') : `0x${mask.toString(16)}`;
}

/** `<?xml …?>` and / or `<stream:stream` naming the streams namespace, within the first 1 KiB */
function isXmppStreamStart(b: Uint8Array): 'client' | 'server' | null {
  const head = latin1(b, 0, Math.min(b.length, MAX_LINE));
  if (!head.startsWith('<?xml') && !head.startsWith('<stream:stream')) return null;
  const at = head.indexOf('<stream:stream');
  if (at < 0) {
    // an XML declaration alone in the stream's first segment (libpurple writes it on its own):
    // the client speaks first (RFC 6120 §4.2); the analyzer names the protocol only once the
    // stream header confirms it
    const decl = head.indexOf('?>');
    return decl > 0 && head.slice(decl + 2).trim() === '' ? 'client' : null;
  }
  if (!head.includes(XMPP_STREAMS_NS)) return null;
  // only the receiving entity's header carries a stream id (RFC 6120 §4.7.3)
  const end = head.indexOf('>', at);
  const tag = end < 0 ? head.slice(at) : head.slice(at, end + 1);
  return /\sid\s*=/.test(tag) ? 'server' : 'client';
}

/** the TPKT packet at b[0..) is an X.224 Connection Request of RDP: a cookie or routing token ([MS-RDPBCGR] 2.2.1.1) or a negotiation request at its end */
function isRdpConnectionRequest(b: Uint8Array): boolean {
  const len = tpkt(b, 0, X224_CR);
  if (len === 0) return false;
  // the variable part starts after TPKT (4) and the CR's fixed header (7): "Cookie: mstshash=" or "Cookie: msts="
  if (latin1(b, 11, Math.min(b.length, 11 + 8)) === 'Cookie: ') return true;
  return b.length >= len && rdpNegAt(b, 0, len, RDP_NEG_REQ) >= 0;
}

/**
 * Where the RDP_NEG_REQ / RSP / FAILURE of the TPDU at b[p..p+len) starts, or -1: its last 8
 * bytes, or — a request with CORRELATION_INFO_PRESENT (0x08) — the 8 bytes before a 36-byte
 * RDP_CORRELATION_INFO (type 0x06) ([MS-RDPBCGR] 2.2.1.1, 2.2.1.1.2)
 */
export function rdpNegAt(b: Uint8Array, p: number, len: number, type: number): number {
  const last = p + len - 8;
  if (len >= 19 && b[last] === type && b[last + 2] === 8 && b[last + 3] === 0) return last;
  const withCorrelation = p + len - 44;
  if (type === RDP_NEG_REQ && len >= 55 && b[withCorrelation] === type && ((b[withCorrelation + 1] ?? 0) & 0x08) !== 0 && b[withCorrelation + 2] === 8 && b[withCorrelation + 3] === 0 && b[withCorrelation + 8] === 0x06) return withCorrelation;
  return -1;
}

/**
 * The first bytes of a direction that open one of these protocols: a server greeting line, a
 * MySQL greeting packet, or a client's first PostgreSQL message, LDAP request or X.224
 * Connection Request. null for anything else.
 */
export function sniffStartTls(b: Uint8Array): StartTlsSniff | null {
  const b0 = b[0];
  if (b0 === undefined) return null;
  if (b0 === 0) return pgClientFirst(b) ? { protocol: 'postgresql', senderIsServer: false } : null;
  if (isMysqlGreeting(b)) return { protocol: 'mysql', senderIsServer: true };
  if (b0 === 0x30) return isLdapClientFirst(b) ? { protocol: 'ldap', senderIsServer: false } : null;
  // TPKT and X.224 are also ISO-on-TCP's (S7comm on port 102, …): only RDP's Connection Request
  if (b0 === TPKT_VERSION) return isRdpConnectionRequest(b) ? { protocol: 'rdp', senderIsServer: false } : null;
  // an XMPP client's stream header (RFC 6120 §4.2), with or without an XML declaration
  if (b0 === 0x3c) {
    const side = isXmppStreamStart(b);
    return side === null ? null : { protocol: 'xmpp', senderIsServer: side === 'server' };
  }
  const line = firstLine(b);
  if (line === null) return null;
  if (line.startsWith('220 ') || line.startsWith('220-')) return { protocol: 'smtp-or-ftp', senderIsServer: true };
  if (line === '+OK' || line.startsWith('+OK ')) return { protocol: 'pop3', senderIsServer: true };
  if (line.startsWith('* OK') || line.startsWith('* PREAUTH')) return { protocol: 'imap', senderIsServer: true };
  if (line.startsWith('200 ') || line.startsWith('201 ')) return { protocol: 'nntp', senderIsServer: true };
  return null;
}

/** the verb of a client command line (IMAP: after the tag), upper-cased, and the IMAP tag */
export function verbOf(line: string, imap: boolean): { verb: string; tag: string | null; arg: string } {
  let rest = line;
  let tag: string | null = null;
  if (imap) {
    const sp = rest.indexOf(' ');
    if (sp <= 0) return { verb: '', tag: null, arg: '' };
    tag = rest.slice(0, sp);
    rest = rest.slice(sp + 1);
  }
  const sp = rest.indexOf(' ');
  const verb = (sp < 0 ? rest : rest.slice(0, sp)).toUpperCase();
  return { verb, tag, arg: sp < 0 ? '' : rest.slice(sp + 1).trim().toUpperCase() };
}
