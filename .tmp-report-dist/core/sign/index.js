/**
 * Public entry of report signing (core/sign): ML-DSA-65 (FIPS 204) keys and detached report
 * signatures in the armoured text format of files.ts.
 */
export { SignError } from './errors.js';
export { armor, dearmor, armorLabel } from './armor.js';
export { PUBLIC_KEY_BYTES, SECRET_KEY_BYTES, SIGNATURE_BYTES, SIGN_CONTEXT, SIGN_CONTEXT_TEXT, generateKeyPair, keyId, signBytes, verifyBytes, } from './mldsa.js';
export { SECRET_KEY_SUFFIX, PUBLIC_KEY_SUFFIX, SIGNATURE_SUFFIX, writeKeyPair, loadSecretKey, loadPublicKey, loadSignature, parsePublicKey, parseSignature, readBytes, signReport, signatureFileFor, writeReportSignature, verifyReportFiles, } from './files.js';
//# sourceMappingURL=index.js.map