/**
 * Fastify app through app.inject(), on a real temp DuckDB file filled by store.writeScan:
 * routes and schemas, error catalogue, security headers, bearer token, loopback guard,
 * static SPA, and startServer's refusal of a non-loopback host without a token.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { SCHEMA_VERSION, openStore } from '../../core/store/index.js';
import { buildApp } from '../../server/app.js';
import { ERROR_CODES } from '../../server/errors.js';
import { startServer } from '../../server/main.js';
import { bearerMatches } from '../../server/security.js';
import { syntheticReport } from '../store/synthetic.js';

let dir: string;
let dbPath: string;
let webRoot: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hndl-server-'));
  dbPath = join(dir, 'scans.duckdb');
  webRoot = join(dir, 'web');
  mkdirSync(webRoot);
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>hndl</title><div id="app"></div>');
  writeFileSync(join(webRoot, 'app.js'), 'console.log(1)');
  writeFileSync(join(webRoot, '.secret'), 'x');
  const store = await openStore(dbPath);
  const evil = syntheticReport('evil', 3, '2025-03-01T00:00:00.000Z');
  const f = evil.flows[1];
  if (f?.tls) f.tls.sni = '<img src=x onerror=alert(1)>';
  await store.writeScan(syntheticReport('scan-a', 250, '2025-01-01T00:00:00.000Z'));
  await store.writeScan(evil);
  await store.close();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function expectSecurityHeaders(headers: Record<string, unknown>): void {
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(String(headers['content-security-policy'])).toMatch(/^default-src 'self'/);
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['access-control-allow-origin']).toBeUndefined();
}

describe('api without token', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp({ dbPath, webRoot, maxUploadBytes: 64 * 1024 });
  });
  afterAll(async () => {
    await app.close();
  });

  it('GET /api/health', async () => {
    const res = await app.inject({ url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', schemaVersion: SCHEMA_VERSION });
    expectSecurityHeaders(res.headers);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('GET /api/scans lists newest first', async () => {
    const res = await app.inject({ url: '/api/scans' });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ scans: { id: string; flows: number; byNegotiated: Record<string, number> }[] }>();
    expect(body.scans.map((s) => s.id)).toEqual(['evil', 'scan-a']);
    expect(body.scans[1]).toMatchObject({ flows: 250, byNegotiated: { hybrid: 50 } });
  });

  it('GET /api/scans/:id and 404 with the error shape', async () => {
    const ok = await app.inject({ url: '/api/scans/scan-a' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ id: 'scan-a', flows: 250, inputs: [{ path: 'a.pcap' }, { path: 'b.pcapng' }] });
    const missing = await app.inject({ url: '/api/scans/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: 'no such scan' });
    expectSecurityHeaders(missing.headers);
  });

  it('GET /api/scans/:id/flows pages, sorts and filters', async () => {
    const res = await app.inject({ url: '/api/scans/scan-a/flows?limit=20&offset=40&sort=id&order=desc' });
    expect(res.statusCode).toBe(200);
    const page = res.json<{ total: number; limit: number; offset: number; flows: { id: number }[] }>();
    expect(page.total).toBe(250);
    expect(page.limit).toBe(20);
    expect(page.flows.map((f) => f.id)).toEqual(Array.from({ length: 20 }, (_, i) => 209 - i));
    const hybrid = await app.inject({ url: '/api/scans/scan-a/flows?kex=hybrid&limit=1000' });
    const hb = hybrid.json<{ total: number; flows: { kex: { negotiated: string; group: string } }[] }>();
    expect(hb.total).toBe(50);
    expect(hb.flows.every((f) => f.kex.negotiated === 'hybrid' && f.kex.group === 'X25519MLKEM768')).toBe(true);
    const server = await app.inject({ url: `/api/scans/scan-a/flows?server=${encodeURIComponent('192.0.2.3')}` });
    expect(server.json<{ total: number }>().total).toBe(5);
    const none = await app.inject({ url: '/api/scans/nope/flows' });
    expect(none.statusCode).toBe(404);
  });

  it('returns captured strings verbatim as JSON data', async () => {
    const res = await app.inject({ url: '/api/scans/evil/flows' });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const flows = res.json<{ flows: { tls: { sni: string } | null }[] }>().flows;
    expect(flows[1]?.tls?.sni).toBe('<img src=x onerror=alert(1)>');
  });

  it('rejects bad query strings with BAD_REQUEST and no stack', async () => {
    for (const q of ['limit=0', 'limit=5000', 'sort=flow_id;DROP', 'order=sideways', 'kex=quantum', 'offset=-1', 'bogus=1']) {
      const res = await app.inject({ url: `/api/scans/scan-a/flows?${q}` });
      expect(res.statusCode, q).toBe(400);
      const body = res.json<Record<string, unknown>>();
      expect(Object.keys(body).sort()).toEqual(['code', 'message', 'statusCode']);
      expect(body['code']).toBe('BAD_REQUEST');
      expect(res.body).not.toMatch(/at .*\.(ts|js):\d+/);
    }
  });

  it('POST /api/scans imports, conflicts, and enforces maxUploadBytes', async () => {
    const small = syntheticReport('imported', 5, '2025-04-01T00:00:00.000Z');
    const res = await app.inject({ method: 'POST', url: '/api/scans', payload: small });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ id: 'imported', flows: 5 });
    const again = await app.inject({ method: 'POST', url: '/api/scans', payload: small });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'CONFLICT' });
    const big = await app.inject({ method: 'POST', url: '/api/scans', payload: syntheticReport('big', 500) });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toEqual({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: ERROR_CODES.PAYLOAD_TOO_LARGE.message });
    const bad = syntheticReport('badport', 2);
    const b0 = bad.flows[0];
    if (b0) b0.client.port = 99999;
    const invalid = await app.inject({ method: 'POST', url: '/api/scans', payload: bad });
    expect(invalid.statusCode).toBe(400);
    // a scan id DuckDB would store changed (a lone surrogate becomes U+FFFD) is refused
    for (const id of ['sur\ud800x', 'x\udc00', '\udbff']) {
      const lone = await app.inject({ method: 'POST', url: '/api/scans', payload: syntheticReport(id, 1) });
      expect(lone.statusCode, id).toBe(400);
      expect(lone.json()).toMatchObject({ code: 'BAD_REQUEST', message: 'scan.id is not well-formed Unicode (a lone surrogate)' });
    }
    const paired = await app.inject({ method: 'POST', url: '/api/scans', payload: syntheticReport('pair\ud83d\udca5', 1) });
    expect(paired.statusCode).toBe(201);
    expect((await app.inject({ url: `/api/scans/${encodeURIComponent('pair\ud83d\udca5')}` })).statusCode).toBe(200);
    // wrong-typed scan fields (found by fuzzing: each was a 500 from DuckDB) are the client's mistake
    const header: [string, (r: ReturnType<typeof syntheticReport>) => void][] = [
      ['tool.name array', (r) => Object.assign(r.tool, { name: [] })],
      ['tool.version object', (r) => Object.assign(r.tool, { version: { v: 1 } })],
      ['durationMs 1e300', (r) => Object.assign(r.scan, { durationMs: 1e300 })],
      ['durationMs text', (r) => Object.assign(r.scan, { durationMs: 'x' })],
    ];
    for (const [what, spoil] of header) {
      const r = syntheticReport(`hdr-${what.replace(/\W/g, '')}`, 1);
      spoil(r);
      const res2 = await app.inject({ method: 'POST', url: '/api/scans', payload: r });
      expect(res2.statusCode, what).toBe(400);
      expect(res2.json(), what).toMatchObject({ code: 'BAD_REQUEST' });
    }
    const text = await app.inject({ method: 'POST', url: '/api/scans', payload: 'x', headers: { 'content-type': 'text/plain' } });
    expect(text.statusCode).toBe(415);
    expect(text.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('refuses non-loopback Host and cross-origin Origin (DNS rebinding)', async () => {
    const rebind = await app.inject({ url: '/api/scans', headers: { host: 'evil.example:8080' } });
    expect(rebind.statusCode).toBe(403);
    expect(rebind.json()).toMatchObject({ code: 'FORBIDDEN' });
    const cross = await app.inject({ url: '/api/scans', headers: { host: '127.0.0.1:8080', origin: 'http://evil.example' } });
    expect(cross.statusCode).toBe(403);
    const same = await app.inject({ url: '/api/scans', headers: { host: '127.0.0.1:8080', origin: 'http://127.0.0.1:8080' } });
    expect(same.statusCode).toBe(200);
  });

  it('serves the SPA: files, index.html fallback, JSON 404 under /api, no dotfiles', async () => {
    const root = await app.inject({ url: '/' });
    expect(root.statusCode).toBe(200);
    expect(root.body).toContain('<div id="app">');
    expectSecurityHeaders(root.headers);
    const js = await app.inject({ url: '/app.js' });
    expect(js.statusCode).toBe(200);
    const deep = await app.inject({ url: '/scans/scan-a' });
    expect(deep.statusCode).toBe(200);
    expect(deep.headers['content-type']).toMatch(/^text\/html/);
    const api404 = await app.inject({ url: '/api/nothing' });
    expect(api404.statusCode).toBe(404);
    expect(api404.json()).toMatchObject({ code: 'NOT_FOUND' });
    const dot = await app.inject({ url: '/.secret' });
    expect(dot.body).not.toBe('x');
    const traversal = await app.inject({ url: '/..%2f..%2fscans.duckdb' });
    expect(traversal.body).not.toContain('DUCK');
  });
});

describe('api with token', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp({ dbPath, webRoot, token: 's3cret-token', readOnly: true });
  });
  afterAll(async () => {
    await app.close();
  });

  it('needs Authorization: Bearer on every /api call', async () => {
    for (const url of ['/api/health', '/api/scans', '/api/scans/scan-a', '/api/scans/scan-a/flows', '/%61pi/scans']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(401);
      expect(res.json()).toEqual({ statusCode: 401, code: 'UNAUTHORIZED', message: ERROR_CODES.UNAUTHORIZED.message });
      expectSecurityHeaders(res.headers);
    }
    const wrong = await app.inject({ url: '/api/scans', headers: { authorization: 'Bearer s3cret-tokeX' } });
    expect(wrong.statusCode).toBe(401);
    const basic = await app.inject({ url: '/api/scans', headers: { authorization: 'Basic s3cret-token' } });
    expect(basic.statusCode).toBe(401);
    const ok = await app.inject({ url: '/api/scans', headers: { authorization: 'Bearer s3cret-token', host: 'scanner.lan:8080' } });
    expect(ok.statusCode).toBe(200);
  });

  it('a read-only store refuses imports with FORBIDDEN', async () => {
    const res = await app.inject({
      method: 'POST', url: '/api/scans', payload: syntheticReport('ro', 1), headers: { authorization: 'Bearer s3cret-token' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('the static dashboard itself needs no token', async () => {
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
  });
});

describe('bearerMatches', () => {
  it('accepts only the exact token', () => {
    expect(bearerMatches('Bearer abc', 'abc')).toBe(true);
    expect(bearerMatches('bearer abc', 'abc')).toBe(true);
    expect(bearerMatches('Bearer abcd', 'abc')).toBe(false);
    expect(bearerMatches('Bearer ', '')).toBe(false);
    expect(bearerMatches(undefined, 'abc')).toBe(false);
  });
});

describe('startServer', () => {
  it('refuses a non-loopback host without a token', async () => {
    await expect(startServer({ dbPath: join(dir, 'x.duckdb'), host: '0.0.0.0', port: 0 })).rejects.toThrow(/token/);
  });

  it('listens on loopback and answers over HTTP', async () => {
    const srv = await startServer({ dbPath: join(dir, 'listen.duckdb'), webRoot, host: '127.0.0.1', port: 0 });
    try {
      const res = await fetch(`${srv.url}/api/health`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    } finally {
      await srv.close();
    }
  });
});
