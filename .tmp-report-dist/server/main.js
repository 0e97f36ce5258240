import { buildApp } from './app.js';
import { isLoopbackHost } from './security.js';
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8080;
export class ServerConfigError extends Error {
    constructor(message) {
        super(message);
        this.name = 'ServerConfigError';
    }
}
export async function startServer(opts) {
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
    if (!hasToken && host !== 'localhost')
        allowedHosts.push(host);
    const app = await buildApp({ ...opts, allowedHosts });
    try {
        await app.listen({ host, port });
    }
    catch (err) {
        await app.close().catch(() => undefined);
        throw err;
    }
    const addr = app.server.address();
    const actualPort = addr !== null && typeof addr === 'object' ? addr.port : port;
    const shownHost = host.includes(':') ? `[${host}]` : host;
    return { app, url: `http://${shownHost}:${actualPort}`, close: () => app.close() };
}
//# sourceMappingURL=main.js.map