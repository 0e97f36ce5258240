/**
 * Cross-connection MCP session linking over a finished report (MCP spec "Transports"):
 *
 * - Streamable HTTP (2025-03-26 … 2025-11-25) spreads one session over several TCP connections;
 *   they share the `Mcp-Session-Id` header value (FlowReport.mcp.sessionIds).
 * - Legacy HTTP+SSE (2024-11-05): the GET stream announces `/messages?sessionId=…` in its
 *   `endpoint` event and the client POSTs there on other connections (mcp.legacy.sessionId);
 *   responses come back as `event: message` on the GET stream.
 * - Stateless Streamable HTTP and NDJSON carry no session id: flows from one client IP to one
 *   server endpoint whose lifetimes overlap or follow within STATELESS_GAP_MS form one
 *   "connection group" (a heuristic, documented in docs/inventory.md).
 *
 * Every MCP flow gets `mcp.session`, a key shared by all flows of its session. Responses whose
 * request travelled on another connection of the same session (method still null) are paired
 * by JSON-RPC id and get the request's method / tool / uri. Pure over the report; idempotent.
 */
import { endpointLabel } from '../report/format-util.js';
import type { FlowReport, ScanReport } from '../report/model.js';
import { mcpLegacySession, mcpMessages, mcpString, mcpStrings } from './records.js';
import type { McpMessageRecord } from './types.js';

/** idle gap that still joins two stateless flows of one client into one connection group */
export const STATELESS_GAP_MS = 5_000;

class UnionFind {
  private readonly parent: number[];
  constructor(n: number) {
    this.parent = Array.from({ length: n }, (_, i) => i);
  }
  find(i: number): number {
    let r = i;
    while (this.parent[r] !== r) r = this.parent[r] ?? r;
    let x = i;
    while (this.parent[x] !== r) {
      const next = this.parent[x] ?? r;
      this.parent[x] = r;
      x = next;
    }
    return r;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

export { endpointLabel };

/** session ids of a flow: Mcp-Session-Id values and the legacy endpoint's sessionId */
function sessionIdsOf(f: FlowReport): string[] {
  if (!f.mcp) return [];
  const ids = mcpStrings(f.mcp, 'sessionIds');
  const legacy = mcpLegacySession(f.mcp);
  if (legacy !== null && !ids.includes(legacy)) ids.push(legacy);
  return ids;
}

function ms(iso: string): number {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : 0;
}

function groupFlows(flows: FlowReport[]): UnionFind {
  const uf = new UnionFind(flows.length);
  const bySid = new Map<string, number>();
  const stateless = new Map<string, number[]>();
  flows.forEach((f, i) => {
    const server = endpointLabel(f.server.ip, f.server.port);
    const sids = sessionIdsOf(f);
    for (const sid of sids) {
      const key = `${server}\u0000${sid}`;
      const first = bySid.get(key);
      if (first === undefined) bySid.set(key, i);
      else uf.union(first, i);
    }
    if (sids.length === 0 && f.mcp && mcpString(f.mcp, 'transport') === 'streamable-http') {
      const key = `${f.client.ip}\u0000${server}`;
      const list = stateless.get(key) ?? [];
      list.push(i);
      stateless.set(key, list);
    }
  });
  for (const list of stateless.values()) {
    list.sort((a, b) => ms(flows[a]?.firstSeen ?? '') - ms(flows[b]?.firstSeen ?? ''));
    let groupStart = -1;
    let groupEnd = -Infinity;
    for (const i of list) {
      const f = flows[i];
      if (!f) continue;
      const start = ms(f.firstSeen);
      if (groupStart >= 0 && start <= groupEnd + STATELESS_GAP_MS) uf.union(groupStart, i);
      else {
        groupStart = i;
        groupEnd = -Infinity;
      }
      groupEnd = Math.max(groupEnd, ms(f.lastSeen));
    }
  }
  return uf;
}

interface RequestRef {
  ts: number;
  method: string;
  tool: string | null;
  uri: string | null;
}

/** Pairs unanswered responses of a session with requests sent on its other flows. */
function pairAcross(group: FlowReport[]): number {
  const requests = new Map<string, RequestRef[]>();
  for (const f of group) {
    for (const m of mcpMessages(f)) {
      if (m.kind !== 'request' || m.id === null || m.method === null) continue;
      const key = `${m.dir}\u0000${m.id}`;
      const list = requests.get(key) ?? [];
      list.push({ ts: m.tsMicros, method: m.method, tool: m.tool ?? null, uri: m.uri ?? null });
      requests.set(key, list);
    }
  }
  // by time once (stable: requests of one time keep their order), for pick's binary search
  for (const list of requests.values()) list.sort((a, b) => a.ts - b.ts);
  let paired = 0;
  for (const f of group) {
    for (const m of mcpMessages(f)) {
      if ((m.kind !== 'response' && m.kind !== 'error') || m.method !== null || m.id === null) continue;
      const req = pick(requests.get(`${m.dir === 's2c' ? 'c2s' : 's2c'}\u0000${m.id}`), m);
      if (!req) continue;
      m.method = req.method;
      if (m.tool === null || m.tool === undefined) m.tool = req.tool;
      if (m.uri === null || m.uri === undefined) m.uri = req.uri;
      paired++;
    }
  }
  return paired;
}

/**
 * The latest request sent before the response (of those sent at the same time, the last); the
 * only one when none precedes it. `list` is sorted by time: a binary search, so a session of
 * many flows answering the same id does not cost requests × responses (found by an audit: 18 MB
 * of such MCP traffic took 33 s).
 */
function pick(list: RequestRef[] | undefined, resp: McpMessageRecord): RequestRef | null {
  if (!list || list.length === 0) return null;
  // first index whose time is after the response
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid]?.ts ?? 0) <= resp.tsMicros) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0) return list[lo - 1] ?? null;
  return list.length === 1 ? (list[0] ?? null) : null;
}

export interface LinkStats {
  sessions: number;
  /** responses that got their method from a request on another flow */
  paired: number;
}

/** Links the report's MCP flows into sessions (sets mcp.session) and pairs responses across flows. */
export function linkMcpSessions(report: ScanReport): LinkStats {
  const flows = report.flows.filter((f) => f.mcp !== null && f.mcp !== undefined);
  const uf = groupFlows(flows);
  const groups = new Map<number, FlowReport[]>();
  flows.forEach((f, i) => {
    const root = uf.find(i);
    const g = groups.get(root) ?? [];
    g.push(f);
    groups.set(root, g);
  });
  let paired = 0;
  for (const group of groups.values()) {
    const first = group[0];
    if (!first) continue;
    const server = endpointLabel(first.server.ip, first.server.port);
    const sid = group.map(sessionIdsOf).find((ids) => ids.length > 0)?.[0];
    let minId = Infinity;
    for (const f of group) if (f.id < minId) minId = f.id; // no spread: a group can hold 100 000s of flows
    const key = sid !== undefined ? `${server}/${sid.slice(0, 256)}` : `${server}/flow-${minId}`;
    for (const f of group) if (f.mcp) f.mcp.session = key;
    if (group.length > 1) paired += pairAcross(group);
  }
  return { sessions: groups.size, paired };
}
