import { DEFAULT_DEADLINES } from './deadlines.js';
import { RISK_LEVELS } from './policy.js';
const LEVEL_RANK = { none: 0, low: 1, medium: 2, high: 3, critical: 4 };
const HYBRID = 'X25519MLKEM768';
export function serverKeyOf(f) {
    const sni = f.tls?.sni;
    if (sni !== null && sni !== undefined && sni.length > 0)
        return sni;
    return f.server.ip.includes(':') ? `[${f.server.ip}]:${f.server.port}` : `${f.server.ip}:${f.server.port}`;
}
const levelOf = (f) => f.risk?.level ?? 'none';
const atRisk = (f) => levelOf(f) !== 'none';
const bytesOf = (f) => f.bytes.clientToServer + f.bytes.serverToClient;
const isMcp = (f) => f.mcp !== null || f.app === 'mcp';
const isSsh = (f) => f.app === 'ssh' || (f.kex.mechanism ?? '').startsWith('ssh');
const isLegacyGroup = (g) => g !== null && /kyber|cecpq/i.test(g);
function summarise(key, flows) {
    const byLevel = { none: 0, low: 0, medium: 0, high: 0, critical: 0 };
    const negotiated = { plaintext: 0, classical: 0, hybrid: 0, pq: 0, unknown: 0 };
    let bytes = 0;
    let bytesAtRisk = 0;
    let maxScore = 0;
    let maxLevel = 'none';
    let worst = null;
    let mcpFlows = 0;
    for (const f of flows) {
        const lvl = levelOf(f);
        byLevel[lvl]++;
        negotiated[f.kex.negotiated]++;
        const b = bytesOf(f);
        bytes += b;
        if (isMcp(f))
            mcpFlows++;
        if (LEVEL_RANK[lvl] > LEVEL_RANK[maxLevel])
            maxLevel = lvl;
        maxScore = Math.max(maxScore, f.risk?.score ?? 0);
        if (lvl === 'none')
            continue;
        bytesAtRisk += b;
        const s = f.sensitivity;
        if (s !== undefined && (worst === null || s.lifetimeYears > worst.years || (s.lifetimeYears === worst.years && LEVEL_RANK[lvl] > worst.rank))) {
            worst = { category: s.category, years: s.lifetimeYears, rank: LEVEL_RANK[lvl] };
        }
    }
    return {
        key, flows: flows.length, flowsAtRisk: flows.length - byLevel.none, bytes, bytesAtRisk, maxLevel, maxScore, byLevel, negotiated,
        worstCategory: worst?.category ?? null, worstLifetimeYears: worst?.years ?? null, mcpFlows, recommendations: [],
    };
}
function groupBy(flows, key) {
    const m = new Map();
    for (const f of flows) {
        const k = key(f);
        const list = m.get(k);
        if (list === undefined)
            m.set(k, [f]);
        else
            list.push(f);
    }
    return m;
}
/** recommended actions for one server, most urgent first */
export function serverRecommendations(key, flows) {
    const out = [];
    const risky = flows.filter(atRisk);
    const plain = risky.filter((f) => f.kex.negotiated === 'plaintext');
    if (plain.some(isMcp))
        out.push(`move the MCP server at ${key} behind TLS with ${HYBRID}: its tool calls and results are readable now`);
    if (plain.some((f) => !isMcp(f)))
        out.push(`encrypt the traffic to ${key} (TLS 1.3 with ${HYBRID}): it is readable now`);
    const classical = risky.filter((f) => f.kex.negotiated === 'classical');
    const refused = classical.filter((f) => f.kex.offered === 'hybrid' || f.kex.offered === 'pq');
    const onlyClassical = classical.filter((f) => f.kex.offered === 'classical' || f.kex.offered === 'unknown');
    if (refused.some(isSsh))
        out.push(`enable mlkem768x25519-sha256 (OpenSSH 10) or sntrup761x25519-sha512 on the SSH server ${key}: its clients already offer a post-quantum key exchange`);
    if (refused.some((f) => !isSsh(f)))
        out.push(`enable ${HYBRID} on ${key}: its clients already offer it`);
    if (onlyClassical.some(isSsh))
        out.push(`upgrade SSH on ${key}: clients offer only classical key exchanges — update clients and server to OpenSSH 9.0+ (sntrup761x25519-sha512) or 10 (mlkem768x25519-sha256)`);
    if (onlyClassical.some((f) => !isSsh(f)))
        out.push(`upgrade TLS on ${key}: clients offer only classical groups — update client stacks (e.g. OpenSSL 3.5+, current browsers) and enable ${HYBRID} on the server`);
    if (flows.some((f) => (f.kex.negotiated === 'hybrid' || f.kex.negotiated === 'pq') && isLegacyGroup(f.kex.group))) {
        out.push(`replace the pre-standard Kyber draft group on ${key} with ${HYBRID}`);
    }
    // tls.shareValidation: 'ok' | 'length-mismatch' | 'mlkem-key-invalid' (core/tls/classify.ts)
    if (flows.some((f) => f.tls?.shareValidation === 'length-mismatch' || f.tls?.shareValidation === 'mlkem-key-invalid')) {
        out.push(`check the post-quantum key exchange of ${key}: an ML-KEM key share failed validation`);
    }
    if (risky.some((f) => f.kex.negotiated === 'unknown')) {
        out.push(`capture ${key} from the start of its connections so the key exchange can be classified (start the capture before clients connect)`);
    }
    return out;
}
/** recommended actions for one client IP */
export function clientRecommendations(ip, flows) {
    const out = [];
    const risky = flows.filter(atRisk);
    const onlyClassical = risky.filter((f) => f.kex.negotiated === 'classical' && f.kex.offered === 'classical');
    if (onlyClassical.length > 0) {
        const what = onlyClassical.every(isSsh) ? 'SSH client' : 'TLS stack';
        out.push(`update the ${what} on client ${ip}: it offers only classical key exchanges`);
    }
    const refused = new Set(risky.filter((f) => f.kex.negotiated === 'classical' && (f.kex.offered === 'hybrid' || f.kex.offered === 'pq')).map(serverKeyOf));
    if (refused.size > 0) {
        const list = [...refused].slice(0, 5).join(', ') + (refused.size > 5 ? `, and ${refused.size - 5} more` : '');
        out.push(`client ${ip} offers post-quantum key exchange but ${refused.size} server(s) refuse it: enable ${HYBRID} on ${list}`);
    }
    if (risky.some((f) => f.kex.negotiated === 'plaintext' && isMcp(f))) {
        out.push(`point the MCP client on ${ip} at a TLS endpoint with ${HYBRID}: it talks MCP in plaintext`);
    }
    return out;
}
function deadlineStatus(d, flows, now) {
    const affected = flows.filter((f) => d.appliesTo.includes(f.kex.negotiated) && !(d.exemptGroups ?? []).includes(f.kex.group ?? ''));
    const ms = Date.parse(`${d.date}T00:00:00Z`) - now.getTime();
    return {
        ...d,
        daysLeft: Math.ceil(ms / 86_400_000),
        passed: ms <= 0,
        flowsAffected: affected.length,
        serversAffected: new Set(affected.map(serverKeyOf)).size,
    };
}
const byUrgency = (a, b) => LEVEL_RANK[b.maxLevel] - LEVEL_RANK[a.maxLevel] || b.bytesAtRisk - a.bytesAtRisk || b.flowsAtRisk - a.flowsAtRisk || a.key.localeCompare(b.key);
export function aggregate(flows, opts = {}) {
    const now = opts.now ?? new Date();
    const servers = [...groupBy(flows, serverKeyOf)].map(([k, fs]) => ({ ...summarise(k, fs), recommendations: serverRecommendations(k, fs) })).sort(byUrgency);
    const clients = [...groupBy(flows, (f) => f.client.ip)].map(([k, fs]) => ({ ...summarise(k, fs), recommendations: clientRecommendations(k, fs) })).sort(byUrgency);
    const capture = summarise('capture', flows);
    capture.recommendations = servers.flatMap((s) => s.recommendations).slice(0, opts.maxCaptureRecommendations ?? 20);
    const deadlines = (opts.deadlines ?? DEFAULT_DEADLINES).map((d) => deadlineStatus(d, flows, now));
    return { servers, clients, capture, deadlines };
}
export { RISK_LEVELS };
//# sourceMappingURL=aggregate.js.map