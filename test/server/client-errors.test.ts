/**
 * Requests Node's HTTP parser refuses before Fastify routes them — headers over the size limit,
 * a malformed request line or header, Transfer-Encoding with Content-Length — answered on a real
 * loopback socket with the error catalogue's body and the security headers, and the server
 * keeps serving (app.inject cannot reach this path: it skips the parser).
 */
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';

let app: FastifyInstance;
let port = 0;
const dir = mkdtempSync(join(tmpdir(), 'hndl-client-err-'));

beforeAll(async () => {
  app = await buildApp({ dbPath: join(dir, 'scans.duckdb'), webRoot: join(dir, 'no-web') });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  port = typeof addr === 'object' && addr !== null ? addr.port : 0;
});

afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** raw request bytes → the whole raw answer */
function raw(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    s.on('data', (b) => (got += b.toString('latin1')));
    s.on('close', () => resolve(got));
    s.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? resolve(got) : reject(e)));
    s.write(request);
  });
}

function parse(answer: string): { status: number; headers: string; body: unknown } {
  const at = answer.indexOf('\r\n\r\n');
  const head = answer.slice(0, at);
  return { status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(head)?.[1]), headers: head.toLowerCase(), body: JSON.parse(answer.slice(at + 4)) };
}

describe('requests the HTTP parser refuses', () => {
  it('get the catalogue body and security headers, and the server keeps serving', async () => {
    const cases: [string, string, number, string][] = [
      ['headers over the limit', `GET /api/scans HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'HEADERS_TOO_LARGE'],
      ['a bad header name', 'GET /api/scans HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Name: x\r\n\r\n', 400, 'BAD_REQUEST'],
      ['Transfer-Encoding with Content-Length', 'POST /api/scans HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n', 400, 'BAD_REQUEST'],
      ['a garbled request line', 'GET\x00 / HTTP/9.9\r\n\r\n', 400, 'BAD_REQUEST'],
    ];
    for (const [what, request, status, code] of cases) {
      const r = parse(await raw(request));
      expect(r.status, what).toBe(status);
      expect(r.body, what).toMatchObject({ statusCode: status, code });
      expect(r.headers, what).toContain('content-type: application/json');
      expect(r.headers, what).toContain('x-content-type-options: nosniff');
    }
    const ok = await app.inject({ url: '/api/scans' });
    expect(ok.statusCode).toBe(200);
    const again = parse(await raw('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'));
    expect(again.status).toBe(200);
  });
});
