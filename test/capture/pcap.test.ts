import { describe, it, expect } from 'vitest';
import { PcapReader } from '../../core/capture/pcap.js';
import { Weirds } from '../../core/util/weirds.js';
import { CollectSink, feed, buildPcap, bytes, pcapHeader, pcapRecord } from './helpers.js';

function run(buf: Buffer, chunk = buf.length || 1, maxRecordBytes?: number) {
  const sink = new CollectSink();
  const weirds = new Weirds();
  const r = new PcapReader(maxRecordBytes === undefined ? { sink, weirds } : { sink, weirds, maxRecordBytes });
  feed(r, buf, chunk);
  return { r, got: sink.got, weirds };
}

const recs = [
  { sec: 1700000000, frac: 123456, data: bytes(60, 1) },
  { sec: 1700000001, frac: 999999, data: bytes(1514, 2) },
  { sec: 1700000002, frac: 0, data: bytes(1, 3) },
];

describe('PcapReader', () => {
  for (const le of [true, false]) {
    it(`reads microsecond pcap (${le ? 'little' : 'big'}-endian)`, () => {
      const { r, got, weirds } = run(buildPcap({ le }, recs));
      expect(r.error).toBeNull();
      expect(r.truncated).toBe(false);
      expect(r.packets).toBe(3);
      expect(r.linkTypes).toEqual([1]);
      expect(got.map((g) => g.ts)).toEqual([1700000000123456, 1700000001999999, 1700000002000000]);
      expect(got[1]?.data).toBe(bytes(1514, 2).toString('hex'));
      expect(got[2]).toMatchObject({ linkType: 1, capLen: 1, origLen: 1 });
      expect(weirds.counts.size).toBe(0);
    });

    it(`reads nanosecond pcap (${le ? 'little' : 'big'}-endian), truncating to microseconds`, () => {
      const { r, got } = run(
        buildPcap({ le, magic: 0xa1b23c4d }, [
          { sec: 1700000000, frac: 1999999, data: bytes(10, 1) },
          { sec: 5, frac: 999999999, data: bytes(10, 2) },
        ]),
      );
      expect(r.nanosecond).toBe(true);
      expect(got.map((g) => g.ts)).toEqual([1700000000001999, 5999999]);
    });
  }

  it('takes the link type from the low 16 bits (FCS bits set above)', () => {
    const field = (4 << 28) | (1 << 26) | 228;
    const { r, got } = run(buildPcap({ le: true, linkField: field }, recs));
    expect(r.linkType).toBe(228);
    expect(got[0]?.linkType).toBe(228);
  });

  it('accepts records cut by snaplen', () => {
    const { r, got, weirds } = run(buildPcap({ le: true, snaplen: 96 }, [{ sec: 1, frac: 2, data: bytes(96, 1), origLen: 1500 }]));
    expect(r.packets).toBe(1);
    expect(got[0]).toMatchObject({ capLen: 96, origLen: 1500 });
    expect(weirds.counts.size).toBe(0);
  });

  it('flags incl_len > orig_len and reports origLen = capLen', () => {
    const { got, weirds } = run(buildPcap({ le: true }, [{ sec: 1, frac: 2, data: bytes(40, 1), origLen: 20 }]));
    expect(got[0]).toMatchObject({ capLen: 40, origLen: 40 });
    expect(weirds.get('pcap.caplen_exceeds_origlen')).toBe(1);
  });

  it('reads the modified (Kuznetzov) pcap format', () => {
    const { r, got } = run(buildPcap({ le: true, magic: 0xa1b2cd34 }, recs));
    expect(r.packets).toBe(3);
    expect(got[0]?.data).toBe(bytes(60, 1).toString('hex'));
  });

  it('a file ending inside a record body is truncated after the complete records', () => {
    const full = buildPcap({ le: true }, recs);
    const { r, weirds } = run(full.subarray(0, full.length - 1));
    expect(r.packets).toBe(2);
    expect(r.truncated).toBe(true);
    expect(r.error).toBeNull();
    expect(weirds.get('pcap.truncated')).toBe(1);
  });

  it('a file ending inside a record header is truncated', () => {
    const full = buildPcap({ le: false }, recs.slice(0, 1));
    const withPartial = Buffer.concat([full, Buffer.alloc(7)]);
    const { r } = run(withPartial, 5);
    expect(r.packets).toBe(1);
    expect(r.truncated).toBe(true);
  });

  it('a file ending inside the file header is truncated with no packets', () => {
    const { r } = run(pcapHeader({ le: true }).subarray(0, 10));
    expect(r.packets).toBe(0);
    expect(r.truncated).toBe(true);
  });

  it('an empty push sequence is neither truncated nor an error', () => {
    const sink = new CollectSink();
    const r = new PcapReader({ sink, weirds: new Weirds() });
    r.end();
    expect(r).toMatchObject({ packets: 0, truncated: false, error: null });
  });

  it('stops with an error on a record larger than maxRecordBytes, keeping earlier packets', () => {
    const bad = Buffer.concat([buildPcap({ le: true, snaplen: 0xffffffff }, recs.slice(0, 2)), pcapRecord({ sec: 1, frac: 1, data: bytes(8, 1), inclLen: 0x7fffffff }, true), bytes(100, 9)]);
    for (const chunk of [bad.length, 1, 7, 64]) {
      const { r, weirds } = run(bad, chunk);
      expect(r.packets).toBe(2);
      expect(r.error).toMatch(/record 3 claims 2147483647 captured bytes/);
      expect(r.truncated).toBe(false);
      expect(weirds.get('pcap.record_too_large')).toBe(1);
    }
  });

  it('rejects a record more than 256 KiB above the snaplen', () => {
    const big = 65535 + 256 * 1024 + 1;
    const f = Buffer.concat([buildPcap({ le: true, snaplen: 65535 }, recs.slice(0, 1)), pcapRecord({ sec: 1, frac: 1, data: Buffer.alloc(0), inclLen: big }, true)]);
    const { r, weirds } = run(f);
    expect(r.packets).toBe(1);
    expect(r.error).not.toBeNull();
    expect(weirds.get('pcap.record_too_large')).toBe(1);
  });

  it('honours a custom maxRecordBytes', () => {
    const { r } = run(buildPcap({ le: true }, recs), 9, 1000);
    expect(r.packets).toBe(1);
    expect(r.error).toMatch(/limit 1000/);
  });

  it('gives identical results for any chunk size', () => {
    const f = buildPcap({ le: false, magic: 0xa1b23c4d }, recs);
    const whole = run(f);
    for (const size of [1, 2, 3, 7, 16, 23, 24, 25, 64, 1000]) {
      const part = run(f, size);
      expect(part.got).toEqual(whole.got);
      expect(part.r.packets).toBe(3);
      expect(part.r.bytes).toBe(f.length);
      expect(part.r.truncated).toBe(false);
    }
  });

  it('ignores pushes after a fatal error and after end()', () => {
    const sink = new CollectSink();
    const r = new PcapReader({ sink, weirds: new Weirds() });
    r.push(Buffer.from('not a pcap file at all, no magic here'));
    expect(r.error).toMatch(/not a pcap file/);
    r.push(buildPcap({ le: true }, recs));
    r.end();
    expect(r.packets).toBe(0);
  });
});
