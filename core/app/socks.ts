/**
 * SOCKS proxy handshakes, so the protocol tunnelled through a proxy is analysed too:
 * SOCKS4 / 4a (Ying-Da Lee, "SOCKS: A protocol for TCP proxy across firewalls" and the 4A
 * extension), SOCKS5 (RFC 1928 §3–§6) with username/password sub-negotiation (RFC 1929 §2).
 * Each direction's handshake bytes are consumed (bounded), then the rest of the stream is handed
 * to the analyzer the factory picks by content (e.g. TLS). The tunnel target is recorded in
 * flow.ext.socks.
 */
import { copyBytes } from '../util/bytes.js';
import type { Dir, Flow, StreamAnalyzer } from '../flow/types.js';
import { Want, addFlowIssue } from '../flow/types.js';
import { TunnelStream } from './tunnel.js';
import type { InnerAttach } from './tunnel.js';

export interface SocksInfo {
  version: 4 | 5;
  /** requested destination "host:port" (domain, IPv4 or IPv6) */
  target: string | null;
  /** reply code from the proxy (SOCKS4: 90 = granted; SOCKS5: 0 = succeeded), -1 unseen */
  reply: number;
}

/** handshake bytes buffered per direction at most (a SOCKS5 request is ≤ 262 bytes, RFC 1928 §4) */
const MAX_HANDSHAKE = 1024;

/** SOCKS4 request: VN=4, CD 1 (CONNECT) or 2 (BIND). SOCKS5 greeting: VER=5, NMETHODS ≥ 1. */
export function sniffSocks(chunk: Uint8Array): 4 | 5 | null {
  const v = chunk[0];
  if (v === 4 && chunk.length >= 9 && (chunk[1] === 1 || chunk[1] === 2)) {
    // USERID is NUL-terminated within the first bytes
    for (let i = 8; i < Math.min(chunk.length, 8 + 256); i++) if (chunk[i] === 0) return 4;
    return null;
  }
  if (v === 5 && chunk.length >= 3) {
    const n = chunk[1] ?? 0;
    if (n >= 1 && n <= 16 && chunk.length === 2 + n) return 5;
    // pipelined greeting + request
    if (n >= 1 && n <= 16 && chunk.length > 2 + n && chunk[2 + n] === 5) return 5;
  }
  return null;
}

type Step = 'greeting' | 'auth-or-request' | 'auth' | 'request' | 'method' | 'auth-reply' | 'reply' | 'done';

export type { InnerAttach } from './tunnel.js';

function u16(b: Uint8Array, o: number): number {
  return ((b[o] ?? 0) << 8) | (b[o + 1] ?? 0);
}

export class SocksAnalyzer implements StreamAnalyzer {
  readonly name = 'socks';
  /** the proxied stream may be TLS or SSH: its handshake is verified like theirs (StreamAnalyzer.verifyBytesPerDir) */
  readonly verifyBytesPerDir = 16 * 1024;
  private readonly buf: [Uint8Array, Uint8Array] = [new Uint8Array(0), new Uint8Array(0)];
  private readonly step: [Step, Step];
  private readonly inner: TunnelStream;
  private readonly info: SocksInfo;

  constructor(
    readonly version: 4 | 5,
    attachInner: InnerAttach,
  ) {
    this.inner = new TunnelStream(attachInner);
    this.step = version === 4 ? ['request', 'reply'] : ['greeting', 'method'];
    this.info = { version, target: null, reply: -1 };
  }

  /** bytes of the handshake message at the head of `b`, 0 if incomplete, -1 if malformed */
  private need(dir: Dir, b: Uint8Array): number {
    const s = this.step[dir];
    if (this.version === 4) {
      if (s === 'request') {
        if (b.length < 9) return 0;
        let i = 8;
        while (i < b.length && b[i] !== 0) i++;
        if (i >= b.length) return b.length > 255 + 8 ? -1 : 0;
        const ip0 = b[4] === 0 && b[5] === 0 && b[6] === 0 && b[7] !== 0; // SOCKS4a: domain follows
        let end = i + 1;
        let domain: string | null = null;
        if (ip0) {
          let j = end;
          while (j < b.length && b[j] !== 0) j++;
          if (j >= b.length) return b.length > 512 ? -1 : 0;
          domain = Buffer.from(b.subarray(end, j)).toString('latin1');
          end = j + 1;
        }
        const port = u16(b, 2);
        this.info.target = `${domain ?? `${b[4]}.${b[5]}.${b[6]}.${b[7]}`}:${port}`;
        return end;
      }
      if (s === 'reply') {
        if (b.length < 8) return 0;
        this.info.reply = b[1] ?? -1;
        return 8;
      }
      return -1;
    }
    switch (s) {
      case 'auth-or-request':
        // RFC 1929 §2: a sub-negotiation starts with VER 1; a request with VER 5 (RFC 1928 §4)
        if (b.length === 0) return 0;
        this.step[dir] = b[0] === 1 ? 'auth' : 'request';
        return this.need(dir, b);
      case 'greeting': {
        if (b.length < 2) return 0;
        const n = b[1] ?? 0;
        return b.length >= 2 + n ? 2 + n : 0;
      }
      case 'auth': {
        if (b.length < 2) return 0;
        const ulen = b[1] ?? 0;
        if (b.length < 3 + ulen) return 0;
        const plen = b[2 + ulen] ?? 0;
        return b.length >= 3 + ulen + plen ? 3 + ulen + plen : 0;
      }
      case 'method':
      case 'auth-reply':
        return b.length >= 2 ? 2 : 0;
      case 'request':
      case 'reply': {
        if (b.length < 5) return 0;
        const atyp = b[3];
        let alen: number;
        if (atyp === 1) alen = 4;
        else if (atyp === 4) alen = 16;
        else if (atyp === 3) alen = 1 + (b[4] ?? 0);
        else return -1;
        const total = 4 + alen + 2;
        if (b.length < total) return 0;
        if (s === 'request') {
          let host: string;
          if (atyp === 1) host = `${b[4]}.${b[5]}.${b[6]}.${b[7]}`;
          else if (atyp === 3) host = Buffer.from(b.subarray(5, 5 + (b[4] ?? 0))).toString('latin1');
          else {
            const w: string[] = [];
            for (let i = 0; i < 8; i++) w.push(u16(b, 4 + 2 * i).toString(16));
            host = `[${w.join(':')}]`;
          }
          this.info.target = `${host}:${u16(b, 4 + alen)}`;
        } else this.info.reply = b[1] ?? -1;
        return total;
      }
      default:
        return -1;
    }
  }

  /** the step after the handshake message `msg` of this direction */
  private advance(dir: Dir, msg: Uint8Array): void {
    const s = this.step[dir];
    let next: Step = 'done';
    if (this.version === 5) {
      if (s === 'greeting') next = 'auth-or-request';
      else if (s === 'auth') next = 'request';
      else if (s === 'method') next = msg[1] === 2 ? 'auth-reply' : 'reply';
      else if (s === 'auth-reply') next = 'reply';
    }
    this.step[dir] = next;
  }

  private isDone(dir: Dir): boolean {
    return this.step[dir] === 'done';
  }

  onData(flow: Flow, dir: Dir, chunk: Uint8Array, ts: number): Want {
    flow.ext['socks'] = this.info;
    if (this.isDone(dir)) return this.deliver(flow, dir, chunk, ts);
    const prev = this.buf[dir];
    let b: Uint8Array = prev.length ? concat(prev, chunk) : chunk;
    while (!this.isDone(dir)) {
      const n = this.need(dir, b);
      if (n < 0) {
        addFlowIssue(flow, 'socks.malformed');
        return Want.DoneDir;
      }
      if (n === 0) {
        if (b.length > MAX_HANDSHAKE) {
          addFlowIssue(flow, 'socks.handshake_too_long');
          return Want.DoneDir;
        }
        // always a copy: `b` may be a view into the reader's chunk buffer (at most MAX_HANDSHAKE bytes)
        this.buf[dir] = copyBytes(b);
        return Want.More;
      }
      const msg = b.subarray(0, n);
      b = b.subarray(n);
      this.advance(dir, msg);
      if (this.step[dir] === 'auth-or-request' && b.length === 0) {
        this.buf[dir] = new Uint8Array(0);
        return Want.More;
      }
    }
    this.buf[dir] = new Uint8Array(0);
    return b.length > 0 ? this.deliver(flow, dir, b, ts) : Want.More;
  }

  private deliver(flow: Flow, dir: Dir, chunk: Uint8Array, ts: number): Want {
    return this.inner.data(flow, dir, chunk, ts);
  }

  onGap(flow: Flow, dir: Dir, len: number): Want {
    return this.inner.gap(flow, dir, len);
  }

  onEnd(flow: Flow): void {
    flow.ext['socks'] = this.info;
    this.inner.end(flow);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
