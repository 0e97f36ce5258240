/**
 * Big-endian ("network byte order", RFC 1700 / RFC 791 Appendix B) integer reads straight from a
 * frame buffer, for the link/network/transport decoders' hot path: no DataView, no bounds-checked
 * Buffer.readUInt*, no allocation. Callers check bounds before reading; an out-of-range index
 * reads `undefined`, which the shifts turn into 0 (never a throw).
 */
/** 16-bit unsigned big-endian at i */
export function u16(b, i) {
    return (b[i] << 8) | b[i + 1];
}
/** 24-bit unsigned big-endian at i (VXLAN / Geneve VNI) */
export function u24(b, i) {
    return (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
}
/** 32-bit unsigned big-endian at i (TCP seq/ack, GRE key), as a non-negative number */
export function u32(b, i) {
    return ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
}
//# sourceMappingURL=bytes.js.map