import { Want, addFlowIssue } from '../flow/types.js';
import { Weirds } from '../util/weirds.js';
import { SSH_MSG_KEXINIT, asciiPrintable, decodeKexInit, framePacket, MAX_PACKET_LENGTH } from './kexinit.js';
import { negotiate } from './kex.js';
import { addSshError, newSshInfo } from './types.js';
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
export function sniffSsh(chunk) {
    return chunk.length >= 4 && chunk[0] === 0x53 && chunk[1] === 0x53 && chunk[2] === 0x48 && chunk[3] === 0x2d;
}
function newDir() {
    return { phase: 'banner', line: [], preLines: 0, buf: new Uint8Array(0), len: 0, packets: 0 };
}
export class SshAnalyzer {
    weirds;
    name = 'ssh';
    maxBytesPerDir = SSH_MAX_BYTES_PER_DIR;
    states = new WeakMap();
    constructor(weirds = new Weirds()) {
        this.weirds = weirds;
    }
    state(flow) {
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
    problem(flow, s, code) {
        addSshError(s.info, code);
        addFlowIssue(flow, code);
        this.weirds.add(code);
    }
    onData(flow, dir, chunk, _tsMicros) {
        const s = this.state(flow);
        const d = s.dirs[dir];
        let off = 0;
        while (off < chunk.length && d.phase === 'banner')
            off = this.bannerBytes(flow, s, dir, chunk, off);
        if (d.phase === 'packets' && off < chunk.length)
            this.packetBytes(flow, s, dir, chunk.subarray(off));
        return this.want(s, dir);
    }
    onGap(flow, dir, _len) {
        const s = this.state(flow);
        const d = s.dirs[dir];
        if (d.phase !== 'done') {
            this.problem(flow, s, 'ssh.gap_before_kexinit');
            this.finishDir(s, dir);
        }
        return this.want(s, dir);
    }
    onEnd(flow) {
        const s = this.states.get(flow);
        if (s === undefined)
            return;
        this.negotiate(s.info);
        this.states.delete(flow);
    }
    want(s, dir) {
        if (s.dirs[0].phase === 'done' && s.dirs[1].phase === 'done')
            return Want.DoneFlow;
        return s.dirs[dir].phase === 'done' ? Want.DoneDir : Want.More;
    }
    finishDir(s, dir) {
        const d = s.dirs[dir];
        d.phase = 'done';
        d.buf = new Uint8Array(0);
        d.len = 0;
        d.line = [];
    }
    /** Consume banner-phase bytes from chunk[off]; returns the new offset. */
    bannerBytes(flow, s, dir, chunk, off) {
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
    endLine(flow, s, dir) {
        const d = s.dirs[dir];
        let bytes = Uint8Array.from(d.line);
        d.line = [];
        if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d)
            bytes = bytes.subarray(0, bytes.length - 1);
        else if (sniffSsh(bytes))
            this.problem(flow, s, 'ssh.banner_no_cr');
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
        if (dir === 0)
            s.info.clientBanner = banner;
        else
            s.info.serverBanner = banner;
        // RFC 4253 §5: "SSH-2.0-" or the compatibility "SSH-1.99-"; SSH-1.x has no KEXINIT
        if (!banner.startsWith('SSH-2.0-') && !banner.startsWith('SSH-1.99-')) {
            this.problem(flow, s, 'ssh.unsupported_version');
            this.finishDir(s, dir);
            return;
        }
        d.phase = 'packets';
    }
    packetBytes(flow, s, dir, data) {
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
                if (r.kind === 'need')
                    break;
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
            }
            else if (take.length === 0) {
                break; // cannot happen: a full buffer always frames or errors
            }
        }
    }
    kexinit(flow, s, dir, payload) {
        const r = decodeKexInit(payload);
        const info = s.info;
        const kex = r.ok ? r.kexinit.kex : r.partial.kex;
        const hostKey = r.ok ? r.kexinit.hostKey : r.partial.hostKey;
        if (!r.ok)
            this.problem(flow, s, r.code);
        else
            for (const p of r.problems)
                this.problem(flow, s, p);
        if (kex === undefined)
            return;
        if (dir === 0) {
            info.clientKex = kex;
            info.clientHostKeyAlgs = hostKey ?? [];
        }
        else {
            info.serverKex = kex;
            info.serverHostKeyAlgs = hostKey ?? [];
        }
        info.kexinitSeen[dir] = true;
        this.negotiate(info);
    }
    negotiate(info) {
        if (!info.kexinitSeen[0] || !info.kexinitSeen[1])
            return;
        info.negotiatedKex = negotiate(info.clientKex, info.serverKex, true);
        info.negotiatedHostKey = negotiate(info.clientHostKeyAlgs, info.serverHostKeyAlgs, false);
    }
}
function isSshInfo(v) {
    return typeof v === 'object' && v !== null && 'clientKex' in v && 'kexinitSeen' in v;
}
//# sourceMappingURL=analyzer.js.map