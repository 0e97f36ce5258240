/**
 * SSH binary packet framing and SSH_MSG_KEXINIT decoding.
 * RFC 4253 §6 (Binary Packet Protocol: uint32 packet_length, byte padding_length, payload,
 * padding), §6.1 (maximum packet length 35000), §7.1 (KEXINIT layout), RFC 4251 §5 (name-list,
 * uint32, boolean encodings) and §6 (algorithm names are at most 64 characters).
 */
/** RFC 4253 §12: SSH_MSG_KEXINIT. */
export const SSH_MSG_KEXINIT = 20;
/** RFC 4253 §6.1: implementations must support uncompressed packets of total length ≤ 35000. */
export const MAX_PACKET_LENGTH = 35000;
/** RFC 4253 §6: at least four bytes of padding, so packet_length ≥ 1 + 4 (+1 for a message byte). */
export const MIN_PACKET_LENGTH = 5;
/** Caps on name-lists (hostile-input guards): bytes per list and names kept per list. */
export const MAX_NAMELIST_BYTES = 16 * 1024;
export const MAX_NAMES = 256;
/** RFC 4251 §6: algorithm names MUST NOT be longer than 64 characters. */
export const MAX_NAME_LENGTH = 64;
const LIST_KEYS = ['kex', 'hostKey', 'encC2s', 'encS2c', 'macC2s', 'macS2c', 'compC2s', 'compS2c', 'langC2s', 'langS2c'];
function u32(b, o) {
    return (((b[o] ?? 0) << 24) | ((b[o + 1] ?? 0) << 16) | ((b[o + 2] ?? 0) << 8) | (b[o + 3] ?? 0)) >>> 0;
}
/** Printable US-ASCII only (RFC 4251 §6); anything else is replaced by '?'. */
export function asciiPrintable(b) {
    let s = '';
    for (const c of b)
        s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '?';
    return s;
}
/** Decode a KEXINIT payload (starting with the message number byte 20). Never throws. */
export function decodeKexInit(payload) {
    const partial = {};
    if (payload[0] !== SSH_MSG_KEXINIT)
        return { ok: false, code: 'ssh.not_kexinit', partial };
    if (payload.length < 17)
        return { ok: false, code: 'ssh.truncated_kexinit', partial };
    partial.cookie = payload.slice(1, 17);
    const problems = [];
    let p = 17;
    for (const k of LIST_KEYS) {
        if (p + 4 > payload.length)
            return { ok: false, code: 'ssh.truncated_kexinit', partial };
        const len = u32(payload, p);
        p += 4;
        if (len > payload.length - p)
            return { ok: false, code: 'ssh.truncated_kexinit', partial };
        if (len > MAX_NAMELIST_BYTES)
            return { ok: false, code: 'ssh.namelist_too_long', partial };
        const text = asciiPrintable(payload.subarray(p, p + len));
        p += len;
        const names = text.length === 0 ? [] : text.split(',');
        if (names.length > MAX_NAMES) {
            problems.push('ssh.too_many_names');
            names.length = MAX_NAMES;
        }
        if (names.some((n) => n.length > MAX_NAME_LENGTH || n.length === 0))
            problems.push('ssh.bad_algorithm_name');
        partial[k] = names;
    }
    if (p + 5 > payload.length)
        return { ok: false, code: 'ssh.truncated_kexinit', partial };
    const kexinit = {
        cookie: partial.cookie,
        kex: partial.kex ?? [],
        hostKey: partial.hostKey ?? [],
        encC2s: partial.encC2s ?? [],
        encS2c: partial.encS2c ?? [],
        macC2s: partial.macC2s ?? [],
        macS2c: partial.macS2c ?? [],
        compC2s: partial.compC2s ?? [],
        compS2c: partial.compS2c ?? [],
        langC2s: partial.langC2s ?? [],
        langS2c: partial.langS2c ?? [],
        firstKexPacketFollows: payload[p] !== 0,
    };
    return { ok: true, kexinit, problems };
}
/**
 * Frame one unencrypted binary packet at the start of `buf` (RFC 4253 §6). Before NEWKEYS the MAC
 * is empty, so a packet is exactly 4 + packet_length bytes.
 */
export function framePacket(buf) {
    if (buf.length < 5)
        return { kind: 'need', bytes: 5 - buf.length };
    const packetLength = u32(buf, 0);
    if (packetLength > MAX_PACKET_LENGTH)
        return { kind: 'error', code: 'ssh.packet_too_large' };
    if (packetLength < MIN_PACKET_LENGTH)
        return { kind: 'error', code: 'ssh.bad_packet_length' };
    const paddingLength = buf[4] ?? 0;
    if (paddingLength + 1 >= packetLength)
        return { kind: 'error', code: 'ssh.bad_padding_length' };
    const total = 4 + packetLength;
    if (buf.length < total)
        return { kind: 'need', bytes: total - buf.length };
    return { kind: 'packet', payload: buf.subarray(5, 4 + packetLength - paddingLength), consumed: total };
}
//# sourceMappingURL=kexinit.js.map