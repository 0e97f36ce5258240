/**
 * `hndl-scan serve`: the dashboard and API (server/), on 127.0.0.1 unless a token is given.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, ServerConfigError } from '../server/main.js';
import { DatabaseOpenError } from '../server/app.js';
import { UsageError } from './errors.js';
import { checkDbPath, dbOpenProblem } from './db-path.js';

export async function runServe(opts: { db: string; host: string; port: number; token?: string; maxUpload?: number }): Promise<void> {
  const token = opts.token ?? process.env['HNDL_TOKEN'];
  // dist/cli/serve-command.js → dist/web
  const webRoot = resolve(join(dirname(fileURLToPath(import.meta.url)), '..', 'web'));
  checkDbPath(opts.db);
  try {
    const server = await startServer({
      dbPath: opts.db,
      host: opts.host,
      port: opts.port,
      ...(opts.maxUpload !== undefined ? { maxUploadBytes: opts.maxUpload * 1024 * 1024 } : {}),
      ...(token ? { token } : {}),
      ...(existsSync(join(webRoot, 'index.html')) ? { webRoot } : {}),
    });
    process.stderr.write(`hndl-scan: dashboard on ${server.url} (database ${opts.db}, uploads up to ${opts.maxUpload ?? 256} MiB); Ctrl-C to stop\n`);
    const stop = (): void => {
      void server.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (e: unknown) {
    if (e instanceof ServerConfigError) throw new UsageError(e.message);
    if (e instanceof DatabaseOpenError) throw new UsageError(dbOpenProblem(e.path, e.cause));
    const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
    if (code === 'EADDRINUSE') throw new UsageError(`port ${opts.port} on ${opts.host} is already in use: choose another with --port`);
    if (code === 'EACCES') throw new UsageError(`not allowed to listen on ${opts.host}:${opts.port}`);
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') throw new UsageError(`--host ${opts.host}: no such host`);
    if (code === 'EADDRNOTAVAIL') throw new UsageError(`--host ${opts.host}: not an address of this machine`);
    throw e;
  }
}
