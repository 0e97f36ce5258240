/**
 * The application-layer dispatcher recognises protocols by content: DNS over TCP (length-prefixed,
 * RFC 1035 §4.2.2), SOCKS 4a and 5 handshakes (RFC 1928/1929) followed by TLS inside the tunnel.
 */
import { describe, expect, it } from 'vitest';
import { createAppFactory } from '../../core/app/dispatch.js';
import type { Flow } from '../../core/flow/types.js';

function flow(serverPort: number): Flow {
  return {
    id: 0, transport: 'tcp', ipVersion: 4, clientIp: '10.0.0.1', clientPort: 40000, serverIp: '10.0.0.2', serverPort,
    vlan: 0, tunnelId: -1, firstTsMicros: 0, lastTsMicros: 0, packets: [0, 0], bytes: [0, 0], clientBy: 'syn',
    swapped: false, endReason: null, app: 'unknown', issues: [], tls: null, ext: {},
  };
}

/** a minimal TLS 1.2 ClientHello record with SNI `host` */
function clientHello(host: string): Uint8Array {
  const name = Buffer.from(host, 'latin1');
  const sni = Buffer.concat([Buffer.from([0, 0]), u16(name.length + 5), u16(name.length + 3), Buffer.from([0]), u16(name.length), name]);
  const exts = Buffer.concat([u16(sni.length), sni]);
  const body = Buffer.concat([Buffer.from([3, 3]), Buffer.alloc(32, 7), Buffer.from([0]), u16(2), Buffer.from([0xc0, 0x2f]), Buffer.from([1, 0]), exts]);
  const hs = Buffer.concat([Buffer.from([1]), Buffer.from([0, body.length >> 8, body.length & 0xff]), body]);
  return Buffer.concat([Buffer.from([0x16, 3, 1]), u16(hs.length), hs]);
}
function u16(n: number): Buffer {
  return Buffer.from([n >> 8, n & 0xff]);
}

describe('dispatch by content', () => {
  it('DNS over TCP on port 53 is plaintext DNS', () => {
    const f = flow(53);
    const q = Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 3, 0x77, 0x77, 0x77, 0, 0, 1, 0, 1]);
    const a = createAppFactory().attachStream(f, 0, Buffer.concat([u16(q.length), q]));
    expect(a?.analyzer.name).toBe('dns-tcp');
    expect(f.app).toBe('dns');
  });

  it('random bytes on port 53 are not DNS', () => {
    const f = flow(53);
    expect(createAppFactory().attachStream(f, 0, Buffer.from('GARBAGE-NOT-DNS-AT-ALL'))).toBeNull();
  });

  it('SOCKS4a then TLS: the tunnelled ClientHello is decoded and the target recorded', () => {
    const f = flow(1080);
    const a = createAppFactory().attachStream(f, 0, Buffer.concat([Buffer.from([4, 1, 1, 0xbb, 0, 0, 0, 1]), Buffer.from('user\0example.org\0', 'latin1')]));
    expect(a?.analyzer.name).toBe('socks');
    const an = a?.analyzer;
    if (!an) return;
    an.onData(f, 0, Buffer.concat([Buffer.from([4, 1, 1, 0xbb, 0, 0, 0, 1]), Buffer.from('user\0example.org\0', 'latin1')]), 0);
    an.onData(f, 1, Buffer.from([0, 90, 0, 0, 0, 0, 0, 0]), 0);
    an.onData(f, 0, clientHello('inner.example'), 0);
    expect((f.ext['socks'] as { target: string }).target).toBe('example.org:443');
    expect(f.tls?.clientHello?.sni).toBe('inner.example');
  });

  it('SOCKS5 with username/password, then TLS split over two chunks', () => {
    const f = flow(1080);
    const greet = Buffer.from([5, 1, 2]);
    const a = createAppFactory().attachStream(f, 0, greet);
    const an = a?.analyzer;
    expect(an?.name).toBe('socks');
    if (!an) return;
    an.onData(f, 0, greet, 0);
    an.onData(f, 1, Buffer.from([5, 2]), 0);
    an.onData(f, 0, Buffer.from([1, 1, 0x61, 1, 0x62]), 0);
    an.onData(f, 1, Buffer.from([1, 0]), 0);
    const host = Buffer.from('api.example', 'latin1');
    an.onData(f, 0, Buffer.concat([Buffer.from([5, 1, 0, 3, host.length]), host, u16(443)]), 0);
    an.onData(f, 1, Buffer.from([5, 0, 0, 1, 0, 0, 0, 0, 0, 0]), 0);
    const ch = clientHello('tunnel.example');
    an.onData(f, 0, ch.subarray(0, 20), 0);
    an.onData(f, 0, ch.subarray(20), 0);
    expect((f.ext['socks'] as { target: string; reply: number }).target).toBe('api.example:443');
    expect(f.tls?.clientHello?.sni).toBe('tunnel.example');
  });

  it('SOCKS4a then TLS one byte at a time: the tunnel\'s first bytes are held until the recognisers can tell', () => {
    const f = flow(1080);
    const req = Buffer.concat([Buffer.from([4, 1, 1, 0xbb, 0, 0, 0, 1]), Buffer.from('user\0example.org\0', 'latin1')]);
    const an = createAppFactory().attachStream(f, 0, req)?.analyzer;
    if (!an) throw new Error('SOCKS not recognised');
    an.onData(f, 0, req, 0);
    an.onData(f, 1, Buffer.from([0, 90, 0, 0, 0, 0, 0, 0]), 0);
    const ch = clientHello('inner.example');
    for (let i = 0; i < ch.length; i++) an.onData(f, 0, ch.subarray(i, i + 1), 0);
    expect(f.tls?.clientHello?.sni).toBe('inner.example');
  });

  it('SOCKS5 keeps a copy of a partial request, not a view of the reused read buffer', () => {
    const f = flow(1080);
    const host = Buffer.from('example.com', 'latin1');
    const request = Buffer.concat([Buffer.from([5, 1, 0, 3, host.length]), host, u16(443)]);
    // one segment: the greeting and the first 6 bytes of the request
    const seg = Buffer.concat([Buffer.from([5, 1, 0]), request.subarray(0, 6)]);
    const a = createAppFactory().attachStream(f, 0, seg);
    const an = a?.analyzer;
    if (!an) throw new Error('SOCKS not recognised');
    an.onData(f, 0, seg, 0);
    seg.fill(0xee); // the reader reuses its chunk buffer for the next packets
    an.onData(f, 1, Buffer.from([5, 0]), 0);
    an.onData(f, 0, request.subarray(6), 0);
    expect((f.ext['socks'] as { target: string | null }).target).toBe('example.com:443');
    expect(f.issues).not.toContain('socks.malformed');
  });
});
