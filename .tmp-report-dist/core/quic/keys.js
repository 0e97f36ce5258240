/**
 * QUIC Initial key derivation, RFC 9001 §5.2 ("Initial Secrets") and §5.1 ("Packet Protection
 * Keys"), using HKDF (RFC 5869) with SHA-256 and TLS 1.3's HKDF-Expand-Label (RFC 8446 §7.1).
 */
import { createHmac } from 'node:crypto';
import { AEAD_IV_LEN, AEAD_KEY_LEN } from './constants.js';
/** RFC 5869 §2.2: PRK = HMAC-Hash(salt, IKM). */
export function hkdfExtract(salt, ikm) {
    return Uint8Array.from(createHmac('sha256', salt).update(ikm).digest());
}
/**
 * RFC 8446 §7.1: HKDF-Expand-Label(Secret, Label, Context, Length) = HKDF-Expand(Secret,
 * HkdfLabel, Length), HkdfLabel = uint16 length ‖ opaque label<7..255> = "tls13 " + Label ‖
 * opaque context<0..255>. HKDF-Expand per RFC 5869 §2.3 (T(i) = HMAC(PRK, T(i-1) ‖ info ‖ i)).
 */
export function hkdfExpandLabel(secret, label, context, length) {
    const fullLabel = Buffer.from('tls13 ' + label, 'ascii');
    const info = new Uint8Array(2 + 1 + fullLabel.length + 1 + context.length);
    info[0] = (length >> 8) & 0xff;
    info[1] = length & 0xff;
    info[2] = fullLabel.length;
    info.set(fullLabel, 3);
    info[3 + fullLabel.length] = context.length;
    info.set(context, 4 + fullLabel.length);
    const out = new Uint8Array(length);
    let prev = new Uint8Array(0);
    let filled = 0;
    for (let i = 1; filled < length; i++) {
        const t = createHmac('sha256', secret).update(prev).update(info).update(Uint8Array.of(i)).digest();
        prev = Uint8Array.from(t);
        out.set(prev.subarray(0, Math.min(prev.length, length - filled)), filled);
        filled += prev.length;
    }
    return out;
}
/** RFC 9001 §5.2: initial_secret = HKDF-Extract(initial_salt, client_dst_connection_id). */
export function initialSecret(params, dcid) {
    return hkdfExtract(params.salt, dcid);
}
/**
 * RFC 9001 §5.2: client_initial_secret = HKDF-Expand-Label(initial_secret, "client in", "", 32),
 * server_initial_secret likewise with "server in"; then §5.1: key / iv / hp with the version's labels.
 */
export function deriveInitialKeys(params, dcid, side) {
    const secret = hkdfExpandLabel(initialSecret(params, dcid), side === 'client' ? 'client in' : 'server in', new Uint8Array(0), 32);
    return {
        key: hkdfExpandLabel(secret, params.keyLabel, new Uint8Array(0), AEAD_KEY_LEN),
        iv: hkdfExpandLabel(secret, params.ivLabel, new Uint8Array(0), AEAD_IV_LEN),
        hp: hkdfExpandLabel(secret, params.hpLabel, new Uint8Array(0), AEAD_KEY_LEN),
    };
}
//# sourceMappingURL=keys.js.map