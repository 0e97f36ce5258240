export function header(h, name) {
    for (const [k, v] of h.headers)
        if (k === name)
            return v;
    return null;
}
/** media type without parameters, lower-case ("application/json") */
export function mediaType(h) {
    const ct = header(h, 'content-type');
    if (ct === null)
        return null;
    const semi = ct.indexOf(';');
    return (semi < 0 ? ct : ct.slice(0, semi)).trim().toLowerCase().slice(0, 128);
}
//# sourceMappingURL=types.js.map