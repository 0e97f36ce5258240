import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HttpAnalyzer } from '../../core/http/analyzer.js';
import { NdjsonRpcAnalyzer } from '../../core/mcp/ndjson.js';
import { SseParser } from '../../core/http/sse.js';
import { sniffHttp } from '../../core/http/sniff.js';
import { sniffNdjsonRpc } from '../../core/mcp/ndjson.js';
import type { Dir } from '../../core/flow/types.js';
import { enc, makeFlow } from './helpers.js';

const VOCAB = [
  'POST /mcp HTTP/1.1\r\n', 'HTTP/1.1 200 OK\r\n', 'Content-Length: 5\r\n', 'Transfer-Encoding: chunked\r\n',
  'Content-Type: text/event-stream\r\n', 'Content-Type: application/json\r\n', 'Mcp-Session-Id: x\r\n', '\r\n', '\n',
  '5\r\n', '0\r\n', 'ffffffffffff\r\n', 'data: ', 'event: endpoint\n', '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t"}}',
  '{"jsonrpc":"2.0","id":1,"result":{"serverInfo":{"name":"s"},"protocolVersion":"x"}}', '[', ']', '{', '}', '"', ':', ',',
  '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[', '\r',
];
const piece = fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.constantFrom(...VOCAB).map(enc));
const stream = fc.array(fc.tuple(fc.constantFrom<Dir>(0, 1), fc.array(piece, { maxLength: 6 })), { maxLength: 30 });

describe('hostile bytes never throw', () => {
  it('HttpAnalyzer / NdjsonRpcAnalyzer / SseParser / sniffers', () => {
    fc.assert(
      fc.property(stream, (segs) => {
        const h = new HttpAnalyzer({ bodyCap: 256, headerCap: 512 });
        const n = new NdjsonRpcAnalyzer({ maxLine: 256 });
        const fh = makeFlow(1);
        const fn = makeFlow(2);
        const sse = new SseParser(() => {}, () => {}, { maxLine: 128, maxData: 256 });
        for (const [dir, parts] of segs) {
          const bytes = Buffer.concat(parts);
          h.onData(fh, dir, bytes, 1);
          n.onData(fn, dir, bytes, 1);
          sse.push(bytes);
          sniffHttp(bytes);
          sniffNdjsonRpc(bytes);
          if (bytes.length === 7) {
            h.onGap(fh, dir, 10);
            n.onGap(fn, dir, 10);
          }
        }
        h.onEnd(fh);
        n.onEnd(fn);
        expect(fh.issues).not.toContain('http.internal_error');
        expect(fn.issues).not.toContain('ndjson.internal_error');
        expect(fh.issues.length).toBeLessThanOrEqual(16);
      }),
      { numRuns: 2000 },
    );
  });
  it('deeply nested JSON is handled', () => {
    const h = new HttpAnalyzer();
    const f = makeFlow();
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    h.onData(f, 0, enc(`POST / HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: ${deep.length}\r\n\r\n${deep}`), 1);
    expect(f.issues).not.toContain('http.internal_error');
  });
});
