import { classifyTls } from '../tls/classify.js';
import { ja4 } from '../tls/ja4.js';
import { isGrease } from '../tls/groups.js';
import { versionName } from '../tls/suites.js';
import { classifySsh } from '../ssh/kex.js';
import { toMcpReport } from '../mcp/report.js';
import { microsToIso } from '../util/time.js';
const PLAINTEXT_APPS = new Set(['http', 'mcp', 'dns']);
function tlsReport(flow, shareValidation) {
    const t = flow.tls;
    if (!t)
        return null;
    const ch = t.clientHello;
    const sh = t.serverHello;
    const version = sh ? versionName(sh.selectedVersion || sh.legacyVersion) : null;
    const noGrease = (xs) => xs.filter((x) => !isGrease(x));
    return {
        version,
        sni: ch?.sni ?? null,
        offeredGroups: ch ? noGrease(ch.supportedGroups) : [],
        keyShareGroups: ch ? noGrease(ch.keyShares.map((k) => k.group)) : [],
        selectedGroup: sh && sh.keyShareGroup >= 0 ? sh.keyShareGroup : t.serverKeyExchange && t.serverKeyExchange.namedCurve >= 0 ? t.serverKeyExchange.namedCurve : null,
        helloRetryRequest: t.helloRetryRequest !== null,
        cipherSuite: sh ? sh.cipherSuite : null,
        alpn: ch?.alpn ?? [],
        ja4: ch ? ja4(ch, flow.app === 'quic' ? 'quic' : 'tcp') : null,
        signatureAlgorithms: ch?.signatureAlgorithms ?? [],
        ech: ch?.ech ?? false,
        certificate: t.certificate
            ? {
                signatureAlgorithm: t.certificate.signatureAlgorithmOid,
                publicKeyAlgorithm: t.certificate.publicKeyAlgorithmOid,
                publicKeyBits: t.certificate.publicKeyBits,
            }
            : null,
        shareValidation,
    };
}
function kexFor(flow, hints) {
    if (flow.tls) {
        const c = classifyTls(flow.tls, hints);
        return {
            kex: { offered: c.offered, negotiated: c.negotiated, group: c.group, reason: c.reason, mechanism: c.mechanism },
            shareValidation: c.shareValidation,
        };
    }
    const ssh = flow.ext['ssh'];
    if (ssh) {
        const c = classifySsh(ssh);
        return { kex: { offered: c.offered, negotiated: c.negotiated, group: c.group, reason: c.reason, mechanism: 'ssh-kexinit' }, shareValidation: null };
    }
    if (PLAINTEXT_APPS.has(flow.app)) {
        return { kex: { offered: 'plaintext', negotiated: 'plaintext', group: null, reason: null, mechanism: 'none' }, shareValidation: null };
    }
    const payload = flow.bytes[0] + flow.bytes[1];
    const reason = payload === 0 ? 'no-payload' : flow.issues.includes('tcp.midstream') ? 'no-handshake-in-capture' : 'unrecognised-protocol';
    return { kex: { offered: 'unknown', negotiated: 'unknown', group: null, reason, mechanism: null }, shareValidation: null };
}
export function flowToReport(flow, hints) {
    const { kex, shareValidation } = kexFor(flow, hints);
    const mcpInfo = flow.ext['mcp'];
    const r = {
        id: flow.id,
        transport: flow.transport,
        client: { ip: flow.clientIp, port: flow.clientPort },
        server: { ip: flow.serverIp, port: flow.serverPort },
        app: flow.app,
        firstSeen: microsToIso(flow.firstTsMicros),
        lastSeen: microsToIso(flow.lastTsMicros),
        packets: { clientToServer: flow.packets[0], serverToClient: flow.packets[1] },
        bytes: { clientToServer: flow.bytes[0], serverToClient: flow.bytes[1] },
        endReason: flow.endReason,
        tls: tlsReport(flow, shareValidation),
        kex,
        mcp: mcpInfo ? { ...toMcpReport(mcpInfo), messages: mcpInfo.messages } : null,
        issues: [...flow.issues],
    };
    if (flow.vlan)
        r.vlan = flow.vlan;
    if (flow.tunnelId >= 0)
        r.tunnelId = flow.tunnelId;
    const ssh = flow.ext['ssh'];
    if (ssh)
        r['ssh'] = ssh;
    if (flow.ext['socks'])
        r['socks'] = flow.ext['socks'];
    const http = flow.ext['http'];
    if (http) {
        // request lines without query values (HttpRequestSummary never keeps them)
        r['http'] = {
            requestCount: http.requestCount,
            responseCount: http.responseCount,
            statusCounts: http.statusCounts,
            requests: http.requests.slice(0, 16).map((q) => ({
                method: q.method,
                path: q.path,
                host: q.host,
                contentType: q.contentType,
                status: q.status,
                authScheme: q.authScheme,
            })),
        };
    }
    if (flow.ext['quic'])
        r['quic'] = flow.ext['quic'];
    return r;
}
export function summarize(flows, extra) {
    const byNegotiated = {};
    const byOffered = {};
    const bytesByNegotiated = {};
    let bytes = 0;
    let ready = 0;
    for (const f of flows) {
        const b = f.bytes.clientToServer + f.bytes.serverToClient;
        bytes += b;
        const n = f.kex.negotiated;
        byNegotiated[n] = (byNegotiated[n] ?? 0) + 1;
        byOffered[f.kex.offered] = (byOffered[f.kex.offered] ?? 0) + 1;
        bytesByNegotiated[n] = (bytesByNegotiated[n] ?? 0) + b;
        if ((f.kex.offered === 'hybrid' || f.kex.offered === 'pq') && n === 'classical')
            ready++;
    }
    return {
        flows: flows.length,
        packets: extra.packets,
        bytes,
        byNegotiated,
        byOffered,
        bytesByNegotiated,
        offeredHybridNegotiatedClassical: ready,
        weirds: extra.weirds,
        flowsEvicted: extra.flowsEvicted,
    };
}
//# sourceMappingURL=build.js.map