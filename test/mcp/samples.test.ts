/**
 * Real captures made with the official MCP TypeScript SDK (samples/mcp/make-mcp-samples.sh).
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HttpAnalyzer } from '../../core/http/analyzer.js';
import { sniffHttp } from '../../core/http/sniff.js';
import { NdjsonRpcAnalyzer, sniffNdjsonRpc } from '../../core/mcp/ndjson.js';
import type { McpFlowInfo, McpPayload } from '../../core/mcp/types.js';
import type { Flow, StreamAnalyzer } from '../../core/flow/types.js';
import { makeFlow, readTcpConnections, runConn } from './helpers.js';

const dir = new URL('../../samples/', import.meta.url).pathname;

function scan(file: string, onPayload?: (f: Flow, m: McpPayload) => void): Flow[] {
  const http = new HttpAnalyzer(onPayload ? { onPayload } : {});
  const nd = new NdjsonRpcAnalyzer(onPayload ? { onPayload } : {});
  const flows: Flow[] = [];
  for (const [i, conn] of readTcpConnections(dir + file).entries()) {
    const first = conn.segments[0];
    if (!first) continue;
    let a: StreamAnalyzer | null = null;
    if (sniffHttp(first.data)) a = http;
    else if (sniffNdjsonRpc(first.data)) a = nd;
    if (!a) continue;
    flows.push(runConn(a, conn, makeFlow(i + 1)));
  }
  return flows;
}

/** union of one field over the MCP flows of a capture */
function union(flows: Flow[], pick: (m: McpFlowInfo) => string[]): string[] {
  const out = new Set<string>();
  for (const f of flows) {
    const m = f.ext['mcp'] as McpFlowInfo | undefined;
    if (m) for (const x of pick(m)) out.add(x);
  }
  return [...out];
}

const CASES: Array<[string, string]> = [
  ['mcp-streamable-json.pcap', 'streamable-http'],
  ['mcp-streamable-sse.pcap', 'streamable-http'],
  ['mcp-stateless.pcap', 'streamable-http'],
  ['mcp-legacy-sse.pcap', 'sse-legacy'],
  ['mcp-ndjson-tcp.pcap', 'ndjson'],
];

describe.each(CASES)('sample %s', (file, transport) => {
  it.skipIf(!existsSync(dir + file))('finds the MCP session', () => {
    const flows = scan(file);
    const mcp = flows.filter((f) => f.app === 'mcp');
    expect(mcp.length).toBeGreaterThan(0);
    const infos = mcp.map((f) => f.ext['mcp'] as McpFlowInfo);
    expect(new Set(infos.map((m) => m.transport))).toEqual(new Set([transport]));
    expect(union(mcp, (m) => m.methods)).toEqual(
      expect.arrayContaining(['initialize', 'notifications/initialized', 'tools/list', 'tools/call', 'resources/read', 'prompts/get']),
    );
    expect(union(mcp, (m) => m.toolsCalled).sort()).toEqual(['get_weather', 'lookup_customer', 'no_such_tool']);
    expect(union(mcp, (m) => m.toolsListed).sort()).toEqual(['get_weather', 'lookup_customer']);
    expect(union(mcp, (m) => m.resourcesRead).sort()).toEqual(['config://app', 'config://missing']);
    expect(union(mcp, (m) => m.promptsGot)).toEqual(['summarize']);
    expect(infos.find((m) => m.client)?.client).toEqual({ name: 'hndl-sample-client', version: '0.9.1' });
    expect(infos.find((m) => m.server)?.server).toEqual({ name: 'hndl-sample-server', version: '1.4.2' });
    expect(infos.find((m) => m.protocolVersion)?.protocolVersion).toMatch(/^20\d\d-\d\d-\d\d$/);
    expect(infos.reduce((n, m) => n + m.errors, 0)).toBe(1);
    expect(infos.reduce((n, m) => n + m.toolErrors, 0)).toBe(1);
    // every response whose request is on the same flow got its method
    const all = infos.flatMap((m) => m.messages);
    const responses = all.filter((x) => x.kind === 'response' || x.kind === 'error');
    expect(responses.length).toBeGreaterThanOrEqual(7);
    if (transport !== 'sse-legacy') expect(responses.every((x) => x.method !== null)).toBe(true);
    if (transport !== 'ndjson') expect(responses.filter((x) => x.dir === 's2c').every((x) => x.status === 200)).toBe(true);
    // secrets are not copied into the flow records
    for (const f of flows) expect(JSON.stringify(f.ext)).not.toMatch(/4111111111111111|AKIAIOSFODNN7EXAMPLE|jane\.doe/);
    for (const f of flows) expect(f.issues).toEqual([]);
  });

  it.skipIf(!existsSync(dir + file))('hands the synthetic secrets to onPayload', () => {
    const seen: string[] = [];
    scan(file, (_f, m) => {
      if (m.tool === 'lookup_customer' && m.params !== undefined) seen.push(JSON.stringify(m.params));
    });
    expect(seen.join()).toContain('4111111111111111');
    expect(seen.join()).toContain('AKIAIOSFODNN7EXAMPLE');
  });
});

describe('legacy sample links the GET stream to the POST flows', () => {
  it.skipIf(!existsSync(dir + 'mcp-legacy-sse.pcap'))('by sessionId', () => {
    const infos = scan('mcp-legacy-sse.pcap')
      .map((f) => f.ext['mcp'] as McpFlowInfo | undefined)
      .filter((m): m is McpFlowInfo => m !== undefined);
    const stream = infos.find((m) => m.legacy?.endpoint);
    expect(stream?.legacy?.endpointPath).toBe('/messages');
    const sid = stream?.legacy?.sessionId;
    expect(sid).toMatch(/^[0-9a-f-]{36}$/);
    const posts = infos.filter((m) => m.legacy && m.legacy.endpoint === null);
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.every((m) => m.legacy?.sessionId === sid)).toBe(true);
  });
});
