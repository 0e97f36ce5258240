import { describe, expect, it } from 'vitest';
import { HttpParser } from '../../core/http/parser.js';
import type { BodyMode, HttpParserSink } from '../../core/http/parser.js';
import type { HttpHead, HttpMessage } from '../../core/http/types.js';
import { sniffHttp } from '../../core/http/sniff.js';
import { enc } from './helpers.js';

function collect(kind: 'request' | 'response', mode: BodyMode = 'buffer', opts = {}) {
  const heads: HttpHead[] = [];
  const msgs: HttpMessage[] = [];
  const issues: string[] = [];
  const streamed: string[] = [];
  const sink: HttpParserSink = {
    onHead: (h) => {
      heads.push(h);
      return mode;
    },
    onBodyChunk: (_h, c) => streamed.push(Buffer.from(c).toString('latin1')),
    onMessage: (m) => msgs.push({ ...m, body: m.body ? m.body.slice() : null }),
    onIssue: (c) => issues.push(c),
  };
  const p = new HttpParser(kind, sink, opts);
  return { p, heads, msgs, issues, streamed };
}

const text = (m: HttpMessage | undefined): string => Buffer.from(m?.body ?? new Uint8Array()).toString('latin1');

const CHUNKED_REQ =
  'POST /mcp HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n' +
  '5;ext=1\r\nhello\r\n1B\r\n, world of chunked bodies!!\r\n0\r\nX-Trailer: t\r\n\r\n' +
  'GET /next HTTP/1.1\r\nHost: a\r\n\r\n';

describe('HttpParser (RFC 9112)', () => {
  it('parses chunked bodies split at every byte position (two and three pieces)', () => {
    const all = enc(CHUNKED_REQ);
    for (let i = 0; i <= all.length; i++) {
      const { p, msgs, issues } = collect('request');
      p.push(all.subarray(0, i), 1);
      p.push(all.subarray(i), 2);
      expect(issues).toEqual([]);
      expect(msgs.map((m) => m.head.target)).toEqual(['/mcp', '/next']);
      expect(text(msgs[0])).toBe('hello, world of chunked bodies!!');
    }
    for (let i = 0; i < all.length; i += 3) {
      for (let j = i; j <= all.length; j += 7) {
        const { p, msgs } = collect('request');
        p.push(all.subarray(0, i), 1);
        p.push(all.subarray(i, j), 1);
        p.push(all.subarray(j), 1);
        expect(text(msgs[0])).toBe('hello, world of chunked bodies!!');
        expect(msgs).toHaveLength(2);
      }
    }
  });

  it('byte-at-a-time delivery works', () => {
    const { p, msgs } = collect('request');
    for (const b of enc(CHUNKED_REQ)) p.push(Uint8Array.of(b), 1);
    expect(msgs).toHaveLength(2);
  });

  it('handles pipelined requests with Content-Length and leading CRLF', () => {
    const { p, msgs, heads } = collect('request');
    p.push(enc('\r\nPOST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcPOST /b HTTP/1.1\r\ncontent-length: 2\r\n\r\nxyGET /c HTTP/1.0\r\n\r\n'), 1);
    expect(heads.map((h) => h.target)).toEqual(['/a', '/b', '/c']);
    expect(msgs.map(text)).toEqual(['abc', 'xy', '']);
  });

  it('frames responses: HEAD, 204, 304, 1xx, close-delimited', () => {
    const { p, msgs, heads } = collect('response');
    p.enqueueRequestMethod('HEAD');
    p.enqueueRequestMethod('POST');
    p.enqueueRequestMethod('GET');
    p.enqueueRequestMethod('GET');
    p.push(enc('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n'), 1);
    p.push(enc('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n'), 1);
    p.push(enc('HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n'), 1);
    p.push(enc('HTTP/1.0 200 OK\r\n\r\nuntil close'), 1);
    p.end(2);
    expect(heads.map((h) => [h.status, h.method])).toEqual([
      [200, 'HEAD'],
      [100, 'POST'],
      [204, 'POST'],
      [304, 'GET'],
      [200, 'GET'],
    ]);
    expect(text(msgs[4])).toBe('until close');
  });

  it('caps bodies but keeps counting and framing', () => {
    const { p, msgs, issues } = collect('request', 'buffer', { bodyCap: 10 });
    p.push(enc('POST / HTTP/1.1\r\nContent-Length: 25\r\n\r\n0123456789abcde'), 1);
    p.push(enc('fghijklmnoGET /x HTTP/1.1\r\n\r\n'), 1);
    expect(issues).toContain('http.body_capped');
    expect(msgs[0]?.capped).toBe(true);
    expect(msgs[0]?.bodyBytes).toBe(25);
    expect(text(msgs[0])).toBe('0123456789');
    expect(msgs[1]?.head.target).toBe('/x');
  });

  it('caps header blocks and rejects bad framing without throwing', () => {
    const big = collect('request', 'buffer', { headerCap: 1024 });
    big.p.push(enc('GET / HTTP/1.1\r\nX: ' + 'a'.repeat(2000)), 1);
    expect(big.issues).toContain('http.header_too_large');
    expect(big.p.alive).toBe(false);
    const bad = collect('request');
    bad.p.push(enc('POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n'), 1);
    expect(bad.issues).toContain('http.bad_content_length');
    const chunk = collect('response');
    chunk.p.push(enc('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'), 1);
    expect(chunk.issues).toContain('http.bad_chunk');
    const line = collect('request');
    line.p.push(enc('HELLO\r\n\r\n'), 1);
    expect(line.issues).toContain('http.bad_request_line');
  });

  it('streams chunked bodies in stream mode', () => {
    const { p, streamed, msgs } = collect('response', 'stream');
    p.push(enc('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n'), 1);
    expect(streamed.join('')).toBe('abc');
    p.push(enc('2\r\nde\r\n0\r\n\r\n'), 1);
    expect(streamed.join('')).toBe('abcde');
    expect(msgs).toHaveLength(1);
  });

  it('obs-fold and upgrade', () => {
    const { p, heads } = collect('response');
    p.enqueueRequestMethod('GET');
    p.push(enc('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nX-A: one\r\n two\r\n\r\n\x81\x05hello'), 1);
    expect(heads[0]?.headers).toContainEqual(['x-a', 'one two']);
    expect(p.alive).toBe(false);
  });
});

describe('sniffHttp', () => {
  it('recognises request and status lines only', () => {
    expect(sniffHttp(enc('POST /mcp HTTP/1.1\r\n'))).toBe(true);
    expect(sniffHttp(enc('HTTP/1.1 200 OK\r\n'))).toBe(true);
    expect(sniffHttp(enc('GET / HTTP/2.0\r\n'))).toBe(false);
    expect(sniffHttp(enc('GETX / HTTP/1.1\r\n'))).toBe(false);
    expect(sniffHttp(enc('\x16\x03\x01\x02\x00'))).toBe(false);
    expect(sniffHttp(enc('GET /'))).toBe(false);
  });
});
