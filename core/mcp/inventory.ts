/**
 * MCP inventory of a scan (issue "Recognise MCP traffic on the wire and inventory it"): every
 * MCP server seen in the capture, keyed by ip:port, with its serverInfo (MCP `initialize`
 * result), protocol versions, transports, how it was reached (MCP is only visible in
 * plaintext; a TLS flow to a *registered* server counts as "reached over TLS"), its clients
 * (ip + clientInfo), tools listed / called, resources read, prompts and first / last seen.
 * Pure over the report; run linkMcpSessions (./link.ts) first so clientInfo / serverInfo seen
 * on one connection of a session are attributed to all of them.
 */
import type { FlowReport, McpReport, ScanReport } from '../report/model.js';
import { endpointLabel } from './link.js';
import { matchRegistered } from './match.js';
import type { McpPolicy } from './policy.js';
import { httpHosts, mcpMessages, mcpPeer, mcpString, mcpStrings } from './records.js';
import type { PeerInfo } from './types.js';

export interface McpInventoryClient {
  ip: string;
  /** clientInfo of the session's initialize, null when not seen */
  name: string | null;
  version: string | null;
  flows: number;
  sessions: number;
  toolCalls: number;
  firstSeen: string;
  lastSeen: string;
}

export interface McpInventoryTool {
  name: string;
  /** named in a tools/list result */
  listed: boolean;
  /** tools/call requests seen (message records; a lower bound past the per-flow cap) */
  calls: number;
  /** JSON-RPC error responses to those calls */
  errors: number;
}

export interface McpInventoryServer {
  /** ip:port ([ip]:port for IPv6) */
  key: string;
  ip: string;
  port: number;
  /** Host header values and TLS SNI seen for this endpoint */
  hosts: string[];
  /** serverInfo of the first initialize seen */
  name: string | null;
  version: string | null;
  /** every distinct serverInfo seen (a port can be reused by another server) */
  serverInfos: PeerInfo[];
  protocolVersions: string[];
  transports: string[];
  /** flows in which MCP was seen in plaintext */
  plaintextFlows: number;
  /** TLS flows to this endpoint when it is a registered server (content not visible) */
  tlsFlows: number;
  plaintext: boolean;
  tls: boolean;
  /** name of the registered server it matches, when a policy was given */
  registered: string | null;
  clients: McpInventoryClient[];
  tools: McpInventoryTool[];
  resources: { uri: string; reads: number }[];
  /** prompt names fetched with prompts/get, and how many prompts/get requests were seen */
  prompts: string[];
  promptGets: number;
  sessions: number;
  messages: number;
  firstSeen: string;
  lastSeen: string;
  /** flow ids (first MAX_FLOW_IDS) */
  flowIds: number[];
}

export interface McpInventory {
  servers: McpInventoryServer[];
  /** MCP sessions (mcp.session keys; a flow without one counts alone) */
  sessions: number;
  /** flows carrying MCP in plaintext */
  mcpFlows: number;
}

export const MAX_FLOW_IDS = 1000;
const MAX_LIST = 1024;

/** session key of an MCP flow (its own flow when not linked) */
export function sessionOf(f: FlowReport): string {
  const s = f.mcp?.session;
  return typeof s === 'string' ? s : `flow-${f.id}`;
}

/** clientInfo / serverInfo per session, from whichever flow of the session carried initialize */
export function sessionPeers(report: ScanReport): Map<string, { client: PeerInfo | null; server: PeerInfo | null }> {
  const out = new Map<string, { client: PeerInfo | null; server: PeerInfo | null }>();
  for (const f of report.flows) {
    if (!f.mcp) continue;
    const key = sessionOf(f);
    const cur = out.get(key) ?? { client: null, server: null };
    cur.client ??= mcpPeer(f.mcp, 'client');
    cur.server ??= mcpPeer(f.mcp, 'server');
    out.set(key, cur);
  }
  return out;
}

/** what each capped list of the inventory holds, for pushUnique's membership test */
const MEMBERS = new WeakMap<unknown[], Set<unknown>>();

/** appends `v` to `list` unless it is there or the list holds MAX_LIST (a set lookup, not a scan: a list is touched once per flow) */
function pushUnique<T>(list: T[], v: T): void {
  if (list.length >= MAX_LIST) return;
  let members = MEMBERS.get(list);
  if (members === undefined) {
    members = new Set<unknown>(list);
    MEMBERS.set(list, members);
  }
  if (members.has(v)) return;
  members.add(v);
  list.push(v);
}

function newServer(f: FlowReport): McpInventoryServer {
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
  readonly s: McpInventoryServer;
  readonly sessions = new Set<string>();
  readonly clients = new Map<string, McpInventoryClient & { sessionSet: Set<string> }>();
  readonly tools = new Map<string, McpInventoryTool>();
  readonly resources = new Map<string, number>();
  /** serverInfos already listed, by name and version */
  readonly infoKeys = new Set<string>();
  constructor(f: FlowReport) {
    this.s = newServer(f);
  }

  touch(f: FlowReport): void {
    if (f.firstSeen < this.s.firstSeen) this.s.firstSeen = f.firstSeen;
    if (f.lastSeen > this.s.lastSeen) this.s.lastSeen = f.lastSeen;
    if (this.s.flowIds.length < MAX_FLOW_IDS) this.s.flowIds.push(f.id);
    for (const h of httpHosts(f)) pushUnique(this.s.hosts, h);
    if (f.tls?.sni) pushUnique(this.s.hosts, f.tls.sni);
  }

  client(f: FlowReport, peer: PeerInfo | null, session: string): McpInventoryClient & { sessionSet: Set<string> } {
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
    if (f.firstSeen < c.firstSeen) c.firstSeen = f.firstSeen;
    if (f.lastSeen > c.lastSeen) c.lastSeen = f.lastSeen;
    return c;
  }

  tool(name: string): McpInventoryTool {
    let t = this.tools.get(name);
    if (!t) {
      t = { name, listed: false, calls: 0, errors: 0 };
      if (this.tools.size < MAX_LIST) this.tools.set(name, t);
    }
    return t;
  }

  addMcp(f: FlowReport, m: McpReport, peers: { client: PeerInfo | null; server: PeerInfo | null } | undefined, session: string): void {
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
      // by name and version, capped (an audit found this list unbounded and scanned per flow:
      // 100 000 flows each announcing another name took 23 s)
      const key = JSON.stringify([server.name, server.version]);
      if (s.serverInfos.length < MAX_LIST && !this.infoKeys.has(key)) {
        this.infoKeys.add(key);
        s.serverInfos.push(server);
      }
    }
    const pv = mcpString(m, 'protocolVersion');
    if (pv !== null) pushUnique(s.protocolVersions, pv);
    const tr = mcpString(m, 'transport');
    if (tr !== null) pushUnique(s.transports, tr);
    const client = this.client(f, peers?.client ?? null, session);
    for (const name of mcpStrings(m, 'toolsListed')) this.tool(name).listed = true;
    for (const name of mcpStrings(m, 'toolsCalled')) this.tool(name);
    for (const p of mcpStrings(m, 'promptsGot')) pushUnique(s.prompts, p);
    const records = mcpMessages(f);
    const count = m['messageCount'];
    s.messages += typeof count === 'number' && count >= records.length ? count : records.length;
    for (const r of records) {
      if (r.dir !== 'c2s') continue;
      if (r.kind === 'request' && r.method === 'tools/call' && r.tool) {
        this.tool(r.tool).calls++;
        client.toolCalls++;
      }
      if (r.kind === 'request' && r.method === 'resources/read' && r.uri && (this.resources.size < MAX_LIST || this.resources.has(r.uri))) {
        this.resources.set(r.uri, (this.resources.get(r.uri) ?? 0) + 1);
      }
      if (r.kind === 'request' && r.method === 'prompts/get') s.promptGets++;
    }
    // errors travel s2c
    for (const r of records) if (r.dir === 's2c' && r.kind === 'error' && r.method === 'tools/call' && r.tool) this.tool(r.tool).errors++;
    for (const uri of mcpStrings(m, 'resourcesRead')) if (!this.resources.has(uri) && this.resources.size < MAX_LIST) this.resources.set(uri, 0);
  }

  addTls(f: FlowReport, registered: string): void {
    this.touch(f);
    this.s.tlsFlows++;
    this.s.tls = true;
    this.s.registered ??= registered;
    this.client(f, null, `flow-${f.id}`);
  }

  finish(): McpInventoryServer {
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
export function buildMcpInventory(report: ScanReport, policy?: McpPolicy | null): McpInventory {
  const peers = sessionPeers(report);
  const acc = new Map<string, ServerAcc>();
  const get = (f: FlowReport): ServerAcc => {
    const key = endpointLabel(f.server.ip, f.server.port);
    let a = acc.get(key);
    if (!a) {
      a = new ServerAcc(f);
      acc.set(key, a);
    }
    return a;
  };
  let mcpFlows = 0;
  const sessions = new Set<string>();
  for (const f of report.flows) {
    if (!f.mcp) continue;
    mcpFlows++;
    const session = sessionOf(f);
    sessions.add(session);
    get(f).addMcp(f, f.mcp, peers.get(session), session);
  }
  const registered = policy?.servers ?? null;
  if (registered !== null && registered.length > 0) {
    for (const f of report.flows) {
      if (f.mcp || !f.tls) continue;
      const r = matchRegistered(registered, f.server.ip, f.server.port, f.tls.sni ? [f.tls.sni] : []);
      if (r) get(f).addTls(f, r.name);
    }
  }
  const servers = [...acc.values()].map((a) => a.finish());
  if (registered !== null) {
    for (const s of servers) s.registered ??= matchRegistered(registered, s.ip, s.port, s.hosts)?.name ?? null;
  }
  servers.sort((a, b) => (a.firstSeen < b.firstSeen ? -1 : a.firstSeen > b.firstSeen ? 1 : a.key.localeCompare(b.key)));
  return { servers, sessions: sessions.size, mcpFlows };
}
