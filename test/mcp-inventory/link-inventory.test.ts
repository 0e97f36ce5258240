/**
 * Cross-connection session linking (core/mcp/link.ts) and the MCP inventory
 * (core/mcp/inventory.ts) on real captures of every MCP transport.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { linkMcpSessions } from '../../core/mcp/link.js';
import { buildMcpInventory } from '../../core/mcp/inventory.js';
import { analyzeMcp } from '../../core/mcp/analyze.js';
import { auditMcp, parseMcpPolicy } from '../../core/mcp/policy.js';
import { mcpMessages } from '../../core/mcp/records.js';
import type { FlowReport, ScanReport } from '../../core/report/model.js';
import { CLIENT, MCP_SAMPLES, PORTS, SERVER, TOOLS_CALLED, scan } from './helpers.js';

const mcpFlows = (r: ScanReport): FlowReport[] => r.flows.filter((f) => f.mcp !== null);

describe('linkMcpSessions', () => {
  it('legacy HTTP+SSE: joins the GET stream with the POST flows and gives stream responses their method', async () => {
    const r = await scan(MCP_SAMPLES.legacy);
    const stream = r.flows.find((f) => f.mcp?.['legacy'] && mcpMessages(f).every((m) => m.dir === 's2c'));
    expect(stream).toBeDefined();
    // the scan pipeline links sessions already (core/scan.ts finish → analyzeMcp); linking
    // again finds the same session and nothing left to pair
    const stats = linkMcpSessions(r);
    const flows = mcpFlows(r);
    expect(flows.length).toBe(3);
    const keys = new Set(flows.map((f) => f.mcp?.session));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^127\.0\.0\.1:8934\/[0-9a-f-]{36}$/);
    expect(stats.sessions).toBe(1);
    expect(stats.paired).toBe(0);
    expect(mcpMessages(stream as FlowReport).filter((m) => m.dir === 's2c').length).toBeGreaterThanOrEqual(8);
    const byId = new Map(mcpMessages(stream as FlowReport).map((m) => [m.id, m]));
    expect(byId.get('0')?.method).toBe('initialize');
    expect(byId.get('1')?.method).toBe('tools/list');
    expect(byId.get('2')).toMatchObject({ method: 'tools/call', tool: 'lookup_customer' });
    expect(byId.get('6')).toMatchObject({ method: 'tools/call', tool: 'no_such_tool' });
    expect(byId.get('7')).toMatchObject({ method: 'resources/read', uri: 'config://missing', kind: 'error' });
    expect(mcpMessages(stream as FlowReport).every((m) => m.method !== null)).toBe(true);

  });

  it('legacy HTTP+SSE: responses stripped of their method get the same ones again (pairing by binary search over requests sorted by time)', async () => {
    const r = await scan(MCP_SAMPLES.legacy);
    const stream = r.flows.find((f) => f.mcp?.['legacy'] && mcpMessages(f).every((m) => m.dir === 's2c')) as FlowReport;
    const before = mcpMessages(stream).map((m) => [m.id, m.method, m.tool ?? null, m.uri ?? null]);
    let stripped = 0;
    for (const m of mcpMessages(stream)) {
      if (m.kind === 'response' || m.kind === 'error') {
        m.method = null;
        m.tool = null;
        m.uri = null;
        stripped++;
      }
    }
    expect(stripped).toBeGreaterThanOrEqual(8);
    expect(linkMcpSessions(r).paired).toBe(stripped);
    expect(mcpMessages(stream).map((m) => [m.id, m.method, m.tool ?? null, m.uri ?? null])).toEqual(before);
  });

  it('stateless Streamable HTTP: one connection group; in-flow pairs stay as they were', async () => {
    const r = await scan(MCP_SAMPLES.stateless);
    const snapshot = JSON.stringify(mcpFlows(r).map(mcpMessages));
    const stats = linkMcpSessions(r);
    const flows = mcpFlows(r);
    expect(flows.length).toBe(3);
    expect(new Set(flows.map((f) => f.mcp?.session)).size).toBe(1);
    expect(flows[0]?.mcp?.session).toBe(`127.0.0.1:${PORTS.stateless}/flow-${flows[0]?.id}`);
    expect(stats.paired).toBe(0);
    expect(JSON.stringify(flows.map(mcpMessages))).toBe(snapshot);
    for (const f of flows) for (const m of mcpMessages(f)) if (m.kind === 'response' || m.kind === 'error') expect(m.method).not.toBeNull();
  });

  it('Streamable HTTP: flows join by Mcp-Session-Id; ndjson is its own session', async () => {
    for (const [file, port] of [[MCP_SAMPLES.json, PORTS.json], [MCP_SAMPLES.sse, PORTS.sse]] as const) {
      const r = await scan(file);
      linkMcpSessions(r);
      const flows = mcpFlows(r);
      expect(flows.length).toBe(3);
      const sid = flows[0]?.mcp?.['sessionIds'];
      expect(Array.isArray(sid)).toBe(true);
      const keys = new Set(flows.map((f) => f.mcp?.session));
      expect([...keys]).toEqual([`127.0.0.1:${port}/${String((sid as string[])[0])}`]);
    }
    const nd = await scan(MCP_SAMPLES.ndjson);
    linkMcpSessions(nd);
    expect(mcpFlows(nd).map((f) => f.mcp?.session)).toEqual([`127.0.0.1:${PORTS.ndjson}/flow-${mcpFlows(nd)[0]?.id}`]);
  });

  it('does not join sessions of different servers that reuse a session id', () => {
    const flow = (id: number, port: number): FlowReport => ({
      id, transport: 'tcp', client: { ip: '10.0.0.1', port: 40000 + id }, server: { ip: '10.0.0.2', port }, app: 'mcp',
      firstSeen: '2026-01-01T00:00:00.000Z', lastSeen: '2026-01-01T00:00:01.000Z',
      packets: { clientToServer: 1, serverToClient: 1 }, bytes: { clientToServer: 1, serverToClient: 1 }, endReason: null,
      tls: null, kex: { offered: 'plaintext', negotiated: 'plaintext', group: null }, issues: [],
      mcp: { methods: [], tools: [], transport: 'streamable-http', sessionIds: ['same'], messages: [] },
    });
    const r = { flows: [flow(1, 80), flow(2, 81)] } as unknown as ScanReport;
    expect(linkMcpSessions(r).sessions).toBe(2);
  });
});

describe('buildMcpInventory', () => {
  let all: ScanReport;
  beforeAll(async () => {
    all = await scan(...Object.values(MCP_SAMPLES));
    linkMcpSessions(all);
  });

  it('lists the five sample servers with serverInfo, transport, protocol version and plaintext reach', () => {
    const inv = buildMcpInventory(all);
    expect(inv.servers.map((s) => s.port).sort()).toEqual(Object.values(PORTS).sort());
    expect(inv.sessions).toBe(5);
    expect(inv.mcpFlows).toBe(13);
    const transports = Object.fromEntries(inv.servers.map((s) => [s.port, s.transports]));
    expect(transports).toEqual({
      8931: ['streamable-http'], 8932: ['streamable-http'], 8933: ['streamable-http'], 8934: ['sse-legacy'], 8935: ['ndjson'],
    });
    for (const s of inv.servers) {
      expect(s.key).toBe(`127.0.0.1:${s.port}`);
      expect({ name: s.name, version: s.version }).toEqual(SERVER);
      expect(s.protocolVersions).toEqual(['2025-11-25']);
      expect(s.plaintext).toBe(true);
      expect(s.tls).toBe(false);
      expect(s.registered).toBeNull();
      expect(s.sessions).toBe(1);
      expect(s.firstSeen <= s.lastSeen).toBe(true);
    }
  });

  it('attributes clientInfo to every flow of the session and counts tool calls, resources, prompts', () => {
    const inv = buildMcpInventory(all);
    for (const s of inv.servers) {
      expect(s.clients).toHaveLength(1);
      const c = s.clients[0];
      expect(c).toMatchObject({ ip: '127.0.0.1', ...CLIENT, sessions: 1, toolCalls: 3 });
      expect(c?.flows).toBe(s.flowIds.length);
      const called = Object.fromEntries(s.tools.filter((t) => t.calls > 0).map((t) => [t.name, t.calls]));
      expect(called).toEqual(Object.fromEntries(TOOLS_CALLED.map((t) => [t, 1])));
      const lookup = s.tools.find((t) => t.name === 'lookup_customer');
      expect(lookup?.listed).toBe(true);
      expect(s.tools.find((t) => t.name === 'no_such_tool')?.listed).toBe(false);
      expect(s.resources).toEqual([{ uri: 'config://app', reads: 1 }, { uri: 'config://missing', reads: 1 }]);
      expect(s.prompts).toEqual(['summarize']);
      expect(s.promptGets).toBe(1);
      expect(s.messages).toBeGreaterThanOrEqual(17);
    }
  });

  it('counts a TLS flow to a registered server URL as reached over TLS', async () => {
    const r = await scan('hybrid-offered-classical.pcap', MCP_SAMPLES.json);
    const policy = parseMcpPolicy(
      'servers:\n  - { name: crm, owner: sales, url: "https://MCP.internal.test:4435/mcp" }\n  - { name: json, owner: x, ip: 127.0.0.1, port: 8931 }\n',
      'inv.yaml',
    );
    const inv = analyzeMcp(r, policy);
    expect(r.mcpInventory).toBe(inv);
    const tls = inv.servers.find((s) => s.port === 4435);
    expect(tls).toMatchObject({ tls: true, plaintext: false, tlsFlows: 1, plaintextFlows: 0, registered: 'crm', hosts: ['mcp.internal.test'] });
    expect(tls?.clients.map((c) => c.name)).toEqual([null]);
    expect(inv.servers.find((s) => s.port === 8931)?.registered).toBe('json');
    // a wrong port or name does not match
    const other = await scan('hybrid-offered-classical.pcap');
    const inv2 = buildMcpInventory(other, parseMcpPolicy('servers: [{ name: a, owner: b, url: "https://mcp.internal.test/mcp" }]', 'x'));
    expect(inv2.servers).toEqual([]);
  });
});

describe('hostile or malformed report fields', () => {
  it('link, inventory and audit skip bad MCP fields without throwing', () => {
    const base = (id: number, mcp: Record<string, unknown>): FlowReport => ({
      id, transport: 'tcp', client: { ip: '10.0.0.1', port: 40000 + id }, server: { ip: '10.0.0.2', port: 80 }, app: 'mcp',
      firstSeen: 'not a date', lastSeen: '2026-01-01T00:00:01.000Z',
      packets: { clientToServer: 1, serverToClient: 1 }, bytes: { clientToServer: 1, serverToClient: 1 }, endReason: null,
      tls: null, kex: { offered: 'plaintext', negotiated: 'plaintext', group: null }, issues: [],
      mcp: { methods: [], tools: [], ...mcp },
    });
    const r = {
      flows: [
        base(1, { messages: 'x', sessionIds: [1, null], legacy: 'y', client: 5, transport: 'streamable-http' }),
        base(2, { messages: [null, 1, { dir: 'c2s' }, { tsMicros: 1, dir: 'c2s', kind: 'request', id: '1', method: 'tools/call', tool: '<script>\u202e', size: 2 }], server: { name: ['a'] } }),
        base(3, { messages: [{ tsMicros: 2, dir: 's2c', kind: 'response', id: '1', method: null, tool: null, size: 2 }], transport: 'streamable-http' }),
        base(4, { toolsCalled: [1, 'x'], toolsListed: 'no', resourcesRead: null, promptsGot: [{}] }),
      ],
    } as unknown as ScanReport;
    linkMcpSessions(r);
    const inv = buildMcpInventory(r);
    expect(inv.servers).toHaveLength(1);
    expect(inv.servers[0]?.tools.map((t) => t.name).sort()).toEqual(['<script>\u202e', 'x']);
    const policy = parseMcpPolicy('servers: []\ntoolPolicy: [{server: "*", deny: ["<*"]}]', 'x');
    const fs = auditMcp(r, inv, policy);
    expect(fs.map((f) => f.ruleId)).toEqual(['HNDL007', 'HNDL009']);
    expect(fs[1]?.message).toContain('"<script>?"');
    expect(fs[1]?.evidence?.['tool']).toBe('<script>\u202e');
  });
});
