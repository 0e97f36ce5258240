/**
 * Key and signature files of hndl-scan (issue "Reports and CI gate"):
 *
 *   PREFIX.key   ML-DSA-65 secret key (4032 bytes), armour 'HNDL-SCAN ML-DSA-65 SECRET KEY',
 *                created with mode 0600
 *   PREFIX.pub   ML-DSA-65 public key (1952 bytes), armour 'HNDL-SCAN ML-DSA-65 PUBLIC KEY'
 *   REPORT.sig   detached ML-DSA-65 signature (3309 bytes) over the exact bytes of REPORT,
 *                context 'hndl-scan report v1', armour 'HNDL-SCAN ML-DSA-65 SIGNATURE'
 *
 * The armour is described in armor.ts; comment lines before it (key id, report SHA-256) are for
 * people only and never trusted. Sizes are checked on load (FIPS 204 Table 2).
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { armor, dearmor } from './armor.js';
import { SignError } from './errors.js';
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES, SIGN_CONTEXT_TEXT, checkLength, generateKeyPair, keyId, publicKeyOf, signBytes, verifyBytes, } from './mldsa.js';
export const SECRET_KEY_SUFFIX = '.key';
export const PUBLIC_KEY_SUFFIX = '.pub';
export const SIGNATURE_SUFFIX = '.sig';
function errMsg(e) {
    if (e !== null && typeof e === 'object' && 'code' in e && typeof e.code === 'string') {
        if (e.code === 'ENOENT')
            return 'no such file';
        if (e.code === 'EISDIR')
            return 'is a directory';
        if (e.code === 'EACCES')
            return 'permission denied';
    }
    return e instanceof Error ? e.message : String(e);
}
function readText(path) {
    let buf;
    try {
        buf = readFileSync(path);
    }
    catch (e) {
        throw new SignError('UNREADABLE', `${path}: ${errMsg(e)}`, { cause: e });
    }
    if (buf.length > 1 << 20)
        throw new SignError('MALFORMED', `${path}: too large for a key or signature file`);
    return buf.toString('utf8');
}
/** Read a whole file (the report) as bytes. */
export function readBytes(path) {
    try {
        const buf = readFileSync(path);
        return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    catch (e) {
        throw new SignError('UNREADABLE', `${path}: ${errMsg(e)}`, { cause: e });
    }
}
function writeNew(path, text, mode, force) {
    try {
        writeFileSync(path, text, { mode, flag: force ? 'w' : 'wx' });
        chmodSync(path, mode); // an overwritten file keeps its old mode otherwise
    }
    catch (e) {
        if (e !== null && typeof e === 'object' && 'code' in e && e.code === 'EEXIST') {
            throw new SignError('EXISTS', `${path} already exists (remove it or use --force)`, { cause: e });
        }
        throw new SignError('WRITE_FAILED', `cannot write ${path}: ${errMsg(e)}`, { cause: e });
    }
}
/** Generate a key pair and write PREFIX.key (0600) and PREFIX.pub. Refuses to overwrite unless force. */
export function writeKeyPair(prefix, opts = {}) {
    const force = opts.force === true;
    const kp = generateKeyPair(opts.seed);
    const id = keyId(kp.publicKey);
    const secretKeyFile = `${prefix}${SECRET_KEY_SUFFIX}`;
    const publicKeyFile = `${prefix}${PUBLIC_KEY_SUFFIX}`;
    if (!force) {
        // check both first so a refused keygen writes nothing
        for (const p of [secretKeyFile, publicKeyFile]) {
            if (existsSync(p))
                throw new SignError('EXISTS', `${p} already exists (remove it or use --force)`);
        }
    }
    writeNew(secretKeyFile, armor('SECRET KEY', kp.secretKey, [
        `hndl-scan ML-DSA-65 (FIPS 204) secret key, key id ${id}. Keep it private.`,
    ]), 0o600, force);
    writeNew(publicKeyFile, armor('PUBLIC KEY', kp.publicKey, [
        `hndl-scan ML-DSA-65 (FIPS 204) public key, key id ${id}`,
    ]), 0o644, force);
    return { secretKeyFile, publicKeyFile, keyId: id };
}
/** Load and check a secret key file; returns the key and its public key. */
export function loadSecretKey(path) {
    const secretKey = dearmor('SECRET KEY', readText(path), path);
    const publicKey = publicKeyOf(secretKey, path);
    return { secretKey, publicKey };
}
export function parsePublicKey(text, what) {
    const pk = dearmor('PUBLIC KEY', text, what);
    checkLength(pk, PUBLIC_KEY_BYTES, what, 'public key');
    return pk;
}
export function parseSignature(text, what) {
    const sig = dearmor('SIGNATURE', text, what);
    checkLength(sig, SIGNATURE_BYTES, what, 'signature');
    return sig;
}
export function loadPublicKey(path) {
    return parsePublicKey(readText(path), path);
}
export function loadSignature(path) {
    return parseSignature(readText(path), path);
}
/** Sign the exact report bytes with the key in `secretKeyFile`; `sigText` is the REPORT.sig content. */
export function signReport(bytes, secretKeyFile) {
    const { secretKey, publicKey } = loadSecretKey(secretKeyFile);
    const signature = signBytes(bytes, secretKey);
    if (!verifyBytes(signature, bytes, publicKey)) {
        throw new SignError('MALFORMED', `${secretKeyFile}: the signature made with this key does not verify`);
    }
    const sha = createHash('sha256').update(bytes).digest('hex');
    const sigText = armor('SIGNATURE', signature, [
        `hndl-scan detached signature: ML-DSA-65 (FIPS 204), context '${SIGN_CONTEXT_TEXT}'`,
        `key id ${keyId(publicKey)}; report sha256 ${sha}`,
    ]);
    return { signature, sigText };
}
/** The signature file written next to a report. */
export function signatureFileFor(reportPath) {
    return `${reportPath}${SIGNATURE_SUFFIX}`;
}
/** Sign `bytes` (the content just written to `reportPath`) and write REPORT.sig; returns its path. */
export function writeReportSignature(reportPath, bytes, secretKeyFile) {
    const { sigText } = signReport(bytes, secretKeyFile);
    const sigPath = signatureFileFor(reportPath);
    writeNew(sigPath, sigText, 0o644, true);
    return sigPath;
}
/** Verify REPORT against SIG and PUBKEY files. Throws SignError when a file is unreadable or malformed. */
export function verifyReportFiles(reportPath, sigPath, publicKeyPath) {
    const publicKey = loadPublicKey(publicKeyPath);
    const signature = loadSignature(sigPath);
    const report = readBytes(reportPath);
    return { valid: verifyBytes(signature, report, publicKey), keyId: keyId(publicKey) };
}
//# sourceMappingURL=files.js.map