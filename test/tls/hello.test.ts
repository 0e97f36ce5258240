/** Byte-fixture tests for the hello decoders (RFC 8446 §4.1–§4.2, RFC 5246 App. E.2). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import path from 'node:path';
import { decodeClientHello, decodeServerHello, decodeSslv2ClientHello, parseHandshakeMessages } from '../../core/tls/hello.js';
import { decodeServerKeyExchange } from '../../core/tls/ske.js';
import { decodeCertificate, decodeCertificateDer } from '../../core/tls/cert.js';
import { tcpConnections } from './pcap-walk.js';
import {
  HRR_RANDOM, alpn, clientHelloBody, ext, fill, groups, handshake, hrrKeyShare, keyShares, selectedVersion,
  serverHelloBody, serverKeyShare, sigalgs, sni, u16, u24, vec16, vec8, versions,
} from './helpers.js';

const bytes = (a: number[]): Uint8Array => Uint8Array.from(a);

describe('decodeClientHello', () => {
  const body = clientHelloBody({
    sessionId: fill(32, 7),
    exts: [
      ext(0x0a0a, []),
      sni('example.com'),
      groups([0x2a2a, 0x11ec, 0x001d, 0x0017]),
      keyShares([[0x2a2a, [0]], [0x001d, fill(32)]]),
      versions([0x3a3a, 0x0304, 0x0303]),
      alpn(['h2', 'http/1.1']),
      sigalgs([0x0403, 0x0905]),
      ext(45, vec8([1])),
      ext(41, fill(10)),
      ext(42, []),
      ext(0xfe0d, fill(5)),
      ext(35, fill(40, 9)),
    ],
  });
  const r = decodeClientHello(bytes(body), 0x0301);
  it('decodes every extension', () => {
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const ch = r.value;
    expect(ch.legacyVersion).toBe(0x0303);
    expect(ch.recordVersion).toBe(0x0301);
    expect(ch.sessionId.length).toBe(32);
    expect(ch.cipherSuites).toEqual([0x1301, 0x1302, 0xc02f]);
    expect(ch.extensionTypes).toEqual([0x0a0a, 0, 10, 51, 43, 16, 13, 45, 41, 42, 0xfe0d, 35]);
    expect(ch.sni).toBe('example.com');
    expect(ch.supportedGroups).toEqual([0x2a2a, 0x11ec, 0x001d, 0x0017]);
    expect(ch.keyShares).toEqual([{ group: 0x2a2a, length: 1 }, { group: 0x001d, length: 32 }]);
    expect(ch.supportedVersions).toEqual([0x3a3a, 0x0304, 0x0303]);
    expect(ch.alpn).toEqual(['h2', 'http/1.1']);
    expect(ch.signatureAlgorithms).toEqual([0x0403, 0x0905]);
    expect(ch.pskKeyExchangeModes).toEqual([1]);
    expect(ch.hasPreSharedKey).toBe(true);
    expect(ch.hasEarlyData).toBe(true);
    expect(ch.ech).toBe(true);
    expect(ch.sessionTicketLength).toBe(40);
    expect(ch.sessionTicketKey).toBe('09'.repeat(32));
    expect(ch.warnings).toBeUndefined();
  });

  it('ALPN names equal to, near or longer than the common ones decode exactly', () => {
    const names = ['h2', 'http/1.1', 'h3', 'h2c', 'dot', 'h', 'h1', 'h22', 'http/1.2', 'http/1.10', 'H2', '', 'ü', 'h2\u0000', 'acme-tls/1', 'acme-tls/2'];
    const utf8Alpn = ext(16, vec16(names.flatMap((n) => vec8([...Buffer.from(n, 'utf8')]))));
    const r = decodeClientHello(bytes(clientHelloBody({ exts: [utf8Alpn] })), 0x0301);
    expect(r.ok && r.value.alpn).toEqual(names);
    const sh = decodeServerHello(bytes(serverHelloBody({ exts: [alpn(['http/1.2'])] })));
    expect(sh.ok && sh.value.alpn).toBe('http/1.2');
  });

  it('the session id is a copy, not a view of the input (capture buffers are reused)', () => {
    const buf = bytes(body);
    const x = decodeClientHello(buf, 0x0301);
    buf.fill(0);
    expect(x.ok && x.value.sessionId[0]).toBe(7);
  });

  it('decodes a hello inside a larger buffer (start, end) exactly as the hello alone', () => {
    const alone = decodeClientHello(bytes(body), 0x0301);
    const framed = decodeClientHello(bytes([0xff, 0xff, 0xff, ...body, 0xee, 0xee]), 0x0301, 3, 3 + body.length);
    expect(framed).toEqual(alone);
    // the frame's trailing bytes are not the hello's
    expect(framed.ok && framed.value.warnings).toBeUndefined();
  });

  it('TLS 1.0 hello without extensions', () => {
    const b = [...u16(0x0301), ...fill(32), 0, ...vec16(u16(0x0005)), ...vec8([0])];
    const x = decodeClientHello(bytes(b), 0x0301);
    expect(x.ok && x.value.extensionTypes).toEqual([]);
  });

  it('malformed key_share entry length is a warning, other extensions survive', () => {
    const badShare = ext(51, vec16([...u16(0x001d), ...u16(64), ...fill(32)]));
    const x = decodeClientHello(bytes(clientHelloBody({ exts: [badShare, groups([0x001d])] })), 0x0303);
    expect(x.ok).toBe(true);
    if (!x.ok) return;
    expect(x.value.warnings).toContain('tls.ext_key_share_malformed');
    expect(x.value.supportedGroups).toEqual([0x001d]);
  });

  it('GREASE-only key share decodes', () => {
    const x = decodeClientHello(bytes(clientHelloBody({ exts: [keyShares([[0x0a0a, [0]]])] })), 0x0303);
    expect(x.ok && x.value.keyShares).toEqual([{ group: 0x0a0a, length: 1 }]);
  });

  it('draft key_share (40) is used when 51 is absent', () => {
    const draft = ext(40, vec16([...u16(0x001d), ...vec16(fill(32))]));
    const x = decodeClientHello(bytes(clientHelloBody({ exts: [draft, versions([0x7f13])] })), 0x0301);
    expect(x.ok && x.value.keyShares).toEqual([{ group: 0x001d, length: 32 }]);
  });

  it('every truncation returns an error or a value, never throws', () => {
    const full = bytes(body);
    for (let i = 0; i < full.length; i++) {
      const x = decodeClientHello(full.subarray(0, i), 0x0303);
      if (i < 41) expect(x.ok).toBe(false);
    }
    const badExtLen = bytes([...clientHelloBody({ exts: [] }).slice(0, -2), ...u16(10), 0, 0]);
    const y = decodeClientHello(badExtLen, 0x0303);
    expect(y.ok ? 'ok' : y.error).toBe('tls.client_hello_bad_extensions_length');
  });
});

describe('decodeServerHello', () => {
  it('TLS 1.3 ServerHello', () => {
    const r = decodeServerHello(bytes(serverHelloBody({ sessionId: fill(32, 1), exts: [selectedVersion(0x0304), serverKeyShare(0x11ec, 1120), ext(41, u16(0))] })));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ selectedVersion: 0x0304, keyShareGroup: 0x11ec, keyShareLength: 1120, isHelloRetryRequest: false, pskSelected: true, cipherSuite: 0x1301 });
  });
  it('HelloRetryRequest: selected_group only', () => {
    const r = decodeServerHello(bytes(serverHelloBody({ random: HRR_RANDOM, exts: [selectedVersion(0x0304), hrrKeyShare(0x0017)] })));
    expect(r.ok && r.value.isHelloRetryRequest).toBe(true);
    expect(r.ok && r.value.keyShareGroup).toBe(0x0017);
    expect(r.ok && r.value.keyShareLength).toBe(0);
  });
  it('draft-19 ServerHello (no session id, no compression)', () => {
    const b = [...u16(0x7f13), ...fill(32), ...u16(0x1302), ...vec16(ext(40, [...u16(0x001d), ...vec16(fill(32))]))];
    const r = decodeServerHello(bytes(b));
    expect(r.ok && r.value.keyShareGroup).toBe(0x001d);
    expect(r.ok && r.value.cipherSuite).toBe(0x1302);
  });
  it('truncated', () => {
    const r = decodeServerHello(bytes([3, 3, 1, 2]));
    expect(r.ok).toBe(false);
  });
});

describe('SSL 2.0 CLIENT-HELLO (RFC 5246 App. E.2)', () => {
  it('decodes specs', () => {
    const msg = [1, ...u16(0x0002), ...u16(6), ...u16(0), ...u16(16), 0x01, 0x00, 0x80, 0x00, 0x00, 0x05, ...fill(16, 0xee)];
    const r = decodeSslv2ClientHello(bytes(msg));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.sslv2).toBe(true);
    expect(r.value.legacyVersion).toBe(0x0002);
    expect(r.value.cipherSuites).toEqual([0x010080, 0x000005]);
  });
  it('bad spec length', () => {
    expect(decodeSslv2ClientHello(bytes([1, 0, 2, 0, 5, 0, 0, 0, 16])).ok).toBe(false);
  });
});

describe('parseHandshakeMessages', () => {
  it('returns complete messages only', () => {
    const data = bytes([...handshake(1, [1, 2, 3]), ...handshake(14, []), 2, 0, 0, 9, 1]);
    const seen: Array<[number, number]> = [];
    const used = parseHandshakeMessages(data, (t, b) => seen.push([t, b.length]));
    expect(seen).toEqual([[1, 3], [14, 0]]);
    expect(used).toBe(11);
  });
});

describe('ServerKeyExchange and Certificate', () => {
  it('ECDHE named curve', () => {
    const b = [3, ...u16(0x001d), ...vec8(fill(32)), ...u16(0x0403), ...vec16(fill(8))];
    const r = decodeServerKeyExchange(bytes(b), 0xc02f);
    expect(r.ok && r.value).toEqual({ kind: 'ecdhe', namedCurve: 0x001d, dhPrimeBits: 0 });
  });
  it('DHE prime bits', () => {
    const p = [0x80, ...fill(127)];
    const r = decodeServerKeyExchange(bytes([...vec16(p), ...vec16([2]), ...vec16(fill(128))]), 0x0088);
    expect(r.ok && r.value).toEqual({ kind: 'dhe', namedCurve: -1, dhPrimeBits: 1024 });
  });
  it('malformed SKE is an error', () => {
    const r = decodeServerKeyExchange(bytes([3, 0]), 0xc02f);
    expect(r.ok).toBe(false);
  });
  it('certificate OIDs: texts stay right when many different OIDs alternate (recent-OID cache)', () => {
    const der = (...b: number[]): number[] => (b.length < 128 ? [b.length, ...b] : [0x81, b.length, ...b]);
    const oidBytes = (arcs: number[]): number[] => {
      const out = [arcs[0]! * 40 + arcs[1]!];
      for (const a of arcs.slice(2)) {
        const groups: number[] = [];
        let v = a;
        do {
          groups.unshift(v & 0x7f);
          v = Math.floor(v / 128);
        } while (v > 0);
        out.push(...groups.map((g, i) => (i < groups.length - 1 ? g | 0x80 : g)));
      }
      return out;
    };
    const cert = (sig: number[], pk: number[]): Uint8Array => {
      const sigAlg = [0x30, ...der(0x06, ...der(...oidBytes(sig)))];
      const spki = [0x30, ...der(0x30, ...der(0x06, ...der(...oidBytes(pk))), 0x03, ...der(0x00, 0x01))];
      const tbs = [0x02, 0x01, 0x01, ...sigAlg, 0x30, 0x00, 0x30, 0x00, 0x30, 0x00, ...spki];
      return bytes([0x30, ...der(0x30, ...der(...tbs))]);
    };
    for (let round = 0; round < 3; round++) {
      for (let k = 0; k < 20; k++) {
        const sig = [1, 2, 840, 113549, 1, 1, k];
        const pk = [1, 3, 101, 100 + k, 200 * k];
        const r = decodeCertificateDer(cert(sig, pk));
        expect(r.ok && r.value.signatureAlgorithmOid).toBe(sig.join('.'));
        expect(r.ok && r.value.publicKeyAlgorithmOid).toBe(pk.join('.'));
      }
    }
  });
  it('certificate: truncated leaf is an error, not a throw', () => {
    const r = decodeCertificate(bytes([...u24(100), ...u24(90), 0x30, 0x82]));
    expect(r.ok).toBe(false);
  });
});

describe('fuzz: mutations of a real ClientHello never throw', () => {
  const conns = tcpConnections(path.resolve(__dirname, '../../../shared/captures/public/zeek__chrome-1250-tls-x25519-kyber.pcap'));
  const first = conns[0]?.events.find((e) => e.dir === 0)?.data ?? new Uint8Array(0);
  const real = first.slice(9, 9 + (((first[6] ?? 0) << 16) | ((first[7] ?? 0) << 8) | (first[8] ?? 0)));
  it('the real hello decodes', () => {
    const r = decodeClientHello(real, 0x0301);
    expect(r.ok && r.value.keyShares.map((k) => k.group)).toContain(0x6399);
  });
  it('byte flips and truncations', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(real.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(real.length), (muts, cut) => {
        const b = real.slice(0, Math.max(cut, 1));
        for (const [i, v] of muts) if (i < b.length) b[i] = v;
        decodeClientHello(b, 0x0303);
        decodeServerHello(b);
        decodeCertificate(b);
        decodeServerKeyExchange(b, 0xc02f);
        decodeServerKeyExchange(b, 0x0088);
      }),
      { numRuns: 500 },
    );
  });
});

describe('ServerHello duplicate extensions', () => {
  it('warns for a repeated extension, not for one the ClientHello before it had, also with thousands', () => {
    const dup = decodeServerHello(bytes(serverHelloBody({ exts: [ext(43, [3, 4]), ext(51, [0, 29, 0, 0]), ext(43, [3, 4])] })));
    expect(dup.ok && dup.value.warnings).toEqual(['tls.duplicate_extension']);
    decodeClientHello(bytes(clientHelloBody({ exts: [ext(43, [2, 3, 4]), ext(51, [0, 0])] })), 0x0301);
    const after = decodeServerHello(bytes(serverHelloBody({ exts: [ext(43, [3, 4]), ext(51, [0, 29, 0, 0])] })));
    expect(after.ok && after.value.warnings).toBeUndefined();
    // 16 000 distinct types (a 64 KiB hello) then one repeat: a stamp-table load each, not includes()
    const many = Array.from({ length: 16_000 }, (_, i) => ext(0x4000 + i, []));
    const hostile = decodeServerHello(bytes(serverHelloBody({ exts: [...many, ext(0x4000 + 7, [])] })));
    expect(hostile.ok && hostile.value.warnings).toEqual(['tls.duplicate_extension']);
    expect(hostile.ok && hostile.value.extensionTypes.length).toBe(16_001);
  });
});

describe('ClientHello duplicate extensions', () => {
  it('warns once for a repeated extension, with few or thousands of extensions', () => {
    const few = decodeClientHello(bytes(clientHelloBody({ exts: [ext(0xff01, [0]), ext(23, []), ext(23, [])] })), 0x0301);
    expect(few.ok && few.value.warnings).toEqual(['tls.duplicate_extension']);
    const none = decodeClientHello(bytes(clientHelloBody({ exts: [ext(0xff01, [0]), ext(23, [])] })), 0x0301);
    expect(none.ok && none.value.warnings).toBeUndefined();
    // 12 000 distinct private-use types then one repeat: found through the Set, not a quadratic scan
    const many = Array.from({ length: 12_000 }, (_, i) => ext(0x4000 + i, []));
    const hostile = decodeClientHello(bytes(clientHelloBody({ exts: [...many, ext(0x4000 + 5, [])] })), 0x0301);
    expect(hostile.ok && hostile.value.warnings).toEqual(['tls.duplicate_extension']);
    expect(hostile.ok && hostile.value.extensionTypes.length).toBe(12_001);
    const distinct = decodeClientHello(bytes(clientHelloBody({ exts: many })), 0x0301);
    expect(distinct.ok && distinct.value.warnings).toBeUndefined();
  });
});
