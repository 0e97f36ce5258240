import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { readCaptureFile, scanInput, scanStream, CaptureInputError, type InputResult } from '../../core/capture/source.js';
import { Weirds } from '../../core/util/weirds.js';
import { CollectSink, buildPcap, bytes, shb, idb, epb } from './helpers.js';

const PUBLIC = path.resolve(__dirname, '../../../shared/captures/public');
const ENCAP: Record<string, number> = { ether: 1, null: 0, rawip4: 228, ppp: 9 };

let dir = '';
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hndl-capture-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(name: string, data: Buffer | string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, data);
  return p;
}

function opts(extra: Record<string, unknown> = {}) {
  const sink = new CollectSink();
  const weirds = new Weirds();
  return { sink, weirds, ...extra };
}

const recs = Array.from({ length: 50 }, (_, i) => ({ sec: 1700000000 + i, frac: i, data: bytes(40 + i * 13, i) }));
const pcapBytes = buildPcap({ le: true }, recs);
const ngBytes = Buffer.concat([shb(false), idb(false, 1), idb(false, 113), ...recs.map((r, i) => epb(false, i % 2, BigInt(r.sec) * 1000000n, r.data))]);

async function expectInputError(p: Promise<unknown> | (() => unknown), code: string, message: string | RegExp): Promise<void> {
  let err: unknown = null;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(CaptureInputError);
  const e = err as CaptureInputError;
  expect(e.code).toBe(code);
  if (typeof message === 'string') expect(e.message).toBe(message);
  else expect(e.message).toMatch(message);
  expect(e.message.includes('\n')).toBe(false);
}

describe('readCaptureFile / scanInput', () => {
  it('reads a plain pcap synchronously, identical across chunk sizes, with sha256', () => {
    const p = write('a.pcap', pcapBytes);
    const base = opts({ hash: true });
    const r = readCaptureFile(p, base) as InputResult;
    expect(r).toEqual({
      path: p,
      format: 'pcap',
      compressed: false,
      packets: 50,
      bytes: pcapBytes.length,
      truncated: false,
      error: null,
      linkTypes: [1],
      sha256: createHash('sha256').update(pcapBytes).digest('hex'),
    });
    for (const chunkBytes of [1, 7, 64, 1000]) {
      const o = opts({ chunkBytes });
      const r2 = readCaptureFile(p, o) as InputResult;
      expect(r2.packets).toBe(50);
      expect(o.sink.got).toEqual(base.sink.got);
    }
  });

  it('reads a pcapng and reports its link types', async () => {
    const p = write('b.bin', ngBytes);
    const o = opts();
    const r = await scanInput(p, o);
    expect(r).toMatchObject({ format: 'pcapng', packets: 50, linkTypes: [1, 113], compressed: false, sha256: null });
    expect(o.sink.got[1]?.linkType).toBe(113);
  });

  it('returns null from readCaptureFile for gzip, and scanInput decompresses it', async () => {
    const gz = zlib.gzipSync(ngBytes);
    const p = write('c.pcapng.gz', gz);
    expect(readCaptureFile(p, opts())).toBeNull();
    const plain = opts();
    await scanInput(write('c.pcapng', ngBytes), plain);
    for (const chunkBytes of [undefined, 5, 100]) {
      const o = opts({ hash: true, ...(chunkBytes === undefined ? {} : { chunkBytes }) });
      const r = await scanInput(p, o);
      expect(r).toMatchObject({ format: 'pcapng', compressed: true, packets: 50, bytes: gz.length, truncated: false, error: null });
      expect(r.sha256).toBe(createHash('sha256').update(gz).digest('hex'));
      expect(o.sink.got).toEqual(plain.sink.got);
    }
  });

  it('keeps packets from a gzip that is corrupt midway and marks it truncated', async () => {
    const big = buildPcap({ le: true }, Array.from({ length: 2000 }, (_, i) => ({ sec: i, frac: 0, data: bytes(100, i) })));
    const gz = zlib.gzipSync(big, { level: 1 });
    const cut = write('cut.pcap.gz', gz.subarray(0, Math.floor(gz.length / 2)));
    const o = opts();
    const r = await scanInput(cut, o);
    expect(r.compressed).toBe(true);
    expect(r.truncated).toBe(true);
    expect(r.packets).toBeGreaterThan(100);
    expect(r.packets).toBeLessThan(2000);
    const bad = Buffer.from(gz);
    for (let i = Math.floor(gz.length / 2); i < Math.floor(gz.length / 2) + 64; i++) bad[i] = (bad[i] ?? 0) ^ 0x5a;
    const r2 = await scanInput(write('bad.pcap.gz', bad), opts());
    // garbage decompressed before the CRC check may be caught by the reader first
    expect(r2.truncated || r2.error !== null).toBe(true);
    expect(r2.packets).toBeGreaterThan(100);
    expect(r2.packets).toBeLessThan(2000);
  });

  it('reads a stream (as stdin would be) in odd chunk sizes, gzip or not', async () => {
    const chunks = (b: Buffer, n: number) => Readable.from(Array.from({ length: Math.ceil(b.length / n) }, (_, i) => b.subarray(i * n, i * n + n)));
    const r = await scanStream(chunks(pcapBytes, 3), '-', opts());
    expect(r).toMatchObject({ path: '-', format: 'pcap', packets: 50, bytes: pcapBytes.length });
    const gz = zlib.gzipSync(pcapBytes);
    const r2 = await scanStream(chunks(gz, 11), '-', opts());
    expect(r2).toMatchObject({ format: 'pcap', compressed: true, packets: 50, bytes: gz.length });
  });

  it('scans all a gzip holds before a damaged trailer, however small, from a file or a stream', async () => {
    const small = buildPcap({ le: true }, Array.from({ length: 18 }, (_, i) => ({ sec: i, frac: 0, data: bytes(300, i) })));
    for (const [name, pcap, n] of [['small', small, 18], ['fifty', pcapBytes, 50]] as const) {
      const gz = Buffer.from(zlib.gzipSync(pcap));
      // a wrong CRC-32 (RFC 1952 §2.3): all the data was there; Node used to drop it all
      const badCrc = Buffer.from(gz);
      badCrc[badCrc.length - 8] = (badCrc[badCrc.length - 8] ?? 0) ^ 0xff;
      // a wrong ISIZE (length modulo 2^32)
      const badLen = Buffer.from(gz);
      badLen[badLen.length - 1] = (badLen[badLen.length - 1] ?? 0) ^ 0x01;
      for (const [what, file] of [['crc', badCrc], ['isize', badLen]] as const) {
        const weirds = new Weirds();
        const r = await scanInput(write(`${name}-${what}.pcap.gz`, file), opts({ weirds }));
        expect(r, `${name} ${what}`).toMatchObject({ format: 'pcap', compressed: true, packets: n, truncated: true });
        expect(r.error).toMatch(/^gzip: incorrect (data|length) check$/);
        expect(weirds.toJSON()['gzip.corrupt']).toBe(1);
        const viaStream = await scanStream(Readable.from([file.subarray(0, 7), file.subarray(7)]), '-', opts());
        expect(viaStream.packets, `${name} ${what} stream`).toBe(n);
      }
      // the intact file: every packet, not truncated
      expect(await scanInput(write(`${name}-ok.pcap.gz`, gz), opts())).toMatchObject({ packets: n, truncated: false });
    }
    // several gzip members in one file (RFC 1952 §2.2) still read as one capture
    const half = 24 + 10 * (16 + 20);
    const members = Buffer.concat([zlib.gzipSync(pcapBytes.subarray(0, half)), zlib.gzipSync(pcapBytes.subarray(half))]);
    expect(await scanInput(write('members.pcap.gz', members), opts())).toMatchObject({ packets: 50, truncated: false });
  });

  it('marks a truncated plain file', () => {
    const p = write('t.pcap', pcapBytes.subarray(0, pcapBytes.length - 3));
    const r = readCaptureFile(p, opts()) as InputResult;
    expect(r).toMatchObject({ packets: 49, truncated: true, error: null });
  });

  it('reports the pcapng version error without throwing', () => {
    const f = Buffer.concat([shb(true), idb(true, 1), epb(true, 0, 1n, bytes(9, 1)), shb(true, 2, 0)]);
    const r = readCaptureFile(write('v2.pcapng', f), opts()) as InputResult;
    expect(r.packets).toBe(1);
    expect(r.error).toBe('pcapng section header version 2.0 is not supported');
  });

  it('throws CaptureInputError with one clear line for user errors', async () => {
    await expectInputError(scanInput(path.join(dir, 'capture.pcap'), opts()), 'ENOENT', `${path.join(dir, 'capture.pcap')}: no such file`);
    await expectInputError(scanInput('missing.pcap', opts({ displayName: 'capture.pcap' })), 'ENOENT', 'capture.pcap: no such file');
    await expectInputError(scanInput(dir, opts({ displayName: 'dir' })), 'EISDIR', 'dir: is a directory, not a capture file');
    const notes = write('notes.txt', 'remember to buy milk\n');
    await expectInputError(scanInput(notes, opts({ displayName: 'notes.txt' })), 'NOT_A_CAPTURE', 'notes.txt: not a capture file (looks like text)');
    const json = write('r.json', '{"a": 1}');
    await expectInputError(() => readCaptureFile(json, opts({ displayName: 'r.json' })), 'NOT_A_CAPTURE', 'r.json: not a capture file (looks like text (looks like JSON))');
    await expectInputError(scanInput(write('empty.pcap', ''), opts({ displayName: 'empty.pcap' })), 'EMPTY', 'empty.pcap: empty file');
    await expectInputError(scanInput(write('e.gz', zlib.gzipSync(Buffer.alloc(0))), opts({ displayName: 'e.gz' })), 'EMPTY', /empty file/);
    await expectInputError(scanInput(write('t.gz', zlib.gzipSync('hello\n')), opts({ displayName: 't.gz' })), 'NOT_A_CAPTURE', 't.gz: not a capture file (looks like gzip-compressed text)');
    await expectInputError(scanInput(write('junk.gz', Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])), opts({ displayName: 'junk.gz' })), 'NOT_A_CAPTURE', /corrupt gzip/);
    await expectInputError(scanStream(Readable.from([Buffer.from('plain text')]), '-', opts({ displayName: 'stdin' })), 'NOT_A_CAPTURE', 'stdin: not a capture file (looks like text)');
  });
});

describe('real captures (shared/captures/public)', () => {
  it('passes embedded TLS secrets (Decryption Secrets Block) to onDecryptionSecrets', () => {
    const got: Array<[number, string]> = [];
    const o = opts({ onDecryptionSecrets: (t: number, d: Buffer) => got.push([t, d.toString('latin1')]) });
    const r = readCaptureFile(path.join(PUBLIC, 'ja4__chrome-cloudflare-quic-with-secrets.pcapng'), o) as InputResult;
    expect(r.packets).toBe(83);
    expect(got.length).toBeGreaterThan(0);
    expect(got[0]?.[0]).toBe(0x544c534b);
    expect(got.map((g) => g[1]).join('')).toMatch(/CLIENT_HANDSHAKE_TRAFFIC_SECRET [0-9a-f]{64} [0-9a-f]+/);
  });

  it('lets an exception from the sink propagate unchanged', () => {
    const boom = new Error('sink bug');
    const o = { weirds: new Weirds(), sink: { packet: () => { throw boom; } } };
    expect(() => readCaptureFile(path.join(PUBLIC, 'zeek__hrr.pcap'), o)).toThrow(boom);
  });

  const names = fs.readdirSync(PUBLIC).filter((n) => n.endsWith('.pcap') || n.endsWith('.pcapng'));
  it('finds the 31 public captures', () => {
    expect(names.length).toBe(31);
  });
  for (const name of names) {
    it(`${name}: packet count, format and link type match tshark`, () => {
      const exp = JSON.parse(fs.readFileSync(path.join(PUBLIC, 'expected', name.replace(/\.(pcap|pcapng)$/, '.json')), 'utf8')) as {
        file: { type: string; encapsulation: string; packets: number };
        sha256: string;
      };
      const o = opts({ hash: true, chunkBytes: 4096 });
      const r = readCaptureFile(path.join(PUBLIC, name), o) as InputResult;
      expect(r.packets).toBe(exp.file.packets);
      expect(r.format).toBe(exp.file.type);
      expect(r.truncated).toBe(false);
      expect(r.error).toBeNull();
      expect(r.sha256).toBe(exp.sha256);
      expect(r.linkTypes[0]).toBe(ENCAP[exp.file.encapsulation]);
      expect(o.sink.got.length).toBe(exp.file.packets);
    });
  }
});
