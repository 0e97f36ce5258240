/**
 * Security hooks: response headers on every answer, the bearer-token check (constant-time)
 * for the API, and — when no token is set — a Host/Origin check that only lets loopback
 * names through, so a DNS-rebinding page cannot read a dashboard bound to 127.0.0.1.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './errors.js';

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'content-security-policy':
    "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return LOOPBACK_NAMES.has(h) || /^127(\.\d{1,3}){3}$/.test(h) || h.endsWith('.localhost');
}

/** hostname of a Host header value ("name:port", "[v6]:port") */
export function hostnameOf(hostHeader: string): string {
  if (hostHeader.startsWith('[')) {
    // RFC 3986 §3.2.2 IP-literal, optionally followed by ":port" and nothing else
    const m = /^\[([0-9A-Fa-f:.]+)\](?::\d{1,5})?$/.exec(hostHeader);
    return m?.[1] ?? hostHeader;
  }
  const colon = hostHeader.lastIndexOf(':');
  return colon >= 0 ? hostHeader.slice(0, colon) : hostHeader;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** constant-time comparison of an Authorization header against `Bearer <token>` */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = typeof header === 'string' && /^Bearer /i.test(header) ? header.slice(7).trim() : '';
  const ok = timingSafeEqual(digest(presented), digest(token));
  return ok && presented.length > 0;
}

/** the router decodes percent-escapes (`/%61pi` is `/api`): decide on the decoded path */
function isApiUrl(url: string): boolean {
  let path = url.split('?')[0] ?? '';
  try {
    path = decodeURIComponent(path);
  } catch {
    /* undecodable: keep the raw path */
  }
  return path.toLowerCase().startsWith('/api');
}

export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    if (isApiUrl(request.url)) reply.header('cache-control', 'no-store');
    return payload;
  });
}

/** without a token: only loopback Host names, and no cross-origin Origin */
export function installLoopbackGuard(app: FastifyInstance, extraHosts: readonly string[] = []): void {
  const extra = new Set(extraHosts.map((h) => h.toLowerCase()));
  const allowed = (name: string): boolean => isLoopbackHost(name) || extra.has(name.toLowerCase());
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const host = request.headers.host ?? '';
    if (!allowed(hostnameOf(host))) {
      return reply.code(403).send(errorBody('FORBIDDEN', 'host not allowed'));
    }
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== 'null') {
      let originHost = '';
      try {
        originHost = new URL(origin).host;
      } catch {
        originHost = '';
      }
      if (originHost.toLowerCase() !== host.toLowerCase()) {
        return reply.code(403).send(errorBody('FORBIDDEN', 'cross-origin request refused'));
      }
    } else if (origin === 'null') {
      return reply.code(403).send(errorBody('FORBIDDEN', 'cross-origin request refused'));
    }
    return undefined;
  });
}

/** every request in the calling (encapsulated) scope needs `Authorization: Bearer <token>` */
export function installBearerAuth(app: FastifyInstance, token: string): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (bearerMatches(request.headers.authorization, token)) return undefined;
    return reply
      .code(401)
      .header('www-authenticate', 'Bearer realm="hndl-scan"')
      .send(errorBody('UNAUTHORIZED'));
  });
}
