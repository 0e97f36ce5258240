import { describe, expect, it } from 'vitest';
import { MAX_DATAGRAMS_PER_FLOW, MAX_DECRYPT_ATTEMPTS_PER_FLOW, QuicAnalyzer, VERIFY_MICROS, looksLikeClientInitial, sniffQuic } from '../../core/quic/analyzer.js';
import type { QuicInfo } from '../../core/quic/analyzer.js';
import { V1_PARAMS, V2_PARAMS } from '../../core/quic/constants.js';
import type { VersionParams } from '../../core/quic/constants.js';
import { deriveInitialKeys } from '../../core/quic/keys.js';
import { Want } from '../../core/flow/types.js';
import type { Dir } from '../../core/flow/types.js';
import { Weirds } from '../../core/util/weirds.js';
import { blankFlow, concat, hex, protectLong, varint } from './helpers.js';
import { A2_PAYLOAD_PREFIX, A2_PROTECTED, A3_PAYLOAD, A3_PROTECTED, RFC9001_DCID } from './vectors.js';

/** RFC 9001 A.2 ClientHello handshake message (type 1, 237-byte body) and A.3 ServerHello. */
const CH = hex(A2_PAYLOAD_PREFIX).subarray(4); // after CRYPTO frame type, offset 0, length 0x40f1
const SH = hex(A3_PAYLOAD).subarray(9); // after ACK (02 00 00 00 00) and CRYPTO header (06 00 40 5a)
const HRR_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';
/** A HelloRetryRequest selecting secp256r1 (RFC 8446 §4.1.4). */
const HRR = hex(`02000034 0303 ${HRR_RANDOM} 00 1301 00 000c 002b00020304 003300020017`);

function cryptoFrame(offset: number, data: Uint8Array): Uint8Array {
  return concat(hex('06'), varint(offset), varint(data.length), data);
}

interface InitialOpts {
  params?: VersionParams;
  keyDcid: Uint8Array;
  dcid: Uint8Array;
  scid: Uint8Array;
  side: 'client' | 'server';
  pn: number;
  frames: Uint8Array;
  pad?: number;
  token?: Uint8Array;
}

function initial(o: InitialOpts): Uint8Array {
  const params = o.params ?? V1_PARAMS;
  const keys = deriveInitialKeys(params, o.keyDcid, o.side);
  const payload = concat(o.frames, new Uint8Array(o.pad ?? 20));
  const typeBits = params === V2_PARAMS ? 1 : 0;
  const first = 0xc0 | (typeBits << 4) | 0x01; // 2-byte packet number
  const token = o.token ?? new Uint8Array(0);
  const ver = new Uint8Array(4);
  new DataView(ver.buffer).setUint32(0, params.version);
  const header = concat(Uint8Array.of(first), ver, Uint8Array.of(o.dcid.length), o.dcid, Uint8Array.of(o.scid.length), o.scid,
    varint(token.length), token, varint(2 + payload.length + 16), Uint8Array.of(o.pn >> 8, o.pn & 0xff));
  return protectLong(keys, header, o.pn, 2, payload);
}

const DCID = hex('0102030405060708');
const CSCID = hex('c1c2c3c4');
const SSCID = hex('5a5b5c5d5e5f');

function feed(a: QuicAnalyzer, f: ReturnType<typeof blankFlow>, items: Array<[Dir, Uint8Array]>): Want {
  let w: Want = Want.More;
  for (const [d, p] of items) w = a.onDatagram(f, d, p, 0);
  return w;
}

describe('sniffQuic', () => {
  it('accepts v1/v2 long headers and rejects others', () => {
    expect(sniffQuic(hex(A2_PROTECTED))).toBe(true);
    expect(looksLikeClientInitial(hex(A2_PROTECTED))).toBe(true);
    expect(looksLikeClientInitial(hex(A3_PROTECTED))).toBe(false);
    expect(sniffQuic(hex('4000000001'))).toBe(false);
    expect(sniffQuic(hex('c0ff00001d0800'))).toBe(false);
    expect(sniffQuic(new Uint8Array(0))).toBe(false);
  });
});

describe('QuicAnalyzer fixtures', () => {
  it('decodes the RFC 9001 A.2 / A.3 exchange', () => {
    const a = new QuicAnalyzer();
    const f = blankFlow();
    expect(feed(a, f, [[0, hex(A2_PROTECTED)]])).toBe(Want.More);
    expect(f.app).toBe('quic');
    expect(f.tls?.clientHello?.sni).toBe('example.com');
    expect(feed(a, f, [[1, hex(A3_PROTECTED)]])).toBe(Want.More); // reads on for VERIFY_MICROS before it is done
    expect(f.tls?.serverHello?.keyShareGroup).toBe(0x001d);
    expect((f.ext['quic'] as QuicInfo).initialDcid).toBe(RFC9001_DCID);
  });

  it('ignores an Initial whose tag does not verify and counts it', () => {
    const w = new Weirds();
    const a = new QuicAnalyzer(w);
    const f = blankFlow();
    const bad = hex(A2_PROTECTED);
    bad[600] = (bad[600] ?? 0) ^ 0x55;
    feed(a, f, [[0, bad]]);
    expect(f.tls?.clientHello ?? null).toBeNull();
    expect(w.get('quic.initial_auth_failed')).toBe(1);
    expect(f.issues).toContain('quic.initial_auth_failed');
    expect((f.ext['quic'] as QuicInfo).initialAuthFailed).toBe(1);
    // the genuine packet still works afterwards
    feed(a, f, [[0, hex(A2_PROTECTED)]]);
    expect(f.tls?.clientHello?.sni).toBe('example.com');
  });

  it('reassembles CRYPTO frames in reverse order with overlaps across packets and datagrams', () => {
    const a = new QuicAnalyzer();
    const f = blankFlow();
    const n = CH.length;
    const p1 = initial({ keyDcid: DCID, dcid: DCID, scid: CSCID, side: 'client', pn: 0, frames: concat(cryptoFrame(150, CH.subarray(150)), cryptoFrame(90, CH.subarray(90, 170))) });
    const p2 = initial({ keyDcid: DCID, dcid: DCID, scid: CSCID, side: 'client', pn: 1, frames: concat(hex('01'), cryptoFrame(40, CH.subarray(40, 100)), cryptoFrame(40, CH.subarray(40, 100))) });
    const p3 = initial({ keyDcid: DCID, dcid: DCID, scid: CSCID, side: 'client', pn: 2, frames: cryptoFrame(0, CH.subarray(0, 45)) });
    expect(n).toBe(241);
    feed(a, f, [[0, p1], [0, p2]]);
    expect(f.tls?.clientHello ?? null).toBeNull();
    feed(a, f, [[0, p3]]);
    expect(f.tls?.clientHello?.sni).toBe('example.com');
    expect(f.issues).toEqual([]);
  });

  it('handles a server Initial coalesced with a Handshake packet, SCID change included', () => {
    const a = new QuicAnalyzer();
    const f = blankFlow();
    const c = initial({ keyDcid: DCID, dcid: DCID, scid: CSCID, side: 'client', pn: 0, frames: cryptoFrame(0, CH), pad: 1000 });
    const s = initial({ keyDcid: DCID, dcid: CSCID, scid: SSCID, side: 'server', pn: 0, frames: concat(hex('0200000000'), cryptoFrame(0, SH)) });
    const hs = concat(hex('e100000001'), Uint8Array.of(CSCID.length), CSCID, Uint8Array.of(SSCID.length), SSCID, varint(40), new Uint8Array(40));
    // the client's next Initial uses the server's SCID as DCID, keys stay those of the first DCID
    const c2 = initial({ keyDcid: DCID, dcid: SSCID, scid: CSCID, side: 'client', pn: 1, frames: hex('0200000000') });
    expect(feed(a, f, [[0, c], [1, concat(s, hs)]])).toBe(Want.More);
    const q = f.ext['quic'] as QuicInfo;
    expect(q.handshakePackets).toBe(1);
    expect(f.tls?.serverHello?.keyShareGroup).toBe(0x001d);
    expect(feed(a, f, [[0, c2]])).toBe(Want.More);
    expect(f.issues).toEqual([]);
  });

  it('derives new keys after Retry', () => {
    const a = new QuicAnalyzer();
    const f = blankFlow();
    const c1 = initial({ keyDcid: DCID, dcid: DCID, scid: CSCID, side: 'client', pn: 0, frames: cryptoFrame(0, CH.subarray(0, 100)) });
    const NEW = hex('aabbccddeeff0011');
    const retry = concat(hex('f000000001'), Uint8Array.of(CSCID.length), CSCID, Uint8Array.of(NEW.length), NEW, hex('746f6b656e'), new Uint8Array(16));
    const c2 = initial({ keyDcid: NEW, dcid: NEW, scid: CSCID, side: 'client', pn: 1, frames: cryptoFrame(0, CH), token: hex('746f6b656e') });
    const s = initial({ keyDcid: NEW, dcid: CSCID, scid: SSCID, side: 'server', pn: 0, frames: cryptoFrame(0, SH) });
    expect(feed(a, f, [[0, c1], [1, retry], [0, c2], [1, s]])).toBe(Want.More);
    const q = f.ext['quic'] as QuicInfo;
    expect(q.retries).toBe(1);
    expect(q.initialDcid).toBe('aabbccddeeff0011');
    expect(q.initialAuthFailed).toBe(0);
    expect(f.tls?.serverHello?.keyShareGroup).toBe(0x001d);
  });

  it('records a HelloRetryRequest and the second ClientHello (v2)', () => {
    const a = new QuicAnalyzer();
    const f = blankFlow();
    const c1 = initial({ params: V2_PARAMS, keyDcid: DCID, dcid: DCID, scid: CSCID, side: 'client', pn: 0, frames: cryptoFrame(0, CH) });
    const s1 = initial({ params: V2_PARAMS, keyDcid: DCID, dcid: CSCID, scid: SSCID, side: 'server', pn: 0, frames: cryptoFrame(0, HRR) });
    const c2 = initial({ params: V2_PARAMS, keyDcid: DCID, dcid: SSCID, scid: CSCID, side: 'client', pn: 1, frames: cryptoFrame(CH.length, CH) });
    const s2 = initial({ params: V2_PARAMS, keyDcid: DCID, dcid: CSCID, scid: SSCID, side: 'server', pn: 1, frames: cryptoFrame(HRR.length, SH) });
    expect(feed(a, f, [[0, c1], [1, s1], [0, c2]])).toBe(Want.More);
    expect(f.tls?.helloRetryRequest?.keyShareGroup).toBe(0x0017);
    expect(f.tls?.clientHello2).not.toBeNull();
    expect(feed(a, f, [[1, s2]])).toBe(Want.More);
    expect((f.ext['quic'] as QuicInfo).version).toBe(0x6b3343cf);
  });

  it('after both hellos it reads on for VERIFY_MICROS of capture time, whatever comes, then is done', () => {
    const a = new QuicAnalyzer();
    const f = blankFlow();
    const c = initial({ keyDcid: DCID, dcid: DCID, scid: CSCID, side: 'client', pn: 0, frames: cryptoFrame(0, CH), pad: 1000 });
    const s = initial({ keyDcid: DCID, dcid: CSCID, scid: SSCID, side: 'server', pn: 0, frames: cryptoFrame(0, SH) });
    expect(a.onDatagram(f, 0, c, 1_000)).toBe(Want.More);
    expect(a.onDatagram(f, 1, s, 2_000)).toBe(Want.More);
    // junk datagrams, more than the per-flow cap, cannot end the window early
    const junk = hex('40' + '00'.repeat(23));
    for (let i = 0; i < MAX_DATAGRAMS_PER_FLOW + 10; i++) expect(a.onDatagram(f, i % 2 === 0 ? 0 : 1, junk, 3_000 + i)).toBe(Want.More);
    expect(f.issues).not.toContain('quic.datagram_cap');
    // past the window only headers are looked at: anything but an Initial goes by
    expect(a.onDatagram(f, 0, junk, 2_000 + VERIFY_MICROS)).toBe(Want.More);
    expect(a.onDatagram(f, 1, junk, 3_000 + VERIFY_MICROS)).toBe(Want.More);
    expect(f.issues).toEqual([]);
    // a new connection from the same address and port (other connection IDs) is not this one's copy
    const other = initial({ keyDcid: hex('0a0b0c0d0e0f1011'), dcid: hex('0a0b0c0d0e0f1011'), scid: hex('1213141516171819'), side: 'client', pn: 0, frames: cryptoFrame(0, CH), pad: 1000 });
    expect(a.onDatagram(f, 0, other, 3_500 + VERIFY_MICROS)).toBe(Want.More);
    expect(f.issues).toEqual([]);
    // a later Initial of this connection (the real one after a forged copy, from a slow server) cannot be compared any more
    expect(a.onDatagram(f, 1, s, 4_000 + VERIFY_MICROS)).toBe(Want.DoneFlow);
    expect(f.issues).toEqual(['quic.crypto_unverified']);
  });

  it('Initials that do not decrypt, spending the decryption budget inside the window, leave the flow crypto_unverified', () => {
    const a = new QuicAnalyzer();
    const f = blankFlow();
    const c = initial({ keyDcid: DCID, dcid: DCID, scid: CSCID, side: 'client', pn: 0, frames: cryptoFrame(0, CH), pad: 1000 });
    const s = initial({ keyDcid: DCID, dcid: CSCID, scid: SSCID, side: 'server', pn: 0, frames: cryptoFrame(0, SH) });
    a.onDatagram(f, 0, c, 1_000);
    a.onDatagram(f, 1, s, 2_000);
    const junk = initial({ keyDcid: hex('0102030405060708'), dcid: CSCID, scid: SSCID, side: 'server', pn: 1, frames: cryptoFrame(0, SH) });
    let w = Want.More;
    for (let i = 0; i < MAX_DECRYPT_ATTEMPTS_PER_FLOW && w !== Want.DoneFlow; i++) w = a.onDatagram(f, 1, junk, 3_000 + i);
    expect(w).toBe(Want.DoneFlow);
    expect(f.issues).toContain('quic.crypto_unverified');
  });

  it('a second server Initial whose CRYPTO bytes differ from the first (a forged copy the client dropped, or the real one after it) is a crypto_overlap_mismatch', () => {
    const a = new QuicAnalyzer();
    const f = blankFlow();
    const c = initial({ keyDcid: DCID, dcid: DCID, scid: CSCID, side: 'client', pn: 0, frames: cryptoFrame(0, CH), pad: 1000 });
    const forged = SH.slice();
    forged[10] = (forged[10] ?? 0) ^ 0xff; // inside the server random: still a ServerHello
    const s1 = initial({ keyDcid: DCID, dcid: CSCID, scid: SSCID, side: 'server', pn: 0, frames: cryptoFrame(0, forged) });
    const s2 = initial({ keyDcid: DCID, dcid: CSCID, scid: SSCID, side: 'server', pn: 0, frames: cryptoFrame(0, SH) });
    expect(feed(a, f, [[0, c], [1, s1]])).toBe(Want.More);
    expect(f.tls?.serverHello).not.toBeNull();
    feed(a, f, [[1, s2]]);
    expect(f.issues).toContain('quic.crypto_overlap_mismatch');
  });

  it('assigns hellos by the key that authenticates when the orientation is reversed', () => {
    const a = new QuicAnalyzer();
    const f = blankFlow();
    feed(a, f, [[1, hex(A2_PROTECTED)], [0, hex(A3_PROTECTED)]]);
    expect(f.tls?.clientHello?.sni).toBe('example.com');
    expect(f.tls?.serverHello?.keyShareGroup).toBe(0x001d);
    expect(f.issues).toContain('quic.initial_direction_mismatch');
  });

  it('never throws on truncations at every length, and caps datagrams', () => {
    const full = hex(A2_PROTECTED);
    const srv = concat(hex(A3_PROTECTED), hex('e100000001'), Uint8Array.of(0), Uint8Array.of(0), varint(3), hex('010203'));
    for (const src of [full, srv]) {
      for (let n = 0; n <= src.length; n++) {
        const a = new QuicAnalyzer();
        const f = blankFlow();
        expect(() => a.onDatagram(f, 0, src.subarray(0, n), 0)).not.toThrow();
        expect(() => a.onDatagram(f, 1, src.subarray(0, n), 0)).not.toThrow();
        a.onEnd(f);
      }
    }
    const a = new QuicAnalyzer();
    const f = blankFlow();
    let w: Want = Want.More;
    let i = 0;
    for (; i < 1000 && w !== Want.DoneFlow; i++) w = a.onDatagram(f, 0, full.subarray(0, 500), 0);
    expect(w).toBe(Want.DoneFlow);
    expect(i).toBeLessThanOrEqual(64);
  });

  it('survives random bytes behind a valid long header', () => {
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16) & 0xff;
    for (let i = 0; i < 300; i++) {
      const a = new QuicAnalyzer();
      const f = blankFlow();
      const body = new Uint8Array(50 + (i % 400)).map(rnd);
      const d = concat(hex('c00000000108'), DCID, hex('00'), varint(0), varint(body.length), body);
      expect(() => a.onDatagram(f, (i & 1) as Dir, d, 0)).not.toThrow();
    }
  });
});
