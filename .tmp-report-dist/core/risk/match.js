/**
 * Matching helpers for host tables and policy declarations: host globs ('*.epic.com',
 * 'fhir.*'), IPv4/IPv6 addresses, CIDR subnets (RFC 4632 / RFC 4291 §2.3) and host[:port].
 */
import { isIP } from 'node:net';
const GLOB_CACHE = new Map();
/** compiled globs kept at most (tables and policies hold a few hundred) */
const GLOB_CACHE_MAX = 4096;
/** '*' matches one or more characters (dots included); case-insensitive, whole host */
export function globToRegExp(glob) {
    const hit = GLOB_CACHE.get(glob);
    if (hit)
        return hit;
    const body = glob.toLowerCase().split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.+');
    const re = new RegExp(`^${body}$`);
    if (GLOB_CACHE.size < GLOB_CACHE_MAX)
        GLOB_CACHE.set(glob, re);
    return re;
}
export function hostMatches(glob, host) {
    const h = host.toLowerCase().replace(/\.$/, '');
    return glob.includes('*') ? globToRegExp(glob).test(h) : glob.toLowerCase() === h;
}
/** address bytes (4 or 16), or null when not an IP literal */
export function parseIp(s) {
    const v = isIP(s);
    if (v === 4)
        return Uint8Array.from(s.split('.').map(Number));
    if (v !== 6)
        return null;
    let text = s.toLowerCase();
    const pct = text.indexOf('%');
    if (pct >= 0)
        text = text.slice(0, pct);
    const lastColon = text.lastIndexOf(':');
    const last = text.slice(lastColon + 1);
    if (last.includes('.')) {
        // embedded IPv4 (::ffff:1.2.3.4) → two hex words
        const b = last.split('.').map(Number);
        const w1 = (((b[0] ?? 0) << 8) | (b[1] ?? 0)).toString(16);
        const w2 = (((b[2] ?? 0) << 8) | (b[3] ?? 0)).toString(16);
        text = `${text.slice(0, lastColon + 1)}${w1}:${w2}`;
    }
    const [headS, tailS] = text.includes('::') ? text.split('::') : [text, null];
    const parse = (x) => (x === undefined || x === '' ? [] : x.split(':').map((h) => parseInt(h, 16)));
    const head = parse(headS);
    const rest = tailS === null ? [] : parse(tailS);
    const fill = 8 - head.length - rest.length;
    const words = [...head, ...(tailS === null ? [] : new Array(Math.max(0, fill)).fill(0)), ...rest];
    if (words.length !== 8)
        return null;
    const out = new Uint8Array(16);
    words.forEach((w, i) => { out[2 * i] = w >> 8; out[2 * i + 1] = w & 0xff; });
    return out;
}
/** '10.0.0.0/8', '2001:db8::/32'; null when malformed */
export function parseCidr(s) {
    const slash = s.indexOf('/');
    if (slash < 0)
        return null;
    const bytes = parseIp(s.slice(0, slash));
    const pText = s.slice(slash + 1);
    if (bytes === null || !/^\d{1,3}$/.test(pText))
        return null;
    const prefix = Number(pText);
    return prefix <= bytes.length * 8 ? { bytes, prefix } : null;
}
export function inCidr(ip, c) {
    const b = parseIp(ip);
    if (b === null || b.length !== c.bytes.length)
        return false;
    let bits = c.prefix;
    for (let i = 0; bits > 0; i++, bits -= 8) {
        const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
        if (((b[i] ?? 0) & mask) !== ((c.bytes[i] ?? 0) & mask))
            return false;
    }
    return true;
}
/** 'host', 'host:port', '1.2.3.4:443', '[::1]:8080' → host and optional port; null when malformed */
export function parseHostPort(s) {
    let host = s;
    let port = null;
    const br = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
    if (br !== null) {
        host = br[1] ?? '';
        port = br[2] ?? null;
    }
    else if (isIP(s) !== 6) {
        const i = s.lastIndexOf(':');
        if (i >= 0) {
            host = s.slice(0, i);
            port = s.slice(i + 1);
        }
    }
    if (host.length === 0 || !/^[A-Za-z0-9*._:-]+$/.test(host))
        return null;
    if (port === null)
        return { host, port: null };
    if (!/^\d{1,5}$/.test(port) || Number(port) > 65535)
        return null;
    return { host, port: Number(port) };
}
/** equal IPs compare by bytes ('::ffff:1.2.3.4' ≠ '1.2.3.4' on purpose: the capture shows which one) */
export function sameIp(a, b) {
    const x = parseIp(a);
    const y = parseIp(b);
    if (x === null || y === null || x.length !== y.length)
        return false;
    return x.every((v, i) => v === y[i]);
}
//# sourceMappingURL=match.js.map