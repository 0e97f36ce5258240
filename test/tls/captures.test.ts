/**
 * Real captures (/work/shared/captures/public): every TCP TLS flow of expected/*.json is
 * replayed through TlsAnalyzer (via the test-only walker) and classifyTls must agree with the
 * expected offered/negotiated class, codepoint, mechanism, handshake state and version.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { classifyTls } from '../../core/tls/classify.js';
import { hex4 } from '../../core/tls/groups.js';
import { tcpConnections } from './pcap-walk.js';
import { replay } from './replay.js';

const PUB = path.resolve(__dirname, '../../../shared/captures/public');

interface ExpFlow {
  transport: string;
  protocol: string;
  client: string;
  server: string;
  version: string | null;
  handshake: string;
  offered: { class: string; key_share_class: string | null; tls13_offered: boolean } | null;
  negotiated: { class: string; codepoint: string | null; mechanism: string | null; resumption?: string };
  hello_retry_request: boolean;
  cipher_suite: string | null;
}

const files = readdirSync(path.join(PUB, 'expected')).filter((f) => f.endsWith('.json'));

describe('real captures: analyzer + classifier vs expected/*.json (TCP flows)', () => {
  let matched = 0;
  let total = 0;
  for (const f of files) {
    const exp = JSON.parse(readFileSync(path.join(PUB, 'expected', f), 'utf8')) as { capture: string; tls_flows: ExpFlow[] };
    const tcp = exp.tls_flows.filter((x) => x.transport === 'tcp' && x.protocol === 'tls');
    if (tcp.length === 0) continue;
    it(f, () => {
      const conns = tcpConnections(path.join(PUB, exp.capture));
      for (const x of tcp) {
        total++;
        const conn = conns.find((c) => (c.client === x.client && c.server === x.server) || (c.client === x.server && c.server === x.client));
        if (conn === undefined) continue; // tunnelled (GRE/ERSPAN/VXLAN): not visible to the test walker
        matched++;
        const swap = conn.client !== x.client;
        const flow = replay(conn, swap, f.includes('socks'));
        const k = classifyTls(flow.tls);
        const label = `${f} ${x.client}->${x.server}`;
        expect(k.negotiated, label).toBe(x.negotiated.class);
        expect(k.codepoint === null ? null : hex4(k.codepoint), label).toBe(x.negotiated.codepoint);
        if (x.negotiated.mechanism !== null) expect(k.mechanism, label).toBe(x.negotiated.mechanism);
        if (x.offered !== null) {
          expect(k.offered, label).toBe(x.offered.class);
          expect(k.offeredKeyShare, label).toBe(x.offered.key_share_class);
          expect(k.tls13Offered, label).toBe(x.offered.tls13_offered);
        }
        expect(k.handshake === 'none' ? 'server_only' : k.handshake, label).toBe(x.handshake);
        expect(k.version, label).toBe(x.version);
        expect(k.helloRetryRequest, label).toBe(x.hello_retry_request);
        if (x.cipher_suite !== null) expect(k.cipherSuite, label).toBe(x.cipher_suite);
        expect(k.resumption ?? undefined, label).toBe(x.negotiated.resumption ?? (x.handshake === 'resumed' ? 'tls12-abbreviated' : undefined));
      }
    });
  }
  it('most TCP TLS flows were found by the walker', () => {
    expect(total).toBeGreaterThan(100);
    expect(matched / total).toBeGreaterThan(0.9);
  });
});
