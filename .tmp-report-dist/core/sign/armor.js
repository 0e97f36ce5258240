/**
 * Text armour of hndl-scan keys and signatures: RFC 7468-style ("PEM-like") strict base64
 * between `-----BEGIN HNDL-SCAN ML-DSA-65 <KIND>-----` and `-----END … -----` lines, 64
 * characters per line. Text before BEGIN and after END is explanatory and ignored (RFC 7468 §2);
 * exactly one block of the expected label must be present.
 */
import { SignError } from './errors.js';
export const ARMOR_PREFIX = 'HNDL-SCAN ML-DSA-65';
export function armorLabel(kind) {
    return `${ARMOR_PREFIX} ${kind}`;
}
/** Encode bytes as one armoured block; `comments` lines go before it (no armour inside them). */
export function armor(kind, bytes, comments = []) {
    const label = armorLabel(kind);
    const b64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
    const lines = [];
    for (const c of comments)
        lines.push(c.replace(/-----/g, '---').replace(/[\r\n]+/g, ' '));
    lines.push(`-----BEGIN ${label}-----`);
    for (let i = 0; i < b64.length; i += 64)
        lines.push(b64.slice(i, i + 64));
    lines.push(`-----END ${label}-----`);
    return `${lines.join('\n')}\n`;
}
const B64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;
/**
 * Decode the one block of `kind` in `text`. `what` names the file in errors. Throws SignError
 * 'MALFORMED' on a missing, repeated, unterminated or non-base64 block.
 */
export function dearmor(kind, text, what) {
    const label = armorLabel(kind);
    const begin = `-----BEGIN ${label}-----`;
    const end = `-----END ${label}-----`;
    const lines = text.split(/\r?\n/).map((l) => l.trim());
    const b = lines.indexOf(begin);
    if (b < 0) {
        const other = lines.find((l) => /^-----BEGIN .*-----$/.test(l));
        const hint = other === undefined ? 'no armour found' : `found '${other}'`;
        throw new SignError('MALFORMED', `${what}: not a ${label} file (expected '${begin}'; ${hint})`);
    }
    if (lines.indexOf(begin, b + 1) >= 0)
        throw new SignError('MALFORMED', `${what}: more than one ${label} block`);
    const e = lines.indexOf(end, b + 1);
    if (e < 0)
        throw new SignError('MALFORMED', `${what}: '${begin}' without '${end}'`);
    const body = lines.slice(b + 1, e).filter((l) => l !== '');
    for (const [i, l] of body.entries()) {
        if (!B64_LINE.test(l) || (l.includes('=') && i !== body.length - 1)) {
            throw new SignError('MALFORMED', `${what}: invalid base64 in the ${label} block (line ${b + 2 + i})`);
        }
    }
    const joined = body.join('');
    if (joined.length % 4 !== 0)
        throw new SignError('MALFORMED', `${what}: truncated base64 in the ${label} block`);
    const bytes = Buffer.from(joined, 'base64');
    if (bytes.toString('base64') !== joined)
        throw new SignError('MALFORMED', `${what}: non-canonical base64 in the ${label} block`);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
//# sourceMappingURL=armor.js.map