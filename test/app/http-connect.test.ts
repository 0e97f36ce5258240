/**
 * HTTP CONNECT tunnels (core/app/http-connect.ts): the heads are consumed in either delivery
 * order and at any chunking, a refusal with a body and a retry on the same connection, a client
 * that sends its ClientHello before the proxy's answer, a tunnel that is not TLS, and the bounds.
 * Before this, such a flow was read as plain HTTP and called plaintext.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONNECT_HEAD_MAX, HttpConnectAnalyzer, sniffConnect } from '../../core/app/http-connect.js';
import { createAppFactory } from '../../core/app/dispatch.js';
import { MAX_FLOW_ISSUES, Want } from '../../core/flow/types.js';
import type { Dir, Flow } from '../../core/flow/types.js';
import { flowToReport } from '../../core/report/build.js';
import { feedSteps } from './feed.js';
import { fakeFlow, x25519ClientHelloRecord as clientHello, x25519ServerHelloRecord as serverHello } from '../tls/helpers.js';

const text = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const cat = (...parts: Uint8Array[]): Uint8Array => Buffer.concat(parts);

const CONNECT_REQ = text('CONNECT api.example:443 HTTP/1.1\r\nHost: api.example:443\r\nUser-Agent: curl/8\r\n\r\n');
const OK = text('HTTP/1.1 200 Connection Established\r\n\r\n');
const REFUSED_407 = text('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="x"\r\nContent-Length: 30\r\n\r\nproxy authentication required\n');

function run(steps: Array<[Dir, Uint8Array]>, piece = Infinity): { f: Flow; wants: Want[] } {
  const f: Flow = { ...fakeFlow(), serverPort: 3128 };
  const factory = createAppFactory();
  const a = new HttpConnectAnalyzer((fl, d, c) => factory.attachStream(fl, d, c)?.analyzer ?? null);
  const wants = feedSteps(a, f, steps, piece);
  return { f, wants };
}

describe('HTTP CONNECT tunnels', () => {
  it('the dispatcher takes a CONNECT request before plain HTTP', () => {
    expect(sniffConnect(CONNECT_REQ)).toBe(true);
    expect(sniffConnect(text('GET / HTTP/1.1\r\n\r\n'))).toBe(false);
    const f: Flow = { ...fakeFlow(), serverPort: 3128 };
    expect(createAppFactory().attachStream(f, 0, CONNECT_REQ)?.analyzer.name).toBe('http-connect');
  });

  it('reads the tunnelled TLS handshake, at every chunking; the flow is not plaintext', () => {
    for (const piece of [Infinity, 1, 3, 17]) {
      const { f } = run([[0, CONNECT_REQ], [1, OK], [0, clientHello('api.example')], [1, serverHello()]], piece);
      expect(f.ext['connect'], `pieces of ${piece}`).toEqual({ target: 'api.example:443', status: 200, requests: 1 });
      expect(f.app).toBe('tls');
      expect(f.tls?.clientHello?.sni).toBe('api.example');
      f.bytes = [500, 500];
      const r = flowToReport(f);
      expect([r.kex.offered, r.kex.negotiated, r.kex.group]).toEqual(['classical', 'classical', 'x25519']);
      expect(r['connect']).toEqual({ target: 'api.example:443', status: 200, requests: 1 });
    }
  });

  it('a 407 with a body, then a retry with credentials on the same connection; the answer and the hello in one segment', () => {
    const retry = text('CONNECT api.example:443 HTTP/1.1\r\nProxy-Authorization: Basic YTpi\r\n\r\n');
    for (const piece of [Infinity, 1]) {
      const { f } = run([[0, CONNECT_REQ], [1, REFUSED_407], [0, retry], [1, cat(OK, serverHello())], [0, clientHello('api.example')]], piece);
      expect(f.ext['connect']).toEqual({ target: 'api.example:443', status: 200, requests: 2 });
      expect(f.tls?.clientHello?.sni).toBe('api.example');
      expect(f.tls?.serverHello).toBeTruthy();
    }
  });

  it('a client that sends its ClientHello right after the request, before the answer', () => {
    const { f } = run([[0, cat(CONNECT_REQ, clientHello('early.example'))], [1, cat(OK, serverHello())]]);
    expect(f.tls?.clientHello?.sni).toBe('early.example');
    expect(f.tls?.serverHello).toBeTruthy();
  });

  it('a tunnel that is not TLS goes to its own analyzer (SSH)', () => {
    const { f } = run([[0, CONNECT_REQ], [1, OK], [0, text('SSH-2.0-OpenSSH_9.2\r\n')], [1, text('SSH-2.0-OpenSSH_9.6\r\n')]]);
    expect(f.app).toBe('ssh');
  });

  it('bounds: a head longer than the cap, a gap, a refusal that ends the connection', () => {
    const long = run([[0, cat(text('CONNECT a:1 HTTP/1.1\r\nX: '), text('y'.repeat(CONNECT_HEAD_MAX + 10)))]]);
    expect(long.f.issues).toContain('connect.head_too_long');
    expect(long.wants.at(-1)).toBe(Want.DoneDir);
    const f: Flow = { ...fakeFlow(), serverPort: 3128 };
    const a = new HttpConnectAnalyzer(() => null);
    a.onData(f, 0, text('CONNECT a:1 HTTP/1.1\r\n'), 0);
    expect(a.onGap(f, 0, 10)).toBe(Want.DoneDir);
    expect(f.issues).toContain('connect.gap');
    const refused = run([[0, CONNECT_REQ], [1, REFUSED_407]]);
    expect(refused.f.ext['connect']).toEqual({ target: 'api.example:443', status: 407, requests: 1 });
    expect(refused.f.tls).toBeNull();
  });

  it('random bytes after a CONNECT request never throw, and issues stay capped', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom<Dir>(0, 1), fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(CONNECT_REQ, OK, REFUSED_407))), { maxLength: 30 }), (steps) => {
        const { f, wants } = run([[0, CONNECT_REQ], ...steps]);
        for (const w of wants) expect([Want.More, Want.DoneDir, Want.DoneFlow]).toContain(w);
        expect(f.issues.length).toBeLessThanOrEqual(MAX_FLOW_ISSUES);
      }),
      { numRuns: 300 },
    );
  });
});
