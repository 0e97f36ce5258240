import { endpointLabel } from './link.js';
import { matchRegistered } from './match.js';
import { httpHosts, mcpMessages, mcpPeer, mcpString, mcpStrings } from './records.js';
export const MAX_FLOW_IDS = 1000;
const MAX_LIST = 1024;
/** session key of an MCP flow (its own flow when not linked) */
export function sessionOf(f) {
    const s = f.mcp?.session;
    return typeof s === 'string' ? s : `flow-${f.id}`;
}
/** clientInfo / serverInfo per session, from whichever flow of the session carried initialize */
export function sessionPeers(report) {
    const out = new Map();
    for (const f of report.flows) {
        if (!f.mcp)
            continue;
        const key = sessionOf(f);
        const cur = out.get(key) ?? { client: null, server: null };
        cur.client ??= mcpPeer(f.mcp, 'client');
        cur.server ??= mcpPeer(f.mcp, 'server');
        out.set(key, cur);
    }
    return out;
}
function pushUnique(list, v) {
    if (list.length < MAX_LIST && !list.includes(v))
        list.push(v);
}
function newServer(f) {
    return {
        key: endpointLabel(f.server.ip, f.server.port),
        ip: f.server.ip,
        port: f.server.port,
        hosts: [],
        name: null,
        version: null,
        serverInfos: [],
        protocolVersions: [],
        transports: [],
        plaintextFlows: 0,
        tlsFlows: 0,
        plaintext: false,
        tls: false,
        registered: null,
        clients: [],
        tools: [],
        resources: [],
        prompts: [],
        promptGets: 0,
        sessions: 0,
        messages: 0,
        firstSeen: f.firstSeen,
        lastSeen: f.lastSeen,
        flowIds: [],
    };
}
class ServerAcc {
    s;
    sessions = new Set();
    clients = new Map();
    tools = new Map();
    resources = new Map();
    constructor(f) {
        this.s = newServer(f);
    }
    touch(f) {
        if (f.firstSeen < this.s.firstSeen)
            this.s.firstSeen = f.firstSeen;
        if (f.lastSeen > this.s.lastSeen)
            this.s.lastSeen = f.lastSeen;
        if (this.s.flowIds.length < MAX_FLOW_IDS)
            this.s.flowIds.push(f.id);
        for (const h of httpHosts(f))
            pushUnique(this.s.hosts, h);
        if (f.tls?.sni)
            pushUnique(this.s.hosts, f.tls.sni);
    }
    client(f, peer, session) {
        const key = `${f.client.ip}\u0000${peer?.name ?? ''}\u0000${peer?.version ?? ''}`;
        let c = this.clients.get(key);
        if (!c) {
            c = {
                ip: f.client.ip, name: peer?.name ?? null, version: peer?.version ?? null, flows: 0, sessions: 0,
                toolCalls: 0, firstSeen: f.firstSeen, lastSeen: f.lastSeen, sessionSet: new Set(),
            };
            this.clients.set(key, c);
        }
        c.flows++;
        c.sessionSet.add(session);
        if (f.firstSeen < c.firstSeen)
            c.firstSeen = f.firstSeen;
        if (f.lastSeen > c.lastSeen)
            c.lastSeen = f.lastSeen;
        return c;
    }
    tool(name) {
        let t = this.tools.get(name);
        if (!t) {
            t = { name, listed: false, calls: 0, errors: 0 };
            if (this.tools.size < MAX_LIST)
                this.tools.set(name, t);
        }
        return t;
    }
    addMcp(f, m, peers, session) {
        const s = this.s;
        this.touch(f);
        s.plaintextFlows++;
        s.plaintext = true;
        this.sessions.add(session);
        const server = peers?.server ?? null;
        if (server) {
            if (s.name === null && s.version === null) {
                s.name = server.name;
                s.version = server.version;
            }
            if (!s.serverInfos.some((p) => p.name === server.name && p.version === server.version))
                s.serverInfos.push(server);
        }
        const pv = mcpString(m, 'protocolVersion');
        if (pv !== null)
            pushUnique(s.protocolVersions, pv);
        const tr = mcpString(m, 'transport');
        if (tr !== null)
            pushUnique(s.transports, tr);
        const client = this.client(f, peers?.client ?? null, session);
        for (const name of mcpStrings(m, 'toolsListed'))
            this.tool(name).listed = true;
        for (const name of mcpStrings(m, 'toolsCalled'))
            this.tool(name);
        for (const p of mcpStrings(m, 'promptsGot'))
            pushUnique(s.prompts, p);
        const records = mcpMessages(f);
        const count = m['messageCount'];
        s.messages += typeof count === 'number' && count >= records.length ? count : records.length;
        for (const r of records) {
            if (r.dir !== 'c2s')
                continue;
            if (r.kind === 'request' && r.method === 'tools/call' && r.tool) {
                this.tool(r.tool).calls++;
                client.toolCalls++;
            }
            if (r.kind === 'request' && r.method === 'resources/read' && r.uri && (this.resources.size < MAX_LIST || this.resources.has(r.uri))) {
                this.resources.set(r.uri, (this.resources.get(r.uri) ?? 0) + 1);
            }
            if (r.kind === 'request' && r.method === 'prompts/get')
                s.promptGets++;
        }
        // errors travel s2c
        for (const r of records)
            if (r.dir === 's2c' && r.kind === 'error' && r.method === 'tools/call' && r.tool)
                this.tool(r.tool).errors++;
        for (const uri of mcpStrings(m, 'resourcesRead'))
            if (!this.resources.has(uri) && this.resources.size < MAX_LIST)
                this.resources.set(uri, 0);
    }
    addTls(f, registered) {
        this.touch(f);
        this.s.tlsFlows++;
        this.s.tls = true;
        this.s.registered ??= registered;
        this.client(f, null, `flow-${f.id}`);
    }
    finish() {
        const s = this.s;
        s.sessions = this.sessions.size;
        s.clients = [...this.clients.values()]
            .map(({ sessionSet, ...c }) => ({ ...c, sessions: sessionSet.size }))
            .sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : (a.name ?? '').localeCompare(b.name ?? '')));
        s.tools = [...this.tools.values()].sort((a, b) => b.calls - a.calls || a.name.localeCompare(b.name));
        s.resources = [...this.resources.entries()].map(([uri, reads]) => ({ uri, reads })).sort((a, b) => b.reads - a.reads || a.uri.localeCompare(b.uri));
        return s;
    }
}
/**
 * Builds the inventory. With a policy, plaintext servers are matched to registered ones and
 * TLS flows to a registered server's endpoint / SNI are counted as reaching it over TLS.
 */
export function buildMcpInventory(report, policy) {
    const peers = sessionPeers(report);
    const acc = new Map();
    const get = (f) => {
        const key = endpointLabel(f.server.ip, f.server.port);
        let a = acc.get(key);
        if (!a) {
            a = new ServerAcc(f);
            acc.set(key, a);
        }
        return a;
    };
    let mcpFlows = 0;
    const sessions = new Set();
    for (const f of report.flows) {
        if (!f.mcp)
            continue;
        mcpFlows++;
        const session = sessionOf(f);
        sessions.add(session);
        get(f).addMcp(f, f.mcp, peers.get(session), session);
    }
    const registered = policy?.servers ?? null;
    if (registered !== null && registered.length > 0) {
        for (const f of report.flows) {
            if (f.mcp || !f.tls)
                continue;
            const r = matchRegistered(registered, f.server.ip, f.server.port, f.tls.sni ? [f.tls.sni] : []);
            if (r)
                get(f).addTls(f, r.name);
        }
    }
    const servers = [...acc.values()].map((a) => a.finish());
    if (registered !== null) {
        for (const s of servers)
            s.registered ??= matchRegistered(registered, s.ip, s.port, s.hosts)?.name ?? null;
    }
    servers.sort((a, b) => (a.firstSeen < b.firstSeen ? -1 : a.firstSeen > b.firstSeen ? 1 : a.key.localeCompare(b.key)));
    return { servers, sessions: sessions.size, mcpFlows };
}
//# sourceMappingURL=inventory.js.map