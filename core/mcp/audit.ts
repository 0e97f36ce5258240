/**
 * MCP audit against the policy file (docs/inventory.md), rules from core/report/rules.ts:
 * HNDL007 unregistered (shadow) MCP server, HNDL008 registered server reached over plaintext,
 * HNDL009 tool call outside toolPolicy (confused-deputy check). Findings name servers, clients
 * and tools, never argument or result values. Captured strings in messages are cleaned of
 * control / bidi characters and truncated; outputs still escape them.
 */
import { stripControls } from '../report/format-util.js';
import type { Finding, ScanReport } from '../report/model.js';
import { RULES } from '../report/rules.js';
import { sessionOf, sessionPeers } from './inventory.js';
import type { McpInventory, McpInventoryServer } from './inventory.js';
import { anyGlob, clientMatches, matchRegistered, serverMatches } from './match.js';
import type { McpPolicy, RegisteredMcpServer, ToolPolicyRule } from './policy.js';
import { endpointLabel } from './link.js';
import { httpHosts, mcpMessages } from './records.js';
import { isoRepresentable } from '../util/time.js';

const MAX_FLOW_IDS = 50;
const MAX_OCCURRENCES = 20;
const MAX_EVIDENCE_LIST = 50;

/** captured text for a one-line message: no control or bidi characters, at most `max` chars */
export function clean(s: string | null | undefined, max = 80): string {
  if (s === null || s === undefined) return '';
  const t = stripControls(s);
  return t.length > max ? `${t.slice(0, max)}…` : t;
}


/**
 * ISO time (milliseconds) of a capture timestamp; the Unix epoch when it has no RFC 3339 form
 * (years 0000–9999: a pcapng timestamp or interface offset can be far beyond), as microsToIso
 * does for flows: a hostile timestamp must not end the scan or write "+010000-…".
 */
function millisIso(tsMicros: number): string {
  return isoRepresentable(tsMicros) ? new Date(Math.floor(tsMicros / 1000)).toISOString() : EPOCH_ISO_MS;
}

const EPOCH_ISO_MS = '1970-01-01T00:00:00.000Z';

function serverLabel(s: McpInventoryServer): string {
  const host = s.hosts[0];
  return host !== undefined ? clean(host, 120) : s.key;
}

function serverTitle(s: McpInventoryServer): string {
  const info = s.name !== null ? `${clean(s.name)}${s.version !== null ? ` ${clean(s.version, 40)}` : ''} ` : '';
  return `${info}at ${s.key}`;
}

function serverEvidence(s: McpInventoryServer): Record<string, unknown> {
  return {
    server: { ip: s.ip, port: s.port, hosts: s.hosts.slice(0, 8), name: s.name, version: s.version },
    transports: s.transports,
    protocolVersions: s.protocolVersions,
    clients: s.clients.slice(0, MAX_EVIDENCE_LIST).map((c) => ({ ip: c.ip, name: c.name, version: c.version, flows: c.flows })),
    toolsCalled: s.tools.filter((t) => t.calls > 0).slice(0, MAX_EVIDENCE_LIST).map((t) => ({ name: t.name, calls: t.calls })),
    toolsListed: s.tools.filter((t) => t.listed).slice(0, MAX_EVIDENCE_LIST).map((t) => t.name),
    plaintextFlows: s.plaintextFlows,
    firstSeen: s.firstSeen,
    lastSeen: s.lastSeen,
  };
}

function unregistered(s: McpInventoryServer): Finding {
  const r = RULES.unregisteredMcpServer;
  // distinct addresses by a set (indexOf per client was quadratic: 100 000 clients took 11 s)
  const clients = [...new Set(s.clients.map((c) => c.ip))];
  return {
    ruleId: r.id,
    level: 'high',
    message: `Unregistered MCP server ${serverTitle(s)} is not in the inventory; ${clients.length} client${clients.length === 1 ? '' : 's'} used it.`,
    server: serverLabel(s),
    client: clients.length === 1 ? (clients[0] ?? null) : null,
    flowIds: s.flowIds.slice(0, MAX_FLOW_IDS),
    recommendation: 'Register the server in the MCP inventory with an owner, or shut it down; serve it only over TLS 1.3 with X25519MLKEM768.',
    evidence: serverEvidence(s),
  };
}

function plaintextRegistered(s: McpInventoryServer, reg: RegisteredMcpServer): Finding {
  const r = RULES.registeredMcpPlaintext;
  return {
    ruleId: r.id,
    level: 'high',
    message: `Registered MCP server "${clean(reg.name)}" (owner ${clean(reg.owner)}) was reached over plaintext at ${s.key} in ${s.plaintextFlows} flow${s.plaintextFlows === 1 ? '' : 's'}.`,
    server: serverLabel(s),
    client: s.clients.length === 1 ? (s.clients[0]?.ip ?? null) : null,
    flowIds: s.flowIds.slice(0, MAX_FLOW_IDS),
    recommendation: `Serve "${clean(reg.name)}" only over TLS 1.3 with X25519MLKEM768 and point its clients at the https:// URL.`,
    evidence: { registered: { name: reg.name, owner: reg.owner, url: reg.url }, ...serverEvidence(s), tlsFlows: s.tlsFlows },
  };
}

interface Violation {
  server: McpInventoryServer;
  registered: string | null;
  clientIp: string;
  clientName: string | null;
  clientVersion: string | null;
  tool: string;
  rule: ToolPolicyRule;
  reason: 'denied' | 'not-in-allow-list';
  occurrences: { flowId: number; time: string }[];
  calls: number;
}

/** the rule that forbids the call, or null when the policy allows it (deny wins, then allow lists) */
function verdict(rules: ToolPolicyRule[], tool: string): { rule: ToolPolicyRule; reason: Violation['reason'] } | null {
  for (const r of rules) if (anyGlob(r.deny, tool)) return { rule: r, reason: 'denied' };
  const withAllow = rules.filter((r) => r.allow !== null);
  if (withAllow.length === 0 || withAllow.some((r) => anyGlob(r.allow ?? [], tool))) return null;
  const first = withAllow[0];
  return first ? { rule: first, reason: 'not-in-allow-list' } : null;
}

function toolViolations(report: ScanReport, inventory: McpInventory, policy: McpPolicy): Violation[] {
  if (policy.toolPolicy.length === 0) return [];
  const byKey = new Map(inventory.servers.map((s) => [s.key, s]));
  const peers = sessionPeers(report);
  const out = new Map<string, Violation>();
  // per server, once: its registration and which rules its own labels match (a server keeps up
  // to 1 024 host names: matching them again for every flow cost 1 024 globs per rule per flow)
  const perServer = new Map<string, { reg: string | null; byServer: boolean[] }>();
  for (const f of report.flows) {
    if (!f.mcp) continue;
    const server = byKey.get(endpointLabel(f.server.ip, f.server.port));
    if (!server) continue;
    let known = perServer.get(server.key);
    if (known === undefined) {
      const reg = matchRegistered(policy.servers, server.ip, server.port, server.hosts)?.name ?? server.registered;
      const labels = [server.key, server.ip, ...server.hosts, ...(reg !== null ? [reg] : [])];
      known = { reg, byServer: policy.toolPolicy.map((r) => serverMatches(r.server, labels)) };
      perServer.set(server.key, known);
    }
    const reg = known.reg;
    const byServer = known.byServer;
    const flowHosts = httpHosts(f);
    const client = peers.get(sessionOf(f))?.client ?? null;
    const rules = policy.toolPolicy.filter(
      (r, i) =>
        (byServer[i] === true || (flowHosts.length > 0 && serverMatches(r.server, flowHosts))) &&
        (r.client === null || clientMatches(r.client, f.client.ip, client?.name ?? null)),
    );
    if (rules.length === 0) continue;
    for (const m of mcpMessages(f)) {
      if (m.dir !== 'c2s' || m.kind !== 'request' || m.method !== 'tools/call' || !m.tool) continue;
      const v = verdict(rules, m.tool);
      if (!v) continue;
      const key = [server.key, f.client.ip, client?.name ?? '', client?.version ?? '', m.tool].join('\u0000');
      let viol = out.get(key);
      if (!viol) {
        viol = {
          server, registered: reg, clientIp: f.client.ip, clientName: client?.name ?? null,
          clientVersion: client?.version ?? null, tool: m.tool, rule: v.rule, reason: v.reason, occurrences: [], calls: 0,
        };
        out.set(key, viol);
      }
      viol.calls++;
      if (viol.occurrences.length < MAX_OCCURRENCES) {
        viol.occurrences.push({ flowId: f.id, time: millisIso(m.tsMicros) });
      }
    }
  }
  return [...out.values()];
}

function outsidePolicy(v: Violation): Finding {
  const r = RULES.toolCallOutsidePolicy;
  const who = `${v.clientName !== null ? `${clean(v.clientName)} at ` : ''}${v.clientIp}`;
  const where = v.registered !== null ? `"${clean(v.registered)}" (${v.server.key})` : v.server.key;
  const why = v.reason === 'denied' ? `denied by toolPolicy[${v.rule.index}]` : `not allowed by toolPolicy[${v.rule.index}]`;
  const first = v.occurrences[0];
  return {
    ruleId: r.id,
    level: 'high',
    message: `Client ${who} called tool "${clean(v.tool)}" on MCP server ${where} ${v.calls} time${v.calls === 1 ? '' : 's'}: ${why}.`,
    server: serverLabel(v.server),
    client: v.clientIp,
    flowIds: [...new Set(v.occurrences.map((o) => o.flowId))].slice(0, MAX_FLOW_IDS),
    recommendation: 'Check why this client called the tool; block the call at the MCP gateway, or update toolPolicy if the call is legitimate.',
    evidence: {
      tool: v.tool,
      reason: v.reason,
      rule: { index: v.rule.index, server: v.rule.server, client: v.rule.client },
      server: { ip: v.server.ip, port: v.server.port, name: v.server.name, registered: v.registered },
      client: { ip: v.clientIp, name: v.clientName, version: v.clientVersion },
      calls: v.calls,
      firstCall: first ?? null,
      occurrences: v.occurrences,
    },
  };
}

/**
 * Findings of the MCP audit. HNDL007 needs `servers` in the policy (null: not checked);
 * HNDL008 fires for registered servers with `tls: true` seen in plaintext; HNDL009 for every
 * (server, client, tool) called against toolPolicy.
 */
export function auditMcp(report: ScanReport, inventory: McpInventory, policy: McpPolicy): Finding[] {
  const findings: Finding[] = [];
  for (const s of inventory.servers) {
    if (s.plaintextFlows === 0) continue;
    const reg = policy.servers === null ? null : matchRegistered(policy.servers, s.ip, s.port, s.hosts);
    if (policy.servers !== null && reg === null) findings.push(unregistered(s));
    if (reg !== null && reg.tls) findings.push(plaintextRegistered(s, reg));
  }
  for (const v of toolViolations(report, inventory, policy)) findings.push(outsidePolicy(v));
  return findings;
}
