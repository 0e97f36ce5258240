import { describe, expect, it } from 'vitest';
import { HttpAnalyzer } from '../../core/http/analyzer.js';
import type { HttpFlowInfo } from '../../core/http/types.js';
import { sparseRecord } from '../../core/http/types.js';
import type { JsonRpcFlowInfo, McpFlowInfo, McpPayload } from '../../core/mcp/types.js';
import { Want } from '../../core/flow/types.js';
import { enc, feed, makeFlow } from './helpers.js';

const post = (body: string, extra = '', path = '/mcp'): string =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:3000\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const jsonRes = (body: string, extra = '', status = '200 OK'): string =>
  `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const sseRes = (events: string[], extra = ''): string => {
  const body = events.join('');
  return `HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n${extra}Transfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
};

const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'claude-code', version: '2.1.0' } },
});
const INIT_RES = JSON.stringify({
  jsonrpc: '2.0',
  id: 0,
  result: { protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'acme-mcp', version: '0.3.0' } },
});
const CALL = JSON.stringify({
  jsonrpc: '2.0',
  id: 'c-1',
  method: 'tools/call',
  params: { name: 'lookup_customer', arguments: { email: 'jane.doe@example.com', card: '4111111111111111' } },
});

const mcpOf = (f: ReturnType<typeof makeFlow>): McpFlowInfo => f.ext['mcp'] as McpFlowInfo;

describe('HttpAnalyzer + MCP (Streamable HTTP)', () => {
  it('recognises an initialize / tools/list / tools/call session with JSON and SSE responses', () => {
    const a = new HttpAnalyzer();
    const f = makeFlow();
    const sid = 'Mcp-Session-Id: 1868a90c-4c6f-4a5b-9a0e-3a3b1e1d0001\r\n';
    feed(a, f, 0, [post(INIT)], 10);
    feed(a, f, 1, [jsonRes(INIT_RES, sid)], 11);
    feed(a, f, 0, [post('{"jsonrpc":"2.0","method":"notifications/initialized"}', sid)], 12);
    feed(a, f, 1, ['HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n'], 13);
    feed(a, f, 0, [post('{"jsonrpc":"2.0","id":1,"method":"tools/list"}', sid)], 14);
    const list = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { tools: [{ name: 'lookup_customer' }, { name: 'get_weather' }] } });
    feed(a, f, 1, [sseRes([`event: message\nid: e1\ndata: ${list}\n\n`])], 15);
    feed(a, f, 0, [post(CALL, sid)], 16);
    feed(a, f, 1, [jsonRes(JSON.stringify({ jsonrpc: '2.0', id: 'c-1', result: { content: [] } }))], 17);
    a.onEnd(f);
    expect(f.app).toBe('mcp');
    const m = mcpOf(f);
    expect(m.transport).toBe('streamable-http');
    expect(m.protocolVersion).toBe('2025-06-18');
    expect(m.client).toEqual({ name: 'claude-code', version: '2.1.0' });
    expect(m.server).toEqual({ name: 'acme-mcp', version: '0.3.0' });
    expect(m.sessionIds).toEqual(['1868a90c-4c6f-4a5b-9a0e-3a3b1e1d0001']);
    expect(m.methods).toEqual(['initialize', 'notifications/initialized', 'tools/list', 'tools/call']);
    expect(m.toolsListed).toEqual(['lookup_customer', 'get_weather']);
    expect(m.toolsCalled).toEqual(['lookup_customer']);
    expect(m.messages.map((x) => [x.dir, x.kind, x.method, x.id, x.status])).toEqual([
      ['c2s', 'request', 'initialize', '0', null],
      ['s2c', 'response', 'initialize', '0', 200],
      ['c2s', 'notification', 'notifications/initialized', null, null],
      ['c2s', 'request', 'tools/list', '1', null],
      ['s2c', 'response', 'tools/list', '1', 200],
      ['c2s', 'request', 'tools/call', 'c-1', null],
      ['s2c', 'response', 'tools/call', 'c-1', 200],
    ]);
    expect(m.messages[6]?.tool).toBe('lookup_customer');
    expect(m.messages[0]?.tsMicros).toBe(10);
    // values are not stored anywhere in the flow record
    expect(JSON.stringify(f.ext)).not.toContain('4111111111111111');
    const http = f.ext['http'] as HttpFlowInfo;
    expect(http.requestCount).toBe(4);
    expect(http.statusCounts).toEqual({ '200': 3, '202': 1 });
    expect(http.requests[0]).toMatchObject({ method: 'POST', path: '/mcp', host: '127.0.0.1:3000', contentType: 'application/json', status: 200 });
    expect(http.sseEvents).toBe(1);
  });

  it('pairs by id (incl. errors, string vs number ids, server→client requests)', () => {
    const a = new HttpAnalyzer();
    const f = makeFlow();
    const batch = JSON.stringify([
      { jsonrpc: '2.0', id: 5, method: 'resources/read', params: { uri: 'file:///etc/app.conf' } },
      { jsonrpc: '2.0', id: '5', method: 'prompts/get', params: { name: 'summarize' } },
    ]);
    feed(a, f, 0, [post(batch)], 1);
    const resp = JSON.stringify([
      { jsonrpc: '2.0', id: '5', error: { code: -32602, message: 'bad prompt' } },
      { jsonrpc: '2.0', id: 5, result: { contents: [] } },
      { jsonrpc: '2.0', id: 99, method: 'sampling/createMessage', params: {} },
    ]);
    feed(a, f, 1, [jsonRes(resp)], 2);
    feed(a, f, 0, [post('{"jsonrpc":"2.0","id":99,"result":{"role":"assistant"}}')], 3);
    feed(a, f, 1, ['HTTP/1.1 202 Accepted\r\n\r\n'], 4);
    const m = mcpOf(f);
    expect(m.messages.map((x) => [x.dir, x.kind, x.method, x.id, x.uri])).toEqual([
      ['c2s', 'request', 'resources/read', '5', 'file:///etc/app.conf'],
      ['c2s', 'request', 'prompts/get', '5', null],
      ['s2c', 'error', 'prompts/get', '5', null],
      ['s2c', 'response', 'resources/read', '5', 'file:///etc/app.conf'],
      ['s2c', 'request', 'sampling/createMessage', '99', null],
      ['c2s', 'response', 'sampling/createMessage', '99', null],
    ]);
    expect(m.errors).toBe(1);
    expect(m.resourcesRead).toEqual(['file:///etc/app.conf']);
    expect(m.promptsGot).toEqual(['summarize']);
    expect(m.messages[0]!.size).toBeGreaterThan(50);
  });

  it('does not call Ethereum JSON-RPC MCP', () => {
    const a = new HttpAnalyzer();
    const f = makeFlow();
    feed(a, f, 0, [post('{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}', '', '/')]);
    feed(a, f, 1, [jsonRes('{"jsonrpc":"2.0","id":1,"result":"0x10d4f"}')]);
    feed(a, f, 0, [post('[{"jsonrpc":"2.0","id":2,"method":"eth_getBalance","params":["0x0",  "latest"]},{"jsonrpc":"2.0","id":3,"method":"ping"}]', '', '/')]);
    expect(f.app).toBe('http');
    expect(f.ext['mcp']).toBeUndefined();
    const rpc = f.ext['jsonrpc'] as JsonRpcFlowInfo;
    expect(rpc.kind).toBe('jsonrpc-non-mcp');
    expect(rpc.methods).toEqual(['eth_blockNumber', 'eth_getBalance', 'ping']);
    expect(rpc.messages).toBe(4);
  });

  it('does not call LSP-like initialize (serverInfo without protocolVersion) MCP', () => {
    const a = new HttpAnalyzer();
    const f = makeFlow();
    feed(a, f, 0, [post('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":1,"clientInfo":{"name":"vscode"}}}')]);
    feed(a, f, 1, [jsonRes('{"jsonrpc":"2.0","id":1,"result":{"capabilities":{},"serverInfo":{"name":"tsserver"}}}')]);
    expect(f.app).toBe('http');
  });

  it('plain JSON REST is neither JSON-RPC nor malformed', () => {
    const a = new HttpAnalyzer();
    const f = makeFlow();
    feed(a, f, 0, ['GET /api/users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cr3t\r\n\r\n']);
    feed(a, f, 1, [jsonRes('{"users":[]}')]);
    expect(f.ext['jsonrpc']).toBeUndefined();
    expect(f.issues).toEqual([]);
    const http = f.ext['http'] as HttpFlowInfo;
    expect(http.requests[0]?.authScheme).toBe('bearer');
    expect(JSON.stringify(f.ext)).not.toContain('s3cr3t');
  });

  it('counts malformed JSON on an MCP flow without throwing', () => {
    const a = new HttpAnalyzer();
    const f = makeFlow();
    const sid = 'Mcp-Session-Id: s1\r\n';
    feed(a, f, 0, [post('{"jsonrpc":"2.0","id":1,"method":"tools/list"', sid)]);
    feed(a, f, 0, [post('{"jsonrpc":"1.0","id":2,"method":"tools/list"}', sid)]);
    feed(a, f, 1, [sseRes(['data: {not json}\n\n', 'data: [1,2]\n\n'])]);
    const m = mcpOf(f);
    expect(f.app).toBe('mcp');
    expect(m.malformed).toBe(5); // bad json, jsonrpc 1.0, {not json}, two non-objects in [1,2]
    expect(f.issues).toEqual(expect.arrayContaining(['jsonrpc.bad_json', 'jsonrpc.invalid_message']));
  });

  it('caps huge bodies (issue, counted, framing kept)', () => {
    const a = new HttpAnalyzer({ bodyCap: 4096 });
    const f = makeFlow();
    const huge = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'upload', arguments: { blob: 'A'.repeat(100_000) } } });
    const wire = enc(post(huge, 'Mcp-Session-Id: s\r\n') + post('{"jsonrpc":"2.0","id":2,"method":"tools/list"}', 'Mcp-Session-Id: s\r\n'));
    for (let i = 0; i < wire.length; i += 1460) a.onData(f, 0, wire.subarray(i, i + 1460), 1);
    const http = f.ext['http'] as HttpFlowInfo;
    expect(f.issues).toContain('http.body_capped');
    expect(http.bodiesCapped).toBe(1);
    expect(http.requests[0]?.bodyBytes).toBe(Buffer.byteLength(huge));
    expect(mcpOf(f).methods).toEqual(['tools/list']);
    expect(mcpOf(f).malformed).toBe(1);
  });

  it('recognises 2026-07-28 header-only requests (no initialize)', () => {
    const a = new HttpAnalyzer();
    const f = makeFlow();
    const hdr = 'MCP-Protocol-Version: 2026-07-28\r\nMcp-Method: tools/call\r\nMcp-Name: get_weather\r\n';
    // body unreadable (capped) — the headers alone carry the method and tool
    const a2 = new HttpAnalyzer({ bodyCap: 8 });
    feed(a2, f, 0, [post('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_weather"}}', hdr)]);
    expect(f.app).toBe('mcp');
    expect(mcpOf(f).protocolVersion).toBe('2026-07-28');
    expect(mcpOf(f).methods).toEqual(['tools/call']);
    expect(mcpOf(f).toolsCalled).toEqual(['get_weather']);
    expect(mcpOf(f).evidence).toContain('header:mcp-method');
    const g = makeFlow(2);
    feed(a, g, 0, ['GET /mcp HTTP/1.1\r\nHost: h\r\nMCP-Protocol-Version: 2026-07-28\r\n\r\n']);
    expect(g.app).toBe('mcp');
  });

  it('legacy HTTP+SSE: endpoint event on the GET stream, POSTs with ?sessionId', () => {
    const a = new HttpAnalyzer();
    const g = makeFlow(1);
    feed(a, g, 0, ['GET /sse HTTP/1.1\r\nHost: localhost:8000\r\nAccept: text/event-stream\r\n\r\n']);
    const head = 'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n';
    const ev1 = 'event: endpoint\ndata: /messages?sessionId=9c0a7542-247f\n\n';
    const ev2 = `event: message\ndata: ${INIT_RES}\n\n`;
    const chunks = [head, ev1.length.toString(16) + '\r\n' + ev1 + '\r\n', ev2.length.toString(16) + '\r\n' + ev2 + '\r\n'];
    const w = feed(a, g, 1, chunks);
    expect(w).toBe(Want.More); // the stream never ends: events are emitted as they complete
    expect(g.app).toBe('mcp');
    const m = mcpOf(g);
    expect(m.transport).toBe('sse-legacy');
    expect(m.legacy).toEqual({ endpoint: '/messages?sessionId=9c0a7542-247f', endpointPath: '/messages', sessionId: '9c0a7542-247f' });
    expect(m.server?.name).toBe('acme-mcp');
    expect(m.messages[0]?.method).toBeNull(); // its request went over another flow

    const p = makeFlow(2);
    feed(a, p, 0, [post(INIT, '', '/messages?sessionId=9c0a7542-247f')]);
    feed(a, p, 1, ['HTTP/1.1 202 Accepted\r\nContent-Length: 8\r\n\r\nAccepted']);
    const pm = mcpOf(p);
    expect(pm.transport).toBe('sse-legacy');
    expect(pm.legacy?.sessionId).toBe('9c0a7542-247f');
    expect(pm.client?.name).toBe('claude-code');
    expect((p.ext['http'] as HttpFlowInfo).requests[0]?.queryKeys).toEqual(['sessionId']);
  });

  it('passes payloads to the onPayload hook without storing them', () => {
    const seen: McpPayload[] = [];
    const a = new HttpAnalyzer((_flow, msg) => seen.push(msg));
    const f = makeFlow();
    feed(a, f, 0, [post(CALL, 'Mcp-Session-Id: s\r\n')]);
    feed(a, f, 1, [jsonRes('{"jsonrpc":"2.0","id":"c-1","result":{"content":[{"type":"text","text":"ok"}]}}')]);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatchObject({ method: 'tools/call', tool: 'lookup_customer', dir: 'c2s', mcp: true });
    expect(JSON.stringify(seen[0]?.params)).toContain('4111111111111111');
    expect(seen[1]).toMatchObject({ method: 'tools/call', tool: 'lookup_customer', dir: 's2c', kind: 'response' });
    const thrower = new HttpAnalyzer(() => {
      throw new Error('boom');
    });
    const g = makeFlow(3);
    feed(thrower, g, 0, [post(CALL)]);
    expect(g.issues).toContain('mcp.on_payload_error');
  });

  it('caps message records per flow', () => {
    const a = new HttpAnalyzer({ maxMessages: 5 });
    const f = makeFlow();
    const batch = JSON.stringify(Array.from({ length: 20 }, (_, i) => ({ jsonrpc: '2.0', method: 'notifications/progress', params: { progress: i } })));
    feed(a, f, 0, [post(batch)]);
    expect(mcpOf(f).messages).toHaveLength(5);
    expect(mcpOf(f).messageCount).toBe(20);
    expect(f.issues).toContain('mcp.messages_capped');
  });

  it('stops following plain HTTP after the budget, follows MCP to maxBytesPerDir', () => {
    const a = new HttpAnalyzer({ plainHttpBudget: 10_000 });
    expect(a.maxBytesPerDir).toBe(8 * 1024 * 1024);
    const f = makeFlow();
    feed(a, f, 0, ['GET /big HTTP/1.1\r\n\r\n']);
    const w = feed(a, f, 1, ['HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 50000\r\n\r\n', 'x'.repeat(20_000)]);
    expect(w).toBe(Want.DoneFlow);
  });
});

describe('sparseRecord (status counts)', () => {
  it('holds status codes like a plain object: same keys, order and JSON', () => {
    const r = sparseRecord();
    expect(Object.keys(r)).toEqual([]);
    expect(JSON.stringify(r)).toBe('{}');
    r['404'] = 1;
    r['200'] = 2;
    r['503'] = 3;
    expect(r).toEqual({ '200': 2, '404': 1, '503': 3 });
    expect(JSON.stringify(r)).toBe(JSON.stringify({ '200': 2, '404': 1, '503': 3 }));
    expect(Object.keys(r)).toEqual(['200', '404', '503']);
    expect('1048576' in r).toBe(false);
  });
});

