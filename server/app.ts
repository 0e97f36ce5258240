/**
 * buildApp(): the Fastify application (API + static dashboard) without listening, so tests
 * drive it with app.inject(). The store is opened here and closed with the app.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clientErrorResponse, toErrorBody } from './errors.js';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { openStore } from '../core/store/index.js';
import type { Store } from '../core/store/index.js';
import { errorBody, installErrorHandler } from './errors.js';
import { apiRoutes } from './routes.js';
import { dashboardRoutes } from './dashboard-routes.js';
import { TokenBuckets } from './rate-limit.js';
import type { RateLimitOptions } from './rate-limit.js';
import { UploadJobs } from './upload-jobs.js';
import { uploadRoutes } from './upload-routes.js';
import { SECURITY_HEADERS, installBearerAuth, installLoopbackGuard, installSecurityHeaders } from './security.js';


/** the database of buildApp could not be opened (a user's mistake: wrong path, in use, not hndl-scan's) */
export class DatabaseOpenError extends Error {
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`${path}: ${((cause instanceof Error ? cause.message : String(cause)).split('\n')[0] ?? '').slice(0, 300)}`, { cause });
    this.name = 'DatabaseOpenError';
  }
}

export interface BuildAppOptions {
  /** DuckDB file; created and migrated unless readOnly */
  dbPath: string;
  /** built dashboard (dist/web); default: dist/web of this checkout; skipped when absent */
  webRoot?: string;
  /** when set, every /api request needs `Authorization: Bearer <token>` */
  token?: string;
  /** largest accepted request body (POST /api/scans) and capture upload (POST /api/uploads), bytes; default 256 MiB */
  maxUploadBytes?: number;
  /** where uploads are streamed before scanning; default a fresh directory under the OS temp dir (removed on close) */
  uploadDir?: string;
  /** capture files per upload (default 8) */
  maxUploadFiles?: number;
  /** per-client-IP token bucket for POST /api/uploads (default 10 burst, 10 per minute) */
  uploadRateLimit?: RateLimitOptions;
  /** scans run at once in worker threads (default 1) */
  scanConcurrency?: number;
  readOnly?: boolean;
  /** extra Host names accepted when no token is set (loopback names always are) */
  allowedHosts?: string[];
  logger?: boolean;
}

export const DEFAULT_MAX_UPLOAD_BYTES = 256 * 1024 * 1024;

/** dist/web next to the compiled server (dist/server) or under the repo root (server/) */
export function defaultWebRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const parent = resolve(here, '..');
  if (parent.split(sep).pop() === 'dist') return join(parent, 'web');
  return join(parent, 'dist', 'web');
}

function isApiPath(url: string): boolean {
  let path = url.split('?')[0] ?? '';
  try {
    path = decodeURIComponent(path);
  } catch {
    /* keep the raw path */
  }
  return path === '/api' || path.startsWith('/api/');
}

export async function buildApp(opts: BuildAppOptions): Promise<FastifyInstance> {
  let store: Store;
  try {
    store = await openStore(opts.dbPath, { readOnly: opts.readOnly === true });
  } catch (e: unknown) {
    throw new DatabaseOpenError(opts.dbPath, e);
  }
  const app = Fastify({
    logger: opts.logger === true,
    bodyLimit: opts.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, useDefaults: true } },
    // requests the HTTP parser refused: the catalogue's body, not Fastify's own
    clientErrorHandler: (err, socket) => {
      const text = socket.destroyed ? null : clientErrorResponse(err as { code?: unknown }, SECURITY_HEADERS);
      if (text !== null && socket.writable) socket.write(text);
      socket.destroy();
    },
    // errors before routing (e.g. a malformed percent-escape) get the same body as every other error
    frameworkErrors: (error, _request, replyBeforeRouting) => {
      const body = toErrorBody(error);
      // hooks do not run before routing: set the security headers here
      const reply = replyBeforeRouting as unknown as FastifyReply;
      void reply
        .code(body.statusCode)
        .headers({ ...SECURITY_HEADERS, 'cache-control': 'no-store' })
        .type('application/json; charset=utf-8')
        .send(body);
    },
  });
  let uploadDir = opts.uploadDir;
  let ownUploadDir = false;
  if (uploadDir === undefined) {
    uploadDir = mkdtempSync(join(tmpdir(), 'hndl-uploads-'));
    ownUploadDir = true;
  } else {
    mkdirSync(uploadDir, { recursive: true, mode: 0o700 });
  }
  const jobs = new UploadJobs(store, { concurrency: opts.scanConcurrency ?? 1 });
  // before the server waits for open connections: end SSE streams, stop scans
  app.addHook('preClose', async () => {
    await jobs.close();
  });
  app.addHook('onClose', async () => {
    await jobs.close();
    await store.close();
    if (ownUploadDir && uploadDir !== undefined) rmSync(uploadDir, { recursive: true, force: true });
  });
  try {
    // only JSON bodies: no text/plain, so a cross-site "simple" request cannot post a body
    app.removeContentTypeParser('text/plain');
    installSecurityHeaders(app);
    installErrorHandler(app);
    if (opts.token === undefined || opts.token === '') installLoopbackGuard(app, opts.allowedHosts);
    const token = opts.token;

    await app.register(
      async (api) => {
        if (token !== undefined && token !== '') installBearerAuth(api, token);
        await apiRoutes(api, store);
        await dashboardRoutes(api, store);
        await api.register(fastifyMultipart);
        await uploadRoutes(api, {
          jobs,
          uploadDir: uploadDir ?? tmpdir(),
          maxUploadBytes: opts.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
          maxFiles: opts.maxUploadFiles ?? 8,
          buckets: new TokenBuckets(opts.uploadRateLimit ?? {}),
        });
      },
      { prefix: '/api' },
    );

    const webRoot = opts.webRoot ?? defaultWebRoot();
    const hasWeb = existsSync(join(webRoot, 'index.html'));
    if (hasWeb) {
      await app.register(fastifyStatic, { root: resolve(webRoot), prefix: '/', dotfiles: 'deny', index: 'index.html' });
    }
    app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
      const spa = hasWeb && (request.method === 'GET' || request.method === 'HEAD') && !isApiPath(request.url);
      if (spa) return reply.type('text/html; charset=utf-8').sendFile('index.html');
      return reply.code(404).type('application/json; charset=utf-8').send(errorBody('NOT_FOUND'));
    });
    await app.ready();
    return app;
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
}
