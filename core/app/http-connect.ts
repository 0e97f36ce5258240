/**
 * HTTP CONNECT tunnels through a forward proxy (RFC 9110 §9.3.6): the client asks
 * `CONNECT host:port HTTP/1.1`, the proxy answers with a status line (2xx: the tunnel is open;
 * anything else, such as 407 Proxy Authentication Required, refuses it and the client may ask
 * again on the same connection), and from then on both directions carry the tunnelled stream —
 * in practice a TLS handshake to the real server. Behind an explicit proxy every HTTPS
 * connection looks like this on the wire; read as plain HTTP it would be called plaintext, which
 * it is not. Here the request and response heads are consumed (bounded), the target and status
 * recorded in flow.ext.connect, and the tunnel's bytes handed to the analyzer the factory picks
 * by content (TLS, SSH, plain HTTP …), as for SOCKS (core/app/socks.ts).
 *
 * Where the tunnel starts is found by content in each direction, never by delivery order: after
 * a head, more heads follow only if the next bytes are another `CONNECT ` (client) or `HTTP/`
 * (proxy); a refusal's body is skipped by its Content-Length.
 */
import type { Dir, Flow, StreamAnalyzer } from '../flow/types.js';
import { Want, addFlowIssue } from '../flow/types.js';
import { GrowBuffer } from '../util/growbuf.js';
import { TunnelStream } from './tunnel.js';
import type { InnerAttach } from './tunnel.js';

export interface ConnectInfo {
  /** the request target, `host:port` (authority-form, RFC 9112 §3.2.3) */
  target: string | null;
  /** status code of the proxy's final answer, null if unseen */
  status: number | null;
  /** CONNECT requests read (a refused one may be retried with credentials) */
  requests: number;
}

/** one request or response head at most (RFC 9112 leaves it open; proxies cap at 8–64 KiB) */
export const CONNECT_HEAD_MAX = 16 * 1024;
/** requests and responses per direction before the tunnel, at most */
const MAX_HEADS = 8;
/** a refusal's body skipped at most */
const MAX_BODY = 64 * 1024;

const CONNECT = [0x43, 0x4f, 0x4e, 0x4e, 0x45, 0x43, 0x54, 0x20]; // "CONNECT "
const HTTP_SLASH = [0x48, 0x54, 0x54, 0x50, 0x2f]; // "HTTP/"

function startsWith(b: Uint8Array, p: number, prefix: readonly number[]): boolean {
  if (b.length - p < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (b[p + i] !== prefix[i]) return false;
  return true;
}

/** a client's first bytes: a CONNECT request line */
export function sniffConnect(chunk: Uint8Array): boolean {
  return startsWith(chunk, 0, CONNECT);
}

/** the end of the head starting at b[p] (just past CRLF CRLF, or LF LF), or -1 */
function headEnd(b: Uint8Array, p: number, from: number): number {
  for (let i = Math.max(p, from); i < b.length; i++) {
    if (b[i] !== 0x0a) continue;
    if (i - 1 >= p && b[i - 1] === 0x0a) return i + 1;
    if (i - 2 >= p && b[i - 1] === 0x0d && b[i - 2] === 0x0a) return i + 1;
  }
  return -1;
}

function latin1(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(b[i] ?? 0);
  return s;
}

export class HttpConnectAnalyzer implements StreamAnalyzer {
  readonly name = 'http-connect';
  /** the tunnelled stream may be TLS or SSH: its handshake is verified like theirs */
  readonly verifyBytesPerDir = 16 * 1024;
  readonly info: ConnectInfo = { target: null, status: null, requests: 0 };
  private readonly held: [GrowBuffer, GrowBuffer] = [new GrowBuffer(), new GrowBuffer()];
  /** bytes at the front of held[dir] already searched for the head's end */
  private readonly scanned: [number, number] = [0, 0];
  private readonly heads: [number, number] = [0, 0];
  /** the direction's bytes are the tunnel now */
  private readonly tunnel: [boolean, boolean] = [false, false];
  /** proxy: body bytes of a refusal still to skip */
  private skip = 0;
  private readonly inner: TunnelStream;

  constructor(attachInner: InnerAttach) {
    this.inner = new TunnelStream(attachInner);
  }

  onData(flow: Flow, dir: Dir, chunk: Uint8Array, ts: number): Want {
    flow.ext['connect'] = this.info;
    if (this.tunnel[dir]) return this.inner.data(flow, dir, chunk, ts);
    const held = this.held[dir];
    let b = chunk;
    if (held.length > 0) {
      held.push(chunk);
      b = held.view();
    }
    let p = 0;
    for (;;) {
      if (dir === 1 && this.skip > 0) {
        const n = Math.min(this.skip, b.length - p);
        this.skip -= n;
        p += n;
      }
      if (p >= b.length) {
        held.free();
        this.scanned[dir] = 0;
        return Want.More;
      }
      // another head, or the tunnel
      const more = dir === 0 ? startsWith(b, p, CONNECT) : startsWith(b, p, HTTP_SLASH);
      const partial = b.length - p < (dir === 0 ? CONNECT.length : HTTP_SLASH.length) && (dir === 0 ? CONNECT : HTTP_SLASH).every((c, i) => p + i >= b.length || b[p + i] === c);
      if (!more && !partial) {
        if (this.heads[dir] === 0) {
          addFlowIssue(flow, 'connect.malformed');
          held.free();
          return Want.DoneDir;
        }
        this.tunnel[dir] = true;
        const w = this.inner.data(flow, dir, b.subarray(p), ts);
        held.free();
        this.scanned[dir] = 0;
        return w;
      }
      const end = partial ? -1 : headEnd(b, p, p + this.scanned[dir]);
      if (end < 0) {
        if (b.length - p > CONNECT_HEAD_MAX) {
          addFlowIssue(flow, 'connect.head_too_long');
          held.free();
          return Want.DoneDir;
        }
        // wait for the rest of the head: keep it (a copy when `b` is the caller's chunk)
        if (held.length > 0) held.drop(p);
        else held.push(b.subarray(p));
        this.scanned[dir] = Math.max(0, b.length - p - 3);
        return Want.More;
      }
      if (++this.heads[dir] > MAX_HEADS) {
        addFlowIssue(flow, 'connect.too_many_requests');
        held.free();
        return Want.DoneDir;
      }
      this.readHead(dir, latin1(b, p, end));
      this.scanned[dir] = 0;
      p = end;
    }
  }

  private readHead(dir: Dir, head: string): void {
    const lines = head.split(/\r?\n/);
    const first = lines[0] ?? '';
    if (dir === 0) {
      this.info.requests++;
      const target = first.split(' ')[1];
      if (target !== undefined && this.info.target === null) this.info.target = target.slice(0, 262);
      return;
    }
    const status = Number(first.split(' ')[1]);
    if (Number.isInteger(status) && status >= 100 && status <= 599) this.info.status = status;
    // a refusal may carry a body (RFC 9110 §9.3.6: a 2xx answer to CONNECT has none)
    if (!(status >= 200 && status < 300)) {
      for (const l of lines) {
        const m = /^content-length\s*:\s*(\d{1,9})\s*$/i.exec(l);
        if (m) this.skip = Math.min(Number(m[1]), MAX_BODY);
      }
    }
  }

  onGap(flow: Flow, dir: Dir, len: number): Want {
    if (this.tunnel[dir]) return this.inner.gap(flow, dir, len);
    addFlowIssue(flow, 'connect.gap');
    this.held[dir].free();
    return Want.DoneDir;
  }

  onEnd(flow: Flow): void {
    flow.ext['connect'] = this.info;
    this.inner.end(flow);
  }
}
