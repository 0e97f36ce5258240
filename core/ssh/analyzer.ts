/**
 * SSH stream analyzer: version exchange (RFC 4253 §4.2) and both SSH_MSG_KEXINIT messages
 * (RFC 4253 §6, §7.1), which travel in plaintext before NEWKEYS. Writes SshInfo to flow.ext.ssh.
 * Hostile input: lines are capped at 255 bytes, the server may send at most MAX_PRE_BANNER_LINES
 * other lines first, packets are capped at 35000 bytes, at most MAX_PACKETS_BEFORE_KEXINIT
 * packets are examined per direction.
 */
import type { Dir, Flow, StreamAnalyzer } from '../flow/types.js';
import { Want, addFlowIssue } from '../flow/types.js';
import { Weirds } from '../util/weirds.js';
import { SSH_MSG_KEXINIT, asciiPrintable, decodeKexInit, framePacket, MAX_PACKET_LENGTH } from './kexinit.js';
import { negotiate, partialKexinit } from './kex.js';
import type { SshInfo } from './types.js';
import { addSshError, newSshInfo } from './types.js';

export type { SshInfo } from './types.js';
export { classifySsh } from './kex.js';

/** RFC 4253 §4.2: the identification line, CR LF included, is at most 255 characters. */
export const MAX_BANNER_LINE = 255;
/** RFC 4253 §4.2: the server MAY send other lines before its version string (cap: our choice). */
export const MAX_PRE_BANNER_LINES = 32;
/** Non-KEXINIT packets tolerated before KEXINIT per direction (our cap). */
export const MAX_PACKETS_BEFORE_KEXINIT = 4;
/** Stream bytes per direction the analyzer asks for: banner lines plus one maximal packet. */
export const SSH_MAX_BYTES_PER_DIR = MAX_PRE_BANNER_LINES * MAX_BANNER_LINE + 4 + MAX_PACKET_LENGTH + 1024;

/** True when the chunk starts with an SSH identification string prefix "SSH-" (RFC 4253 §4.2). */
export function sniffSsh(chunk: Uint8Array): boolean {
  return chunk.length >= 4 && chunk[0] === 0x53 && chunk[1] === 0x53 && chunk[2] === 0x48 && chunk[3] === 0x2d;
}

type Phase = 'banner' | 'packets' | 'done';

interface DirState {
  phase: Phase;
  line: number[];
  preLines: number;
  buf: Uint8Array;
  len: number;
  packets: number;
}

interface State {
  info: SshInfo;
  dirs: [DirState, DirState];
}

function newDir(): DirState {
  return { phase: 'banner', line: [], preLines: 0, buf: new Uint8Array(0), len: 0, packets: 0 };
}

export class SshAnalyzer implements StreamAnalyzer {
  readonly name = 'ssh';
  readonly maxBytesPerDir = SSH_MAX_BYTES_PER_DIR;
  /** banners and KEXINITs (StreamAnalyzer.verifyBytesPerDir) */
  readonly verifyBytesPerDir = 16 * 1024;
  private readonly states = new WeakMap<Flow, State>();

  constructor(readonly weirds: Weirds = new Weirds()) {}

  private state(flow: Flow): State {
    let s = this.states.get(flow);
    if (s === undefined) {
      const existing = flow.ext['ssh'];
      const info = isSshInfo(existing) ? existing : newSshInfo();
      s = { info, dirs: [newDir(), newDir()] };
      this.states.set(flow, s);
      flow.ext['ssh'] = info;
      flow.app = 'ssh';
    }
    return s;
  }

  private problem(flow: Flow, s: State, code: string): void {
    addSshError(s.info, code);
    addFlowIssue(flow, code);
    this.weirds.add(code);
  }

  onData(flow: Flow, dir: Dir, chunk: Uint8Array, _tsMicros: number): Want {
    const s = this.state(flow);
    const d = s.dirs[dir];
    let off = 0;
    while (off < chunk.length && d.phase === 'banner') off = this.bannerBytes(flow, s, dir, chunk, off);
    if (d.phase === 'packets' && off < chunk.length) this.packetBytes(flow, s, dir, chunk.subarray(off));
    return this.want(s, dir);
  }

  onGap(flow: Flow, dir: Dir, _len: number): Want {
    const s = this.state(flow);
    const d = s.dirs[dir];
    if (d.phase !== 'done') {
      this.problem(flow, s, 'ssh.gap_before_kexinit');
      this.finishDir(s, dir);
    }
    return this.want(s, dir);
  }

  onEnd(flow: Flow): void {
    const s = this.states.get(flow);
    if (s === undefined) return;
    this.negotiate(s.info);
    this.states.delete(flow);
  }

  private want(s: State, dir: Dir): Want {
    if (s.dirs[0].phase === 'done' && s.dirs[1].phase === 'done') return Want.DoneFlow;
    return s.dirs[dir].phase === 'done' ? Want.DoneDir : Want.More;
  }

  private finishDir(s: State, dir: Dir): void {
    const d = s.dirs[dir];
    d.phase = 'done';
    d.buf = new Uint8Array(0);
    d.len = 0;
    d.line = [];
  }

  /** Consume banner-phase bytes from chunk[off]; returns the new offset. */
  private bannerBytes(flow: Flow, s: State, dir: Dir, chunk: Uint8Array, off: number): number {
    const d = s.dirs[dir];
    let i = off;
    while (i < chunk.length) {
      const b = chunk[i] ?? 0;
      i++;
      if (b === 0x0a) {
        this.endLine(flow, s, dir);
        return i;
      }
      d.line.push(b);
      if (d.line.length > MAX_BANNER_LINE - 1) {
        // 255 including CR LF: more than 254 bytes before LF cannot be a valid line
        this.problem(flow, s, 'ssh.banner_too_long');
        this.finishDir(s, dir);
        return chunk.length;
      }
    }
    return i;
  }

  private endLine(flow: Flow, s: State, dir: Dir): void {
    const d = s.dirs[dir];
    let bytes = Uint8Array.from(d.line);
    d.line = [];
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    else if (sniffSsh(bytes)) this.problem(flow, s, 'ssh.banner_no_cr');
    if (!sniffSsh(bytes)) {
      // RFC 4253 §4.2: only the server may send other lines first
      d.preLines++;
      if (dir === 0 || d.preLines > MAX_PRE_BANNER_LINES) {
        this.problem(flow, s, 'ssh.bad_banner');
        this.finishDir(s, dir);
      }
      return;
    }
    const banner = asciiPrintable(bytes);
    if (dir === 0) s.info.clientBanner = banner;
    else s.info.serverBanner = banner;
    // RFC 4253 §5: "SSH-2.0-" or the compatibility "SSH-1.99-"; SSH-1.x has no KEXINIT
    if (!banner.startsWith('SSH-2.0-') && !banner.startsWith('SSH-1.99-')) {
      this.problem(flow, s, 'ssh.unsupported_version');
      this.finishDir(s, dir);
      return;
    }
    d.phase = 'packets';
  }

  private packetBytes(flow: Flow, s: State, dir: Dir, data: Uint8Array): void {
    const d = s.dirs[dir];
    const cap = 4 + MAX_PACKET_LENGTH;
    let off = 0;
    while (d.phase === 'packets' && off < data.length) {
      // append as much as fits (one maximal packet); then frame what is complete
      const take = data.subarray(off, off + Math.max(0, cap - d.len));
      off += take.length;
      if (d.len + take.length > d.buf.length) {
        const nb = new Uint8Array(Math.min(cap, Math.max(d.len + take.length, d.buf.length * 2, 2048)));
        nb.set(d.buf.subarray(0, d.len));
        d.buf = nb;
      }
      d.buf.set(take, d.len);
      d.len += take.length;
      let start = 0;
      while (d.phase === 'packets') {
        const r = framePacket(d.buf.subarray(start, d.len));
        if (r.kind === 'need') break;
        if (r.kind === 'error') {
          this.problem(flow, s, r.code);
          this.finishDir(s, dir);
          return;
        }
        start += r.consumed;
        d.packets++;
        if (r.payload[0] === SSH_MSG_KEXINIT) {
          this.kexinit(flow, s, dir, r.payload);
          this.finishDir(s, dir);
          return;
        }
        if (d.packets >= MAX_PACKETS_BEFORE_KEXINIT) {
          this.problem(flow, s, 'ssh.no_kexinit');
          this.finishDir(s, dir);
          return;
        }
      }
      if (start > 0) {
        d.buf.copyWithin(0, start, d.len);
        d.len -= start;
      } else if (take.length === 0) {
        break; // cannot happen: a full buffer always frames or errors
      }
    }
  }

  private kexinit(flow: Flow, s: State, dir: Dir, payload: Uint8Array): void {
    const r = decodeKexInit(payload);
    const info = s.info;
    const kex = r.ok ? r.kexinit.kex : r.partial.kex;
    const hostKey = r.ok ? r.kexinit.hostKey : r.partial.hostKey;
    if (!r.ok) this.problem(flow, s, r.code);
    else for (const p of r.problems) this.problem(flow, s, p);
    if (kex === undefined) return;
    if (dir === 0) {
      info.clientKex = kex;
      info.clientHostKeyAlgs = hostKey ?? [];
    } else {
      info.serverKex = kex;
      info.serverHostKeyAlgs = hostKey ?? [];
    }
    info.kexinitSeen[dir] = true;
    this.negotiate(info);
  }

  private negotiate(info: SshInfo): void {
    if (!info.kexinitSeen[0] || !info.kexinitSeen[1]) return;
    // from name-lists cut short the first match may not be the real one (see classifySsh)
    info.negotiatedKex = partialKexinit(info) === undefined ? negotiate(info.clientKex, info.serverKex, true) : null;
    info.negotiatedHostKey = negotiate(info.clientHostKeyAlgs, info.serverHostKeyAlgs, false);
  }
}

function isSshInfo(v: unknown): v is SshInfo {
  return typeof v === 'object' && v !== null && 'clientKex' in v && 'kexinitSeen' in v;
}
