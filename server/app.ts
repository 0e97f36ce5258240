/**
 * buildApp(): the Fastify application (API + static dashboard) without listening, so tests
 * drive it with app.inject(). The store is opened here and closed with the app.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import { openStore } from '../core/store/index.js';
import { errorBody, installErrorHandler } from './errors.js';
import { apiRoutes } from './routes.js';
import { installBearerAuth, installLoopbackGuard, installSecurityHeaders } from './security.js';

export interface BuildAppOptions {
  /** DuckDB file; created and migrated unless readOnly */
  dbPath: string;
  /** built dashboard (dist/web); default: dist/web of this checkout; skipped when absent */
  webRoot?: string;
  /** when set, every /api request needs `Authorization: Bearer <token>` */
  token?: string;
  /** largest accepted request body (POST /api/scans), bytes; default 256 MiB */
  maxUploadBytes?: number;
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
  const store = await openStore(opts.dbPath, { readOnly: opts.readOnly === true });
  const app = Fastify({
    logger: opts.logger === true,
    bodyLimit: opts.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    ajv: { customOptions: { coerceTypes: true, removeAdditional: false, useDefaults: true } },
  });
  app.addHook('onClose', async () => {
    await store.close();
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
