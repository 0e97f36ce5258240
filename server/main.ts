/**
 * startServer(): build the app and listen. A host other than loopback is refused unless a
 * token is set, so the dashboard is never exposed to the network unauthenticated.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { BuildAppOptions } from './app.js';
import { isLoopbackHost } from './security.js';

export interface StartServerOptions extends BuildAppOptions {
  host?: string;
  port?: number;
}

export interface RunningServer {
  app: FastifyInstance;
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  close(): Promise<void>;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8080;

export class ServerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerConfigError';
  }
}

export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  const host = opts.host ?? DEFAULT_HOST;
  const port = opts.port ?? DEFAULT_PORT;
  const hasToken = opts.token !== undefined && opts.token !== '';
  if (!isLoopbackHost(host) && !hasToken) {
    throw new ServerConfigError(`refusing to listen on ${host} without a token: set one, or use 127.0.0.1`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ServerConfigError(`invalid port: ${String(port)}`);
  }
  const allowedHosts = [...(opts.allowedHosts ?? [])];
  if (!hasToken && host !== 'localhost') allowedHosts.push(host);
  const app = await buildApp({ ...opts, allowedHosts });
  try {
    await app.listen({ host, port });
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
  const addr = app.server.address();
  const actualPort = addr !== null && typeof addr === 'object' ? addr.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { app, url: `http://${shownHost}:${actualPort}`, close: () => app.close() };
}
