/** Parses a request-target or endpoint URI (absolute or relative); null when it is not one. */
export function parseEndpointUri(data) {
    const s = data.trim();
    if (s.length === 0 || s.length > 4096 || /\s/.test(s))
        return null;
    if (!s.startsWith('/') && !/^https?:\/\//i.test(s))
        return null;
    try {
        const u = new URL(s, 'http://placeholder.invalid');
        const sid = u.searchParams.get('sessionId') ?? u.searchParams.get('session_id');
        return { path: u.pathname.slice(0, 512), sessionId: sid === null ? null : sid.slice(0, 256) };
    }
    catch {
        return null;
    }
}
/** Query parameter names of a request-target (values are not returned), at most 16. */
export function queryKeys(target) {
    const q = target.indexOf('?');
    if (q < 0)
        return [];
    const out = [];
    for (const part of target.slice(q + 1, q + 1 + 4096).split('&')) {
        if (out.length >= 16)
            break;
        const eq = part.indexOf('=');
        const k = (eq < 0 ? part : part.slice(0, eq)).slice(0, 64);
        if (k.length > 0 && !out.includes(k))
            out.push(k);
    }
    return out;
}
/** Path of a request-target without query or fragment (absolute-form reduced to its path). */
export function targetPath(target) {
    let t = target;
    const abs = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(t);
    if (abs)
        t = t.slice(abs[0].length) || '/';
    const cut = t.search(/[?#]/);
    return (cut < 0 ? t : t.slice(0, cut)).slice(0, 512);
}
//# sourceMappingURL=legacy.js.map