/**
 * Matching for the MCP policy (docs/inventory.md): tool / name globs, client patterns
 * (name glob, IP glob or CIDR per RFC 4632 / RFC 4291 §2.3) and registered-server lookup by
 * ip, port, Host header or SNI (no DNS resolution).
 */
import { inCidr, parseCidr, sameIp } from '../risk/match.js';
import { hostOnly } from './records.js';
const cache = new Map();
/** `*` matches any run of characters (also none), `?` exactly one; whole string */
export function globMatch(glob, s, caseInsensitive = false) {
    const key = `${caseInsensitive ? 'i' : 's'}${glob}`;
    let re = cache.get(key);
    if (re === undefined) {
        const body = Array.from(glob, (ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/]/g, '\\$&'))).join('');
        re = new RegExp(`^${body}$`, caseInsensitive ? 'isu' : 'su');
        if (cache.size > 4096)
            cache.clear();
        cache.set(key, re);
    }
    return re.test(s);
}
export function anyGlob(globs, s) {
    return globs.some((g) => globMatch(g, s));
}
/** client pattern against the client's IP and clientInfo name */
export function clientMatches(pattern, ip, name) {
    if (pattern.includes('/')) {
        const c = parseCidr(pattern);
        return c !== null && inCidr(ip, c);
    }
    if (globMatch(pattern, ip, true))
        return true;
    return name !== null && globMatch(pattern, name, true);
}
/** the registered server an endpoint belongs to (first match in file order), or null */
export function matchRegistered(servers, ip, port, hosts) {
    if (servers === null)
        return null;
    const names = hosts.map(hostOnly);
    for (const r of servers) {
        if (r.port !== null && r.port !== port)
            continue;
        if (r.ip !== null && (sameIp(r.ip, ip) || names.some((h) => sameIp(r.ip ?? '', h))))
            return r;
        if (r.host !== null && names.includes(r.host))
            return r;
    }
    return null;
}
/** server pattern of a toolPolicy rule against a registered name, host names and ip:port */
export function serverMatches(pattern, labels) {
    return labels.some((l) => globMatch(pattern, l, true));
}
//# sourceMappingURL=match.js.map