/**
 * SHA-256 (FIPS 180-4, through node:crypto) of a capture file on a second thread, so hashing a
 * large input (`--db` records each input's sha256) no longer costs the scan thread its time:
 * OpenSSL's SHA-256 runs at ≈ 2 GB/s here, which was ≈ 0.5 s of main-thread time on the 1.09 GB
 * reference workload.
 *
 * The worker hashes exactly the bytes the scan read, never more: the scan thread publishes how
 * far it has read (a shared counter, one atomic store and notify per 4 MiB chunk), and the
 * worker reads the same file descriptor with positioned reads (pread, which does not move the
 * scan's file position) up to that count, sleeping on the counter when it catches up. The worker
 * is inline code using only node:fs and node:crypto, so it runs the same from dist/ and from
 * the TypeScript sources under test. The descriptor is closed only after the worker is done.
 *
 * If the worker cannot start or fails, the digest is computed on the calling thread by the same
 * positioned reads: the hash is never silently missing or wrong.
 */
import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/** files below this size are hashed on the scan thread: a worker costs more than it saves */
export const HASH_THREAD_MIN_BYTES = 32 * 1024 * 1024;

const READ_BYTES = 4 * 1024 * 1024;

// ctl[0]: sequence number bumped on every publish; ctl[1]: 1 once the final count is published
// limit[0] (bytes 8..15): bytes the scan thread has read so far
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash } = require('node:crypto');
const { fd, sab, readBytes } = workerData;
const ctl = new Int32Array(sab, 0, 2);
const limit = new BigInt64Array(sab, 8, 1);
const h = createHash('sha256');
const buf = Buffer.allocUnsafe(readBytes);
let pos = 0;
try {
  for (;;) {
    const seq = Atomics.load(ctl, 0);
    const done = Atomics.load(ctl, 1) === 1;
    const end = Number(Atomics.load(limit, 0));
    while (pos < end) {
      const n = fs.readSync(fd, buf, 0, Math.min(buf.length, end - pos), pos);
      if (n === 0) throw new Error('file shorter than the bytes scanned');
      h.update(buf.subarray(0, n));
      pos += n;
    }
    if (done) break;
    Atomics.wait(ctl, 0, seq);
  }
  parentPort.postMessage({ hex: h.digest('hex') });
} catch (e) {
  parentPort.postMessage({ error: e instanceof Error ? e.message : String(e) });
}
`;

/** sha256 of fd's bytes [0, end) by positioned reads on the calling thread */
function hashHere(fd: number, end: number): string {
  const h = createHash('sha256');
  const buf = Buffer.allocUnsafe(Math.min(READ_BYTES, Math.max(1, end)));
  let pos = 0;
  while (pos < end) {
    const n = fs.readSync(fd, buf, 0, Math.min(buf.length, end - pos), pos);
    if (n === 0) throw new Error('file shorter than the bytes scanned');
    h.update(buf.subarray(0, n));
    pos += n;
  }
  return h.digest('hex');
}

/**
 * Hashes an open file on a worker thread as the scan reads it. Owns `fd` from construction:
 * call finish() (the digest) or abort(); either closes the descriptor once the worker is done.
 */
export class FileHashThread {
  private readonly ctl: Int32Array;
  private readonly limit: BigInt64Array;
  private readonly worker: Worker | null;
  private readonly result: Promise<string | null>;
  private closed = false;

  constructor(private readonly fd: number) {
    const sab = new SharedArrayBuffer(16);
    this.ctl = new Int32Array(sab, 0, 2);
    this.limit = new BigInt64Array(sab, 8, 1);
    let worker: Worker | null = null;
    try {
      worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { fd, sab, readBytes: READ_BYTES },
        // CommonJS source, whatever flags this process runs with (an inherited --input-type=module
        // would make it ESM); a small heap: it holds a 4 MiB read buffer and a hash
        execArgv: [],
        resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16, codeRangeSizeMb: 4 },
      });
    } catch {
      worker = null;
    }
    this.worker = worker;
    this.result =
      worker === null
        ? Promise.resolve(null)
        : new Promise<string | null>((resolve) => {
            let settled = false;
            const settle = (v: string | null): void => {
              if (settled) return;
              settled = true;
              resolve(v);
            };
            worker.once('message', (m: { hex?: unknown }) => settle(typeof m.hex === 'string' ? m.hex : null));
            worker.once('error', () => settle(null));
            worker.once('exit', () => settle(null));
          });
  }

  /** the scan thread has read the file's bytes [0, bytes) */
  advance(bytes: number): void {
    Atomics.store(this.limit, 0, BigInt(bytes));
    Atomics.add(this.ctl, 0, 1);
    Atomics.notify(this.ctl, 0);
  }

  /** the digest of the file's bytes [0, bytes); closes the descriptor */
  async finish(bytes: number): Promise<string> {
    Atomics.store(this.limit, 0, BigInt(bytes));
    Atomics.store(this.ctl, 1, 1);
    Atomics.add(this.ctl, 0, 1);
    Atomics.notify(this.ctl, 0);
    try {
      const hex = await this.result;
      // worker missing or failed: hash here, from the same descriptor
      return hex ?? hashHere(this.fd, bytes);
    } finally {
      await this.worker?.terminate();
      this.close();
    }
  }

  /** stop without a digest (the scan failed); closes the descriptor once the worker has stopped */
  abort(): void {
    // let a worker asleep on the counter wake and end, in case termination cannot interrupt it
    Atomics.store(this.ctl, 1, 1);
    Atomics.add(this.ctl, 0, 1);
    Atomics.notify(this.ctl, 0);
    if (this.worker === null) {
      this.close();
      return;
    }
    void this.worker.terminate().finally(() => this.close());
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed: nothing to release
    }
  }
}
