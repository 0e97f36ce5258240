const KINDS = new Set(['request', 'notification', 'response', 'error']);
function isRecord(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function strOrNull(v) {
    return typeof v === 'string' ? v : null;
}
function isMessage(v) {
    if (!isRecord(v))
        return false;
    return (typeof v['tsMicros'] === 'number' &&
        (v['dir'] === 'c2s' || v['dir'] === 's2c') &&
        typeof v['kind'] === 'string' &&
        KINDS.has(v['kind']) &&
        (v['id'] === null || typeof v['id'] === 'string') &&
        (v['method'] === null || typeof v['method'] === 'string') &&
        (v['tool'] === null || v['tool'] === undefined || typeof v['tool'] === 'string') &&
        (v['uri'] === null || v['uri'] === undefined || typeof v['uri'] === 'string') &&
        typeof v['size'] === 'number');
}
/** the flow's per-message records (empty when none or malformed) */
export function mcpMessages(f) {
    const m = f.mcp;
    if (m === null || m === undefined)
        return [];
    const list = m['messages'];
    return Array.isArray(list) ? list.filter(isMessage) : [];
}
export function mcpStrings(m, key) {
    const v = m[key];
    return Array.isArray(v) ? v.filter((x) => typeof x === 'string') : [];
}
export function mcpString(m, key) {
    return strOrNull(m[key]);
}
export function mcpPeer(m, key) {
    const v = m[key];
    if (!isRecord(v))
        return null;
    const name = strOrNull(v['name']);
    const version = strOrNull(v['version']);
    return name === null && version === null ? null : { name, version };
}
/** legacy HTTP+SSE session id (McpFlowInfo.legacy.sessionId) */
export function mcpLegacySession(m) {
    const v = m['legacy'];
    return isRecord(v) ? strOrNull(v['sessionId']) : null;
}
/** HTTP Host headers of the flow when the report carries HTTP request summaries (flow.http) */
export function httpHosts(f) {
    const http = f['http'];
    if (!isRecord(http))
        return [];
    const reqs = http['requests'];
    if (!Array.isArray(reqs))
        return [];
    const out = [];
    for (const r of reqs) {
        const h = isRecord(r) ? strOrNull(r['host']) : null;
        if (h !== null && h.length > 0 && !out.includes(h))
            out.push(h);
        if (out.length >= 8)
            break;
    }
    return out;
}
/** 'example.com:8080' → 'example.com', '[::1]:80' → '::1' (lower-case) */
export function hostOnly(hostHeader) {
    const h = hostHeader.trim().toLowerCase();
    const br = /^\[([^\]]*)\](?::\d*)?$/.exec(h);
    if (br)
        return br[1] ?? '';
    const colon = h.indexOf(':');
    if (colon >= 0 && h.indexOf(':', colon + 1) < 0)
        return h.slice(0, colon);
    return h.replace(/\.$/, '');
}
//# sourceMappingURL=records.js.map