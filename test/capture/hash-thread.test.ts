import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { FileHashThread, HASH_THREAD_MIN_BYTES } from '../../core/capture/hash-thread.js';
import { readCaptureFile, scanInput, type InputResult } from '../../core/capture/source.js';
import { Weirds } from '../../core/util/weirds.js';
import { buildPcap, bytes } from './helpers.js';

let dir = '';
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hndl-hash-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** a descriptor is open when fstat works on it */
function isOpen(fd: number): boolean {
  try {
    fs.fstatSync(fd);
    return true;
  } catch {
    return false;
  }
}

async function closedSoon(fd: number): Promise<boolean> {
  for (let i = 0; i < 200 && isOpen(fd); i++) await new Promise((r) => setTimeout(r, 10));
  return !isOpen(fd);
}

describe('FileHashThread', () => {
  const data = Buffer.from(Array.from({ length: 9 * 1024 * 1024 + 77 }, (_, i) => (i * 131 + (i >> 11)) & 0xff));
  let file = '';
  beforeAll(() => {
    file = path.join(dir, 'data.bin');
    fs.writeFileSync(file, data);
  });

  it('hashes exactly the bytes published, in steps, and closes the descriptor', async () => {
    const fd = fs.openSync(file, 'r');
    const t = new FileHashThread(fd);
    for (let at = 1; at < data.length; at += 1_000_003) t.advance(at);
    expect(await t.finish(data.length)).toBe(sha(data));
    expect(isOpen(fd)).toBe(false);
  });

  it('never hashes past the count: a prefix of the file gives the prefix digest', async () => {
    const fd = fs.openSync(file, 'r');
    const t = new FileHashThread(fd);
    t.advance(5000);
    expect(await t.finish(123_457)).toBe(sha(data.subarray(0, 123_457)));
  });

  it('hashes an empty prefix', async () => {
    const fd = fs.openSync(file, 'r');
    expect(await new FileHashThread(fd).finish(0)).toBe(sha(new Uint8Array(0)));
  });

  it('fails with a message when the file is shorter than the bytes claimed', async () => {
    const fd = fs.openSync(file, 'r');
    await expect(new FileHashThread(fd).finish(data.length + 10)).rejects.toThrow('file shorter than the bytes scanned');
    expect(isOpen(fd)).toBe(false);
  });

  it('abort stops the worker (asleep on the counter) and closes the descriptor', async () => {
    const fd = fs.openSync(file, 'r');
    const t = new FileHashThread(fd);
    t.advance(4096);
    await new Promise((r) => setTimeout(r, 50));
    t.abort();
    expect(await closedSoon(fd)).toBe(true);
  });
});

describe('scanInput hashes large files on a second thread', () => {
  it('gives the same sha256 as the in-thread path and the file bytes', async () => {
    // records of 60 000 bytes until the file passes the threshold
    const n = Math.ceil(HASH_THREAD_MIN_BYTES / 60_016) + 2;
    const recs = Array.from({ length: n }, (_, i) => ({ sec: 1700000000 + i, frac: i, data: bytes(60_000, i) }));
    const bin = buildPcap({ le: true }, recs);
    expect(bin.length).toBeGreaterThanOrEqual(HASH_THREAD_MIN_BYTES);
    const p = path.join(dir, 'big.pcap');
    fs.writeFileSync(p, bin);
    let seen = 0;
    let last = -1;
    const sinkA = {
      packet(_lt: number, _ts: number, buf: Buffer, off: number): void {
        seen++;
        last = buf[off + 1] ?? -1;
      },
    };
    const a = await scanInput(p, { sink: sinkA, weirds: new Weirds(), hash: true });
    const b = readCaptureFile(p, { sink: { packet(): void {} }, weirds: new Weirds(), hash: true }) as InputResult;
    expect(a.sha256).toBe(sha(bin));
    expect(b.sha256).toBe(a.sha256);
    expect(a.packets).toBe(n);
    expect(seen).toBe(n);
    expect(last).toBe(bytes(2, n - 1)[1]);
    expect({ ...a, sha256: null }).toEqual({ ...b, sha256: null });
  });
});
