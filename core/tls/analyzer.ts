/**
 * TLS stream analyzer: record layer (RFC 5246 §6.2.1, RFC 8446 §5.1; SSL 2.0 record header per
 * RFC 5246 Appendix E.2), handshake message reassembly across records and segments
 * (RFC 8446 §5.1: "handshake messages MAY be coalesced or fragmented"), alerts (RFC 8446 §6).
 * Fills flow.tls with the hello messages, HelloRetryRequest, TLS ≤ 1.2 ServerKeyExchange and
 * Certificate, then asks for nothing more (Want.DoneFlow) once the key exchange is known.
 * Every buffer is bounded: a record by 2^14 + 2048 bytes (RFC 5246 §6.2.3), a kept handshake
 * message by MAX_HS_KEEP.
 */
import type { AttachStream, Dir, Flow, StreamAnalyzer } from '../flow/types.js';
import { Want, addFlowIssue } from '../flow/types.js';
import type { ServerHello, TlsInfo } from './types.js';
import { newTlsInfo } from './types.js';
import { HS, decodeClientHello, decodeServerHello, decodeSslv2ClientHello, decodeSslv2ServerHello, sslv2RecordLength } from './hello.js';
import { decodeServerKeyExchange } from './ske.js';
import { decodeCertificate, decodeCertificateDer } from './cert.js';
import { isTls13Version } from './suites.js';
import { Reader } from './reader.js';
import { hexOf } from '../util/bytes.js';

/** RFC 8446 §5.1 ContentType */
export const CT = { changeCipherSpec: 20, alert: 21, handshake: 22, applicationData: 23, heartbeat: 24 } as const;
/** RFC 5246 §6.2.3: TLSCiphertext.length ≤ 2^14 + 2048 */
export const MAX_RECORD = 16384 + 2048;
/** delivered bytes per direction the flow table keeps to check retransmissions against (StreamAnalyzer.verifyBytesPerDir) */
export const VERIFY_BYTES = 16 * 1024;
/** largest handshake message body kept (longer Certificate chains are kept as a prefix) */
export const MAX_HS_KEEP = 64 * 1024;
/** SSL 2.0 message types (SSL 2.0 spec §2.6) */
const SSL2_CLIENT_HELLO = 1;
const SSL2_SERVER_HELLO = 4;
const EMPTY = new Uint8Array(0);

/**
 * Buffers for records and handshake messages that span chunks, reused once read: a flow's
 * partial record or message is assembled in one, and it comes back when the record or message
 * has been decoded (every decoder copies what it keeps) or the partial state is dropped.
 * Buffers come in power-of-two sizes from FIRST_BYTES up, each size with a small pool; a partial
 * record or message starts in the smallest and moves up as its bytes arrive (room), so what a
 * flow holds follows what it received, not what a header announced (an audit: headers
 * promising a 16 MB hello and an 18 KiB record, 84 bytes of capture per flow, made every flow
 * hold 164 KB: a 5 MB capture took 4.5 GB). A direction holds at most one of each at a time.
 */
const FIRST_BYTES = 2048;
/** buffers kept per size class: 64 of 2 KiB, fewer of the larger (≈ 1 MB pooled at most) */
const poolMax = (k: number): number => Math.max(4, 64 >> k);
/** pools by size class: POOLS[k] holds buffers of FIRST_BYTES << k bytes */
const POOLS: Uint8Array[][] = [];

function sizeClass(len: number): number {
  let k = 0;
  while (FIRST_BYTES << k < len) k++;
  return k;
}

/** a buffer of at least `len` bytes, a power of two (contents undefined: the caller writes before it reads) */
function takeBuffer(len: number): Uint8Array {
  const k = sizeClass(len);
  return POOLS[k]?.pop() ?? new Uint8Array(FIRST_BYTES << k);
}

function giveBuffer(b: Uint8Array | null): void {
  if (b === null) return;
  const k = sizeClass(b.length);
  if (FIRST_BYTES << k !== b.length) return;
  const pool = (POOLS[k] ??= []);
  if (pool.length < poolMax(k)) pool.push(b);
}

/** `buf` (holding `have` bytes) with room for `need` bytes: the next size class up, contents kept */
function room(buf: Uint8Array | null, have: number, need: number): Uint8Array {
  if (buf !== null && buf.length >= need) return buf;
  const nb = takeBuffer(need);
  if (buf !== null && have > 0) nb.set(buf.subarray(0, have));
  giveBuffer(buf);
  return nb;
}

/** dst[at, at + (end - start)) = src[start, end) through a plain view (a Buffer's subarray costs more) */
function copyInto(dst: Uint8Array, at: number, src: Uint8Array, start: number, end: number): void {
  if (end - start <= 16) {
    for (let i = start; i < end; i++) dst[at++] = src[i] ?? 0;
    return;
  }
  dst.set(new Uint8Array(src.buffer, src.byteOffset + start, end - start), at);
}

function validTlsHeader(type: number, major: number, minor: number, len: number): boolean {
  return type >= CT.changeCipherSpec && type <= CT.heartbeat && major === 3 && minor <= 4 && len <= MAX_RECORD;
}

/**
 * Content sniff (not ports): a TLS handshake record (type 22, version 0x0300–0x0304) or an
 * SSL 2.0 CLIENT-HELLO / SERVER-HELLO.
 */
export function sniffTls(chunk: Uint8Array): 'client-hello' | 'server-hello' | 'tls' | null {
  const b0 = chunk[0];
  const b1 = chunk[1];
  const b2 = chunk[2];
  if (b0 === undefined || b1 === undefined || b2 === undefined) return null;
  if (b0 === CT.handshake && b1 === 3 && b2 <= 4) {
    if (chunk.length >= 5) {
      const len = ((chunk[3] ?? 0) << 8) | (chunk[4] ?? 0);
      if (len === 0 || len > MAX_RECORD) return null;
    }
    const t = chunk[5];
    if (t === HS.clientHello) return 'client-hello';
    if (t === HS.serverHello) return 'server-hello';
    return 'tls';
  }
  const len = sslv2RecordLength(chunk);
  if (len !== null && chunk.length >= 5) {
    const v = ((chunk[3] ?? 0) << 8) | (chunk[4] ?? 0);
    if (b2 === SSL2_CLIENT_HELLO && len >= 9 && (v === 0x0002 || (v >= 0x0300 && v <= 0x0304))) return 'client-hello';
    if (b2 === SSL2_SERVER_HELLO && len >= 11 && chunk.length >= 7) {
      const sv = ((chunk[5] ?? 0) << 8) | (chunk[6] ?? 0);
      if (sv === 0x0002) return 'server-hello';
    }
  }
  return null;
}

/** Factory helper: a TlsAnalyzer when `chunk` sniffs as TLS, with the client side it implies. */
export function attachTls(_flow: Flow, dir: Dir, chunk: Uint8Array): AttachStream | null {
  const s = sniffTls(chunk);
  if (s === null) return null;
  if (s === 'client-hello') return { analyzer: new TlsAnalyzer(), clientIsDir: dir };
  if (s === 'server-hello') return { analyzer: new TlsAnalyzer(), clientIsDir: dir === 0 ? 1 : 0 };
  return { analyzer: new TlsAnalyzer() };
}

class DirState {
  /** first bytes of the direction not yet seen (SSL 2.0 is only recognised there) */
  first = true;
  /** the direction's first bytes while fewer than 3 (not enough to tell SSL 2.0) */
  firstPre: Uint8Array | null = null;
  v2 = false;
  dead = false;
  /** after a gap: skip chunks until one starts with a plausible record header */
  resync = false;
  /** before the first record: skip chunks until one starts with a handshake record */
  seek = false;
  ccs = false;
  // partial record
  /** a record header split across chunks (allocated when one is) */
  hdr: Uint8Array | null = null;
  hdrHave = 0;
  hdrLen = 5;
  recType = 0;
  /** record-layer version of the current record */
  recVersion = 0;
  /** the record body being assembled: body[0, bodyLen) (a pooled buffer) */
  body: Uint8Array | null = null;
  bodyLen = 0;
  bodyHave = 0;
  // partial handshake message
  /** a handshake header split across records or chunks (allocated when one is) */
  hsHdr: Uint8Array | null = null;
  hsHdrHave = 0;
  hsType = 0;
  hsLen = 0;
  hsGot = 0;
  /** the kept part of the handshake message being assembled: hsBuf[0, hsKeep) (pooled when short) */
  hsBuf: Uint8Array | null = null;
  hsKeep = 0;
  inMessage = false;

  resetPartial(): void {
    this.firstPre = null;
    this.hdrHave = 0;
    giveBuffer(this.body);
    this.body = null;
    this.bodyHave = 0;
    this.hsHdrHave = 0;
    giveBuffer(this.hsBuf);
    this.hsBuf = null;
    this.inMessage = false;
  }
}

/** handshake types whose bodies are kept (others are skipped without buffering) */
function keepType(t: number): boolean {
  return t === HS.clientHello || t === HS.serverHello || t === HS.certificate || t === HS.serverKeyExchange || t === HS.newSessionTicket;
}

/**
 * What a finished analyzer points at instead of its handshake record and direction states: a
 * done analyzer never writes to them (onData and onGap return at once, onEnd only resets
 * partial state, which is empty here).
 */
const RELEASED: TlsInfo = newTlsInfo();
const RELEASED_DIRS: [DirState, DirState] = [new DirState(), new DirState()];

export class TlsAnalyzer implements StreamAnalyzer {
  readonly name = 'tls';
  readonly maxBytesPerDir = 128 * 1024;
  /** the hellos, and a TLS 1.2 server flight up to its ServerKeyExchange, in all but huge chains */
  readonly verifyBytesPerDir = VERIFY_BYTES;
  private dirs: [DirState, DirState] = [new DirState(), new DirState()];
  private done = false;
  private flow: Flow | null = null;
  private tls: TlsInfo = newTlsInfo();

  /**
   * `seekHandshake`: skip leading chunks of each direction until one starts with a TLS
   * handshake record (TLS tunnelled after a SOCKS or HTTP CONNECT preamble).
   */
  constructor(opts: { seekHandshake?: boolean } = {}) {
    if (opts.seekHandshake === true) {
      for (const st of this.dirs) st.seek = true;
    }
  }

  /**
   * Bytes of each direction this analyzer read up to where it was done (all it was given while
   * not done): the flow table compares later copies of only these (StreamAnalyzer.usedBytes).
   */
  private readonly used: [number, number] = [0, 0];
  /** where in the current chunk the analyzer was done (-1: not done in it) */
  private doneAt = -1;

  usedBytes(dir: Dir): number {
    return this.used[dir];
  }

  onData(flow: Flow, dir: Dir, chunk: Uint8Array, tsMicros: number): Want {
    if (this.done) return Want.DoneFlow;
    this.doneAt = -1;
    const w = this.read(flow, dir, chunk, tsMicros);
    this.used[dir] += this.doneAt >= 0 ? this.doneAt : chunk.length;
    return w;
  }

  private read(flow: Flow, dir: Dir, chunk: Uint8Array, _tsMicros: number): Want {
    this.bind(flow);
    if (this.done) return Want.DoneFlow;
    const held = this.dirs[dir].firstPre?.length ?? 0;
    const st = this.dirs[dir];
    if (st.dead) return this.deadWant();
    if (st.seek) {
      if (sniffTls(chunk) === null) return Want.More;
      st.seek = false;
    }
    if (st.resync) {
      if (!this.plausibleStart(chunk)) return Want.More;
      st.resync = false;
    }
    if (st.first && chunk.length > 0) {
      // SSL 2.0 is told from its third byte: a shorter first piece waits for the next
      if (st.firstPre !== null) {
        const joined = new Uint8Array(st.firstPre.length + chunk.length);
        joined.set(st.firstPre, 0);
        joined.set(chunk, st.firstPre.length);
        chunk = joined;
        st.firstPre = null;
      }
      if (chunk.length < 3) {
        st.firstPre = Uint8Array.from(chunk); // a copy: the caller's buffer may be reused
        return Want.More;
      }
      st.first = false;
      const s = sslv2RecordLength(chunk);
      if (s !== null && (chunk[2] === SSL2_CLIENT_HELLO || chunk[2] === SSL2_SERVER_HELLO)) {
        st.v2 = true;
        st.hdrLen = 2;
      }
    }
    let p = 0;
    while (p < chunk.length && !this.done && !st.dead) {
      if (st.hdrHave < st.hdrLen) {
        if (st.hdrHave === 0 && chunk.length - p >= st.hdrLen) {
          // fast path: whole header (and maybe whole record) in this chunk, no copy
          const len = this.headerLen(chunk, p, st);
          if (len < 0) break;
          const start = p + st.hdrLen;
          if (chunk.length - start >= len) {
            this.record(dir, st, st.v2 ? -1 : (chunk[p] ?? 0), chunk, start, start + len);
            p = start + len;
            continue;
          }
          st.hdrHave = st.hdrLen;
          st.recType = st.v2 ? -1 : (chunk[p] ?? 0);
          st.body = null; // allocated as the body's bytes arrive (room)
          st.bodyLen = len;
          st.bodyHave = 0;
          p = start;
          continue;
        }
        const n = Math.min(st.hdrLen - st.hdrHave, chunk.length - p);
        const hdr = (st.hdr ??= new Uint8Array(5));
        copyInto(hdr, st.hdrHave, chunk, p, p + n);
        st.hdrHave += n;
        p += n;
        if (st.hdrHave === st.hdrLen) {
          const len = this.headerLen(hdr, 0, st);
          if (len < 0) break;
          st.recType = st.v2 ? -1 : (hdr[0] ?? 0);
          st.body = null;
          st.bodyLen = len;
          st.bodyHave = 0;
          if (len === 0) this.finishRecord(dir, st);
        }
        continue;
      }
      const n = Math.min(st.bodyLen - st.bodyHave, chunk.length - p);
      const body = room(st.body, st.bodyHave, st.bodyHave + n);
      st.body = body;
      copyInto(body, st.bodyHave, chunk, p, p + n);
      st.bodyHave += n;
      p += n;
      if (st.bodyHave === st.bodyLen) this.finishRecord(dir, st);
    }
    if (this.done) {
      // the bytes held back from an earlier chunk were counted with it
      this.doneAt = Math.max(0, p - (chunk.length > 0 && held > 0 && p >= held ? held : 0));
      return this.release();
    }
    if (st.dead) return this.deadWant();
    return Want.More;
  }

  /**
   * Done with the flow: its handshake record stays with the flow (flow.tls) only, and the
   * per-direction buffers go, so nothing of this analyzer outlives the handshake but a shell.
   */
  private release(): Want {
    this.tls = RELEASED;
    this.dirs = RELEASED_DIRS;
    return Want.DoneFlow;
  }

  onGap(flow: Flow, dir: Dir, _len: number): Want {
    this.bind(flow);
    if (this.done) return Want.DoneFlow;
    const st = this.dirs[dir];
    addFlowIssue(flow, 'tls.stream_gap');
    st.resetPartial();
    st.first = false;
    st.resync = true;
    return Want.More;
  }

  onEnd(flow: Flow): void {
    this.bind(flow);
    for (const st of this.dirs) {
      if (!this.done && (st.inMessage || st.body !== null || st.firstPre !== null) && !st.dead) addFlowIssue(flow, 'tls.truncated_handshake');
      st.resetPartial();
    }
  }

  private bind(flow: Flow): void {
    if (this.flow === flow) return;
    this.flow = flow;
    if (flow.tls === null) flow.tls = this.tls;
    else this.tls = flow.tls;
    if (flow.app === 'unknown') flow.app = 'tls';
  }

  private deadWant(): Want {
    return this.dirs[0].dead && this.dirs[1].dead ? Want.DoneFlow : Want.DoneDir;
  }

  private error(code: string): void {
    if (!this.tls.errors.includes(code) && this.tls.errors.length < 16) this.tls.errors.push(code);
    if (this.flow !== null) addFlowIssue(this.flow, code);
  }

  private issue(code: string): void {
    if (this.flow !== null) addFlowIssue(this.flow, code);
  }

  private plausibleStart(chunk: Uint8Array): boolean {
    if (chunk.length < 5) return false;
    const len = ((chunk[3] ?? 0) << 8) | (chunk[4] ?? 0);
    return validTlsHeader(chunk[0] ?? 0, chunk[1] ?? 0, chunk[2] ?? 0, len);
  }

  /** record body length from a header at b[p], or -1 (direction abandoned) */
  private headerLen(b: Uint8Array, p: number, st: DirState): number {
    if (st.v2) {
      const len = (((b[p] ?? 0) & 0x7f) << 8) | (b[p + 1] ?? 0);
      return len;
    }
    const len = ((b[p + 3] ?? 0) << 8) | (b[p + 4] ?? 0);
    st.recVersion = ((b[p + 1] ?? 0) << 8) | (b[p + 2] ?? 0);
    if (!validTlsHeader(b[p] ?? 0, b[p + 1] ?? 0, b[p + 2] ?? 0, len)) {
      this.error(len > MAX_RECORD ? 'tls.record_too_large' : 'tls.bad_record_header');
      st.dead = true;
      st.resetPartial();
      return -1;
    }
    return len;
  }

  private finishRecord(dir: Dir, st: DirState): void {
    const body = st.body ?? EMPTY;
    const len = st.body === null ? 0 : st.bodyLen;
    const type = st.recType;
    st.hdrHave = 0;
    st.body = null;
    st.bodyHave = 0;
    this.record(dir, st, type, body, 0, len);
    // read: every decoder copied what it keeps, and a message that goes on has its own buffer
    giveBuffer(body);
  }

  private isTls13(sh: ServerHello | null): boolean {
    return sh !== null && isTls13Version(sh.selectedVersion !== 0 ? sh.selectedVersion : sh.legacyVersion);
  }

  /** one record's payload, data[start, end) (a view of the caller's bytes, not copied) */
  private record(dir: Dir, st: DirState, type: number, data: Uint8Array, start: number, end: number): void {
    const tls = this.tls;
    if (type === -1) {
      this.sslv2Message(dir, data.subarray(start, end));
      st.v2 = false; // anything after the first SSL 2.0 message is read as TLS records
      st.hdrLen = 5;
      return;
    }
    // after ChangeCipherSpec in TLS ≤ 1.2 this direction's records are encrypted
    const encrypted = st.ccs && tls.serverHello !== null && !this.isTls13(tls.serverHello);
    switch (type) {
      case CT.changeCipherSpec:
        st.ccs = true;
        if (dir === 1 && tls.serverHello !== null && !this.isTls13(tls.serverHello) && tls.serverKeyExchange === null && tls.certificate === null && tls.serverHelloDone !== true) {
          tls.abbreviated = true;
        }
        if (this.dirs[0].ccs && this.dirs[1].ccs && tls.serverHello !== null && !this.isTls13(tls.serverHello)) this.finish();
        return;
      case CT.alert:
        if (!encrypted && end - start === 2) {
          const level = data[start] ?? 0;
          const desc = data[start + 1] ?? 0;
          if (desc !== 0 && tls.alert === -1) {
            tls.alert = desc;
            tls.alertLevel = level;
          }
          if (level === 2) this.done = true; // fatal: the connection is over (RFC 8446 §6.2)
        }
        return;
      case CT.handshake:
        if (!encrypted) this.handshakeBytes(dir, st, data, start, end);
        return;
      case CT.applicationData:
        // a TLS 1.3 ServerHello seen before the ClientHello (the directions of a span port can
        // arrive out of order): the server's encrypted records go by while the ClientHello is awaited
        if (tls.serverHello !== null && dir === 1 && tls.clientHello === null && this.isTls13(tls.serverHello)) return;
        if (tls.serverHello !== null) this.finish();
        else if (dir === 1) {
          this.issue('tls.data_before_server_hello');
          this.done = true;
        }
        // client application data before ServerHello: TLS 1.3 0-RTT early data, keep reading
        return;
      default:
        return;
    }
  }

  private finish(): void {
    this.tls.complete = true;
    this.done = true;
    for (const st of this.dirs) st.resetPartial();
  }

  /** feed record payload into the handshake message reassembler */
  private handshakeBytes(dir: Dir, st: DirState, data: Uint8Array, start: number, end: number): void {
    let p = start;
    while (p < end && !this.done) {
      if (!st.inMessage) {
        if (st.hsHdrHave === 0 && end - p >= 4) {
          const type = data[p] ?? 0;
          const len = ((data[p + 1] ?? 0) << 16) | ((data[p + 2] ?? 0) << 8) | (data[p + 3] ?? 0);
          if (end - p - 4 >= len) {
            this.message(dir, type, data, p + 4, p + 4 + len, false);
            p += 4 + len;
            continue;
          }
          this.startMessage(st, type, len);
          p += 4;
          continue;
        }
        const n = Math.min(4 - st.hsHdrHave, end - p);
        const h = (st.hsHdr ??= new Uint8Array(4));
        copyInto(h, st.hsHdrHave, data, p, p + n);
        st.hsHdrHave += n;
        p += n;
        if (st.hsHdrHave === 4) {
          this.startMessage(st, h[0] ?? 0, ((h[1] ?? 0) << 16) | ((h[2] ?? 0) << 8) | (h[3] ?? 0));
          if (st.hsLen === 0) this.endMessage(dir, st);
        }
        continue;
      }
      const n = Math.min(st.hsLen - st.hsGot, end - p);
      if (st.hsGot < st.hsKeep) {
        const k = Math.min(n, st.hsKeep - st.hsGot);
        st.hsBuf = room(st.hsBuf, st.hsGot, st.hsGot + k);
        copyInto(st.hsBuf, st.hsGot, data, p, p + k);
      }
      st.hsGot += n;
      p += n;
      if (st.hsGot === st.hsLen) this.endMessage(dir, st);
    }
  }

  private startMessage(st: DirState, type: number, len: number): void {
    st.inMessage = true;
    st.hsHdrHave = 0;
    st.hsType = type;
    st.hsLen = len;
    st.hsGot = 0;
    st.hsKeep = keepType(type) ? Math.min(len, MAX_HS_KEEP) : 0;
    st.hsBuf = null; // allocated as the message's bytes arrive (room)
  }

  private endMessage(dir: Dir, st: DirState): void {
    const buf = st.hsBuf;
    const body = buf ?? EMPTY;
    const truncated = st.hsKeep < st.hsLen;
    const type = st.hsType;
    st.inMessage = false;
    st.hsBuf = null;
    this.message(dir, type, body, 0, Math.min(st.hsKeep, st.hsLen, body.length), truncated);
    giveBuffer(buf);
  }

  /** one handshake message body, body[start, end) */
  private message(dir: Dir, type: number, body: Uint8Array, start: number, end: number, truncated: boolean): void {
    const tls = this.tls;
    if (type === HS.clientHello) {
      if (dir !== 0) return this.error('tls.client_hello_from_server');
      if (truncated) return this.error('tls.handshake_too_large');
      if (tls.clientHello !== null && (tls.helloRetryRequest === null || tls.clientHello2 !== null)) return;
      const r = decodeClientHello(body, this.dirs[0].recVersion, start, end);
      if (!r.ok) return this.error(r.error);
      for (const w of r.value.warnings ?? []) this.issue(w);
      if (tls.clientHello === null) tls.clientHello = r.value;
      else tls.clientHello2 = r.value;
      // the ClientHello a TLS 1.3 ServerHello seen first answers: the key exchange is known now
      if (tls.serverHello !== null && this.isTls13(tls.serverHello)) this.finish();
      return;
    }
    if (dir !== 1) return; // everything else of interest comes from the server
    switch (type) {
      case HS.serverHello: {
        if (truncated) return this.error('tls.handshake_too_large');
        if (tls.serverHello !== null) return;
        const r = decodeServerHello(body, start, end);
        if (!r.ok) return this.error(r.error);
        for (const w of r.value.warnings ?? []) this.issue(w);
        if (r.value.isHelloRetryRequest) {
          if (tls.helloRetryRequest !== null) return this.error('tls.second_hello_retry_request');
          tls.helloRetryRequest = r.value;
          return;
        }
        tls.serverHello = r.value;
        // the rest of the TLS 1.3 handshake is encrypted (read on once the ClientHello is, when it comes later)
        if (this.isTls13(r.value) && tls.clientHello !== null) this.finish();
        return;
      }
      case HS.certificate: {
        if (tls.serverHello === null || this.isTls13(tls.serverHello) || tls.certificate !== null) return;
        const r = decodeCertificate(body, start, end);
        if (!r.ok) return this.error(r.error);
        tls.certificate = r.value;
        return;
      }
      case HS.serverKeyExchange: {
        if (tls.serverHello === null || tls.serverKeyExchange !== null) return;
        if (truncated) return this.error('tls.handshake_too_large');
        const r = decodeServerKeyExchange(body, tls.serverHello.cipherSuite, start, end);
        if (!r.ok) return this.error(r.error);
        tls.serverKeyExchange = r.value;
        return;
      }
      case HS.serverHelloDone:
        tls.serverHelloDone = true;
        return;
      case HS.newSessionTicket: {
        // RFC 5077 §3.3: ticket_lifetime_hint u32, ticket<0..2^16-1>
        const r = new Reader(body, start, end);
        r.u16();
        r.u16();
        const len = r.u16();
        const at = r.pos;
        r.bytes(len);
        if (r.ok && len > 0 && (tls.issuedTicketKey ?? null) === null) tls.issuedTicketKey = hexOf(body, at, at + Math.min(32, len));
        return;
      }
      default:
        return;
    }
  }

  private sslv2Message(dir: Dir, msg: Uint8Array): void {
    const tls = this.tls;
    if (dir === 0 && msg[0] === SSL2_CLIENT_HELLO) {
      if (tls.clientHello !== null) return;
      const r = decodeSslv2ClientHello(msg);
      if (!r.ok) return this.error(r.error);
      tls.clientHello = r.value;
    } else if (dir === 1 && msg[0] === SSL2_SERVER_HELLO) {
      const r = decodeSslv2ServerHello(msg);
      if (!r.ok) return this.error(r.error);
      tls.serverHello = r.value.hello;
      if (r.value.certificate.length > 0) {
        const c = decodeCertificateDer(r.value.certificate);
        if (c.ok) tls.certificate = c.value;
      }
      this.finish(); // SSL 2.0 key exchange is RSA key transport; the rest is encrypted
    } else {
      this.error('tls.sslv2_unexpected_message');
    }
  }
}
