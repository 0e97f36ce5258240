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
 *
 * SMTP and FTP greet alike (`220`): the client's first command tells them apart.
 *
 * Where each direction switches to TLS is found by content, never by the order in which the two
 * directions happen to be delivered: at a message boundary (a line end in the text protocols),
 * the next bytes are a TLS handshake record (RFC 8446 §5.1: type 22, version 3.x). Text
 * protocols never send byte 0x16 at the start of a line, so the boundary is unambiguous. The
 * request and the server's answer are recorded as read; from the switch on, each direction's
 * bytes go to a TLS analyzer, which sees exactly what a TLS-first connection would have shown it.
 *
 * A session whose client sends a command that carries the session's content in the clear
 * (SMTP MAIL / RCPT / DATA / AUTH, a login, a mailbox or file command, a PostgreSQL
 * StartupMessage, a MySQL HandshakeResponse) is `plaintext`; one that ends before either is
 * seen is `unknown` (its handshake is not in the capture). Never guessed from the port.
 *
 * State is bounded: at most PREAMBLE_MAX bytes and MAX_LINES lines per direction before the
 * switch, lines of at most MAX_LINE bytes; anything longer is a named issue and the end of that
 * direction's analysis.
 */
import type { Dir, Flow, StreamAnalyzer } from '../flow/types.js';
import { Want, addFlowIssue } from '../flow/types.js';
import { TlsAnalyzer, VERIFY_BYTES, sniffTls } from '../tls/analyzer.js';
import { copyBytes } from '../util/bytes.js';

export type StartTlsProtocol = 'smtp' | 'ftp' | 'pop3' | 'imap' | 'nntp' | 'postgresql' | 'mysql';

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

/** bytes read per direction before the switch to TLS, at most */
export const PREAMBLE_MAX = 8 * 1024;
/** lines per direction before the switch, at most (an SMTP EHLO answer has ≈ 10–20) */
export const MAX_LINES = 64;
/** bytes in one line, at most (RFC 5321 §4.5.3.1.5: 512 for SMTP replies; RFC 9051 allows longer, 1 KiB is plenty before login) */
export const MAX_LINE = 1024;

/** PostgreSQL SSLRequest: Int32 length 8, Int32 80877103 */
const PG_SSL_REQUEST = 80877103;
/** PostgreSQL GSSENCRequest: Int32 length 8, Int32 80877104 (GSSAPI encryption, not TLS) */
const PG_GSSENC_REQUEST = 80877104;
/** PostgreSQL StartupMessage protocol 3.0 (major 3 << 16 | minor 0) */
const PG_PROTOCOL_3 = 0x00030000;
/** MySQL capability flags: CLIENT_PROTOCOL_41, CLIENT_SSL */
const MYSQL_CLIENT_PROTOCOL_41 = 0x0200;
const MYSQL_CLIENT_SSL = 0x0800;
/** MySQL SSLRequest payload: capabilities 4, max packet 4, charset 1, filler 23 */
const MYSQL_SSL_REQUEST_LEN = 32;
/** MySQL HandshakeV10 protocol version byte */
const MYSQL_PROTOCOL_10 = 0x0a;

interface TextVerbs {
  /** the upgrade request verb(s) */
  upgrade: ReadonlySet<string>;
  /** reply codes (text) that accept it; others refuse */
  accept: (line: string, tag: string | null) => boolean | null;
  /** verbs that carry the session's content (credentials, mail, files, articles) */
  content: ReadonlySet<string>;
}

/** SMTP reply: final line `ddd SP text` (RFC 5321 §4.2); continuation lines `ddd-` are skipped */
function replyCode(line: string): number {
  if (line.length < 3 || (line.length > 3 && line[3] !== ' ')) return -1;
  const n = Number(line.slice(0, 3));
  return Number.isInteger(n) && n >= 100 && n <= 599 ? n : -1;
}

function codeAnswer(ok: readonly number[]): (line: string) => boolean | null {
  return (line) => {
    const c = replyCode(line);
    if (c < 0) return null;
    if (ok.includes(c)) return true;
    return c >= 400 ? false : null;
  };
}

const VERBS: Record<Exclude<StartTlsProtocol, 'postgresql' | 'mysql'>, TextVerbs> = {
  smtp: {
    upgrade: new Set(['STARTTLS']),
    accept: codeAnswer([220]),
    content: new Set(['MAIL', 'RCPT', 'DATA', 'BDAT', 'AUTH', 'VRFY', 'EXPN']),
  },
  ftp: {
    upgrade: new Set(['AUTH']),
    accept: codeAnswer([234, 334]),
    content: new Set(['USER', 'PASS', 'ACCT', 'RETR', 'STOR', 'STOU', 'APPE', 'LIST', 'NLST', 'MLSD', 'MLST', 'CWD', 'SIZE']),
  },
  pop3: {
    upgrade: new Set(['STLS']),
    accept: (line) => (line.startsWith('+OK') ? true : line.startsWith('-ERR') ? false : null),
    content: new Set(['USER', 'PASS', 'APOP', 'AUTH', 'STAT', 'LIST', 'RETR', 'TOP', 'UIDL', 'DELE']),
  },
  imap: {
    upgrade: new Set(['STARTTLS']),
    accept: (line, tag) => {
      if (tag === null || !line.startsWith(`${tag} `)) return null;
      const status = line.slice(tag.length + 1, tag.length + 4).toUpperCase();
      return status === 'OK ' || status === 'OK' ? true : status.startsWith('NO') || status.startsWith('BAD') ? false : null;
    },
    content: new Set(['LOGIN', 'AUTHENTICATE', 'SELECT', 'EXAMINE', 'FETCH', 'APPEND', 'LIST', 'LSUB', 'STATUS', 'SEARCH', 'UID', 'CREATE', 'STORE']),
  },
  nntp: {
    upgrade: new Set(['STARTTLS']),
    accept: codeAnswer([382]),
    content: new Set(['AUTHINFO', 'ARTICLE', 'BODY', 'HEAD', 'GROUP', 'LISTGROUP', 'POST', 'IHAVE', 'NEWNEWS', 'OVER', 'XOVER']),
  },
};

/** SMTP / LMTP greeting commands and FTP-only commands that tell the two `220` protocols apart */
const SMTP_HELLO = new Set(['EHLO', 'HELO', 'LHLO']);
const FTP_FIRST = new Set(['AUTH', 'USER', 'FEAT', 'SYST', 'OPTS', 'PBSZ', 'PROT', 'HOST', 'CLNT']);

export interface StartTlsSniff {
  protocol: StartTlsProtocol | 'smtp-or-ftp';
  /** the chunk's sender is the server (a greeting) rather than the client */
  senderIsServer: boolean;
}

/** one complete printable line at the head of `b` (CRLF or LF within MAX_LINE), or null */
function firstLine(b: Uint8Array): string | null {
  const n = Math.min(b.length, MAX_LINE);
  for (let i = 0; i < n; i++) {
    const c = b[i] ?? 0;
    if (c === 0x0a) {
      const end = i > 0 && b[i - 1] === 0x0d ? i - 1 : i;
      return latin1(b, 0, end);
    }
    if ((c < 0x20 && c !== 0x09 && c !== 0x0d) || c > 0x7e) return null;
  }
  return null;
}

function latin1(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(b[i] ?? 0);
  return s;
}

function be32(b: Uint8Array, p: number): number {
  return (((b[p] ?? 0) << 24) | ((b[p + 1] ?? 0) << 16) | ((b[p + 2] ?? 0) << 8) | (b[p + 3] ?? 0)) >>> 0;
}

function le24(b: Uint8Array, p: number): number {
  return (b[p] ?? 0) | ((b[p + 1] ?? 0) << 8) | ((b[p + 2] ?? 0) << 16);
}

function le32(b: Uint8Array, p: number): number {
  return ((b[p] ?? 0) | ((b[p + 1] ?? 0) << 8) | ((b[p + 2] ?? 0) << 16) | ((b[p + 3] ?? 0) << 24)) >>> 0;
}

/** a MySQL HandshakeV10 packet at the head of `b`: 3-byte length, sequence 0, protocol 10, a NUL-terminated printable version */
function isMysqlGreeting(b: Uint8Array): boolean {
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
  if (code !== PG_PROTOCOL_3 || len < 9 || len > 10_000 || b.length < 10) return false;
  // parameter names are NUL-terminated (e.g. "user"): a letter first
  const c = b[8] ?? 0;
  return (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

/**
 * The first bytes of a direction that open one of these protocols: a server greeting line,
 * a MySQL greeting packet, or a PostgreSQL client's first message. null for anything else.
 */
export function sniffStartTls(b: Uint8Array): StartTlsSniff | null {
  const b0 = b[0];
  if (b0 === undefined) return null;
  if (b0 === 0) return pgClientFirst(b) ? { protocol: 'postgresql', senderIsServer: false } : null;
  if (isMysqlGreeting(b)) return { protocol: 'mysql', senderIsServer: true };
  const line = firstLine(b);
  if (line === null) return null;
  if (line.startsWith('220 ') || line.startsWith('220-')) return { protocol: 'smtp-or-ftp', senderIsServer: true };
  if (line === '+OK' || line.startsWith('+OK ')) return { protocol: 'pop3', senderIsServer: true };
  if (line.startsWith('* OK') || line.startsWith('* PREAUTH')) return { protocol: 'imap', senderIsServer: true };
  if (line.startsWith('200 ') || line.startsWith('201 ')) return { protocol: 'nntp', senderIsServer: true };
  return null;
}

/** the verb of a client command line (IMAP: after the tag), upper-cased, and the IMAP tag */
function verbOf(line: string, imap: boolean): { verb: string; tag: string | null; arg: string } {
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

const EMPTY = new Uint8Array(0);

export class StartTlsAnalyzer implements StreamAnalyzer {
  readonly name = 'starttls';
  readonly maxBytesPerDir = PREAMBLE_MAX + 128 * 1024;
  /** the preamble and the TLS handshake after it are both kept to compare retransmissions with */
  readonly verifyBytesPerDir = PREAMBLE_MAX + VERIFY_BYTES;
  readonly info: StartTlsInfo;
  private readonly held: [Uint8Array, Uint8Array] = [EMPTY, EMPTY];
  /** bytes of each direction read before its switch (or all read, if it never switched) */
  private readonly pre: [number, number] = [0, 0];
  private readonly lines: [number, number] = [0, 0];
  private readonly switched: [boolean, boolean] = [false, false];
  private readonly stopped: [boolean, boolean] = [false, false];
  /** PostgreSQL / MySQL: the direction's first message has been read */
  private readonly firstRead: [boolean, boolean] = [false, false];
  private imapTag: string | null = null;
  private pending = false;
  private inner: TlsAnalyzer | null = null;
  private innerDone = false;

  constructor(protocol: StartTlsProtocol | 'smtp-or-ftp') {
    this.info = { protocol, request: null, answer: null, upgraded: false, plaintext: false, plaintextCommand: null };
  }

  usedBytes(dir: Dir): number {
    const inner = this.switched[dir] ? (this.inner?.usedBytes(dir) ?? 0) : 0;
    return this.pre[dir] + inner;
  }

  onData(flow: Flow, dir: Dir, chunk: Uint8Array, ts: number): Want {
    flow.ext['starttls'] = this.info;
    if (this.innerDone) return Want.DoneFlow;
    if (this.switched[dir]) return this.toInner(flow, dir, chunk, ts);
    if (this.stopped[dir]) return Want.DoneDir;
    const prev = this.held[dir];
    const b = prev.length > 0 ? concat(prev, chunk) : chunk;
    const p = this.preamble(flow, dir, b);
    if (p === STOP) return this.stopDir(dir);
    if (p === PLAINTEXT) {
      this.held[0] = EMPTY;
      this.held[1] = EMPTY;
      return Want.DoneFlow;
    }
    if (p < 0) {
      // wait for more: keep the unread rest (a copy: `b` may be a view into the reader's buffer)
      const rest = b.subarray(-p - 1);
      if (this.pre[dir] + rest.length > PREAMBLE_MAX) {
        addFlowIssue(flow, 'starttls.preamble_too_long');
        return this.stopDir(dir);
      }
      this.held[dir] = rest.length === 0 ? EMPTY : copyBytes(rest);
      return Want.More;
    }
    // a TLS record starts at b[p]
    this.held[dir] = EMPTY;
    this.switched[dir] = true;
    if (dir === 0) this.info.upgraded = true;
    // MySQL has no answer message: the server's TLS record after an SSLRequest is its acceptance
    else if (this.info.request !== null && this.info.answer === null) this.info.answer = 'accepted';
    flow.app = 'tls';
    return this.toInner(flow, dir, b.subarray(p), ts);
  }

  private stopDir(dir: Dir): Want {
    this.stopped[dir] = true;
    this.held[dir] = EMPTY;
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
      if (b[p] === 0x16) {
        if (b.length - p < 6) return -(p + 1);
        if (sniffTls(b.subarray(p, p + 6)) !== null) return p;
        addFlowIssue(flow, 'starttls.not_tls');
        return STOP;
      }
      const n = proto === 'postgresql' ? this.pgMessage(flow, dir, b, p) : proto === 'mysql' ? this.mysqlPacket(flow, dir, b, p) : this.textLine(flow, dir, b, p);
      if (n === 0) return -(p + 1);
      if (n === STOP || n === PLAINTEXT) {
        this.pre[dir] += n === PLAINTEXT ? b.length - p : 0;
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
    let lf = -1;
    for (let i = p; i < limit; i++) {
      if (b[i] === 0x0a) {
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
    const end = lf > p && b[lf - 1] === 0x0d ? lf - 1 : lf;
    const line = latin1(b, p, end);
    const r = dir === 0 ? this.clientLine(flow, line) : this.serverLine(line);
    return r === PLAINTEXT ? PLAINTEXT : lf + 1 - p;
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
    if (verbs.upgrade.has(verb) && (proto !== 'ftp' || arg === 'TLS' || arg === 'SSL' || arg === 'TLS-C' || arg === 'TLS-P')) {
      this.info.request = proto === 'ftp' ? `AUTH ${arg}` : verb;
      this.imapTag = tag;
      this.pending = true;
      return 0;
    }
    if (verbs.content.has(verb)) {
      this.info.plaintext = true;
      this.info.plaintextCommand = verb;
      flow.app = proto as StartTlsProtocol;
      return PLAINTEXT;
    }
    return 0;
  }

  private serverLine(line: string): number {
    if (!this.pending) return 0;
    const proto = this.info.protocol;
    if (proto === 'smtp-or-ftp' || proto === 'postgresql' || proto === 'mysql') return 0;
    const a = VERBS[proto].accept(line, this.imapTag);
    if (a === null) return 0;
    this.info.answer = a ? 'accepted' : 'refused';
    this.pending = false;
    return 0;
  }

  /** one PostgreSQL message at b[p..] (before the switch): its length, 0 when incomplete, STOP or PLAINTEXT */
  private pgMessage(flow: Flow, dir: Dir, b: Uint8Array, p: number): number {
    if (dir === 1) {
      // the server answers an SSLRequest with one byte, 'S' (TLS follows) or 'N'; read as such
      // whichever direction was delivered first. Anything else (an ErrorResponse from a server
      // that does not know SSLRequest, or the plaintext session) ends this direction here.
      if (this.firstRead[1]) return STOP;
      this.firstRead[1] = true;
      const c = b[p];
      if (c === 0x53) this.info.answer = 'accepted';
      else if (c === 0x4e) this.info.answer = 'refused';
      else return STOP;
      return 1;
    }
    if (b.length - p < 8) return 0;
    const len = be32(b, p);
    const code = be32(b, p + 4);
    if (len === 8 && code === PG_SSL_REQUEST && this.info.request === null) {
      this.info.request = 'SSLRequest';
      return 8;
    }
    if (len === 8 && code === PG_GSSENC_REQUEST) {
      // GSSAPI encryption, not TLS: nothing here to classify
      addFlowIssue(flow, 'starttls.postgresql_gssenc');
      return STOP;
    }
    if (code === PG_PROTOCOL_3 && len >= 9) {
      // user and database names in the clear, then the session
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
      this.info.request = 'SSLRequest';
      return 4 + len;
    }
    this.firstRead[0] = true;
    // HandshakeResponse41: the user name in the clear, then the session
    this.info.plaintext = true;
    this.info.plaintextCommand = 'HandshakeResponse';
    flow.app = 'mysql';
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
    flow.ext['starttls'] = this.info;
    this.inner?.onEnd(flow);
  }
}

const STOP = -1_000_000_001;
const PLAINTEXT = -1_000_000_002;

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
