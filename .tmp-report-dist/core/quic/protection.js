/**
 * Removal of QUIC packet protection for long-header packets.
 * RFC 9001 §5.4.1-§5.4.3 (header protection, AES-based mask from a 16-byte sample),
 * RFC 9001 §5.3 (AEAD_AES_128_GCM; nonce = IV XOR packet number; AAD = the unprotected header),
 * RFC 9000 §17.1 and Appendix A.3 (packet number decoding).
 * The input is never modified: the header is copied before it is unmasked.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { AEAD_TAG_LEN, HP_SAMPLE_LEN, HP_SAMPLE_OFFSET } from './constants.js';
/** RFC 9001 §5.4.3: AES-based header protection, mask = AES-ECB(hp_key, sample). */
export function headerProtectionMask(hp, sample) {
    const c = createCipheriv('aes-128-ecb', hp, null);
    c.setAutoPadding(false);
    return Uint8Array.from(c.update(sample));
}
/** RFC 9000 Appendix A.3: recover the full packet number from its truncated encoding. */
export function decodePacketNumber(largestPn, truncatedPn, pnNbits) {
    const expected = largestPn + 1;
    const win = 2 ** pnNbits;
    const hwin = win / 2;
    const mask = win - 1;
    const candidate = (expected - (expected % win)) + (truncatedPn & mask);
    if (candidate <= expected - hwin && candidate < 2 ** 62 - win)
        return candidate + win;
    if (candidate > expected + hwin && candidate >= win)
        return candidate - win;
    return candidate;
}
/**
 * Unprotect one long-header packet. `pkt` spans exactly the packet (first byte … end of Length),
 * `pnOffset` is the Packet Number offset inside it, `largestPn` the largest packet number already
 * decrypted in this packet-number space (-1 if none).
 */
export function unprotectLong(pkt, pnOffset, keys, largestPn) {
    // RFC 9001 §5.4.2: sample starts at pnOffset + 4; the packet must hold it completely.
    const sampleStart = pnOffset + HP_SAMPLE_OFFSET;
    if (pnOffset < 1 || sampleStart + HP_SAMPLE_LEN > pkt.length)
        return { ok: false, code: 'quic.packet_too_short' };
    let mask;
    try {
        mask = headerProtectionMask(keys.hp, pkt.subarray(sampleStart, sampleStart + HP_SAMPLE_LEN));
    }
    catch {
        return { ok: false, code: 'quic.initial_auth_failed' };
    }
    // RFC 9001 §5.4.1: long header → low 4 bits of the first byte are masked.
    const first = (pkt[0] ?? 0) ^ ((mask[0] ?? 0) & 0x0f);
    const pnLen = (first & 0x03) + 1;
    if (pnOffset + pnLen + AEAD_TAG_LEN > pkt.length)
        return { ok: false, code: 'quic.packet_too_short' };
    const header = Uint8Array.from(pkt.subarray(0, pnOffset + pnLen));
    header[0] = first;
    let truncated = 0;
    for (let i = 0; i < pnLen; i++) {
        const b = (header[pnOffset + i] ?? 0) ^ (mask[1 + i] ?? 0);
        header[pnOffset + i] = b;
        truncated = truncated * 256 + b;
    }
    const pn = decodePacketNumber(largestPn, truncated, pnLen * 8);
    // RFC 9001 §5.3: nonce = iv XOR (packet number left-padded to the IV length).
    const nonce = Uint8Array.from(keys.iv);
    let v = pn;
    for (let i = nonce.length - 1; i >= 0 && v > 0; i--) {
        nonce[i] = (nonce[i] ?? 0) ^ (v % 256);
        v = Math.floor(v / 256);
    }
    const ct = pkt.subarray(pnOffset + pnLen, pkt.length - AEAD_TAG_LEN);
    const tag = pkt.subarray(pkt.length - AEAD_TAG_LEN);
    try {
        const d = createDecipheriv('aes-128-gcm', keys.key, nonce, { authTagLength: AEAD_TAG_LEN });
        d.setAAD(header);
        d.setAuthTag(tag);
        const a = d.update(ct);
        const b = d.final(); // throws when the tag does not verify
        const payload = b.length === 0 ? Uint8Array.from(a) : Uint8Array.from(Buffer.concat([a, b]));
        return { ok: true, pn, payload };
    }
    catch {
        return { ok: false, code: 'quic.initial_auth_failed' };
    }
}
//# sourceMappingURL=protection.js.map