/**
 * Carry-over buffer for push parsers (core/capture/types.ts): holds only the partial tail of a
 * record that straddles two input chunks. Capacity grows with the bytes actually received
 * (doubling), never with an attacker-chosen length field, and is released after large records.
 * CarryingReader: the push/end driver around it that the pcap and pcapng readers share.
 */
import type { CaptureFormat, CaptureReader, PacketSink, ReaderOptions } from './types.js';
import type { Weirds } from '../util/weirds.js';

/** capacity kept between records; larger buffers are dropped once their record is done */
const KEEP_BYTES = 1 << 20;
const MIN_BYTES = 4096;

export class Carry {
  buf: Buffer = Buffer.alloc(0);
  len = 0;

  /** Append src[from, from + n) (copies). */
  append(src: Uint8Array, from: number, n: number): void {
    const need = this.len + n;
    if (need > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, MIN_BYTES, this.buf.length * 2));
      this.buf.copy(grown, 0, 0, this.len);
      this.buf = grown;
    }
    this.buf.set(src.subarray(from, from + n), this.len);
    this.len = need;
  }

  clear(): void {
    this.len = 0;
    if (this.buf.length > KEEP_BYTES) this.buf = Buffer.alloc(0);
  }
}

/**
 * The chunk driver shared by the pcap and pcapng readers: feeds a carried-over partial unit
 * first, parses whole units in place, carries the tail; end() with a partial unit left marks
 * the input truncated (weird `truncatedCode`); fail() is a fatal structural error.
 */
export abstract class CarryingReader implements CaptureReader {
  abstract readonly format: CaptureFormat;
  packets = 0;
  bytes = 0;
  truncated = false;
  error: string | null = null;

  protected readonly sink: PacketSink;
  protected readonly weirds: Weirds;
  protected readonly carry = new Carry();
  protected stopped = false;
  private readonly truncatedCode: string;

  constructor(opts: ReaderOptions, truncatedCode: string) {
    this.sink = opts.sink;
    this.weirds = opts.weirds;
    this.truncatedCode = truncatedCode;
  }

  push(chunk: Buffer): void {
    if (this.stopped) return;
    this.bytes += chunk.length;
    let pos = 0;
    if (this.carry.len > 0) {
      pos = this.fillCarry(chunk);
      if (this.stopped || this.carry.len > 0) return;
    }
    pos = this.parse(chunk, pos);
    if (!this.stopped && pos < chunk.length) this.carry.append(chunk, pos, chunk.length - pos);
  }

  end(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.carry.len > 0) {
      this.truncated = true;
      this.weirds.add(this.truncatedCode);
    }
    this.carry.clear();
  }

  protected fail(code: string, message: string): void {
    this.weirds.add(code);
    this.error = message;
    this.stopped = true;
    this.carry.clear();
  }

  /** Complete the carried unit with bytes from `chunk`; returns the chunk offset consumed. */
  protected abstract fillCarry(chunk: Buffer): number;
  /** Parse every whole unit of buf from pos; returns the offset of the first unparsed byte. */
  protected abstract parse(buf: Buffer, pos: number): number;
}
