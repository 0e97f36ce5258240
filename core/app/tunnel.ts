/**
 * The stream inside a tunnel (a SOCKS proxy's, core/app/socks.ts; an HTTP CONNECT proxy's,
 * core/app/http-connect.ts), handed to the analyzer its content calls for — TLS, SSH, HTTP —
 * chosen by the factory's recognisers. Its first bytes may come a few at a time, so they are held
 * until there are TUNNEL_SNIFF_BYTES of them (as the flow table gives a flow's start to the
 * recognisers), or the flow ends; then the analyzer is attached and each direction's held bytes
 * delivered. Two attempts at most, one per direction.
 */
import type { Dir, Flow, StreamAnalyzer } from '../flow/types.js';
import { Want } from '../flow/types.js';
import { GrowBuffer } from '../util/growbuf.js';

export type InnerAttach = (flow: Flow, dir: Dir, chunk: Uint8Array) => StreamAnalyzer | null;

/** tunnel bytes held before the recognisers are asked (the flow table's SNIFF_MIN_BYTES) */
export const TUNNEL_SNIFF_BYTES = 16;

export class TunnelStream {
  private inner: StreamAnalyzer | null = null;
  private tried = 0;
  private readonly held: [GrowBuffer, GrowBuffer] = [new GrowBuffer(), new GrowBuffer()];

  constructor(private readonly attach: InnerAttach) {}

  /** the tunnel's bytes of direction `dir` (a view valid for the call) */
  data(flow: Flow, dir: Dir, chunk: Uint8Array, ts: number): Want {
    if (chunk.length === 0) return Want.More;
    if (this.inner) return this.inner.onData(flow, dir, chunk, ts);
    if (this.tried >= 2) return Want.DoneDir;
    const held = this.held[dir];
    let first = chunk;
    if (held.length > 0 || chunk.length < TUNNEL_SNIFF_BYTES) {
      held.push(chunk);
      if (held.length < TUNNEL_SNIFF_BYTES) return Want.More;
      first = held.view();
    }
    return this.start(flow, dir, first, ts);
  }

  /** attaches the analyzer for `first` of direction `dir`, then delivers the other direction's held bytes */
  private start(flow: Flow, dir: Dir, first: Uint8Array, ts: number): Want {
    this.tried++;
    this.inner = this.attach(flow, dir, first);
    if (!this.inner) {
      this.held[dir].free();
      return Want.DoneDir;
    }
    const w = this.inner.onData(flow, dir, first, ts);
    this.held[dir].free();
    const other: Dir = dir === 0 ? 1 : 0;
    const waiting = this.held[other];
    if (waiting.length > 0 && w !== Want.DoneFlow) this.inner.onData(flow, other, waiting.view(), ts);
    waiting.free();
    return w;
  }

  gap(flow: Flow, dir: Dir, len: number): Want {
    if (this.inner) return this.inner.onGap(flow, dir, len);
    this.held[dir].free();
    return Want.DoneDir;
  }

  /** the flow ended: bytes still held (fewer than TUNNEL_SNIFF_BYTES) get their chance, then the analyzer its end */
  end(flow: Flow): void {
    for (const d of [0, 1] as const) {
      const h = this.held[d];
      if (this.inner === null && h.length > 0 && this.tried < 2) this.start(flow, d, h.view(), flow.lastTsMicros);
      h.free();
    }
    this.inner?.onEnd(flow);
  }
}
