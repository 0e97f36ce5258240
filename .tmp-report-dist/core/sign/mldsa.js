/**
 * ML-DSA-65 (FIPS 204) for hndl-scan reports, via @noble/post-quantum. Signatures are "pure"
 * ML-DSA over the exact report bytes with the FIPS 204 context string SIGN_CONTEXT (§5.2:
 * M' = 0 || len(ctx) || ctx || M), so a signature made for a report cannot be replayed as a
 * signature of anything else hndl-scan might sign later. Sizes are FIPS 204 Table 2.
 */
import { createHash } from 'node:crypto';
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js';
import { SignError } from './errors.js';
export const PUBLIC_KEY_BYTES = 1952;
export const SECRET_KEY_BYTES = 4032;
export const SIGNATURE_BYTES = 3309;
export const SIGN_CONTEXT_TEXT = 'hndl-scan report v1';
export const SIGN_CONTEXT = new TextEncoder().encode(SIGN_CONTEXT_TEXT);
/** A fresh key pair from the platform CSPRNG (or from a 32-byte seed, for tests). */
export function generateKeyPair(seed) {
    const { publicKey, secretKey } = seed === undefined ? ml_dsa65.keygen() : ml_dsa65.keygen(seed);
    return { publicKey, secretKey };
}
/** Short fingerprint of a public key: first 16 hex digits of its SHA-256. */
export function keyId(publicKey) {
    return createHash('sha256').update(publicKey).digest('hex').slice(0, 16);
}
export function checkLength(bytes, expected, what, kind) {
    if (bytes.length !== expected) {
        throw new SignError('MALFORMED', `${what}: an ML-DSA-65 ${kind} is ${expected} bytes, this one is ${bytes.length}`);
    }
}
/**
 * The public key of a secret key, checked against the secret key's own tr = H(pk, 64)
 * (FIPS 204 Algorithm 24: sk = rho || K || tr || s1 || s2 || t0), which catches corrupted keys.
 */
export function publicKeyOf(secretKey, what) {
    checkLength(secretKey, SECRET_KEY_BYTES, what, 'secret key');
    let pk;
    try {
        pk = ml_dsa65.getPublicKey(secretKey);
    }
    catch (e) {
        throw new SignError('MALFORMED', `${what}: not a valid ML-DSA-65 secret key (${e instanceof Error ? e.message : String(e)})`);
    }
    const tr = createHash('shake256', { outputLength: 64 }).update(pk).digest();
    if (!tr.equals(Buffer.from(secretKey.subarray(64, 128)))) {
        throw new SignError('MALFORMED', `${what}: corrupted ML-DSA-65 secret key (its public-key hash does not match)`);
    }
    return pk;
}
/** Detached signature over `message` (hedged signing: fresh randomness each time). */
export function signBytes(message, secretKey) {
    checkLength(secretKey, SECRET_KEY_BYTES, 'secret key', 'secret key');
    return ml_dsa65.sign(message, secretKey, { context: SIGN_CONTEXT });
}
/** true when `signature` is a valid signature of `message` under `publicKey`. */
export function verifyBytes(signature, message, publicKey) {
    checkLength(publicKey, PUBLIC_KEY_BYTES, 'public key', 'public key');
    checkLength(signature, SIGNATURE_BYTES, 'signature', 'signature');
    try {
        return ml_dsa65.verify(signature, message, publicKey, { context: SIGN_CONTEXT });
    }
    catch {
        return false;
    }
}
//# sourceMappingURL=mldsa.js.map