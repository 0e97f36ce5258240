import { describe, expect, it } from 'vitest';
import { deriveInitialKeys, hkdfExpandLabel, initialSecret } from '../../core/quic/keys.js';
import { V1_PARAMS, V2_PARAMS } from '../../core/quic/constants.js';
import { decodePacketNumber, unprotectLong } from '../../core/quic/protection.js';
import { parseLongHeader, walkDatagram } from '../../core/quic/header.js';
import { parseFrames } from '../../core/quic/frames.js';
import { CryptoStream } from '../../core/quic/crypto-stream.js';
import { readVarInt } from '../../core/quic/varint.js';
import { concat, hex, protectLong, toHex, varint } from './helpers.js';
import { A2_PAYLOAD_PREFIX, A2_PROTECTED, A3_PAYLOAD, A3_PROTECTED, RFC9001_DCID } from './vectors.js';

const dcid = hex(RFC9001_DCID);

describe('QUIC key derivation (RFC 9001 §5.2, Appendix A.1; RFC 9369 Appendix A.1)', () => {
  it('derives the v1 initial secret and client keys', () => {
    expect(toHex(initialSecret(V1_PARAMS, dcid))).toBe('7db5df06e7a69e432496adedb00851923595221596ae2ae9fb8115c1e9ed0a44');
    const k = deriveInitialKeys(V1_PARAMS, dcid, 'client');
    expect(toHex(k.key)).toBe('1f369613dd76d5467730efcbe3b1a22d');
    expect(toHex(k.iv)).toBe('fa044b2f42a3fd3b46fb255c');
    expect(toHex(k.hp)).toBe('9f50449e04a0e810283a1e9933adedd2');
  });
  it('derives the v1 server keys', () => {
    const k = deriveInitialKeys(V1_PARAMS, dcid, 'server');
    expect(toHex(k.key)).toBe('cf3a5331653c364c88f0f379b6067e37');
    expect(toHex(k.iv)).toBe('0ac1493ca1905853b0bba03e');
    expect(toHex(k.hp)).toBe('c206b8d9b9f0f37644430b490eeaa314');
  });
  it('derives the v2 client keys', () => {
    const k = deriveInitialKeys(V2_PARAMS, dcid, 'client');
    expect(toHex(k.key)).toBe('8b1a0bc121284290a29e0971b5cd045d');
    expect(toHex(k.iv)).toBe('91f73e2351d8fa91660e909f');
    expect(toHex(k.hp)).toBe('45b95e15235d6f45a6b19cbcb0294ba9');
  });
  it('expands labels longer than one hash block', () => {
    expect(hkdfExpandLabel(new Uint8Array(32), 'x', new Uint8Array(0), 80).length).toBe(80);
  });
});

describe('varint (RFC 9000 §16, Appendix A.1 examples)', () => {
  it('decodes the RFC examples', () => {
    expect(readVarInt(hex('c2197c5eff14e88c'), 0)?.value).toBe(Number.MAX_SAFE_INTEGER); // 151288809941952652 > 2^53: clamped
    expect(readVarInt(hex('9d7f3e7d'), 0)?.value).toBe(494878333);
    expect(readVarInt(hex('7bbd'), 0)?.value).toBe(15293);
    expect(readVarInt(hex('25'), 0)?.value).toBe(37);
    expect(readVarInt(hex('7b'), 0)).toBeNull();
  });
});

describe('packet protection (RFC 9001 Appendix A.2 / A.3)', () => {
  it('decrypts the A.2 client Initial', () => {
    const pkt = hex(A2_PROTECTED);
    expect(pkt.length).toBe(1200);
    const h = parseLongHeader(pkt, 0);
    expect(h.ok).toBe(true);
    if (!h.ok) return;
    expect(h.packet.kind).toBe('initial');
    expect(toHex(h.packet.dcid)).toBe(RFC9001_DCID);
    expect(h.packet.end).toBe(1200);
    const r = unprotectLong(pkt.subarray(h.packet.start, h.packet.end), h.packet.pnOffset, deriveInitialKeys(V1_PARAMS, dcid, 'client'), -1);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.pn).toBe(2);
    const prefix = hex(A2_PAYLOAD_PREFIX);
    expect(toHex(r.payload.subarray(0, prefix.length))).toBe(toHex(prefix));
    expect(r.payload.length).toBe(prefix.length + 917);
    const fr = parseFrames(r.payload);
    expect(fr.problem).toBeNull();
    expect(fr.crypto.length).toBe(1);
    expect(fr.crypto[0]?.offset).toBe(0);
    expect(fr.crypto[0]?.data.length).toBe(241);
  });
  it('decrypts the A.3 server Initial with server keys from the client DCID', () => {
    const pkt = hex(A3_PROTECTED);
    const w = walkDatagram(pkt);
    expect(w.packets.length).toBe(1);
    const p = w.packets[0];
    if (p === undefined) return;
    expect(toHex(p.scid)).toBe('f067a5502a4262b5');
    const r = unprotectLong(pkt.subarray(p.start, p.end), p.pnOffset, deriveInitialKeys(V1_PARAMS, dcid, 'server'), -1);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.pn).toBe(1);
    expect(toHex(r.payload)).toBe(toHex(hex(A3_PAYLOAD)));
    const fr = parseFrames(r.payload);
    expect(fr.problem).toBeNull();
    expect(fr.crypto[0]?.data[0]).toBe(2); // ServerHello
  });
  it('rejects a packet whose tag does not verify', () => {
    const pkt = hex(A2_PROTECTED);
    pkt[pkt.length - 1] = (pkt[pkt.length - 1] ?? 0) ^ 1;
    const r = unprotectLong(pkt, 22 - 4 + 0, deriveInitialKeys(V1_PARAMS, dcid, 'client'), -1);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe('quic.initial_auth_failed');
  });
  it('rejects the right packet with the wrong keys', () => {
    const pkt = hex(A2_PROTECTED);
    const r = unprotectLong(pkt, 18, deriveInitialKeys(V1_PARAMS, dcid, 'server'), -1);
    expect(r.ok).toBe(false);
  });
  it('never throws on truncations of a protected packet', () => {
    const pkt = hex(A2_PROTECTED);
    const k = deriveInitialKeys(V1_PARAMS, dcid, 'client');
    for (let n = 0; n <= pkt.length; n++) {
      const t = pkt.subarray(0, n);
      const w = walkDatagram(t);
      for (const p of w.packets) {
        if (p.pnOffset > 0) {
          const r = unprotectLong(t.subarray(p.start, p.end), p.pnOffset - p.start, k, -1);
          expect(r.ok).toBe(n === 1200);
        }
      }
    }
  });
  it('decodes truncated packet numbers (RFC 9000 Appendix A.3 example)', () => {
    expect(decodePacketNumber(0xa82f30ea, 0x9b32, 16)).toBe(0xa82f9b32);
    expect(decodePacketNumber(-1, 2, 32)).toBe(2);
  });
});

describe('coalesced packets (RFC 9000 §12.2)', () => {
  it('splits Initial + Handshake + short header', () => {
    const keys = deriveInitialKeys(V1_PARAMS, dcid, 'server');
    const init = protectLong(keys, concat(hex('c1000000010008f067a5502a4262b500'), varint(2 + 40), hex('0000')), 0, 2, new Uint8Array(24));
    const hs = concat(hex('e1000000010008f067a5502a4262b5'), varint(30), new Uint8Array(30));
    const short = hex('41aabbccdd0102030405060708');
    const w = walkDatagram(concat(init, hs, short));
    expect(w.packets.map((p) => p.kind)).toEqual(['initial', 'handshake']);
    expect(w.shortHeader).toBe(true);
    const p0 = w.packets[0];
    if (p0 === undefined) return;
    const r = unprotectLong(init.subarray(p0.start, p0.end), p0.pnOffset - p0.start, keys, -1);
    expect(r.ok).toBe(true);
  });
  it('recognises Version Negotiation and Retry', () => {
    const vn = hex('80000000000401020304040a0b0c0d00000001');
    expect(walkDatagram(vn).packets[0]?.kind).toBe('version_negotiation');
    const retry = concat(hex('f00000000100040a0b0c0d'), hex('aabbccdd'), new Uint8Array(16));
    const w = walkDatagram(retry);
    expect(w.packets[0]?.kind).toBe('retry');
    expect(toHex(w.packets[0]?.scid ?? new Uint8Array(0))).toBe('0a0b0c0d');
    // v2: Retry is type 0b00
    const r2 = concat(hex('c06b3343cf00040a0b0c0d'), hex('aabbccdd'), new Uint8Array(16));
    expect(walkDatagram(r2).packets[0]?.kind).toBe('retry');
  });
  it('stops on unknown versions and oversized CIDs', () => {
    expect(walkDatagram(hex('c0ff00001d08000000000000000000')).problems).toContain('quic.unsupported_version');
    expect(walkDatagram(concat(hex('c00000000115'), new Uint8Array(30))).problems).toContain('quic.bad_cid_length');
  });
});

describe('CRYPTO reassembly (RFC 9000 §19.6, §7.5)', () => {
  const data = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7 + 3) & 0xff);
  it('reassembles frames in reverse order with overlaps and duplicates', () => {
    const s = new CryptoStream();
    const pieces: Array<[number, number]> = [[2500, 3000], [2000, 2600], [1200, 2100], [1200, 2100], [0, 1300]];
    for (const [a, b] of pieces) {
      expect(s.add(a, data.subarray(a, b))).toEqual([]);
    }
    expect(s.contiguousLength).toBe(3000);
    expect(toHex(s.contiguous())).toBe(toHex(data));
    expect(s.rangeCount).toBe(1);
  });
  it('keeps a hole open until filled', () => {
    const s = new CryptoStream();
    s.add(100, data.subarray(100, 200));
    expect(s.contiguousLength).toBe(0);
    s.add(0, data.subarray(0, 50));
    expect(s.contiguousLength).toBe(50);
    s.add(50, data.subarray(50, 100));
    expect(s.contiguousLength).toBe(200);
  });
  it('reports mismatching overlaps and keeps the first copy', () => {
    const s = new CryptoStream();
    s.add(0, data.subarray(0, 100));
    const bad = Uint8Array.from(data.subarray(50, 150));
    bad[0] = (bad[0] ?? 0) ^ 0xff;
    expect(s.add(50, bad)).toEqual(['quic.crypto_overlap_mismatch']);
    expect(s.contiguous()[50]).toBe(data[50]);
    expect(s.contiguousLength).toBe(150);
  });
  it('caps the buffer and the range list', () => {
    const s = new CryptoStream(1000);
    expect(s.add(900, data.subarray(0, 200))).toEqual(['quic.crypto_buffer_cap']);
    expect(s.add(5000, data.subarray(0, 10))).toEqual(['quic.crypto_buffer_cap']);
    const t = new CryptoStream();
    let capped = false;
    for (let i = 0; i < 300; i++) {
      if (t.add(10 + i * 3, Uint8Array.of(1)).includes('quic.crypto_too_many_ranges')) capped = true;
    }
    expect(capped).toBe(true);
    expect(t.rangeCount).toBeLessThanOrEqual(128);
  });
});

describe('frames (RFC 9000 §19)', () => {
  it('parses PADDING, PING, ACK with ranges and ECN, CRYPTO, CONNECTION_CLOSE', () => {
    const payload = concat(hex('000001'), hex('03'), varint(10), varint(0), varint(1), varint(2), varint(1), varint(1), varint(0), varint(0), varint(0),
      hex('06'), varint(5), varint(3), hex('aabbcc'), hex('1c'), varint(0x0a), varint(6), varint(2), hex('6869'), hex('0000'));
    const r = parseFrames(payload);
    expect(r.problem).toBeNull();
    expect(r.crypto).toEqual([{ offset: 5, data: hex('aabbcc') }]);
    expect(r.closeError).toBe(10);
  });
  it('stops at unexpected frames and truncation', () => {
    expect(parseFrames(hex('0108')).problem).toBe('quic.unexpected_frame');
    expect(parseFrames(concat(hex('06'), varint(0), varint(10), hex('aa'))).problem).toBe('quic.truncated_frame');
    const full = concat(hex('02'), varint(10), varint(0), varint(1), varint(2), varint(1), varint(1), hex('06'), varint(0), varint(2), hex('aabb'));
    for (let n = 0; n < full.length; n++) expect(() => parseFrames(full.subarray(0, n))).not.toThrow();
  });
});
