/**
 * Attribution of a V8 CPU profile (the inspector's Profiler.Profile: a call tree of nodes, the
 * node each sample hit and the time before it) to the TLS code, for `npm run bench --
 * --compare-tls`. A sample counts as TLS when a frame of its stack is in core/tls/ or is the
 * report's tlsPartOf; its part is named by the outermost such frame: under the stream analyzer
 * (core/tls/analyzer.js) it is decoding, under tlsPartOf it is classification, JA4 and the
 * report's TLS fields, elsewhere (a QUIC Initial's hello, classification of a merged report)
 * it is only counted in the whole. Pure, so it is tested on built profiles.
 */

/** the part of a Profiler.Profile read here */
export interface CpuProfile {
  nodes: readonly { id: number; callFrame: { functionName: string; url: string }; children?: readonly number[] }[];
  samples?: readonly number[];
  timeDeltas?: readonly number[];
}

export interface TlsProfile {
  /** main-thread samples of running code and of the garbage collector ((idle) and (program) left out) */
  sampledMs: number;
  /** samples whose stack holds a frame of core/tls/ or the report's tlsPartOf */
  tlsMs: number;
  /** of tlsMs: under the TLS stream analyzer (record layer, handshake and hello decoding) */
  decodeMs: number;
  /** of tlsMs: under tlsPartOf (classification, JA4, the report's TLS fields) */
  classifyMs: number;
  /** samples in the garbage collector (not attributed to any code) */
  gcMs: number;
}

const OTHER = 0;
const DECODE = 1;
const CLASSIFY = 2;
const OTHER_TLS = 3;
const GC = 4;
const IDLE = 5;

export function attributeTls(profile: CpuProfile): TlsProfile {
  const byId = new Map<number, CpuProfile['nodes'][number]>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const kind = new Map<number, number>();
  const kindOf = (id: number): number => {
    // the path to the root, then kinds from the root down (no recursion: call trees can be deep)
    const path: number[] = [];
    let at: number | undefined = id;
    while (at !== undefined && !kind.has(at) && path.length <= byId.size) {
      path.push(at);
      at = parent.get(at);
    }
    let above = at === undefined ? OTHER : (kind.get(at) ?? OTHER);
    for (let i = path.length - 1; i >= 0; i--) {
      const nodeId = path[i] as number;
      const frame = byId.get(nodeId)?.callFrame;
      const name = frame?.functionName ?? '';
      const url = frame?.url ?? '';
      let own = OTHER;
      if (name === '(garbage collector)') own = GC;
      else if (name === '(idle)' || name === '(program)') own = IDLE;
      else if (name === 'tlsPartOf' && url.endsWith('/report/build.js')) own = CLASSIFY;
      else if (url.endsWith('/core/tls/analyzer.js')) own = DECODE;
      else if (url.includes('/core/tls/')) own = OTHER_TLS;
      // the outermost TLS frame names the part (classification calls decoders of core/tls/ too)
      const v = above !== OTHER ? above : own;
      kind.set(nodeId, v);
      above = v;
    }
    return kind.get(id) ?? OTHER;
  };
  const sums = [0, 0, 0, 0, 0, 0];
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const k = kindOf(samples[i] ?? 0);
    sums[k] = (sums[k] ?? 0) + Math.max(0, deltas[i] ?? 0);
  }
  const ms = (us: number | undefined): number => (us ?? 0) / 1000;
  const s = (k: number): number => sums[k] ?? 0;
  return {
    sampledMs: ms(s(OTHER) + s(DECODE) + s(CLASSIFY) + s(OTHER_TLS) + s(GC)),
    tlsMs: ms(s(DECODE) + s(CLASSIFY) + s(OTHER_TLS)),
    decodeMs: ms(s(DECODE)),
    classifyMs: ms(s(CLASSIFY)),
    gcMs: ms(s(GC)),
  };
}
