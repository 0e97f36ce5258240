/**
 * Error handling at the edges of the API (found in a security review): every error has the
 * catalogue's {statusCode, code, message} body and the security headers, client mistakes are
 * 4xx (malformed URLs, dot segments, malformed multipart, malformed reports), API answers are
 * never cacheable whatever the URL's escapes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';

const WEB = new URL('../../dist/web/', import.meta.url).pathname;
let dir: string;
let app: FastifyInstance;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hndl-hard-'));
  app = await buildApp({ dbPath: join(dir, 'h.duckdb'), webRoot: WEB, uploadDir: join(dir, 'up'), maxUploadBytes: 64 * 1024 });
});
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

function expectCatalogue(body: string, status: number): void {
  const b = JSON.parse(body) as { statusCode: number; code: string; message: string };
  expect(b.statusCode).toBe(status);
  expect(typeof b.code).toBe('string');
  expect(typeof b.message).toBe('string');
  expect(body).not.toMatch(/\n\s+at /);
}

describe('API hardening', () => {
  it('a malformed percent-escape is a 400 with the catalogue body and headers', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/scans/%E0%A4%A' });
    expect(r.statusCode).toBe(400);
    expectCatalogue(r.body, 400);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['cache-control']).toBe('no-store');
  });

  it('escaped API paths are not cacheable either', async () => {
    const r = await app.inject({ method: 'GET', url: '/%61pi/scans' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
  });

  it('dot segments in static paths are 403, not 500', async () => {
    for (const url of ['/.env', '/..%2f..%2fetc%2fpasswd', '/assets/..%2f..%2fpackage.json']) {
      const r = await app.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(403);
      expectCatalogue(r.body, 403);
    }
  });

  it('a malformed report is a 400 naming the problem', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/scans',
      payload: {
        tool: { name: 'hndl-scan', version: '1' },
        scan: { id: 'bad', startedAt: '2025-01-01T00:00:00Z', finishedAt: '2025-01-01T00:00:00Z', durationMs: 1, inputs: [{ path: 1 }] },
        summary: { flows: 0, packets: 0, bytes: 0, byNegotiated: {} },
        flows: [],
      },
    });
    expect(r.statusCode).toBe(400);
    expectCatalogue(r.body, 400);
  });

  it('a truncated multipart body is a 400', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/uploads',
      headers: { 'content-type': 'multipart/form-data; boundary=XX' },
      payload: '--XX\r\nContent-Disposition: form-data; name="f"; filename="a.pcap"\r\n\r\nabc',
    });
    expect(r.statusCode).toBe(400);
    expectCatalogue(r.body, 400);
  });
});
