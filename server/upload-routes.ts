/**
 * Capture upload routes:
 *   POST /api/uploads              multipart/form-data, one or more capture files (pcap, pcapng,
 *                                  gzip of either). Each file is streamed to a temp file (never
 *                                  buffered whole), counted against the size limit (413) and
 *                                  sniffed by magic bytes (415 when not a capture); then the
 *                                  scan is queued in a worker thread and 202 answers the job.
 *   GET  /api/uploads/limits       the limits, so the UI can refuse early.
 *   GET  /api/uploads/:id          the job's state and events.
 *   GET  /api/uploads/:id/events   Server-Sent Events (WHATWG HTML §9.2): upload, queued, scan,
 *                                  done (scanId) or error; history replayed, then live; the
 *                                  stream ends after done / error.
 * Uploads are rate limited per client IP (token bucket, 429 with Retry-After).
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { TransformCallback } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, errorBody, toErrorBody } from './errors.js';
import { TokenBuckets } from './rate-limit.js';
import { SECURITY_HEADERS } from './security.js';
import { GZIP_SNIFF_BYTES, sniffCapture } from './sniff.js';
import type { SniffResult } from './sniff.js';
import { cleanFileName, isTerminal } from './upload-jobs.js';
import type { Job, SequencedEvent, UploadJobs, UploadedFile } from './upload-jobs.js';
import { uploadEventsRoute, uploadLimitsRoute, uploadRoute, uploadStatusRoute } from './dashboard-schemas.js';

export interface UploadRouteOptions {
  jobs: UploadJobs;
  uploadDir: string;
  /** largest upload (all files together), bytes */
  maxUploadBytes: number;
  /** files per upload (default 8) */
  maxFiles?: number;
  buckets: TokenBuckets;
  /** SSE keep-alive comment interval (default 15 s) */
  heartbeatMs?: number;
}

const HEAD_BYTES = Math.max(512, GZIP_SNIFF_BYTES);

function jobView(job: Job): Record<string, unknown> {
  return {
    id: job.id,
    state: job.state,
    files: job.files.map((f) => ({ name: f.name, bytes: f.bytes })),
    scanId: job.scanId,
    error: job.error,
    events: job.events.map((e) => e.event),
    eventsUrl: `/api/uploads/${job.id}/events`,
  };
}

/**
 * Counts bytes against the limit, reports upload progress, and sniffs the first bytes; once a
 * file is found not to be a capture its remaining bytes are discarded (the body is still read
 * to the end, within the limit, so the client gets the 415 answer rather than a reset).
 */
class UploadMeter extends Transform {
  private head: Buffer[] = [];
  private headLen = 0;
  verdict: SniffResult | null = null;

  constructor(
    private readonly entry: UploadedFile,
    private readonly onBytes: (n: number) => boolean,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.entry.bytes += chunk.length;
    if (!this.onBytes(chunk.length)) {
      cb(new ApiError('PAYLOAD_TOO_LARGE', 'the upload is larger than the configured limit'));
      return;
    }
    if (this.verdict === null) {
      if (this.headLen < HEAD_BYTES) {
        this.head.push(chunk);
        this.headLen += chunk.length;
      }
      this.verdict = sniffCapture(Buffer.concat(this.head), false);
      if (this.verdict !== null) this.head = [];
    }
    if (this.verdict !== null && !this.verdict.ok) {
      cb();
      return;
    }
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    if (this.verdict === null) this.verdict = sniffCapture(Buffer.concat(this.head), true);
    cb();
  }
}

export async function uploadRoutes(app: FastifyInstance, opts: UploadRouteOptions): Promise<void> {
  const { jobs, uploadDir, maxUploadBytes, buckets } = opts;
  const maxFiles = opts.maxFiles ?? 8;
  const heartbeatMs = opts.heartbeatMs ?? 15_000;

  const rateLimit = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const waitMs = buckets.take(request.ip);
    if (waitMs > 0) {
      const secs = Number.isFinite(waitMs) ? Math.max(1, Math.ceil(waitMs / 1000)) : 3600;
      await reply.code(429).header('retry-after', String(secs)).type('application/json; charset=utf-8').send(errorBody('TOO_MANY_REQUESTS'));
    }
  };

  app.get('/uploads/limits', { schema: uploadLimitsRoute }, async () => ({
    maxUploadBytes,
    maxFiles,
    rateLimit: { capacity: buckets.capacity, refillPerMinute: buckets.refillPerMs * 60_000 },
  }));

  app.post('/uploads', { schema: uploadRoute, onRequest: rateLimit }, async (request, reply) => {
    if (!request.isMultipart()) {
      throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'expected a multipart/form-data upload with a capture file');
    }
    if (!jobs.canAccept()) throw new ApiError('SERVICE_UNAVAILABLE', 'too many scans are waiting: try again later');
    const job = jobs.create();
    let total = 0;
    let rejected: string | null = null;
    try {
      // only file parts carry data: text fields are capped at 1 KiB each (they would otherwise be
      // held in memory outside the upload size limit)
      const parts = request.files({ limits: { fileSize: maxUploadBytes, files: maxFiles, fields: 16, fieldSize: 1024, parts: maxFiles + 16 } });
      for await (const part of parts) {
        const entry: UploadedFile = { path: join(uploadDir, `${job.id}-${job.files.length}.upload`), name: cleanFileName(part.filename), bytes: 0 };
        job.files.push(entry);
        const meter = new UploadMeter(entry, (n) => {
          total += n;
          if (total > maxUploadBytes) return false;
          jobs.emit(job, { type: 'upload', bytes: total, files: job.files.length });
          return true;
        });
        await pipeline(part.file, meter, createWriteStream(entry.path, { flags: 'wx', mode: 0o600 }));
        const v = meter.verdict;
        if (v !== null && !v.ok && rejected === null) rejected = `${entry.name}: not a capture file (looks like ${v.description})`;
      }
    } catch (err) {
      // a body that is not well-formed multipart (busboy's parse errors carry no status) is the
      // client's mistake, not ours
      const parseError = err instanceof Error && !(err instanceof ApiError) && toErrorBody(err).statusCode === 500;
      const e = parseError ? new ApiError('BAD_REQUEST', 'malformed multipart/form-data body') : err;
      const body = toErrorBody(e);
      await jobs.fail(job, body.code, body.message);
      throw e;
    }
    if (job.files.length === 0) {
      await jobs.fail(job, 'BAD_REQUEST', 'no file in the upload');
      throw new ApiError('BAD_REQUEST', 'no file in the upload: send a capture as a multipart file field');
    }
    if (rejected !== null) {
      await jobs.fail(job, 'UNSUPPORTED_MEDIA_TYPE', rejected);
      throw new ApiError('UNSUPPORTED_MEDIA_TYPE', `${rejected}; expected pcap, pcapng or a gzip of either`);
    }
    jobs.enqueue(job);
    return reply.code(202).send(jobView(job));
  });

  app.get<{ Params: { id: string } }>('/uploads/:id', { schema: uploadStatusRoute }, async (request) => {
    const job = jobs.get(request.params.id);
    if (job === undefined) throw new ApiError('NOT_FOUND', 'no such upload');
    return jobView(job);
  });

  app.get<{ Params: { id: string } }>('/uploads/:id/events', { schema: uploadEventsRoute }, async (request, reply) => {
    const job = jobs.get(request.params.id);
    if (job === undefined) throw new ApiError('NOT_FOUND', 'no such upload');
    const lastHeader = request.headers['last-event-id'];
    const lastSeen = typeof lastHeader === 'string' && /^\d{1,15}$/.test(lastHeader) ? Number(lastHeader) : 0;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    // data is one JSON line: captured or client strings cannot break the framing
    const send = (se: SequencedEvent): void => {
      res.write(`id: ${se.seq}\nevent: ${se.event.type}\ndata: ${JSON.stringify(se.event)}\n\n`);
    };
    let ended = false;
    let unsubscribe = (): void => undefined;
    let heartbeat: NodeJS.Timeout | null = null;
    const end = (): void => {
      if (ended) return;
      ended = true;
      unsubscribe();
      if (heartbeat !== null) clearInterval(heartbeat);
      res.end();
    };
    res.write('retry: 2000\n\n');
    for (const se of job.events) if (se.seq > lastSeen) send(se);
    const last = job.events[job.events.length - 1];
    if (last !== undefined && isTerminal(last.event)) {
      end();
      return reply;
    }
    unsubscribe = jobs.subscribe(job.id, (se) => {
      if (ended) return;
      send(se);
      if (isTerminal(se.event)) end();
    });
    heartbeat = setInterval(() => res.write(': keep-alive\n\n'), heartbeatMs);
    heartbeat.unref();
    request.raw.on('close', end);
    res.on('close', end);
    return reply;
  });
}
