/**
 * Frame parsing for decrypted Initial packet payloads, RFC 9000 §19: PADDING (§19.1, 0x00),
 * PING (§19.2, 0x01), ACK (§19.3, 0x02-0x03), CRYPTO (§19.6, 0x06), CONNECTION_CLOSE (§19.19,
 * 0x1c-0x1d). These are the frames RFC 9000 §12.4 Table 3 allows in Initial packets; any other
 * type stops parsing of that packet (counted as 'quic.unexpected_frame').
 */
import { readVarInt } from './varint.js';
/** Caps against hostile payloads: ACK ranges and frames examined per packet. */
export const MAX_ACK_RANGES = 256;
export const MAX_FRAMES_PER_PACKET = 1024;
export function parseFrames(payload) {
    const out = { crypto: [], closeError: -1, problem: null };
    let p = 0;
    let frames = 0;
    const n = payload.length;
    const v = () => {
        const r = readVarInt(payload, p);
        if (r === null)
            return null;
        p += r.size;
        return r.value;
    };
    while (p < n) {
        if (++frames > MAX_FRAMES_PER_PACKET) {
            out.problem = 'quic.too_many_frames';
            return out;
        }
        const type = payload[p] ?? 0;
        if (type === 0x00) {
            // PADDING: skip the run of zero bytes at once
            while (p < n && payload[p] === 0)
                p++;
            frames--;
            continue;
        }
        const t = v();
        if (t === null)
            break;
        if (t === 0x01)
            continue; // PING
        if (t === 0x02 || t === 0x03) {
            // ACK: Largest Acknowledged, ACK Delay, ACK Range Count, First ACK Range, ranges, [ECN counts]
            const largest = v();
            const delay = v();
            const count = v();
            const firstRange = v();
            if (largest === null || delay === null || count === null || firstRange === null) {
                out.problem = 'quic.truncated_frame';
                return out;
            }
            if (count > MAX_ACK_RANGES) {
                out.problem = 'quic.too_many_ack_ranges';
                return out;
            }
            for (let i = 0; i < count * 2; i++) {
                if (v() === null) {
                    out.problem = 'quic.truncated_frame';
                    return out;
                }
            }
            if (t === 0x03) {
                for (let i = 0; i < 3; i++) {
                    if (v() === null) {
                        out.problem = 'quic.truncated_frame';
                        return out;
                    }
                }
            }
            continue;
        }
        if (t === 0x06) {
            const offset = v();
            const len = v();
            if (offset === null || len === null || len > n - p) {
                out.problem = 'quic.truncated_frame';
                return out;
            }
            // RFC 9000 §19.6: offset + length must not exceed 2^62 - 1
            if (offset + len > 2 ** 62 - 1) {
                out.problem = 'quic.bad_crypto_offset';
                return out;
            }
            out.crypto.push({ offset, data: payload.subarray(p, p + len) });
            p += len;
            continue;
        }
        if (t === 0x1c || t === 0x1d) {
            const code = v();
            if (code === null) {
                out.problem = 'quic.truncated_frame';
                return out;
            }
            if (t === 0x1c && v() === null) {
                out.problem = 'quic.truncated_frame';
                return out;
            }
            const rlen = v();
            if (rlen === null || rlen > n - p) {
                out.problem = 'quic.truncated_frame';
                return out;
            }
            p += rlen;
            out.closeError = code;
            continue;
        }
        out.problem = 'quic.unexpected_frame';
        return out;
    }
    if (p < n)
        out.problem = 'quic.truncated_frame';
    return out;
}
//# sourceMappingURL=frames.js.map