/**
 * HTTP/1.x recognition by content (RFC 9112 §3 request-line, §4 status-line; methods from
 * RFC 9110 §9 and RFC 5789 PATCH). Ports are never consulted.
 */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'];
const HTTP1 = [0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e]; // "HTTP/1."
function startsWithAt(b, at, pat) {
    if (at + pat.length > b.length)
        return false;
    for (let i = 0; i < pat.length; i++)
        if (b[at + i] !== pat[i])
            return false;
    return true;
}
/** true if `chunk` starts with an HTTP/1.x request line (known method) or status line */
export function sniffHttp(chunk) {
    if (startsWithAt(chunk, 0, HTTP1))
        return true;
    for (const m of HTTP_METHODS) {
        let ok = chunk.length > m.length;
        for (let i = 0; ok && i < m.length; i++)
            ok = chunk[i] === m.charCodeAt(i);
        if (!ok || chunk[m.length] !== 0x20)
            continue;
        // " HTTP/1." must appear on the first line (within 8 KiB)
        const lim = Math.min(chunk.length, 8192);
        for (let i = m.length + 1; i < lim; i++) {
            const c = chunk[i];
            if (c === 0x0a || c === 0x0d)
                return false;
            if (c === 0x20 && startsWithAt(chunk, i + 1, HTTP1))
                return true;
        }
        return false;
    }
    return false;
}
//# sourceMappingURL=sniff.js.map