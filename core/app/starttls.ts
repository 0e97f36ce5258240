/**
 * Protocols that start in plaintext and upgrade the same TCP connection to TLS, so the handshake
 * after the upgrade is decoded and classified like any other TLS handshake, and a session that
 * never upgrades is reported as the plaintext it is:
 *
 * | protocol | greeting (server) | upgrade request (client) | accepted when | spec |
 * | --- | --- | --- | --- | --- |
 * | SMTP, LMTP | `220 ` | `STARTTLS` | `220` | RFC 3207 §4, RFC 2033 §4.1 |
 * | FTP | `220 ` | `AUTH TLS` / `AUTH SSL` | `234` (`334` from old servers) | RFC 4217 §4, §6 |
 * | POP3 | `+OK` | `STLS` | `+OK` | RFC 2595 §4 |
 * | IMAP | `* OK` / `* PREAUTH` | `tag STARTTLS` | `tag OK` | RFC 9051 §6.2.1, §7.1 |
 * | NNTP | `200 ` / `201 ` | `STARTTLS` | `382` | RFC 4642 §2.2 |
 * | PostgreSQL | — (client first) | SSLRequest: length 8, code 80877103 (1234 << 16 \| 5679) | one byte `S` | PostgreSQL docs, "Message Formats" and "SSL Session Encryption" |
 * | MySQL, MariaDB | protocol-10 greeting packet | SSLRequest: 32-byte HandshakeResponse prefix with CLIENT_SSL (0x0800) | the server's next bytes are TLS | MySQL client/server protocol, "Protocol::SSLRequest" |
 * | LDAP | — (client first) | ExtendedRequest `1.3.6.1.4.1.1466.20037` | ExtendedResponse resultCode 0 | RFC 4511 §4.1.1, §4.12, §4.14 |
 * | XMPP | — (client first: stream header) | `<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>` | `<proceed …/>` | RFC 6120 §5.4 |
 * | RDP | — (client first) | X.224 Connection Request with RDP_NEG_REQ | X.224 Connection Confirm with RDP_NEG_RSP selecting TLS, CredSSP or RDSTLS (any protocol but Standard RDP Security) | [MS-RDPBCGR] 2.2.1.1, 2.2.1.2; TPKT RFC 1006 §6 |
 *
 * SMTP and FTP greet alike (`220`): the client's first command tells them apart. A greeting
 * alone names nothing: the `starttls` record goes on the flow once the client's own commands
 * (or first message, or a switch to TLS) confirm the protocol.
 *
 * Where each direction switches to TLS is found by content, never by the order in which the two
 * directions happen to be delivered: at a message boundary (a line end in the text protocols),
 * the next bytes are a TLS handshake record (RFC 8446 §5.1: type 22, version 3.x). Text
 * protocols never send byte 0x16 at the start of a line, so the boundary is unambiguous; the
 * client's side switches only after its upgrade request (`starttls.tls_without_request`
 * otherwise). The request and the server's answer are recorded as read (answers matched to
 * requests by position, so pipelining and delivery order do not confuse them); from the switch
 * on, each direction's bytes go to a TLS analyzer, which sees exactly what a TLS-first
 * connection would have shown it.
 *
 * A session whose client sends a command that carries the session's content in the clear
 * (SMTP MAIL / RCPT / DATA, a login, a mailbox or file command, a PostgreSQL StartupMessage, a
 * MySQL HandshakeResponse, an LDAP simple bind with a password or an operation other than
 * reading the root DSE) is `plaintext`, whatever its server sends (core/report/build.ts).
 * Authentication with a SASL mechanism that can set up its own security layer (SASL_LAYER) ends
 * the analysis without a verdict, as do RDP's Standard RDP Security (RC4 keyed by RSA key
 * transport inside the MCS exchange, or no encryption at all: not told apart here) and
 * PostgreSQL's GSSAPI encryption. One that ends before any of these is `unknown` (its handshake
 * is not in the capture). Never guessed from the port.
 *
 * State is bounded: at most PREAMBLE_MAX bytes and MAX_LINES lines per direction before the
 * switch, lines of at most MAX_LINE bytes; anything longer is a named issue and the end of that
 * direction's analysis.
 */
import type { Dir, Flow, StreamAnalyzer } from '../flow/types.js';
import { Want, addFlowIssue } from '../flow/types.js';
import { TlsAnalyzer, VERIFY_BYTES, sniffTls } from '../tls/analyzer.js';
import { GrowBuffer } from '../util/growbuf.js';
import { u32 as be32 } from '../net/bytes.js';
import {
  LDAP_AUTH_SASL, LDAP_AUTH_SIMPLE, LDAP_BIND_REQUEST, LDAP_CONTENT_OPS, LDAP_EXTENDED_REQUEST, LDAP_EXTENDED_RESPONSE,
  LDAP_SEARCH_REQUEST, LDAP_STARTTLS_OID, LDAP_UNBIND_REQUEST, MAX_LINE, MYSQL_CLIENT_PROTOCOL_41, MYSQL_CLIENT_SSL,
  MYSQL_SSL_REQUEST_LEN, PG_GSSENC_REQUEST, PG_PROTOCOL_MAJOR, PG_SSL_REQUEST, POP3_ERR, POP3_OK, RDP_NEG_FAILURE,
  RDP_NEG_REQ, RDP_NEG_RSP, SASL_LAYER, rdpNegAt, SMTP_HELLO, FTP_FIRST, VERBS, X224_CC, X224_CR, berHeader, imapAnswer,
  isMysqlGreeting, latin1, ldapMessage, le24, le32, rdpProtocols, replyCode, tpkt, verbOf,
  XMPP_SASL_NS, XMPP_STREAMS_NS, XMPP_TLS_NS, xmlName,
} from './starttls-wire.js';
import type { StartTlsProtocol } from './starttls-wire.js';

export { MAX_LINE, sniffStartTls } from './starttls-wire.js';
export type { StartTlsProtocol, StartTlsSniff } from './starttls-wire.js';


export interface StartTlsInfo {
  /** the protocol; `smtp-or-ftp` while only a `220` greeting has been seen */
  protocol: StartTlsProtocol | 'smtp-or-ftp';
  /** the client's upgrade request as sent (`STARTTLS`, `STLS`, `AUTH TLS`, `SSLRequest` …), or null */
  request: string | null;
  /** the server's answer to it, when read: accepted or refused */
  answer: 'accepted' | 'refused' | null;
  /** the client's bytes after the request are a TLS handshake (the TLS fields describe them) */
  upgraded: boolean;
  /** the client sent the session's content in the clear (the command named in `plaintextCommand`) */
  plaintext: boolean;
  /** the first command that carried content in the clear (verb only, never its arguments) */
  plaintextCommand: string | null;
}

/** bytes read per direction before the switch to TLS, at most (only the partial line or message is held) */
export const PREAMBLE_MAX = 16 * 1024;
/**
 * lines per direction before the switch, at most: an SMTP EHLO answer has ≈ 10–20, an FTP FEAT
 * answer ≈ 30, and some FTP servers greet with a multi-line banner of dozens more
 */
export const MAX_LINES = 256;

export class StartTlsAnalyzer implements StreamAnalyzer {
  readonly name = 'starttls';
  readonly maxBytesPerDir = PREAMBLE_MAX + 128 * 1024;
  /** the preamble and the TLS handshake after it are both kept to compare retransmissions with */
  readonly verifyBytesPerDir = PREAMBLE_MAX + VERIFY_BYTES;
  readonly info: StartTlsInfo;
  /**
   * unread bytes of each direction (a partial line or message): chunks are appended (amortised
   * O(1) a byte) and whole messages dropped from the front, so a preamble sent one byte per
   * segment costs its size, not its size squared
   */
  private readonly held: [GrowBuffer, GrowBuffer] = [new GrowBuffer(), new GrowBuffer()];
  /** bytes at the front of held[dir] already searched for a line end (none there) */
  private readonly scanned: [number, number] = [0, 0];
  /** bytes of each direction read before its switch (or all read, if it never switched) */
  private readonly pre: [number, number] = [0, 0];
  private readonly lines: [number, number] = [0, 0];
  private readonly switched: [boolean, boolean] = [false, false];
  private readonly stopped: [boolean, boolean] = [false, false];
  /** MySQL, RDP: the direction's first packet has been read */
  private readonly firstRead: [boolean, boolean] = [false, false];
  /** PostgreSQL: one-byte answers the server has sent (one per GSSENC / SSL request) */
  private pgAnswers = 0;
  private imapTag: string | null = null;
  /** IMAP: the STARTTLS command's tagged answer is still to come */
  private pending = false;
  /**
   * SMTP, FTP, POP3, NNTP: the codes of the server's replies in order, the greeting first
   * (reply ends only: `ddd SP`, RFC 5321 §4.2.1, RFC 959 §4.2; POP3 `+OK` / `-ERR`, RFC 1939
   * §3), at most MAX_LINES; client commands so far; and which
   * reply answers the upgrade request (the n-th command's reply is the n-th after the greeting,
   * pipelined or not, whichever direction was delivered first)
   */
  private readonly replies: number[] = [];
  private commands = 0;
  private upgradeReply = -1;
  private inner: TlsAnalyzer | null = null;
  private innerDone = false;
  /**
   * the protocol is confirmed by more than the greeting: the client's own commands or first
   * message, or a switch to TLS. Only then is the `starttls` record on the flow (a server that
   * merely greets like one, `220 …`, names nothing).
   */
  private confirmed = false;

  constructor(protocol: StartTlsProtocol | 'smtp-or-ftp') {
    this.info = { protocol, request: null, answer: null, upgraded: false, plaintext: false, plaintextCommand: null };
  }

  usedBytes(dir: Dir): number {
    const inner = this.switched[dir] ? (this.inner?.usedBytes(dir) ?? 0) : 0;
    return this.pre[dir] + inner;
  }

  private confirm(flow: Flow): void {
    if (this.confirmed) return;
    this.confirmed = true;
    flow.ext['starttls'] = this.info;
  }

  onData(flow: Flow, dir: Dir, chunk: Uint8Array, ts: number): Want {
    if (this.innerDone) return Want.DoneFlow;
    if (this.switched[dir]) return this.toInner(flow, dir, chunk, ts);
    if (this.stopped[dir]) return Want.DoneDir;
    const held = this.held[dir];
    let b = chunk;
    if (held.length > 0) {
      held.push(chunk);
      b = held.view();
    }
    const p = this.preamble(flow, dir, b);
    if (p === STOP) return this.stopDir(dir);
    if (p === PLAINTEXT || p === UNDECIDED) {
      this.release(0);
      this.release(1);
      return Want.DoneFlow;
    }
    if (p < 0) {
      // wait for more: keep the unread rest b[k..] (a copy when `b` is the caller's chunk)
      const k = -p - 1;
      const rest = b.length - k;
      if (this.pre[dir] + rest > PREAMBLE_MAX) {
        addFlowIssue(flow, 'starttls.preamble_too_long');
        return this.stopDir(dir);
      }
      if (held.length > 0) held.drop(k);
      else if (rest > 0) held.push(b.subarray(k));
      this.scanned[dir] = rest;
      return Want.More;
    }
    // a TLS record starts at b[p]
    this.switched[dir] = true;
    this.confirm(flow);
    if (dir === 0) this.info.upgraded = true;
    // MySQL has no answer message: the server's TLS record after an SSLRequest is its acceptance
    else if (this.info.request !== null && this.info.answer === null) this.info.answer = 'accepted';
    flow.app = 'tls';
    const w = this.toInner(flow, dir, b.subarray(p), ts);
    this.release(dir);
    return w;
  }

  private release(dir: Dir): void {
    this.held[dir].free();
    this.scanned[dir] = 0;
  }

  private stopDir(dir: Dir): Want {
    this.stopped[dir] = true;
    this.release(dir);
    return this.stopped[0] && this.stopped[1] ? Want.DoneFlow : Want.DoneDir;
  }

  private toInner(flow: Flow, dir: Dir, chunk: Uint8Array, ts: number): Want {
    this.inner ??= new TlsAnalyzer();
    const w = this.inner.onData(flow, dir, chunk, ts);
    if (w === Want.DoneFlow) this.innerDone = true;
    return w;
  }

  /**
   * Reads the preamble of `b` (the held bytes and the new chunk). Returns the offset where a TLS
   * record starts (>= 0), -(k + 1) to wait for more with b[k..] unread, STOP or PLAINTEXT.
   * Advances pre[dir] by what was consumed.
   */
  private preamble(flow: Flow, dir: Dir, b: Uint8Array): number {
    const proto = this.info.protocol;
    let p = 0;
    for (;;) {
      if (p >= b.length) return -(p + 1);
      // XMPP: whitespace between tags (RFC 6120 §11.7) is read past, so a TLS record right after
      // `<proceed/>` and a newline is still at a boundary
      if (proto === 'xmpp' && isXmlSpace(b[p] ?? 0)) {
        p++;
        this.pre[dir]++;
        continue;
      }
      // a MySQL packet starts with its length, little-endian: 0x16 there is a length byte, not
      // a TLS record, until the direction's first packet has been read
      if (b[p] === 0x16 && (proto !== 'mysql' || this.firstRead[dir])) {
        if (b.length - p < 6) return -(p + 1);
        if (sniffTls(b.subarray(p, p + 6)) === null) {
          addFlowIssue(flow, 'starttls.not_tls');
          return STOP;
        }
        // the client's handshake only after its upgrade request: a client that sends content in
        // the clear cannot have a TLS handshake forged into its stream by the server's bytes
        if (dir === 0 && this.info.request === null) {
          addFlowIssue(flow, 'starttls.tls_without_request');
          return STOP;
        }
        return p;
      }
      const n =
        proto === 'postgresql' ? this.pgMessage(flow, dir, b, p)
        : proto === 'mysql' ? this.mysqlPacket(flow, dir, b, p)
        : proto === 'ldap' ? this.ldapMessage(flow, dir, b, p)
        : proto === 'rdp' ? this.rdpPacket(flow, dir, b, p)
        : this.textLine(flow, dir, b, p);
      if (n === 0) return -(p + 1);
      if (n === STOP || n === PLAINTEXT || n === UNDECIDED) {
        this.pre[dir] += n === STOP ? 0 : b.length - p;
        return n;
      }
      p += n;
      this.pre[dir] += n;
      if (this.pre[dir] > PREAMBLE_MAX) {
        addFlowIssue(flow, 'starttls.preamble_too_long');
        return STOP;
      }
    }
  }

  /** one text line at b[p..]: its length with the line end, 0 when incomplete, STOP or PLAINTEXT */
  private textLine(flow: Flow, dir: Dir, b: Uint8Array, p: number): number {
    const limit = Math.min(b.length, p + MAX_LINE);
    // XMPP is read one XML tag at a time (up to its `>`), the others a line at a time
    const xmpp = this.info.protocol === 'xmpp';
    const stop = xmpp ? 0x3e : 0x0a;
    let lf = -1;
    // a line that waited for more bytes starts at b[0]: its first scanned[dir] bytes hold no line end
    for (let i = p === 0 ? this.scanned[dir] : p; i < limit; i++) {
      if (b[i] === stop) {
        lf = i;
        break;
      }
    }
    if (lf < 0) {
      if (b.length - p >= MAX_LINE) {
        addFlowIssue(flow, 'starttls.line_too_long');
        return STOP;
      }
      return 0;
    }
    if (++this.lines[dir] > MAX_LINES) {
      addFlowIssue(flow, 'starttls.too_many_lines');
      return STOP;
    }
    if (p === 0) this.scanned[dir] = 0;
    if (xmpp) {
      const tag = latin1(b, p, lf + 1).trim();
      const r = dir === 0 ? this.xmppClientTag(flow, tag) : this.xmppServerTag(tag);
      return r === PLAINTEXT || r === UNDECIDED ? r : lf + 1 - p;
    }
    const end = lf > p && b[lf - 1] === 0x0d ? lf - 1 : lf;
    const line = latin1(b, p, end);
    const r = dir === 0 ? this.clientLine(flow, line) : this.serverLine(line);
    return r === PLAINTEXT || r === UNDECIDED ? r : lf + 1 - p;
  }

  /**
   * One XML tag the client sent before TLS (RFC 6120 §4.2, §5.4.2, §6.4.2): the stream header
   * and whitespace confirm the protocol, `<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>`
   * is the request, a stanza (`<message`, `<iq`, `<presence`) or SASL `<auth` without a
   * security layer is content in the clear.
   */
  private xmppClientTag(flow: Flow, tag: string): number {
    const name = xmlName(tag);
    if (name === 'stream:stream' && tag.includes(XMPP_STREAMS_NS)) {
      this.confirm(flow);
      return 0;
    }
    if (name === 'starttls' && tag.includes(XMPP_TLS_NS)) {
      this.confirm(flow);
      this.info.request = 'starttls';
      return 0;
    }
    if (name === 'auth' && tag.includes(XMPP_SASL_NS)) {
      this.confirm(flow);
      const mech = /mechanism\s*=\s*['"]([^'"]*)['"]/.exec(tag)?.[1]?.toUpperCase() ?? '';
      if (SASL_LAYER.has(mech)) {
        addFlowIssue(flow, 'starttls.sasl_auth');
        return UNDECIDED;
      }
      return this.plaintextSession(flow, 'xmpp', 'auth');
    }
    if (name === 'message' || name === 'iq' || name === 'presence') {
      this.confirm(flow);
      return this.plaintextSession(flow, 'xmpp', name);
    }
    return 0;
  }

  /** One XML tag the server sent before TLS: `<proceed …xmpp-tls'/>` accepts the upgrade, `<failure …xmpp-tls'/>` refuses it */
  private xmppServerTag(tag: string): number {
    const name = xmlName(tag);
    if ((name === 'proceed' || name === 'failure') && tag.includes(XMPP_TLS_NS) && this.info.answer === null) {
      this.info.answer = name === 'proceed' ? 'accepted' : 'refused';
    }
    return 0;
  }

  private clientLine(flow: Flow, line: string): number {
    let proto = this.info.protocol;
    const { verb, tag, arg } = verbOf(line, proto === 'imap');
    if (proto === 'smtp-or-ftp') {
      if (SMTP_HELLO.has(verb) || verb === 'STARTTLS') proto = 'smtp';
      else if (FTP_FIRST.has(verb)) proto = 'ftp';
      else return 0;
      this.info.protocol = proto;
    }
    const verbs = VERBS[proto as keyof typeof VERBS];
    this.commands++;
    if (verbs.hello.has(verb) || verbs.upgrade.has(verb) || verbs.content.has(verb)) this.confirm(flow);
    if (verbs.upgrade.has(verb) && (proto !== 'ftp' || arg === 'TLS' || arg === 'SSL' || arg === 'TLS-C' || arg === 'TLS-P')) {
      this.info.request = proto === 'ftp' ? `AUTH ${arg}` : verb;
      this.imapTag = tag;
      this.pending = true;
      this.upgradeReply = this.commands;
      this.settleAnswer();
      return 0;
    }
    // SASL authentication (SMTP and POP3 AUTH, IMAP AUTHENTICATE, NNTP AUTHINFO SASL): the
    // mechanism decides whether what follows can still be read (RFC 4954, RFC 5034, RFC 9051
    // §6.2.2, RFC 4643 §2.4); POP3's bare AUTH only lists the mechanisms
    const sasl = verb === 'AUTHENTICATE' || (verb === 'AUTH' && proto !== 'ftp') ? arg : verb === 'AUTHINFO' && arg.startsWith('SASL ') ? arg.slice(5) : null;
    if (sasl !== null) {
      const mech = sasl.split(' ')[0] ?? '';
      if (mech === '') return 0;
      if (SASL_LAYER.has(mech)) {
        addFlowIssue(flow, 'starttls.sasl_auth');
        return UNDECIDED;
      }
    }
    if (verbs.content.has(verb)) return this.plaintextSession(flow, proto as keyof typeof VERBS, verb);
    return 0;
  }

  private serverLine(line: string): number {
    const proto = this.info.protocol;
    if (proto === 'postgresql' || proto === 'mysql' || proto === 'ldap' || proto === 'rdp') return 0;
    if (proto === 'imap') {
      if (!this.pending) return 0;
      const a = imapAnswer(line, this.imapTag);
      if (a === null) return 0;
      this.info.answer = a ? 'accepted' : 'refused';
      this.pending = false;
      return 0;
    }
    // a reply's last line: its code (SMTP and FTP greet and end replies alike, `ddd SP`: the
    // code is judged once the client's first command has named the protocol)
    const code = proto === 'pop3' ? (line.startsWith('+OK') ? POP3_OK : line.startsWith('-ERR') ? POP3_ERR : -1) : replyCode(line);
    if (code < 0 || this.replies.length >= MAX_LINES) return 0;
    this.replies.push(code);
    this.settleAnswer();
    return 0;
  }

  /** the upgrade request's answer, once both it and its reply have been read */
  private settleAnswer(): void {
    if (this.upgradeReply < 0 || this.info.answer !== null || this.upgradeReply >= this.replies.length) return;
    const proto = this.info.protocol;
    if (proto !== 'smtp' && proto !== 'ftp' && proto !== 'pop3' && proto !== 'nntp') return;
    const a = VERBS[proto].accept(this.replies[this.upgradeReply] ?? -1);
    if (a !== null) this.info.answer = a ? 'accepted' : 'refused';
  }

  /** one PostgreSQL message at b[p..] (before the switch): its length, 0 when incomplete, STOP or PLAINTEXT */
  private pgMessage(flow: Flow, dir: Dir, b: Uint8Array, p: number): number {
    if (dir === 1) {
      // the server answers each request with one byte: 'S' (TLS follows), 'G' (GSSAPI encryption
      // follows) or 'N' (go on in the clear, or ask again: libpq sends an SSLRequest after a
      // refused GSSENCRequest). Read as such whichever direction was delivered first; anything
      // else (an ErrorResponse from a server that knows neither, the plaintext session) ends
      // this direction.
      if (this.pgAnswers >= 2) return STOP;
      this.pgAnswers++;
      const c = b[p];
      if (c === 0x53) this.info.answer = 'accepted';
      else if (c === 0x4e) {
        if (this.info.request !== null) this.info.answer = 'refused';
      } else if (c === 0x47) {
        // GSSAPI encryption, not TLS: nothing here to classify, and never plaintext
        addFlowIssue(flow, 'starttls.postgresql_gssenc');
        return STOP;
      } else return STOP;
      return 1;
    }
    if (b.length - p < 8) return 0;
    const len = be32(b, p);
    const code = be32(b, p + 4);
    if (len === 8 && code === PG_SSL_REQUEST && this.info.request === null) {
      this.confirm(flow);
      this.info.request = 'SSLRequest';
      return 8;
    }
    if (len === 8 && code === PG_GSSENC_REQUEST && this.info.request === null) {
      // GSSAPI encryption asked for first; an SSLRequest or the StartupMessage may follow a 'N'
      this.confirm(flow);
      return 8;
    }
    if (code >>> 16 === PG_PROTOCOL_MAJOR && len >= 9) {
      // user and database names in the clear, then the session
      this.confirm(flow);
      this.info.plaintext = true;
      this.info.plaintextCommand = 'StartupMessage';
      flow.app = 'postgresql';
      return PLAINTEXT;
    }
    return STOP;
  }

  /** one MySQL packet at b[p..] (before the switch): its length, 0 when incomplete, STOP or PLAINTEXT */
  private mysqlPacket(flow: Flow, dir: Dir, b: Uint8Array, p: number): number {
    if (this.firstRead[dir]) return STOP; // past the greeting / the first client packet, no TLS record came
    if (b.length - p < 4) return 0;
    const len = le24(b, p);
    if (dir === 1) {
      // the whole greeting first (isMysqlGreeting bounds it to 1 KiB): it may come in pieces
      if (len > 1024) return STOP;
      if (b.length - p < 4 + len) return 0;
      if (!isMysqlGreeting(b.subarray(p, p + 4 + len))) return STOP;
      this.firstRead[1] = true;
      return 4 + len;
    }
    if (b.length - p < 8) return 0;
    const caps = le32(b, p + 4);
    if ((caps & MYSQL_CLIENT_PROTOCOL_41) === 0) return STOP;
    if (len === MYSQL_SSL_REQUEST_LEN && (caps & MYSQL_CLIENT_SSL) !== 0) {
      if (b.length - p < 4 + len) return 0;
      this.firstRead[0] = true;
      this.confirm(flow);
      this.info.request = 'SSLRequest';
      return 4 + len;
    }
    this.firstRead[0] = true;
    // HandshakeResponse41: the user name in the clear, then the session
    this.confirm(flow);
    this.info.plaintext = true;
    this.info.plaintextCommand = 'HandshakeResponse';
    flow.app = 'mysql';
    return PLAINTEXT;
  }

  /** one LDAPMessage at b[p..] (before the switch): its length, 0 when incomplete, STOP or PLAINTEXT */
  private ldapMessage(flow: Flow, dir: Dir, b: Uint8Array, p: number): number {
    const m = ldapMessage(b, p, b.length);
    if (m === null) return STOP;
    if (m === 0) return 0;
    if (m.total > PREAMBLE_MAX) return STOP;
    if (b.length - p < m.total) return 0;
    const end = p + m.total;
    if (dir === 1) {
      // ExtendedResponse: COMPONENTS OF LDAPResult, so resultCode (ENUMERATED) comes first
      if (m.op === LDAP_EXTENDED_RESPONSE && this.pending) {
        const op = berHeader(b, m.opAt, end);
        const rcAt = op !== null && op !== 0 ? m.opAt + op.hdr : -1;
        const rc = rcAt >= 0 ? berHeader(b, rcAt, end) : null;
        if (rc !== null && rc !== 0 && rc.tag === 0x0a && rc.len >= 1) {
          this.info.answer = rc.len === 1 && b[rcAt + rc.hdr] === 0 ? 'accepted' : 'refused';
          this.pending = false;
        }
      }
      return m.total;
    }
    const op = berHeader(b, m.opAt, end);
    if (op === null || op === 0) return STOP;
    const body = m.opAt + op.hdr;
    if (m.op === LDAP_EXTENDED_REQUEST) {
      // requestName [0] LDAPOID (RFC 4511 §4.12)
      const name = berHeader(b, body, end);
      if (name === null || name === 0 || name.tag !== 0x80) return STOP;
      this.confirm(flow);
      if (latin1(b, body + name.hdr, Math.min(end, body + name.hdr + name.len)) === LDAP_STARTTLS_OID) {
        this.info.request = 'StartTLS';
        this.pending = true;
      }
      return m.total;
    }
    if (m.op === LDAP_BIND_REQUEST) {
      // version INTEGER, name LDAPDN, then the AuthenticationChoice
      const ver = berHeader(b, body, end);
      if (ver === null || ver === 0 || ver.tag !== 0x02) return STOP;
      const dn = berHeader(b, body + ver.hdr + ver.len, end);
      if (dn === null || dn === 0 || dn.tag !== 0x04) return STOP;
      this.confirm(flow);
      const authAt = body + ver.hdr + ver.len + dn.hdr + dn.len;
      const auth = berHeader(b, authAt, end);
      if (auth === null || auth === 0) return STOP;
      if (auth.tag === LDAP_AUTH_SIMPLE) {
        // an empty password is an anonymous or unauthenticated bind (RFC 4513 §5.1.1–§5.1.2):
        // no credential in the clear yet, and clients do it before StartTLS
        return auth.len === 0 ? m.total : this.plaintextSession(flow, 'ldap', 'BindRequest');
      }
      if (auth.tag === LDAP_AUTH_SASL) {
        // SaslCredentials: mechanism LDAPString first (RFC 4511 §4.2)
        const mech = berHeader(b, authAt + auth.hdr, end);
        if (mech === null || mech === 0 || mech.tag !== 0x04) return STOP;
        const name = latin1(b, authAt + auth.hdr + mech.hdr, Math.min(end, authAt + auth.hdr + mech.hdr + mech.len)).toUpperCase();
        if (!SASL_LAYER.has(name)) return this.plaintextSession(flow, 'ldap', 'BindRequest');
      }
      // SASL that may set up its own integrity and confidentiality layer (GSSAPI sign and seal):
      // what follows cannot be called plaintext, nor TLS
      addFlowIssue(flow, 'starttls.sasl_auth');
      return UNDECIDED;
    }
    if (m.op === LDAP_UNBIND_REQUEST) {
      this.confirm(flow);
      return m.total;
    }
    const content = LDAP_CONTENT_OPS.get(m.op);
    if (content === undefined) return STOP;
    this.confirm(flow);
    // reading the root DSE (base "", scope baseObject) is how a client learns that StartTLS is
    // supported (RFC 4513 §3, RFC 4512 §5.1): discovery, not content
    if (m.op === LDAP_SEARCH_REQUEST) {
      const base = berHeader(b, body, end);
      const scope = base !== null && base !== 0 && base.tag === 0x04 ? berHeader(b, body + base.hdr + base.len, end) : null;
      if (base !== null && base !== 0 && base.len === 0 && scope !== null && scope !== 0 && scope.tag === 0x0a && scope.len === 1 && b[body + base.hdr + base.len + scope.hdr] === 0) return m.total;
    }
    return this.plaintextSession(flow, 'ldap', content);
  }

  /**
   * The X.224 Connection Request (client) or Confirm (server) at b[p..] (before the switch): its
   * length, 0 when incomplete, STOP. The negotiation structure, when present, is the last 8
   * bytes of the TPDU ([MS-RDPBCGR] 2.2.1.1: after the optional cookie or routing token).
   */
  private rdpPacket(flow: Flow, dir: Dir, b: Uint8Array, p: number): number {
    if (this.firstRead[dir]) return STOP; // a second packet before any TLS record: MCS, Standard RDP Security
    if (b.length - p < 6) return 0;
    const len = tpkt(b, p, dir === 0 ? X224_CR : X224_CC);
    if (len === 0 || len > 1024) return STOP;
    if (b.length - p < len) return 0;
    this.firstRead[dir] = true;
    this.confirm(flow);
    if (dir === 0) {
      const req = rdpNegAt(b, p, len, RDP_NEG_REQ);
      if (req >= 0) this.info.request = `RDP_NEG_REQ ${rdpProtocols(le32(b, req + 4))}`;
      return len;
    }
    const rsp = rdpNegAt(b, p, len, RDP_NEG_RSP);
    if (rsp >= 0 && le32(b, rsp + 4) !== 0) {
      this.info.answer = 'accepted';
      return len;
    }
    if (rdpNegAt(b, p, len, RDP_NEG_FAILURE) >= 0) {
      // the server refuses what was asked (e.g. HYBRID_REQUIRED_BY_SERVER) and the connection ends
      this.info.answer = 'refused';
      addFlowIssue(flow, 'starttls.rdp_negotiation_failure');
      return STOP;
    }
    if (rsp >= 0) this.info.answer = 'refused';
    // Standard RDP Security (no negotiation, or PROTOCOL_RDP selected): no TLS follows
    addFlowIssue(flow, 'starttls.rdp_standard_security');
    return STOP;
  }

  /** RDP never runs in the clear: Standard RDP Security has encryption of its own (or none, undecided here) */
  private plaintextSession(flow: Flow, app: Exclude<StartTlsProtocol, 'rdp'>, command: string): number {
    this.info.plaintext = true;
    this.info.plaintextCommand = command;
    flow.app = app;
    return PLAINTEXT;
  }

  onGap(flow: Flow, dir: Dir, len: number): Want {
    if (this.switched[dir] && this.inner !== null) return this.inner.onGap(flow, dir, len);
    if (this.stopped[dir]) return Want.DoneDir;
    // lost bytes before the switch: where the next line or message starts is unknown
    addFlowIssue(flow, 'starttls.gap');
    return this.stopDir(dir);
  }

  onEnd(flow: Flow): void {
    this.inner?.onEnd(flow);
  }
}

function isXmlSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

const STOP = -1_000_000_001;
const PLAINTEXT = -1_000_000_002;
/** the session set up a protection of its own that is not decoded (a SASL security layer): no verdict, nothing more to read */
const UNDECIDED = -1_000_000_003;
