/**
 * Capture uploads (server/upload-routes.ts): multipart via app.inject() into a real temp
 * DuckDB, scanned in a real worker thread (dist/core/worker, built by `npm run build`), SSE
 * progress events, magic-byte sniffing (415), size limit (413), rate limit (429), temp files
 * removed; and scanInWorker itself against the in-thread scan.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { CaptureInputError } from '../../core/capture/source.js';
import { scanInputs } from '../../core/scan.js';
import { scanInWorker } from '../../core/worker/index.js';
import type { ScanProgress } from '../../core/worker/index.js';
import { buildApp } from '../../server/app.js';
import { multipart, parseSse, tempDir } from './helpers.js';

const MIXED = readFileSync('samples/mixed.pcapng');

let tmp: ReturnType<typeof tempDir>;
let app: FastifyInstance;
let uploadDir: string;

beforeAll(async () => {
  tmp = tempDir('hndl-upload-');
  uploadDir = `${tmp.dir}/uploads`;
  app = await buildApp({
    dbPath: `${tmp.dir}/scans.duckdb`,
    webRoot: `${tmp.dir}/no-web`,
    uploadDir,
    maxUploadBytes: 200_000,
    uploadRateLimit: { capacity: 50, refillPerMinute: 60 },
  });
});

afterAll(async () => {
  await app?.close();
  tmp?.cleanup();
});

interface Job {
  id: string;
  state: string;
  files: { name: string; bytes: number }[];
  eventsUrl: string;
}

async function upload(target: FastifyInstance, files: { name: string; data: Buffer }[]) {
  const { body, contentType } = multipart(files.map((f) => ({ field: 'capture', filename: f.name, data: f.data })));
  return target.inject({ method: 'POST', url: '/api/uploads', payload: body, headers: { 'content-type': contentType } });
}

async function events(id: string): Promise<{ event: string; data: Record<string, unknown> }[]> {
  const res = await app.inject({ url: `/api/uploads/${id}/events` });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  return parseSse(res.body).map((e) => ({ event: e.event, data: JSON.parse(e.data) as Record<string, unknown> }));
}

describe('POST /api/uploads', () => {
  it('streams a capture to disk, scans it in a worker, reports progress over SSE and stores the scan', async () => {
    const res = await upload(app, [{ name: 'mixed.pcapng', data: MIXED }]);
    expect(res.statusCode, res.body).toBe(202);
    const job = res.json<Job>();
    expect(job.files).toEqual([{ name: 'mixed.pcapng', bytes: MIXED.length }]);
    expect(job.eventsUrl).toBe(`/api/uploads/${job.id}/events`);
    const evs = await events(job.id);
    const types = evs.map((e) => e.event);
    expect(types[0]).toBe('upload');
    expect(evs[0]?.data).toMatchObject({ type: 'upload', bytes: MIXED.length, files: 1 });
    expect(types).toContain('queued');
    expect(types).toContain('scan');
    expect(types[types.length - 1]).toBe('done');
    const scanEv = evs.filter((e) => e.event === 'scan').pop();
    expect(scanEv?.data).toMatchObject({ bytesDone: MIXED.length, inputs: 1 });
    const done = evs[evs.length - 1]?.data;
    expect(done).toMatchObject({ type: 'done', flows: 10 });
    const scanId = String(done?.['scanId']);
    const scan = await app.inject({ url: `/api/scans/${scanId}` });
    expect(scan.json()).toMatchObject({ flows: 10, inputs: [{ path: 'mixed.pcapng', format: 'pcapng' }] });
    const status = await app.inject({ url: `/api/uploads/${job.id}` });
    expect(status.json()).toMatchObject({ state: 'done', scanId });
    expect(readdirSync(uploadDir)).toEqual([]);
  });

  it('accepts gzip and several files in one upload (one scan)', async () => {
    const gz = readFileSync('samples/mixed.pcap.gz');
    const plain = readFileSync('samples/plain-http.pcap');
    const res = await upload(app, [{ name: 'mixed.pcap.gz', data: gz }, { name: '../../etc/plain.pcap', data: plain }]);
    expect(res.statusCode, res.body).toBe(202);
    const evs = await events(res.json<Job>().id);
    const done = evs[evs.length - 1]?.data;
    expect(done?.['type']).toBe('done');
    const scan = await app.inject({ url: `/api/scans/${String(done?.['scanId'])}` });
    expect(scan.json()).toMatchObject({ inputs: [{ path: 'mixed.pcap.gz', compressed: true }, { path: 'plain.pcap' }] });
  });

  it('refuses a file that is not a capture with 415 and a clear message, keeping nothing', async () => {
    const res = await upload(app, [{ name: 'notes.txt', data: Buffer.from('hello, this is not a capture\n'.repeat(40)) }]);
    expect(res.statusCode).toBe(415);
    expect(res.json()).toEqual({
      statusCode: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'notes.txt: not a capture file (looks like text); expected pcap, pcapng or a gzip of either',
    });
    const gzText = await upload(app, [{ name: 'x.gz', data: gzipSync(Buffer.from('{"a":1}\n'.repeat(100))) }]);
    expect(gzText.statusCode).toBe(415);
    expect(gzText.json<{ message: string }>().message).toMatch(/gzip-compressed text \(looks like JSON\)/);
    const png = await upload(app, [{ name: 'a.png', data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) }]);
    expect(png.statusCode).toBe(415);
    expect(readdirSync(uploadDir)).toEqual([]);
  });

  it('refuses an oversize upload with 413 PAYLOAD_TOO_LARGE', async () => {
    const big = Buffer.concat([MIXED, Buffer.alloc(250_000)]);
    const res = await upload(app, [{ name: 'big.pcapng', data: big }]);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
    // the limit counts all files of one upload together
    const two = await upload(app, [{ name: 'a.pcapng', data: Buffer.concat([MIXED, Buffer.alloc(80_000)]) }, { name: 'b.pcapng', data: Buffer.concat([MIXED, Buffer.alloc(80_000)]) }]);
    expect(two.statusCode).toBe(413);
    expect(readdirSync(uploadDir)).toEqual([]);
    // more files than the limit (8): 413, saying so
    const many = await upload(app, Array.from({ length: 9 }, (_, i) => ({ name: `m${i}.pcapng`, data: MIXED.subarray(0, 64) })));
    expect(many.statusCode).toBe(413);
    expect(many.json()).toEqual({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE', message: 'too many files in one upload (GET /api/uploads/limits has the limits)' });
    expect(readdirSync(uploadDir)).toEqual([]);
  });

  it('400/415 for a request without a file or not multipart; 404 for an unknown upload', async () => {
    const json = await app.inject({ method: 'POST', url: '/api/uploads', payload: { a: 1 } });
    expect(json.statusCode).toBe(415);
    expect(json.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    const boundary = 'xyz';
    const empty = await app.inject({
      method: 'POST',
      url: '/api/uploads',
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi\r\n--${boundary}--\r\n`,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({ code: 'BAD_REQUEST' });
    const unknown = await app.inject({ url: '/api/uploads/00000000-0000-4000-8000-000000000000/events' });
    expect(unknown.statusCode).toBe(404);
    const bad = await app.inject({ url: '/api/uploads/..%2f..%2fetc/events' });
    expect(bad.statusCode).toBe(400);
  });

  it('reports a scan error over SSE (capture header, then garbage)', async () => {
    // a valid pcap header with an absurd record: scanning copes (truncated), so upload must still finish
    const hdr = Buffer.from('d4c3b2a1020004000000000000000000ffff000001000000', 'hex');
    const res = await upload(app, [{ name: 'trunc.pcap', data: Buffer.concat([hdr, Buffer.alloc(600, 0xff)]) }]);
    expect(res.statusCode).toBe(202);
    const evs = await events(res.json<Job>().id);
    expect(['done', 'error']).toContain(evs[evs.length - 1]?.event);
  });

  it('rate limits uploads per client IP with 429 and Retry-After', async () => {
    const t = tempDir('hndl-rl-');
    const limited = await buildApp({ dbPath: `${t.dir}/db.duckdb`, webRoot: `${t.dir}/w`, uploadRateLimit: { capacity: 2, refillPerMinute: 1 } });
    try {
      const small = [{ name: 'x.txt', data: Buffer.from('not a capture') }];
      expect((await upload(limited, small)).statusCode).toBe(415);
      expect((await upload(limited, small)).statusCode).toBe(415);
      const third = await upload(limited, small);
      expect(third.statusCode).toBe(429);
      expect(third.json()).toMatchObject({ statusCode: 429, code: 'TOO_MANY_REQUESTS' });
      expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
      const other = await upload(limited, small).then(() => limited.inject({ method: 'POST', url: '/api/uploads', remoteAddress: '127.0.0.9', payload: multipart([{ field: 'f', filename: 'y.txt', data: Buffer.from('nope') }]).body, headers: { 'content-type': 'multipart/form-data; boundary=zz' } }));
      expect(other.statusCode).not.toBe(429);
      const limits = await limited.inject({ url: '/api/uploads/limits' });
      expect(limits.json()).toMatchObject({ maxFiles: 8, rateLimit: { capacity: 2, refillPerMinute: 1 } });
    } finally {
      await limited.close();
      t.cleanup();
    }
  });
});

describe('scanInWorker', () => {
  it('gives the same flows as an in-thread scan and reports progress', async () => {
    const progress: ScanProgress[] = [];
    const paths = ['samples/mixed.pcapng', 'samples/tls13-hrr.pcap'];
    const [viaWorker, inThread] = await Promise.all([scanInWorker(paths, {}, (p) => progress.push(p)), scanInputs(paths)]);
    // risk exposure depends on the clock: compare everything else
    const strip = (flows: typeof inThread.flows): unknown[] =>
      flows.map((f) => ({ ...f, risk: f.risk === undefined ? undefined : { ...f.risk, exposure: undefined } }));
    expect(strip(viaWorker.flows)).toEqual(strip(inThread.flows));
    expect(viaWorker.flows.length).toBe(10 + 1);
    expect(viaWorker.summary.byNegotiated).toEqual(inThread.summary.byNegotiated);
    expect(progress.length).toBeGreaterThan(0);
    const last = progress[progress.length - 1];
    expect(last?.inputs).toBe(2);
    expect(last?.bytesDone).toBe(inThread.scan.inputs.reduce((s, i) => s + i.bytes, 0));
  });

  it('rejects with CaptureInputError for a non-capture, and aborts on signal', async () => {
    const t = tempDir('hndl-w-');
    try {
      writeFileSync(`${t.dir}/x.txt`, 'plain text');
      const err: unknown = await scanInWorker([`${t.dir}/x.txt`]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CaptureInputError);
      expect(err).toMatchObject({ code: 'NOT_A_CAPTURE' });
      const missing: unknown = await scanInWorker([`${t.dir}/none.pcap`]).catch((e: unknown) => e);
      expect(missing).toMatchObject({ code: 'ENOENT' });
      const ac = new AbortController();
      const p = scanInWorker(['samples/mixed.pcapng'], { signal: ac.signal });
      ac.abort(new Error('stop'));
      await expect(p).rejects.toThrow('stop');
    } finally {
      t.cleanup();
    }
  });
});
