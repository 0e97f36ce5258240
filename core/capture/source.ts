/**
 * Capture inputs: a file path, a gzip-compressed file (RFC 1952, decompressed as a stream and
 * sniffed again), or standard input ('-'). Plain files take a synchronous fast path (fs.readSync
 * into one reused buffer; the readers copy only straddling tails, see carry.ts); gzip and stdin
 * are async per chunk, never per packet.
 *
 * Bad packet bytes never throw (readers count weirds). The one thing thrown here is
 * CaptureInputError: the user pointed at something that is not a readable capture.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { createHash, type Hash } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import type { CaptureFormat, CaptureReader } from './types.js';
import type { PcapngReaderOptions } from './pcapng.js';
import { detectFormat, createReader, SNIFF_BYTES, type AnyCaptureReader } from './detect.js';
import { FileHashThread, HASH_THREAD_MIN_BYTES } from './hash-thread.js';

export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;

export interface InputResult {
  path: string;
  format: CaptureFormat;
  compressed: boolean;
  packets: number;
  /** input bytes read (the compressed size for gzip) */
  bytes: number;
  truncated: boolean;
  error: string | null;
  linkTypes: number[];
  /** sha256 (hex) of the raw input bytes when `hash: true`, else null */
  sha256: string | null;
}

export type CaptureInputErrorCode = 'ENOENT' | 'EACCES' | 'EISDIR' | 'NOT_A_CAPTURE' | 'EMPTY' | 'READ_ERROR';

/** A user error about an input (one clear line), as opposed to malformed packet bytes. */
export class CaptureInputError extends Error {
  readonly code: CaptureInputErrorCode;
  constructor(code: CaptureInputErrorCode, message: string) {
    super(message);
    this.name = 'CaptureInputError';
    this.code = code;
  }
}

export interface SourceOptions extends PcapngReaderOptions {
  /** read size for plain files (default 4 MiB) */
  chunkBytes?: number;
  /** compute sha256 of the raw input bytes */
  hash?: boolean;
  /** name used in error messages (default: the path; 'stdin' for '-') */
  displayName?: string;
  /** called after each chunk with the raw input bytes read so far and the input size (null when unknown) */
  onProgress?(bytesRead: number, totalBytes: number | null): void;
}

function errno(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e) {
    const c = (e as { code: unknown }).code;
    if (typeof c === 'string') return c;
  }
  return undefined;
}

function toInputError(e: unknown, name: string): CaptureInputError {
  if (e instanceof CaptureInputError) return e;
  const code = errno(e);
  if (code === 'ENOENT' || code === 'ENOTDIR') return new CaptureInputError('ENOENT', `${name}: no such file`);
  if (code === 'EACCES' || code === 'EPERM') return new CaptureInputError('EACCES', `${name}: permission denied`);
  if (code === 'EISDIR') return new CaptureInputError('EISDIR', `${name}: is a directory, not a capture file`);
  const msg = e instanceof Error ? e.message : String(e);
  return new CaptureInputError('READ_ERROR', `${name}: read error (${code ?? msg})`);
}

function notCapture(name: string, description: string, suffix = ''): CaptureInputError {
  if (description === 'empty file') return new CaptureInputError('EMPTY', `${name}: empty file${suffix}`);
  return new CaptureInputError('NOT_A_CAPTURE', `${name}: not a capture file (looks like ${description})`);
}

function result(path: string, reader: AnyCaptureReader, compressed: boolean, bytes: number, hash: Hash | null): InputResult {
  return {
    path,
    format: reader.format,
    compressed,
    packets: reader.packets,
    bytes,
    truncated: reader.truncated,
    error: reader.error,
    linkTypes: [...reader.linkTypes],
    sha256: hash === null ? null : hash.digest('hex'),
  };
}

/**
 * Read a plain pcap/pcapng file synchronously. Returns null when the file is gzip-compressed
 * (use scanInput, which decompresses as a stream). Throws CaptureInputError for user errors.
 */
export function readCaptureFile(path: string, opts: SourceOptions): InputResult | null {
  const r = readPlainFile(path, opts, false);
  return r === null ? null : r.res;
}

interface PlainRead {
  res: InputResult;
  /** the input's sha256 when it is being computed on a second thread (res.sha256 is null until then) */
  digest: Promise<string> | null;
}

/**
 * The synchronous plain-file path. With `offThread`, a file of HASH_THREAD_MIN_BYTES or more
 * asked for its sha256 is hashed by a FileHashThread while this thread scans it.
 */
function readPlainFile(path: string, opts: SourceOptions, offThread: boolean): PlainRead | null {
  const name = opts.displayName ?? path;
  let fd: number;
  let thread: FileHashThread | null = null;
  try {
    fd = fs.openSync(path, 'r');
  } catch (e) {
    throw toInputError(e, name);
  }
  // only file-system errors become CaptureInputError; a throwing sink propagates unchanged
  const read = (buf: Buffer, off: number, len: number): number => {
    try {
      return fs.readSync(fd, buf, off, len, null);
    } catch (e) {
      throw toInputError(e, name);
    }
  };
  try {
    let isDir: boolean;
    try {
      isDir = fs.fstatSync(fd).isDirectory();
    } catch (e) {
      throw toInputError(e, name);
    }
    if (isDir) throw new CaptureInputError('EISDIR', `${name}: is a directory, not a capture file`);
    const size = fs.fstatSync(fd).size;
    const total = opts.onProgress === undefined ? null : size;
    const hashThread = opts.hash === true && offThread && size >= HASH_THREAD_MIN_BYTES;
    const hash = opts.hash === true && !hashThread ? createHash('sha256') : null;
    const head = Buffer.allocUnsafe(SNIFF_BYTES);
    let headLen = 0;
    while (headLen < SNIFF_BYTES) {
      const n = read(head, headLen, SNIFF_BYTES - headLen);
      if (n === 0) break;
      headLen += n;
    }
    const det = detectFormat(head.subarray(0, headLen));
    if (det.kind === 'gzip') return null;
    if (det.kind === 'other') throw notCapture(name, det.description);
    const reader = createReader(det.kind, opts);
    // from here the hash thread owns the descriptor (it closes it when done)
    if (hashThread) thread = new FileHashThread(fd);
    let bytes = headLen;
    hash?.update(head.subarray(0, headLen));
    thread?.advance(bytes);
    reader.push(head.subarray(0, headLen));
    opts.onProgress?.(bytes, total);
    const chunk = Buffer.allocUnsafe(Math.max(1, opts.chunkBytes ?? DEFAULT_CHUNK_BYTES));
    // after a fatal reader error keep reading only to finish the hash
    const hashing = hash !== null || thread !== null;
    while (reader.error === null || hashing) {
      const n = read(chunk, 0, chunk.length);
      if (n === 0) break;
      bytes += n;
      const view = chunk.subarray(0, n);
      hash?.update(view);
      thread?.advance(bytes);
      reader.push(view);
      opts.onProgress?.(bytes, total);
    }
    reader.end();
    const res = result(path, reader, false, bytes, hash);
    return { res, digest: thread === null ? null : thread.finish(bytes) };
  } catch (e) {
    thread?.abort();
    throw e;
  } finally {
    if (thread === null) fs.closeSync(fd);
  }
}

/** Scan a path ('-' = standard input): plain files synchronously, gzip and stdin as streams. */
export async function scanInput(path: string, opts: SourceOptions): Promise<InputResult> {
  if (path === '-') return scanStream(process.stdin, '-', { ...opts, displayName: opts.displayName ?? 'stdin' });
  const plain = readPlainFile(path, opts, true);
  if (plain !== null) {
    if (plain.digest !== null) {
      try {
        plain.res.sha256 = await plain.digest;
      } catch (e) {
        throw toInputError(e, opts.displayName ?? path);
      }
    }
    return plain.res;
  }
  const name = opts.displayName ?? path;
  let stream: fs.ReadStream;
  try {
    stream = fs.createReadStream(path, { highWaterMark: Math.max(1, opts.chunkBytes ?? DEFAULT_CHUNK_BYTES) });
  } catch (e) {
    throw toInputError(e, name);
  }
  const onProgress = opts.onProgress;
  let total: number | null = null;
  if (onProgress !== undefined) {
    try {
      total = fs.statSync(path).size;
    } catch {
      total = null;
    }
  }
  try {
    return await scanStream(stream, path, {
      ...opts,
      displayName: name,
      ...(onProgress !== undefined ? { onProgress: (b: number) => onProgress(b, total) } : {}),
    });
  } finally {
    stream.destroy();
  }
}

type Next = () => Promise<Buffer | null>;

/** decompressed bytes waiting for the capture reader before the gunzip stream is paused */
const GZIP_QUEUE_BYTES = 4 * 1024 * 1024;
/** the end of a compressed input, fed to zlib in small slices (see scanStream) */
const GZIP_TAIL_BYTES = 64 * 1024;
/** compressed pieces smaller than this are joined before they go to zlib */
const GZIP_JOIN_BYTES = 16 * 1024;
const GZIP_TAIL_SLICE = 256;
/** zlib's output buffer: each 'data' chunk is at most this big (zlib's default 16 KiB made 4× the reader calls) */
const GZIP_OUT_CHUNK = 256 * 1024;

function toBuffer(v: Uint8Array | string): Buffer {
  if (typeof v === 'string') return Buffer.from(v, 'latin1');
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** Read chunks until SNIFF_BYTES are seen (or the end); returns them and a copy of the head. */
async function sniff(next: Next): Promise<{ head: Buffer; chunks: Buffer[] }> {
  const chunks: Buffer[] = [];
  let len = 0;
  while (len < SNIFF_BYTES) {
    const b = await next();
    if (b === null) break;
    if (b.length === 0) continue;
    chunks.push(b);
    len += b.length;
  }
  const head = Buffer.alloc(Math.min(len, SNIFF_BYTES));
  let o = 0;
  for (const c of chunks) {
    if (o >= head.length) break;
    o += c.copy(head, o, 0, Math.min(c.length, head.length - o));
  }
  return { head, chunks };
}

async function drain(reader: CaptureReader, chunks: Buffer[], next: Next, keepGoing: boolean): Promise<void> {
  for (const c of chunks) reader.push(c);
  for (;;) {
    if (reader.error !== null && !keepGoing) break;
    const b = await next();
    if (b === null) break;
    reader.push(b);
  }
}

/**
 * Scan a stream of bytes (a file stream, stdin, or any async iterable of chunks). `path` is what
 * the result reports; opts.displayName (default: path) names it in error messages.
 */
export async function scanStream(
  input: AsyncIterable<Uint8Array | string>,
  path: string,
  opts: SourceOptions,
): Promise<InputResult> {
  const name = opts.displayName ?? path;
  const hash = opts.hash === true ? createHash('sha256') : null;
  let rawBytes = 0;
  const it = input[Symbol.asyncIterator]();
  let readFailed: CaptureInputError | null = null;
  const nextRaw: Next = async () => {
    let r: IteratorResult<Uint8Array | string>;
    try {
      r = await it.next();
    } catch (e) {
      readFailed = toInputError(e, name);
      throw readFailed;
    }
    if (r.done === true) return null;
    const b = toBuffer(r.value);
    rawBytes += b.length;
    hash?.update(b);
    opts.onProgress?.(rawBytes, null);
    return b;
  };

  const outer = await sniff(nextRaw);
  const det = detectFormat(outer.head);
  if (det.kind === 'other') throw notCapture(name, det.description);
  if (det.kind !== 'gzip') {
    const reader = createReader(det.kind, opts);
    await drain(reader, outer.chunks, nextRaw, hash !== null);
    reader.end();
    return result(path, reader, false, rawBytes, hash);
  }

  // gzip: decompress as a stream, then sniff the content again.
  // When zlib fails (a bad CRC-32 or length in the trailer, a corrupt block, a cut file), Node
  // drops the output of the zlib call that failed, and the stream's async iterator drops what was
  // decompressed and not yet read: for a small file, everything. So the compressed input goes in
  // as it comes except its last GZIP_TAIL_BYTES, which go in GZIP_TAIL_SLICE bytes at a time (the
  // last 64 one by one), and the output is taken from 'data' events as it is made: what precedes
  // the damage is scanned, short of the output of one small slice at most, and the input is
  // marked truncated (weird gzip.corrupt).
  async function* raw(): AsyncGenerator<Buffer> {
    // held[head..]: the chunks not yet given to zlib (a head index, not shift(): with tiny chunks
    // the array holds tens of thousands and shift() copied it every time, found by an audit)
    let held: Buffer[] = [];
    let head = 0;
    let heldBytes = 0;
    // what may go to zlib now: all but the last GZIP_TAIL_BYTES seen so far (chunks are split)
    const take = (b: Buffer): Buffer[] => {
      held.push(b);
      heldBytes += b.length;
      const out: Buffer[] = [];
      while (heldBytes > GZIP_TAIL_BYTES) {
        const c = held[head] as Buffer;
        const n = Math.min(c.length, heldBytes - GZIP_TAIL_BYTES);
        out.push(n === c.length ? c : c.subarray(0, n));
        if (n === c.length) head++;
        else held[head] = c.subarray(n);
        heldBytes -= n;
      }
      if (head > 1024 && head * 2 > held.length) {
        held = held.slice(head);
        head = 0;
      }
      return out;
    };
    // small pieces go to zlib together (each write costs ≈ 30 µs: 1-byte chunks took 10 s for
    // 200 KB), at most GZIP_JOIN_BYTES at a time, as a file's own reads would
    let join: Buffer[] = [];
    let joinBytes = 0;
    /** the joined pieces as one buffer (emptied) */
    const joined = (): Buffer => {
      const b = join.length === 1 ? (join[0] as Buffer) : Buffer.concat(join, joinBytes);
      join = [];
      joinBytes = 0;
      return b;
    };
    function* give(bs: Buffer[], flush: boolean): Generator<Buffer> {
      for (const b of bs) {
        if (b.length >= GZIP_JOIN_BYTES && joinBytes === 0) {
          yield b;
          continue;
        }
        join.push(b);
        joinBytes += b.length;
        if (joinBytes >= GZIP_JOIN_BYTES) yield joined();
      }
      if (flush && joinBytes > 0) yield joined();
    }
    for (const c of outer.chunks) yield* give(take(c), false);
    for (;;) {
      const b = await nextRaw();
      if (b === null) break;
      yield* give(take(b), false);
    }
    yield* give([], true);
    const tail = Buffer.concat(held.slice(head));
    // the last 64 bytes (the end of the final block, the 8-byte trailer) one byte at a time: the
    // call that fails the trailer check then carries no compressed data whose output it drops
    const fine = Math.max(0, tail.length - 64);
    for (let i = 0; i < tail.length; ) {
      const end = i < fine ? Math.min(i + GZIP_TAIL_SLICE, fine) : i + 1;
      yield tail.subarray(i, end);
      i = end;
    }
  }
  const gunzip = zlib.createGunzip({ chunkSize: GZIP_OUT_CHUNK });
  const src = Readable.from(raw());
  pipeline(src, gunzip, () => undefined);
  const queue: Buffer[] = [];
  let queued = 0;
  let ended = false;
  let gzipError: unknown = null;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  gunzip.on('data', (b: Buffer) => {
    queue.push(b);
    queued += b.length;
    if (queued >= GZIP_QUEUE_BYTES) gunzip.pause();
    notify();
  });
  gunzip.on('end', () => {
    ended = true;
    notify();
  });
  gunzip.on('error', (e: unknown) => {
    gzipError = e;
    notify();
  });
  const nextInner: Next = async () => {
    while (queue.length === 0 && !ended && gzipError === null) await new Promise<void>((r) => (wake = r));
    const b = queue.shift();
    if (b === undefined) return null;
    queued -= b.length;
    if (queued < GZIP_QUEUE_BYTES && gunzip.isPaused()) gunzip.resume();
    return b;
  };
  let reader: AnyCaptureReader | null = null;
  try {
    const inner = await sniff(nextInner);
    if (readFailed !== null) throw readFailed;
    if (inner.head.length === 0) {
      if (gzipError !== null) throw new CaptureInputError('NOT_A_CAPTURE', `${name}: not a capture file (corrupt gzip data)`);
      throw new CaptureInputError('EMPTY', `${name}: empty file (after gzip decompression)`);
    }
    const innerDet = detectFormat(inner.head);
    if (innerDet.kind === 'gzip') {
      throw new CaptureInputError('NOT_A_CAPTURE', `${name}: not a capture file (gzip inside gzip)`);
    }
    if (innerDet.kind === 'other') {
      throw new CaptureInputError('NOT_A_CAPTURE', `${name}: not a capture file (looks like gzip-compressed ${innerDet.description})`);
    }
    reader = createReader(innerDet.kind, opts);
    await drain(reader, inner.chunks, nextInner, hash !== null);
    if (readFailed !== null) throw readFailed;
    if (gzipError !== null && reader.error === null) {
      opts.weirds.add('gzip.corrupt');
      reader.end();
      reader.truncated = true;
      // what stopped the reading, for the input's report and the one-line warning
      reader.error = `gzip: ${gzipError instanceof Error ? gzipError.message : String(gzipError)}`;
    } else {
      reader.end();
    }
    return result(path, reader, true, rawBytes, hash);
  } finally {
    src.destroy();
    gunzip.destroy();
  }
}
