import { describe, it, expect } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PcapngReader } from '../../core/capture/pcapng.js';
import { Weirds } from '../../core/util/weirds.js';
import { CollectSink, feed, bytes, shb, idb, epb, pb, spb, dsb, ngBlock } from './helpers.js';

const CONFORMANCE = path.resolve(__dirname, '../../../shared/captures/pcapng-conformance');

function run(buf: Buffer, chunk = buf.length || 1, maxRecordBytes?: number) {
  const sink = new CollectSink();
  const weirds = new Weirds();
  const secrets: Array<[number, string]> = [];
  const r = new PcapngReader({
    sink,
    weirds,
    ...(maxRecordBytes === undefined ? {} : { maxRecordBytes }),
    onDecryptionSecrets: (t, d) => secrets.push([t, d.toString('latin1')]),
  });
  feed(r, buf, chunk);
  return { r, got: sink.got, weirds, secrets };
}

const NS = 1700000000123456789n;

function sample(le: boolean): Buffer {
  return Buffer.concat([
    shb(le),
    idb(le, 1, 0, { tsresol: 9 }), // ns
    idb(le, 101, 128, { tsresol: 0x80 | 10, tsoffset: 100n }), // 2^-10 s, +100 s
    epb(le, 0, NS, bytes(60, 1), 60),
    ngBlock(0x0bad, bytes(13, 2), le), // unknown block: skipped
    epb(le, 1, 1024n * 5n + 512n, bytes(17, 3), 1500), // 5.5 s + 100 s
    spb(le, bytes(200, 4), 200), // interface 0, snaplen 0 → all 200
    pb(le, 0, 1n, bytes(33, 5)),
    dsb(le, 0x544c534b, Buffer.from('CLIENT_RANDOM 00 11\n')),
    epb(le, 7, 1n, bytes(8, 6)), // undefined interface
    // new section: interface table resets
    shb(le, 1, 2),
    idb(le, 228, 100),
    epb(le, 1, 1n, bytes(8, 7)), // id 1 no longer exists
    spb(le, bytes(150, 8), 1000), // capLen = min(1000, 152 padded body, snaplen 100) = 100
    epb(le, 0, 42000000n, bytes(9, 9)),
  ]);
}

describe('PcapngReader', () => {
  for (const le of [true, false]) {
    const order = le ? 'little' : 'big';
    it(`reads sections, interfaces, EPB/SPB/PB, options (${order}-endian)`, () => {
      const { r, got, weirds, secrets } = run(sample(le));
      expect(r.error).toBeNull();
      expect(r.truncated).toBe(false);
      expect(r.sections).toBe(2);
      expect(r.packets).toBe(6);
      expect(r.linkTypes).toEqual([1, 101, 228]);
      expect(got.map((g) => [g.linkType, g.ts, g.capLen, g.origLen])).toEqual([
        [1, 1700000000123456, 60, 60],
        [101, 105500000, 17, 1500],
        [1, 105500000, 200, 200], // SPB: previous packet's time
        [1, 0, 33, 33], // PB on the ns interface: 1 ns → 0 us
        [228, 0, 100, 1000], // SPB cut to the new interface's snaplen
        [228, 42000000, 9, 9],
      ]);
      expect(got[0]?.data).toBe(bytes(60, 1).toString('hex'));
      expect(got[1]?.data).toBe(bytes(17, 3).toString('hex'));
      expect(got[4]?.data).toBe(bytes(100, 8).toString('hex'));
      expect(weirds.get('pcapng.undefined_interface')).toBe(2);
      expect(secrets).toEqual([[0x544c534b, 'CLIENT_RANDOM 00 11\n']]);
    });

    it(`gives identical results for any chunk size (${order}-endian)`, () => {
      const f = sample(le);
      const whole = run(f);
      for (const size of [1, 3, 7, 12, 13, 64, 500]) {
        const part = run(f, size);
        expect(part.got).toEqual(whole.got);
        expect(part.secrets).toEqual(whole.secrets);
        expect(part.r.truncated).toBe(false);
        expect(part.r.bytes).toBe(f.length);
      }
    });

    it(`stops at an SHB of major version 2, keeping earlier packets (${order}-endian)`, () => {
      const f = Buffer.concat([shb(le), idb(le, 1), epb(le, 0, 1n, bytes(20, 1)), shb(le, 2, 0), idb(le, 1), epb(le, 0, 1n, bytes(20, 1))]);
      for (const size of [f.length, 5]) {
        const { r, weirds } = run(f, size);
        expect(r.packets).toBe(1);
        expect(r.error).toBe('pcapng section header version 2.0 is not supported');
        expect(weirds.get('pcapng.unsupported_version')).toBe(1);
      }
    });
  }

  it('converts 10^-n and 2^-n resolutions and offsets to microseconds', () => {
    const le = true;
    const f = Buffer.concat([
      shb(le),
      idb(le, 1, 0, { tsresol: 0 }), // seconds
      idb(le, 1, 0, { tsresol: 3 }), // ms
      idb(le, 1, 0, { tsresol: 12 }), // ps
      idb(le, 1, 0, { tsresol: 0x80 | 20 }), // 2^-20 s
      idb(le, 1, 0, { tsoffset: -10n }),
      epb(le, 0, 1700000000n, bytes(4, 1)),
      epb(le, 1, 1700000000123n, bytes(4, 1)),
      epb(le, 2, 1700000000123456789012n & 0xffffffffffffffffn, bytes(4, 1)),
      epb(le, 3, 3n << 20n, bytes(4, 1)),
      epb(le, 4, 20000000n, bytes(4, 1)),
    ]);
    const { got } = run(f);
    const psTicks = 1700000000123456789012n & 0xffffffffffffffffn;
    expect(got.map((g) => g.ts)).toEqual([1700000000000000, 1700000000123000, Number(psTicks / 1000000n), 3000000, 10000000]);
  });

  it('clamps a Simple Packet Block to the block body', () => {
    const le = false;
    const f = Buffer.concat([shb(le), idb(le, 1, 0), spb(le, bytes(10, 1), 5000)]);
    const { got } = run(f);
    expect(got[0]).toMatchObject({ capLen: 12, origLen: 5000 });
  });

  it('skips an EPB whose captured length exceeds its block', () => {
    const le = true;
    const e = epb(le, 0, 1n, bytes(8, 1));
    e.writeUInt32LE(100, 20); // cap_len
    const { r, weirds } = run(Buffer.concat([shb(le), idb(le, 1), e, epb(le, 0, 1n, bytes(8, 2))]));
    expect(r.packets).toBe(1);
    expect(weirds.get('pcapng.caplen_exceeds_block')).toBe(1);
  });

  it('stops on a trailing length that disagrees', () => {
    const le = true;
    const e = epb(le, 0, 1n, bytes(8, 1));
    e.writeUInt32LE(999, e.length - 4);
    const { r, weirds } = run(Buffer.concat([shb(le), idb(le, 1), epb(le, 0, 1n, bytes(8, 2)), e, epb(le, 0, 1n, bytes(8, 2))]));
    expect(r.packets).toBe(1);
    expect(r.error).toMatch(/disagree/);
    expect(weirds.get('pcapng.block_length_mismatch')).toBe(1);
  });

  it('stops on a block length not a multiple of 4, or too short', () => {
    const le = true;
    const e = epb(le, 0, 1n, bytes(8, 1));
    e.writeUInt32LE(e.length + 2, 4);
    const a = run(Buffer.concat([shb(le), idb(le, 1), e]));
    expect(a.r.error).toMatch(/multiple of 4/);
    e.writeUInt32LE(8, 4);
    const b = run(Buffer.concat([shb(le), idb(le, 1), e]));
    expect(b.r.error).toMatch(/shorter than 12/);
  });

  it('stops on a block larger than maxRecordBytes without allocating it', () => {
    const le = true;
    const head = Buffer.concat([shb(le), idb(le, 1), epb(le, 0, 1n, bytes(8, 1))]);
    const huge = Buffer.alloc(12);
    huge.writeUInt32LE(6, 0);
    huge.writeUInt32LE(0xfffffff0, 4);
    const { r, weirds } = run(Buffer.concat([head, huge]), 5);
    expect(r.packets).toBe(1);
    expect(r.error).toMatch(/exceeds the limit/);
    expect(weirds.get('pcapng.block_too_large')).toBe(1);
    const small = run(Buffer.concat([shb(le), idb(le, 1), epb(le, 0, 1n, bytes(200, 1))]), 64, 100);
    expect(small.r.packets).toBe(0);
    expect(small.r.error).toMatch(/limit of 100/);
  });

  it('reports truncation inside a block', () => {
    const le = false;
    const f = Buffer.concat([shb(le), idb(le, 1), epb(le, 0, 1n, bytes(8, 1)), epb(le, 0, 1n, bytes(80, 1))]);
    for (const cut of [1, 10, 50]) {
      const { r, weirds } = run(f.subarray(0, f.length - cut), 7);
      expect(r.packets).toBe(1);
      expect(r.truncated).toBe(true);
      expect(r.error).toBeNull();
      expect(weirds.get('pcapng.truncated')).toBe(1);
    }
  });

  it('rejects data that does not start with an SHB', () => {
    const { r } = run(Buffer.concat([idb(true, 1), epb(true, 0, 1n, bytes(8, 1))]));
    expect(r.packets).toBe(0);
    expect(r.error).toMatch(/Section Header Block/);
  });
});

describe('pcapng conformance suite (gopacket / pcapng-test-generator)', () => {
  const rows = fs
    .readFileSync(path.join(CONFORMANCE, 'expected-packet-counts.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.split('\t') as [string, string]);

  it('has all 52 rows', () => {
    expect(rows.length).toBe(52);
  });

  for (const [file, expected] of rows) {
    it(`${file}: ${expected}`, () => {
      const buf = fs.readFileSync(path.join(CONFORMANCE, file));
      const count = Number.parseInt(expected, 10);
      const wantsError = expected.includes('error');
      for (const size of [buf.length, 7, 64]) {
        const { r } = run(buf, size);
        expect(r.packets).toBe(count);
        expect(r.truncated).toBe(false);
        if (wantsError) expect(r.error).toBe('pcapng section header version 2.0 is not supported');
        else expect(r.error).toBeNull();
      }
    });
  }
});
