/**
 * QUIC variable-length integer decoding, RFC 9000 §16 ("Variable-Length Integer Encoding").
 * The two most significant bits of the first byte give the length (1, 2, 4 or 8 bytes).
 * Values above 2^53 - 1 cannot be represented exactly as a JS number: they are reported as
 * Number.MAX_SAFE_INTEGER, which every caller treats as "too large".
 */
/** Decode the varint at buf[off]; null when it does not fit in buf. Never throws. */
export function readVarInt(buf, off) {
    if (off < 0 || off >= buf.length)
        return null;
    const first = buf[off] ?? 0;
    const size = 1 << (first >> 6);
    if (off + size > buf.length)
        return null;
    let v = first & 0x3f;
    for (let i = 1; i < size; i++) {
        v = v * 256 + (buf[off + i] ?? 0);
    }
    if (v > Number.MAX_SAFE_INTEGER)
        v = Number.MAX_SAFE_INTEGER;
    return { value: v, size };
}
//# sourceMappingURL=varint.js.map