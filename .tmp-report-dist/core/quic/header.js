import { MAX_CID_LEN, QUIC_VERSION_NEGOTIATION, versionParams } from './constants.js';
import { readVarInt } from './varint.js';
/** RFC 9000 §17.2: Header Form bit (0x80) = 1 for the long header. */
export const HEADER_FORM_LONG = 0x80;
/** RFC 9000 §17.2: Fixed Bit (0x40). */
export const FIXED_BIT = 0x40;
/** At most this many coalesced packets are examined per datagram (hostile-input cap). */
export const MAX_PACKETS_PER_DATAGRAM = 16;
/**
 * Parse the long header at buf[off]. `code` on failure is a weird name (quic.*).
 * Never throws; every length is checked against buf.
 */
export function parseLongHeader(buf, off) {
    const first = buf[off];
    if (first === undefined)
        return { ok: false, code: 'quic.truncated_header' };
    if ((first & HEADER_FORM_LONG) === 0)
        return { ok: false, code: 'quic.short_header' };
    if (off + 6 > buf.length)
        return { ok: false, code: 'quic.truncated_header' };
    const version = (((buf[off + 1] ?? 0) << 24) | ((buf[off + 2] ?? 0) << 16) | ((buf[off + 3] ?? 0) << 8) | (buf[off + 4] ?? 0)) >>> 0;
    let p = off + 5;
    const dcidLen = buf[p] ?? 0;
    p += 1;
    // RFC 9000 §17.2: endpoints that receive a v1 long header with a CID longer than 20 bytes drop it;
    // version-independent properties (RFC 8999 §5.1) allow up to 255.
    if (p + dcidLen + 1 > buf.length)
        return { ok: false, code: 'quic.truncated_header' };
    const dcid = buf.subarray(p, p + dcidLen);
    p += dcidLen;
    const scidLen = buf[p] ?? 0;
    p += 1;
    if (p + scidLen > buf.length)
        return { ok: false, code: 'quic.truncated_header' };
    const scid = buf.subarray(p, p + scidLen);
    p += scidLen;
    if (version === QUIC_VERSION_NEGOTIATION) {
        // RFC 9000 §17.2.1: the rest of the datagram is a list of 32-bit supported versions.
        return { ok: true, packet: { kind: 'version_negotiation', version, params: null, dcid, scid, start: off, end: buf.length, pnOffset: -1, tokenLength: 0 } };
    }
    const params = versionParams(version);
    if (params === null)
        return { ok: false, code: 'quic.unsupported_version' };
    if (dcidLen > MAX_CID_LEN || scidLen > MAX_CID_LEN)
        return { ok: false, code: 'quic.bad_cid_length' };
    const kind = params.types[(first >> 4) & 0x03] ?? 'initial';
    if (kind === 'retry') {
        // RFC 9000 §17.2.5: Retry Token (to the end) ‖ Retry Integrity Tag (128 bits). No Length field:
        // a Retry packet always ends the datagram.
        const tokenLength = buf.length - p - 16;
        if (tokenLength < 0)
            return { ok: false, code: 'quic.truncated_retry' };
        return { ok: true, packet: { kind, version, params, dcid, scid, start: off, end: buf.length, pnOffset: -1, tokenLength } };
    }
    let tokenLength = 0;
    if (kind === 'initial') {
        // RFC 9000 §17.2.2: Token Length (i), Token (..)
        const tl = readVarInt(buf, p);
        if (tl === null)
            return { ok: false, code: 'quic.truncated_header' };
        p += tl.size;
        if (tl.value > buf.length - p)
            return { ok: false, code: 'quic.bad_token_length' };
        tokenLength = tl.value;
        p += tl.value;
    }
    // RFC 9000 §17.2.2 / §17.2.3 / §17.2.4: Length (i) covers Packet Number and Packet Payload.
    const len = readVarInt(buf, p);
    if (len === null)
        return { ok: false, code: 'quic.truncated_header' };
    p += len.size;
    if (len.value > buf.length - p)
        return { ok: false, code: 'quic.bad_length' };
    return { ok: true, packet: { kind, version, params, dcid, scid, start: off, end: p + len.value, pnOffset: p, tokenLength } };
}
/**
 * RFC 9000 §12.2: a datagram may hold several coalesced long-header packets, optionally ended by
 * one short-header packet. Walks at most MAX_PACKETS_PER_DATAGRAM packets; stops at the first
 * malformed one. Trailing zero bytes (padding outside any packet) end the walk silently.
 */
export function walkDatagram(buf) {
    const out = { packets: [], shortHeader: false, problems: [] };
    let off = 0;
    while (off < buf.length && out.packets.length < MAX_PACKETS_PER_DATAGRAM) {
        const first = buf[off] ?? 0;
        if ((first & HEADER_FORM_LONG) === 0) {
            if (off > 0 && buf.subarray(off).every((b) => b === 0))
                break;
            out.shortHeader = true;
            break;
        }
        const r = parseLongHeader(buf, off);
        if (!r.ok) {
            out.problems.push(r.code);
            break;
        }
        out.packets.push(r.packet);
        if (r.packet.end <= off)
            break; // cannot happen (header is ≥ 7 bytes); guards against loops
        off = r.packet.end;
    }
    if (off < buf.length && out.packets.length >= MAX_PACKETS_PER_DATAGRAM)
        out.problems.push('quic.too_many_coalesced');
    return out;
}
//# sourceMappingURL=header.js.map