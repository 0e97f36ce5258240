/**
 * CryptoStream (core/quic/crypto-stream.ts) against a byte-map model under random CRYPTO frames:
 * out of order, overlapping, adjoining, past the cap, with conflicting retransmissions, and
 * enough disjoint pieces to hit the range cap. The stream finds the ranges a frame touches by
 * binary search and merges in place (it used to rebuild and sort the list per frame).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CryptoStream, MAX_CRYPTO_RANGES } from '../../core/quic/crypto-stream.js';

class Model {
  readonly have: boolean[];
  readonly buf: number[];
  constructor(
    readonly cap: number,
    readonly window: number,
  ) {
    this.have = new Array<boolean>(cap).fill(false);
    this.buf = new Array<number>(cap).fill(0);
  }
  ranges(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.cap; i++) {
      if (!this.have[i]) continue;
      const last = out[out.length - 1];
      if (last !== undefined && last[1] === i) last[1] = i + 1;
      else out.push([i, i + 1]);
    }
    return out;
  }
  add(offset: number, data: number[]): string[] {
    const problems: string[] = [];
    if (data.length === 0) return problems;
    let end = offset + data.length;
    if (end > this.cap) {
      problems.push('quic.crypto_buffer_cap');
      end = this.cap;
    }
    if (offset >= end) return problems;
    const r0 = this.ranges()[0];
    const limit = (r0 !== undefined && r0[0] === 0 ? r0[1] : 0) + this.window;
    if (end > limit) {
      problems.push('quic.crypto_far_offset');
      end = limit;
      if (offset >= end) return problems;
    }
    const rs = this.ranges();
    if (!rs.some((r) => r[1] >= offset && r[0] <= end) && rs.length >= MAX_CRYPTO_RANGES) {
      problems.push('quic.crypto_too_many_ranges');
      return problems;
    }
    let mismatch = false;
    for (let i = offset; i < end; i++) {
      const v = data[i - offset] ?? 0;
      if (this.have[i]) {
        if (this.buf[i] !== v) mismatch = true;
      } else {
        this.have[i] = true;
        this.buf[i] = v;
      }
    }
    if (mismatch) problems.push('quic.crypto_overlap_mismatch');
    return problems;
  }
}

describe('CryptoStream', () => {
  it('agrees with a byte-map model under random frames (window 200 past the in-order prefix)', () => {
    const CAP = 600;
    const WINDOW = 200;
    const frame = fc.record({
      offset: fc.oneof(fc.integer({ min: 0, max: CAP + 20 }), fc.integer({ min: 0, max: 300 }).map((x) => x * 2)),
      len: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 80 })),
      /** 0: the stream's true bytes; other: a conflicting copy */
      salt: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 255 })),
    });
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 400 }), (frames) => {
        const s = new CryptoStream(CAP, WINDOW);
        const m = new Model(CAP, WINDOW);
        for (const f of frames) {
          const data = Array.from({ length: f.len }, (_, i) => ((f.offset + i) * 7 + f.salt) & 0xff);
          expect(s.add(f.offset, Uint8Array.from(data))).toEqual(m.add(f.offset, data));
          const rs = m.ranges();
          expect(s.rangeCount).toBe(rs.length);
          const c = rs[0] !== undefined && rs[0][0] === 0 ? rs[0][1] : 0;
          expect(s.contiguousLength).toBe(c);
          expect(Array.from(s.contiguous())).toEqual(m.buf.slice(0, c));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('hits the range cap with every other byte, then still merges into existing ranges', () => {
    const s = new CryptoStream(4 * MAX_CRYPTO_RANGES, 4 * MAX_CRYPTO_RANGES);
    for (let i = 0; i < MAX_CRYPTO_RANGES; i++) expect(s.add(2 * i + 1, Uint8Array.of(1))).toEqual([]);
    expect(s.rangeCount).toBe(MAX_CRYPTO_RANGES);
    expect(s.add(3 * MAX_CRYPTO_RANGES, Uint8Array.of(1))).toEqual(['quic.crypto_too_many_ranges']);
    // byte 0 adjoins the first range, byte 2 joins the first two
    expect(s.add(0, Uint8Array.of(9))).toEqual([]);
    expect(s.add(2, Uint8Array.of(9))).toEqual([]);
    expect(s.rangeCount).toBe(MAX_CRYPTO_RANGES - 1);
    expect(s.contiguousLength).toBe(4);
  });

  it('drops data past the window beyond the in-order prefix, and holds no buffer for it', () => {
    const s = new CryptoStream();
    expect(s.add(65_000, Uint8Array.of(1))).toEqual(['quic.crypto_far_offset']);
    expect(s.rangeCount).toBe(0);
    expect(s.add(0, new Uint8Array(3000).fill(7))).toEqual([]);
    // the window slides with the prefix
    expect(s.add(3000 + 8 * 1024 - 1, Uint8Array.of(1, 2))).toEqual(['quic.crypto_far_offset']);
    expect(s.rangeCount).toBe(2);
  });
});

