/** JSON.parse wrapped: hostile text (bad syntax, absurd nesting) yields `{ ok: false }`. */
export function parseJson(text) {
    try {
        return { ok: true, value: JSON.parse(text) };
    }
    catch {
        return { ok: false };
    }
}
export function isObject(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}
/** `o[k]` if it is a string (capped to `max` UTF-16 units), else null. */
export function str(o, k, max = 512) {
    if (!isObject(o))
        return null;
    const v = o[k];
    return typeof v === 'string' ? v.slice(0, max) : null;
}
/** Byte length of a value re-serialised; -1 when it cannot be serialised (never throws). */
export function jsonSize(v) {
    try {
        return Buffer.byteLength(JSON.stringify(v), 'utf8');
    }
    catch {
        return -1;
    }
}
const utf8 = new TextDecoder('utf-8', { fatal: false });
/** Lenient UTF-8 decoding (invalid sequences become U+FFFD). */
export function decodeUtf8(b) {
    return utf8.decode(b);
}
//# sourceMappingURL=json.js.map