import { describe, expect, it } from 'vitest';
import { NdjsonRpcAnalyzer, sniffNdjsonRpc } from '../../core/mcp/ndjson.js';
import type { JsonRpcFlowInfo, McpFlowInfo } from '../../core/mcp/types.js';
import { Want } from '../../core/flow/types.js';
import { enc, makeFlow } from './helpers.js';

const C2S =
  '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"cli","version":"1"}}}\n' +
  '{"jsonrpc":"2.0","method":"notifications/initialized"}\n' +
  '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"run_sql","arguments":{"q":"select 1"}}}\n';
const S2C =
  '{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-11-25","capabilities":{},"serverInfo":{"name":"db-mcp","version":"2"}}}\r\n' +
  'garbage line\n' +
  '{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"denied"}}';

describe('NdjsonRpcAnalyzer (MCP stdio framing over TCP)', () => {
  it('sniffs', () => {
    expect(sniffNdjsonRpc(enc('{"jsonrpc":"2.0","id":0,"method":"initialize"}\n'))).toBe(true);
    expect(sniffNdjsonRpc(enc(' [{"jsonrpc":"2.0"}]'))).toBe(true);
    expect(sniffNdjsonRpc(enc('{"hello":1}'))).toBe(false);
    expect(sniffNdjsonRpc(enc('GET / HTTP/1.1'))).toBe(false);
  });
  it('extracts messages split at every byte position', () => {
    const c = enc(C2S);
    const s = enc(S2C);
    for (let i = 0; i <= c.length; i += 5) {
      const a = new NdjsonRpcAnalyzer();
      const f = makeFlow();
      a.onData(f, 0, c.subarray(0, i), 1);
      a.onData(f, 0, c.subarray(i), 2);
      a.onData(f, 1, s.subarray(0, i % s.length), 3);
      a.onData(f, 1, s.subarray(i % s.length), 4);
      a.onEnd(f);
      const m = f.ext['mcp'] as McpFlowInfo;
      expect(f.app).toBe('mcp');
      expect(m.transport).toBe('ndjson');
      expect(m.client?.name).toBe('cli');
      expect(m.server?.name).toBe('db-mcp');
      expect(m.methods).toEqual(['initialize', 'notifications/initialized', 'tools/call']);
      expect(m.toolsCalled).toEqual(['run_sql']);
      expect(m.errors).toBe(1);
      expect(m.malformed).toBe(1);
      expect(m.messages.map((x) => x.method)).toEqual(['initialize', 'notifications/initialized', 'tools/call', 'initialize', 'tools/call']);
    }
  });
  it('non-MCP NDJSON JSON-RPC stays non-MCP; non-JSON-RPC gives up', () => {
    const a = new NdjsonRpcAnalyzer();
    const f = makeFlow();
    a.onData(f, 0, enc('{"jsonrpc":"2.0","id":1,"method":"mining.subscribe","params":[]}\n'), 1);
    expect(f.ext['mcp']).toBeUndefined();
    expect((f.ext['jsonrpc'] as JsonRpcFlowInfo).kind).toBe('jsonrpc-non-mcp');
    const g = makeFlow(2);
    let w: Want = Want.More;
    for (let i = 0; i < 20; i++) w = a.onData(g, 0, enc('{"x":1}\n'), 1);
    expect(w).toBe(Want.DoneFlow);
  });
  it('caps long lines and resyncs after a gap', () => {
    const a = new NdjsonRpcAnalyzer({ maxLine: 64 });
    const f = makeFlow();
    a.onData(f, 0, enc('{"jsonrpc":"2.0","method":"tools/list","id":1,"pad":"' + 'x'.repeat(100) + '"}\n'), 1);
    a.onData(f, 0, enc('{"jsonrpc":"2.0","method":"tools/list","id":2}\n{"jsonrpc":"2.0","me'), 1);
    a.onGap(f, 0, 100);
    a.onData(f, 0, enc('thod":"x"}\n{"jsonrpc":"2.0","method":"prompts/list","id":3}\n'), 1);
    const m = f.ext['mcp'] as McpFlowInfo;
    expect(f.issues).toEqual(expect.arrayContaining(['ndjson.line_capped', 'ndjson.gap']));
    expect(m.methods).toEqual(['tools/list', 'prompts/list']);
  });
});
