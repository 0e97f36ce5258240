/** TlsAnalyzer: record layer, reassembly across records and chunks, HRR, TLS 1.2, alerts, hostile input. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import path from 'node:path';
import { TlsAnalyzer, attachTls, sniffTls } from '../../core/tls/analyzer.js';
import { classifyTls, resumptionKeys } from '../../core/tls/classify.js';
import { Want } from '../../core/flow/types.js';
import { tcpConnections } from './pcap-walk.js';
import {
  HRR_RANDOM, clientHelloBody, fakeFlow, fill, groups, handshake, hrrKeyShare, keyShares, record,
  selectedVersion, serverHelloBody, serverKeyShare, u16, vec16, vec8, versions,
} from './helpers.js';

const b = (a: number[]): Uint8Array => Uint8Array.from(a);
const ch13 = handshake(1, clientHelloBody({ exts: [groups([0x001d, 0x0017]), keyShares([[0x001d, fill(32)]]), versions([0x0304, 0x0303])] }));
const sh13 = handshake(2, serverHelloBody({ exts: [selectedVersion(0x0304), serverKeyShare(0x001d, 32)] }));

describe('sniffTls', () => {
  it('recognises records and SSLv2 by content', () => {
    expect(sniffTls(b(record(22, ch13, 0x0301)))).toBe('client-hello');
    expect(sniffTls(b(record(22, sh13)))).toBe('server-hello');
    expect(sniffTls(b([22, 3, 3, 0, 10, 11]))).toBe('tls');
    expect(sniffTls(b([0x80, 0x2e, 1, 0, 2, 0, 0x15]))).toBe('client-hello');
    expect(sniffTls(b([0x47, 0x45, 0x54, 0x20]))).toBeNull();
    expect(sniffTls(b([22, 3, 5, 0, 10, 1]))).toBeNull();
    expect(sniffTls(b([22, 3, 3, 0xff, 0xff, 1]))).toBeNull();
    expect(attachTls(fakeFlow(), 1, b(record(22, ch13)))?.clientIsDir).toBe(1);
  });
});

describe('TlsAnalyzer', () => {
  it('TLS 1.3: ClientHello split over 2 records, ServerHello ends the flow', () => {
    const flow = fakeFlow();
    const a = new TlsAnalyzer();
    const half = Math.floor(ch13.length / 2);
    const data = [...record(22, ch13.slice(0, half), 0x0301), ...record(22, ch13.slice(half), 0x0301)];
    expect(a.onData(flow, 0, b(data), 0)).toBe(Want.More);
    expect(flow.tls?.clientHello?.recordVersion).toBe(0x0301);
    expect(a.onData(flow, 1, b(record(22, sh13)), 0)).toBe(Want.DoneFlow);
    expect(flow.tls?.complete).toBe(true);
    const k = classifyTls(flow.tls);
    expect(k).toMatchObject({ offered: 'classical', negotiated: 'classical', group: 'x25519', mechanism: 'key_share', version: 'TLS 1.3' });
    expect(flow.app).toBe('tls');
  });

  it('ClientHello across 3 chunks with split header bytes', () => {
    const flow = fakeFlow();
    const a = new TlsAnalyzer();
    const rec = record(22, ch13);
    const cuts = [3, 7, rec.length];
    let prev = 0;
    for (const c of cuts) {
      expect(a.onData(flow, 0, b(rec.slice(prev, c)), 0)).toBe(Want.More);
      prev = c;
    }
    expect(flow.tls?.clientHello?.keyShares[0]?.group).toBe(0x001d);
  });

  it('HelloRetryRequest then second ClientHello (after compat CCS) then ServerHello', () => {
    const flow = fakeFlow();
    const a = new TlsAnalyzer();
    const ch1 = handshake(1, clientHelloBody({ exts: [groups([0x0015, 0x0017]), keyShares([[0x0015, fill(57)]]), versions([0x0304])] }));
    const ch2 = handshake(1, clientHelloBody({ exts: [groups([0x0015, 0x0017]), keyShares([[0x0017, fill(65)]]), versions([0x0304])] }));
    const hrr = handshake(2, serverHelloBody({ random: HRR_RANDOM, suite: 0x1302, exts: [selectedVersion(0x0304), hrrKeyShare(0x0017)] }));
    const sh = handshake(2, serverHelloBody({ suite: 0x1302, exts: [selectedVersion(0x0304), serverKeyShare(0x0017, 65)] }));
    a.onData(flow, 0, b(record(22, ch1)), 0);
    expect(a.onData(flow, 1, b([...record(22, hrr), ...record(20, [1])]), 0)).toBe(Want.More);
    a.onData(flow, 0, b([...record(20, [1]), ...record(22, ch2)]), 0);
    expect(a.onData(flow, 1, b(record(22, sh)), 0)).toBe(Want.DoneFlow);
    const k = classifyTls(flow.tls);
    expect(k).toMatchObject({ helloRetryRequest: true, hrrGroup: 'secp256r1', group: 'secp256r1', negotiated: 'classical', cipherSuite: 'TLS_AES_256_GCM_SHA384' });
    expect(flow.tls?.clientHello2?.keyShares[0]?.group).toBe(0x0017);
  });

  it('TLS 1.2 ECDHE: ServerHello+SKE coalesced in one record; CCS both ways completes', () => {
    const flow = fakeFlow();
    const a = new TlsAnalyzer();
    a.onData(flow, 0, b(record(22, handshake(1, clientHelloBody({ exts: [groups([0x0017])] })))), 0);
    const ske = handshake(12, [3, ...u16(0x0017), ...vec8(fill(65, 4)), ...u16(0x0401), ...vec16(fill(16))]);
    const shd = handshake(14, []);
    const sh = handshake(2, serverHelloBody({ suite: 0xc02f, sessionId: fill(32, 5) }));
    expect(a.onData(flow, 1, b(record(22, [...sh, ...ske, ...shd])), 0)).toBe(Want.More);
    expect(flow.tls?.serverKeyExchange).toEqual({ kind: 'ecdhe', namedCurve: 0x17, dhPrimeBits: 0 });
    a.onData(flow, 0, b([...record(22, handshake(16, fill(66))), ...record(20, [1]), ...record(22, fill(40))]), 0);
    const nst = handshake(4, [0, 0, 1, 0, ...vec16(fill(100, 0x42))]);
    expect(a.onData(flow, 1, b([...record(22, nst), ...record(20, [1])]), 0)).toBe(Want.DoneFlow);
    expect(flow.tls?.complete).toBe(true);
    expect(flow.tls?.issuedTicketKey).toBe('42'.repeat(32));
    expect(resumptionKeys(flow.tls).provides).toEqual(['sid:' + '05'.repeat(32), 'tkt:' + '42'.repeat(32)]);
    expect(classifyTls(flow.tls)).toMatchObject({ negotiated: 'classical', group: 'secp256r1', mechanism: 'ECDHE', version: 'TLS 1.2' });
  });

  it('TLS 1.2 abbreviated handshake → resumed', () => {
    const flow = fakeFlow();
    const a = new TlsAnalyzer();
    a.onData(flow, 0, b(record(22, handshake(1, clientHelloBody({ sessionId: fill(32, 8) })))), 0);
    a.onData(flow, 1, b([...record(22, handshake(2, serverHelloBody({ suite: 0xc02f, sessionId: fill(32, 8) }))), ...record(20, [1])]), 0);
    expect(flow.tls?.abbreviated).toBe(true);
    expect(classifyTls(flow.tls)).toMatchObject({ negotiated: 'unknown', reason: 'resumed', handshake: 'resumed', resumption: 'tls12-abbreviated' });
    expect(resumptionKeys(flow.tls).offers).toEqual(['sid:' + '08'.repeat(32)]);
  });

  it('fatal alert before ServerHello → handshake-failed', () => {
    const flow = fakeFlow();
    const a = new TlsAnalyzer();
    a.onData(flow, 0, b(record(22, ch13)), 0);
    expect(a.onData(flow, 1, b(record(21, [2, 40])), 0)).toBe(Want.DoneFlow);
    expect(classifyTls(flow.tls)).toMatchObject({ negotiated: 'unknown', reason: 'handshake-failed', handshake: 'failed', detail: 'no ServerHello; alert Handshake Failure' });
  });

  it('oversized record → error and the direction is abandoned', () => {
    const flow = fakeFlow();
    const a = new TlsAnalyzer();
    expect(a.onData(flow, 0, b([22, 3, 3, 0x48, 0x01, 1, 2, 3]), 0)).toBe(Want.DoneDir);
    expect(flow.tls?.errors).toContain('tls.record_too_large');
    expect(flow.issues).toContain('tls.record_too_large');
    expect(classifyTls(flow.tls).reason).toBe('decode-error');
  });

  it('gap: resynchronises on the next record boundary', () => {
    const flow = fakeFlow();
    const a = new TlsAnalyzer();
    const rec = record(22, ch13);
    a.onData(flow, 0, b(rec.slice(0, 20)), 0);
    a.onGap(flow, 0, 100);
    expect(a.onData(flow, 0, b(fill(30, 0x99)), 0)).toBe(Want.More);
    a.onData(flow, 0, b(rec), 0);
    expect(flow.tls?.clientHello).not.toBeNull();
    expect(flow.issues).toContain('tls.stream_gap');
  });

  it('SSLv2 hello from a real capture', () => {
    const conns = tcpConnections(path.resolve(__dirname, '../../../shared/captures/public/zeek__ssl-v2.pcap'));
    const flow = fakeFlow();
    const a = new TlsAnalyzer();
    for (const e of conns[0]?.events ?? []) if (a.onData(flow, e.dir, e.data, 0) === Want.DoneFlow) break;
    expect(flow.tls?.clientHello?.sslv2).toBe(true);
    expect(flow.tls?.serverHello?.sslv2).toBe(true);
    expect(flow.tls?.certificate?.publicKeyBits).toBe(2048);
    expect(classifyTls(flow.tls)).toMatchObject({ negotiated: 'classical', group: 'rsa', version: 'SSL 2.0', mechanism: 'RSA key transport' });
  });

  it('TLS 1.2 DHE capture: certificate and prime size', () => {
    const conns = tcpConnections(path.resolve(__dirname, '../../../shared/captures/public/zeek__dhe.pcap'));
    const flow = fakeFlow();
    const a = new TlsAnalyzer();
    for (const e of conns[0]?.events ?? []) if (a.onData(flow, e.dir, e.data, 0) === Want.DoneFlow) break;
    expect(flow.tls?.certificate).toEqual({ signatureAlgorithmOid: '1.2.840.113549.1.1.11', publicKeyAlgorithmOid: '1.2.840.113549.1.1.1', publicKeyBits: 2048, curveOid: null });
    expect(classifyTls(flow.tls)).toMatchObject({ group: 'dhe-1024', mechanism: 'DHE (explicit 1024-bit prime)' });
  });

  it('fuzz: random chunks and mutated real streams never throw', () => {
    const conns = tcpConnections(path.resolve(__dirname, '../../../shared/captures/public/zeek__ecdhe.pcap'));
    const events = conns[0]?.events ?? [];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(5000), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 4 }), (muts, junk) => {
        const flow = fakeFlow();
        const a = new TlsAnalyzer();
        let off = 0;
        for (const e of events) {
          const d = e.data.slice();
          for (const [i, v] of muts) if (i - off >= 0 && i - off < d.length) d[i - off] = v;
          off += d.length;
          a.onData(flow, e.dir, d, 0);
        }
        for (const j of junk) a.onData(flow, 0, j, 0);
        a.onEnd(flow);
        classifyTls(flow.tls);
      }),
      { numRuns: 200 },
    );
  });
});

describe('TlsAnalyzer buffers reused across flows', () => {
  // records and handshake messages that span chunks are assembled in pooled buffers, handed on
  // to the next flow once decoded: many connections fed interleaved, in small pieces, must read
  // exactly as each alone does, whatever a buffer held before
  const CAPTURES = [
    'zeek__ecdhe.pcap', 'zeek__dhe.pcap', 'zeek__tls1.2.pcap', 'ndpi__tls_verylong_certificate.pcap',
    'zeek__chrome-1250-tls-x25519-kyber.pcap', 'zeek__ssl-v2.pcap', 'zeek__google-cert-repeat.pcap', 'ja4__tls12.pcap',
  ];
  const conns = CAPTURES.flatMap((c) => tcpConnections(path.resolve(__dirname, '../../../shared/captures/public', c)))
    .filter((c) => c.events.length > 0 && sniffTls(c.events[0]?.data ?? new Uint8Array(0)) !== null);

  /** one connection alone, one event per call: the reference */
  const alone = conns.map((c) => {
    const flow = fakeFlow();
    const a = new TlsAnalyzer();
    for (const e of c.events) if (a.onData(flow, e.dir, e.data, 0) === Want.DoneFlow) break;
    a.onEnd(flow);
    return { tls: flow.tls, issues: [...flow.issues] };
  });

  it('has connections whose records and messages span chunks', () => {
    expect(conns.length).toBeGreaterThanOrEqual(8);
    expect(alone.filter((r) => r.tls?.certificate !== null && r.tls?.certificate !== undefined).length).toBeGreaterThanOrEqual(3);
  });

  it('interleaved in random pieces, with gaps in some, every other connection reads as alone', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 900 }), { minLength: 1, maxLength: 16 }), fc.nat(), (sizes, gapSeed) => {
        const states = conns.map((c, i) => ({
          flow: fakeFlow(), a: new TlsAnalyzer(), events: c.events, ev: 0, off: 0, done: false,
          // every third connection (shifted by the seed) loses bytes: its partial buffers are dropped mid-record
          gap: (i + gapSeed) % 3 === 0,
        }));
        let k = 0;
        let live = states.length;
        while (live > 0) {
          live = 0;
          for (const s of states) {
            if (s.done) continue;
            const e = s.events[s.ev];
            if (e === undefined) {
              s.a.onEnd(s.flow);
              s.done = true;
              continue;
            }
            live++;
            const n = sizes[k++ % sizes.length] ?? 1;
            const piece = e.data.subarray(s.off, s.off + n);
            s.off += piece.length;
            if (s.off >= e.data.length) {
              s.ev++;
              s.off = 0;
            }
            let w = s.a.onData(s.flow, e.dir, piece, 0);
            if (s.gap && s.ev === 1 && s.off > 0 && s.off < e.data.length) {
              w = s.a.onGap(s.flow, e.dir, 100);
              s.gap = false;
            }
            if (w === Want.DoneFlow) {
              s.a.onEnd(s.flow);
              s.done = true;
            }
          }
        }
        states.forEach((s, i) => {
          const gapped = (i + gapSeed) % 3 === 0;
          if (!gapped) expect({ tls: s.flow.tls, issues: [...s.flow.issues] }).toEqual(alone[i]);
        });
      }),
      { numRuns: 60 },
    );
  });
});

describe('TLS record fragmentation (a DPI-evasion technique)', () => {
  // a ClientHello cut into many small records (RFC 8446 §5.1 allows any fragmentation of
  // handshake messages), the records themselves cut into arbitrary TCP chunks
  const conn = tcpConnections(path.resolve(__dirname, '../../../shared/captures/public/zeek__chrome-1250-tls-x25519-kyber.pcap'))[0];
  const first = conn?.events[0]?.data ?? new Uint8Array(0);
  // the first record's handshake bytes (the hybrid ClientHello spans more than one record here)
  const hsBytes: number[] = [];
  for (let p = 0; p + 5 <= first.length; ) {
    const len = ((first[p + 3] ?? 0) << 8) | (first[p + 4] ?? 0);
    if (first[p] !== 22) break;
    hsBytes.push(...first.subarray(p + 5, p + 5 + len));
    p += 5 + len;
  }
  const reference = (() => {
    const flow = fakeFlow();
    new TlsAnalyzer().onData(flow, 0, first, 0);
    return flow.tls?.clientHello;
  })();

  it('the reference ClientHello offers X25519Kyber768', () => {
    expect(reference?.keyShares.some((k) => k.group === 0x6399)).toBe(true);
  });

  it('records of 1 to 40 bytes, in chunks of 1 to 300 bytes, decode the same ClientHello', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 }), (recSizes, chunkSizes) => {
        const wire: number[] = [];
        for (let p = 0, i = 0; p < hsBytes.length; i++) {
          const n = Math.min(recSizes[i % recSizes.length] ?? 1, hsBytes.length - p);
          wire.push(...record(22, hsBytes.slice(p, p + n), 0x0301));
          p += n;
        }
        const flow = fakeFlow();
        const a = new TlsAnalyzer();
        const bytes = Uint8Array.from(wire);
        for (let p = 0, i = 0; p < bytes.length; i++) {
          const n = chunkSizes[i % chunkSizes.length] ?? 1;
          a.onData(flow, 0, bytes.subarray(p, p + n), 0);
          p += n;
        }
        expect(flow.tls?.clientHello).toEqual(reference);
        expect(flow.issues).toEqual([]);
      }),
      { numRuns: 80 },
    );
  });
});

describe('SSL 2.0 told from a first piece of 1 or 2 bytes', () => {
  const conn = tcpConnections(path.resolve(__dirname, '../../../shared/captures/public/zeek__ssl-v2.pcap'))[0];
  const hello = conn?.events[0]?.data ?? new Uint8Array(0);
  for (const at of [1, 2]) {
    it(`split after ${at}: the same CLIENT-HELLO, though the first piece's buffer is reused`, () => {
      const ref = fakeFlow();
      new TlsAnalyzer().onData(ref, 0, hello, 0);
      expect(ref.tls?.clientHello?.sslv2).toBe(true);
      const flow = fakeFlow();
      const a = new TlsAnalyzer();
      const buf = Buffer.from(hello.subarray(0, at));
      expect(a.onData(flow, 0, buf, 0)).toBe(Want.More);
      buf.fill(0x16);
      a.onData(flow, 0, hello.subarray(at), 0);
      expect(flow.tls?.clientHello).toEqual(ref.tls?.clientHello);
    });
  }
});

describe('a TLS 1.3 ServerHello seen before its ClientHello', () => {
  // the two directions of a span port can reach the capture out of order by a few packets
  it('the server records go by until the ClientHello comes, then the key exchange is read whole', () => {
    const flow = fakeFlow();
    const a = new TlsAnalyzer();
    expect(a.onData(flow, 1, b([...record(22, sh13), ...record(20, [1]), ...record(23, fill(40))]), 0)).toBe(Want.More);
    expect(flow.tls?.serverHello).not.toBeNull();
    expect(a.onData(flow, 0, b(record(22, ch13, 0x0301)), 0)).toBe(Want.DoneFlow);
    expect(classifyTls(flow.tls)).toMatchObject({ offered: 'classical', negotiated: 'classical', group: 'x25519' });
    expect(flow.issues).toEqual([]);
  });

  it('no ClientHello at all (the capture began after it): done at the client\'s first encrypted record', () => {
    const flow = fakeFlow();
    const a = new TlsAnalyzer();
    expect(a.onData(flow, 1, b(record(22, sh13)), 0)).toBe(Want.More);
    expect(a.onData(flow, 0, b([...record(20, [1]), ...record(23, fill(40))]), 0)).toBe(Want.DoneFlow);
    expect(classifyTls(flow.tls).negotiated).toBe('classical');
  });
});
