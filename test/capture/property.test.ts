import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { PcapReader } from '../../core/capture/pcap.js';
import { PcapngReader } from '../../core/capture/pcapng.js';
import type { CaptureReader } from '../../core/capture/types.js';
import { detectFormat } from '../../core/capture/detect.js';
import { Weirds } from '../../core/util/weirds.js';
import { CollectSink, buildPcap, bytes, shb, idb, epb, spb, pb } from './helpers.js';

type Make = (sink: CollectSink, weirds: Weirds) => CaptureReader;
const makePcap: Make = (sink, weirds) => new PcapReader({ sink, weirds, maxRecordBytes: 1 << 20 });
const makeNg: Make = (sink, weirds) => new PcapngReader({ sink, weirds, maxRecordBytes: 1 << 20 });

/** feed at the given cut points; returns the reader and what it delivered */
function runSplit(make: Make, buf: Buffer, cuts: number[]) {
  const sink = new CollectSink();
  const r = make(sink, new Weirds());
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  let prev = 0;
  for (const p of [...points, buf.length]) {
    if (p < prev) continue;
    r.push(Buffer.from(buf.subarray(prev, p))); // a fresh copy: views must not be kept
    prev = p;
  }
  r.end();
  return { r, got: sink.got };
}

const validPcap = buildPcap(
  { le: true },
  Array.from({ length: 12 }, (_, i) => ({ sec: 1700000000 + i, frac: i * 1000, data: bytes(20 + i * 17, i) })),
);
const validNg = Buffer.concat([
  shb(false),
  idb(false, 1, 0, { tsresol: 9 }),
  idb(false, 101, 64),
  ...Array.from({ length: 6 }, (_, i) => epb(false, i % 2, BigInt(i) * 1000000007n, bytes(20 + i * 11, i))),
  spb(false, bytes(90, 3)),
  pb(false, 1, 5n, bytes(30, 4)),
  shb(true),
  idb(true, 228, 0),
  epb(true, 0, 99n, bytes(41, 9)),
]);

const mutate = (base: Buffer) =>
  fc
    .record({
      edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
      cut: fc.nat(),
      cuts: fc.array(fc.nat(), { maxLength: 6 }),
    })
    .map(({ edits, cut, cuts }) => {
      const b = Buffer.from(base);
      for (const [at, v] of edits) b[at % b.length] = v;
      return { buf: b.subarray(0, cut % (b.length + 1) === 0 ? b.length : cut % (b.length + 1)), cuts };
    });

describe('capture readers never throw and never invent packets', () => {
  for (const [name, make, minRecord] of [
    ['pcap', makePcap, 16],
    ['pcapng', makeNg, 16],
  ] as const) {
    it(`${name}: random bytes`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(), { maxLength: 5 }), (arr, cuts) => {
          const buf = Buffer.from(arr);
          const { r } = runSplit(make, buf, cuts);
          expect(r.packets).toBeLessThanOrEqual(Math.floor(buf.length / minRecord));
          expect(r.bytes).toBe(r.error === null ? buf.length : r.bytes);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('pcap: mutations of a valid file', () => {
    fc.assert(
      fc.property(mutate(validPcap), ({ buf, cuts }) => {
        const a = runSplit(makePcap, buf, []);
        const b = runSplit(makePcap, buf, cuts);
        expect(a.r.packets).toBeLessThanOrEqual(Math.floor(Math.max(0, buf.length - 24) / 16));
        expect(b.got).toEqual(a.got);
        expect([b.r.truncated, b.r.error]).toEqual([a.r.truncated, a.r.error]);
        for (const g of a.got) expect(g.capLen).toBeLessThanOrEqual(buf.length);
      }),
      { numRuns: 300 },
    );
  });

  it('pcapng: mutations of a valid file', () => {
    fc.assert(
      fc.property(mutate(validNg), ({ buf, cuts }) => {
        const a = runSplit(makeNg, buf, []);
        const b = runSplit(makeNg, buf, cuts);
        expect(a.r.packets).toBeLessThanOrEqual(Math.floor(buf.length / 16));
        expect(b.got).toEqual(a.got);
        expect([b.r.truncated, b.r.error]).toEqual([a.r.truncated, a.r.error]);
      }),
      { numRuns: 300 },
    );
  });

  it('valid files give the same packets at any split', () => {
    const wholeP = runSplit(makePcap, validPcap, []);
    const wholeN = runSplit(makeNg, validNg, []);
    expect(wholeP.r.packets).toBe(12);
    expect(wholeN.r.packets).toBe(9);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 20 }), (cuts) => {
        expect(runSplit(makePcap, validPcap, cuts).got).toEqual(wholeP.got);
        expect(runSplit(makeNg, validNg, cuts).got).toEqual(wholeN.got);
      }),
      { numRuns: 200 },
    );
  });

  it('detectFormat never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (arr) => {
        const d = detectFormat(arr);
        expect(['pcap', 'pcapng', 'gzip', 'other']).toContain(d.kind);
      }),
      { numRuns: 500 },
    );
  });
});
