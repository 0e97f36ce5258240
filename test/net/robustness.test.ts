import { describe, expect, it } from 'vitest';
import { Buffer } from 'node:buffer';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { decodeFrame, decodeWeirdCodes } from '../../core/net/decode.js';
import { newDecodedPacket } from '../../core/net/packet.js';
import type { DecodedPacket } from '../../core/net/packet.js';
import { Weirds } from '../../core/util/weirds.js';
import {
  cat,
  erspan2,
  erspan3,
  eth,
  ext6,
  frag6,
  geneve,
  gre,
  ipv4,
  ipv6,
  nullHdr,
  sll,
  sll2,
  tcp,
  udp,
  vxlan,
  vxlanGpe,
} from './build.js';

const HELLO = Buffer.from('hello world, this is a payload');
const t4 = (): Buffer =>
  ipv4({ proto: 6, options: Buffer.from([1, 1, 1, 0]) }, tcp({ sport: 40000, dport: 443, options: Buffer.from([2, 4, 5, 0xb4]) }, HELLO));
const u4 = (): Buffer => ipv4({ proto: 17 }, udp(5353, 443, HELLO));
const t6 = (): Buffer => ipv6({ nh: 0 }, cat(ext6(44, 0), frag6(6, 0, false), tcp({ sport: 1, dport: 2 }, HELLO)));
const inner = (): Buffer => eth(0x0800, t4(), [{ tpid: 0x8100, vid: 12 }]);
const o4 = (proto: number, p: Buffer): Buffer => eth(0x0800, ipv4({ proto }, p), [{ tpid: 0x88a8, vid: 5 }, { tpid: 0x8100, vid: 6 }]);

const VALID: [string, number, Buffer][] = [
  ['eth/ipv4/tcp', 1, eth(0x0800, t4())],
  ['eth/qinq/ipv6 ext/tcp', 1, eth(0x86dd, t6(), [{ tpid: 0x88a8, vid: 1 }, { tpid: 0x8100, vid: 2 }])],
  ['sll/udp', 113, sll(0x0800, u4())],
  ['sll2/ipv6', 276, sll2(0x86dd, t6())],
  ['null/ipv6', 0, nullHdr(30, true, t6())],
  ['loop/ipv4', 108, nullHdr(2, false, u4())],
  ['raw', 101, t6()],
  ['ppp', 9, cat([0xff, 0x03, 0x00, 0x21], t4())],
  ['mpls', 1, eth(0x8847, cat([0, 1, 0x01, 0x40], u4()))],
  ['vxlan', 1, o4(17, udp(1, 4789, vxlan(100, inner())))],
  ['vxlan-gpe', 1, o4(17, udp(1, 4790, vxlanGpe(100, 2, t6())))],
  ['geneve', 1, o4(17, udp(1, 6081, geneve(100, 0x6558, inner(), 2)))],
  ['gre key', 1, o4(47, gre(0x0800, u4(), { csum: true, key: 3, seq: 4 }))],
  ['erspan I', 1, o4(47, gre(0x88be, inner()))],
  ['erspan II', 1, o4(47, gre(0x88be, erspan2(20, inner()), { seq: 1 }))],
  ['erspan III', 1, o4(47, gre(0x22eb, erspan3(21, inner(), { sub: true }), { seq: 1 }))],
  ['ipip6', 1, eth(0x0800, ipv4({ proto: 41 }, t6()))],
];

function check(p: DecodedPacket, ok: boolean, w: Weirds, off: number, capLen: number): void {
  if (ok) {
    expect(p.proto === 6 || p.proto === 17).toBe(true);
    expect(p.ipVersion === 4 || p.ipVersion === 6).toBe(true);
    expect(p.payloadLen).toBeGreaterThanOrEqual(0);
    expect(p.payloadOff).toBeGreaterThanOrEqual(off);
    expect(p.payloadOff + p.payloadLen).toBeLessThanOrEqual(off + capLen);
    expect(p.wirePayloadLen).toBeGreaterThanOrEqual(p.payloadLen);
    expect(p.srcAddrOff).toBeGreaterThanOrEqual(off);
    expect(p.dstAddrOff + (p.ipVersion === 4 ? 4 : 16)).toBeLessThanOrEqual(off + capLen);
  } else {
    expect(w.counts.size + w.overflow).toBeGreaterThan(0);
  }
}

describe('truncation at every length', () => {
  for (const [name, lt, frame] of VALID) {
    it(name, () => {
      const p = newDecodedPacket();
      const w0 = new Weirds();
      expect(decodeFrame(lt, frame, 0, frame.length, p, w0)).toBe(true);
      const full = { off: p.payloadOff, len: p.payloadLen, sport: p.srcPort, dport: p.dstPort, src: p.srcAddrOff, zone: p.zone };
      expect(full.len).toBe(HELLO.length);
      for (let L = 0; L <= frame.length; L++) {
        for (const buf of [frame, frame.subarray(0, L)]) {
          const w = new Weirds();
          const ok = decodeFrame(lt, buf, 0, L, p, w);
          check(p, ok, w, 0, L);
          if (L >= full.off) {
            expect(ok).toBe(true);
            expect(p.payloadOff).toBe(full.off);
            expect(p.payloadLen).toBe(Math.min(full.len, L - full.off));
            expect(p.srcPort).toBe(full.sport);
            expect(p.dstPort).toBe(full.dport);
            expect(p.srcAddrOff).toBe(full.src);
            expect(p.zone).toBe(full.zone);
          }
        }
      }
    });
  }
});

describe('hostile bytes (fast-check)', () => {
  const lts = [0, 1, 9, 101, 108, 113, 228, 229, 276, 147];
  it('random bytes never throw and results stay in bounds', () => {
    const p = newDecodedPacket();
    fc.assert(
      fc.property(fc.constantFrom(...lts), fc.uint8Array({ maxLength: 200 }), fc.nat(8), (lt, bytes, pre) => {
        const buf = Buffer.concat([Buffer.alloc(pre, 0xaa), Buffer.from(bytes), Buffer.alloc(8, 0xbb)]);
        const w = new Weirds();
        const ok = decodeFrame(lt, buf, pre, bytes.length, p, w);
        check(p, ok, w, pre, bytes.length);
      }),
      { numRuns: 3000 },
    );
  });

  it('mutated valid frames never throw and results stay in bounds', () => {
    const p = newDecodedPacket();
    fc.assert(
      fc.property(
        fc.nat(VALID.length - 1),
        fc.array(fc.tuple(fc.nat(400), fc.nat(255)), { minLength: 1, maxLength: 6 }),
        fc.nat(400),
        (i, muts, cut) => {
          const [, lt, frame] = VALID[i]!;
          const f = Buffer.from(frame);
          for (const [pos, v] of muts) if (pos < f.length) f[pos] = v;
          const L = Math.min(cut, f.length);
          const w = new Weirds();
          const ok = decodeFrame(lt, f, 0, L, p, w);
          check(p, ok, w, 0, L);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('bad bounds from the caller are a weird, not a throw', () => {
    const p = newDecodedPacket();
    const w = new Weirds();
    expect(decodeFrame(1, Buffer.alloc(10), 20, 5, p, w)).toBe(false);
    expect(decodeFrame(1, Buffer.alloc(10), -1, 5, p, w)).toBe(false);
    expect(decodeFrame(1, Buffer.alloc(10), 0, Number.NaN, p, w)).toBe(false);
    expect(w.get('frame.bad_bounds')).toBe(3);
    expect(decodeFrame(1, Buffer.alloc(10), 0, 500, p, w)).toBe(false); // capLen clamped to buffer
    expect(w.get('eth.truncated')).toBe(1);
  });
});

describe('decodeWeirdCodes', () => {
  it('lists exactly the codes the decoders emit', () => {
    const dir = path.resolve(__dirname, '../../core/net');
    const emitted = new Set<string>();
    for (const f of readdirSync(dir)) {
      if (!f.endsWith('.ts')) continue;
      const src = readFileSync(path.join(dir, f), 'utf8');
      for (const m of src.matchAll(/weirds\.add\((?:[^)]*\?\s*)?'([a-z0-9_.]+)'(?:\s*:\s*'([a-z0-9_.]+)')?/g)) {
        emitted.add(m[1]!);
        if (m[2] !== undefined) emitted.add(m[2]);
      }
    }
    const listed = new Set(decodeWeirdCodes.map((c) => c.code));
    expect(listed.size).toBe(decodeWeirdCodes.length);
    expect([...emitted].sort()).toEqual([...listed].sort());
    for (const c of decodeWeirdCodes) expect(c.meaning.length).toBeGreaterThan(5);
  });
});
