/**
 * QUIC version constants: versions, Initial salts, HKDF labels and long-header packet types.
 * Sources: RFC 9000 §15 and §17.2 (QUIC v1), RFC 9001 §5.2 (v1 initial salt and labels),
 * RFC 9369 §3.1-§3.3 (QUIC v2: version, salt, labels, renumbered packet types).
 */
/** RFC 9000 §15: QUIC version 1. */
export const QUIC_V1 = 0x00000001;
/** RFC 9369 §3.1: QUIC version 2. */
export const QUIC_V2 = 0x6b3343cf;
/** RFC 9000 §17.2.1: a long header with version 0 is a Version Negotiation packet. */
export const QUIC_VERSION_NEGOTIATION = 0x00000000;
function hex(s) {
    return Uint8Array.from(Buffer.from(s, 'hex'));
}
/** RFC 9001 §5.2 (salt), §5.1 (labels "quic key", "quic iv", "quic hp"); RFC 9000 §17.2 Table 5 (types). */
export const V1_PARAMS = {
    version: QUIC_V1,
    salt: hex('38762cf7f55934b34d179ae6a4c80cadccbb7f0a'),
    keyLabel: 'quic key',
    ivLabel: 'quic iv',
    hpLabel: 'quic hp',
    types: ['initial', '0rtt', 'handshake', 'retry'],
};
/** RFC 9369 §3.3.1 (salt), §3.3.2 (labels), §3.2 (Initial 0b01, 0-RTT 0b10, Handshake 0b11, Retry 0b00). */
export const V2_PARAMS = {
    version: QUIC_V2,
    salt: hex('0dede3def700a6db819381be6e269dcbf9bd2ed9'),
    keyLabel: 'quicv2 key',
    ivLabel: 'quicv2 iv',
    hpLabel: 'quicv2 hp',
    types: ['retry', 'initial', '0rtt', 'handshake'],
};
export function versionParams(version) {
    if (version === QUIC_V1)
        return V1_PARAMS;
    if (version === QUIC_V2)
        return V2_PARAMS;
    return null;
}
/** RFC 9000 §17.2: connection IDs are at most 20 bytes in QUIC v1 (and v2, RFC 9369 §3). */
export const MAX_CID_LEN = 20;
/** RFC 9001 §5.3: AEAD_AES_128_GCM key length, IV length and tag length. */
export const AEAD_KEY_LEN = 16;
export const AEAD_IV_LEN = 12;
export const AEAD_TAG_LEN = 16;
/** RFC 9001 §5.4.2: header-protection sample length; the sample starts 4 bytes after the PN offset. */
export const HP_SAMPLE_LEN = 16;
export const HP_SAMPLE_OFFSET = 4;
//# sourceMappingURL=constants.js.map