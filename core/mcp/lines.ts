/**
 * Bounded newline splitter for newline-delimited JSON (MCP spec "Transports" §stdio: messages
 * are delimited by newlines and contain no embedded newlines). Lines split across pushes are
 * joined; a line longer than the cap is dropped and reported. Never throws.
 */
import { copyBytes } from '../util/bytes.js';
import { GrowBuffer } from '../util/growbuf.js';

export class LineSplitter {
  /** the partial line (one growing copy, however many segments it arrives in) */
  private readonly pending = new GrowBuffer();
  private overflow = false;
  private skipping = false;

  constructor(
    private readonly maxLine: number,
    private readonly onLine: (line: Uint8Array) => void,
    private readonly onOverflow: () => void,
  ) {}

  push(chunk: Uint8Array): void {
    let off = 0;
    const n = chunk.length;
    while (off < n) {
      const nl = chunk.indexOf(0x0a, off);
      const end = nl < 0 ? n : nl;
      if (this.skipping) {
        if (nl < 0) return;
        this.skipping = false;
        off = nl + 1;
        continue;
      }
      this.append(chunk.subarray(off, end));
      if (nl < 0) return;
      this.emit();
      off = nl + 1;
    }
  }

  /** a hole in the stream: drop the partial line; bytes up to the next newline are discarded */
  resync(): void {
    this.pending.clear();
    this.overflow = false;
    this.skipping = true;
  }

  /** end of stream: a final line without newline is still delivered */
  end(): void {
    if (this.pending.length > 0 || this.overflow) this.emit();
  }

  private append(b: Uint8Array): void {
    if (b.length === 0 || this.overflow) return;
    if (this.pending.length + b.length > this.maxLine) {
      this.overflow = true;
      this.pending.clear();
      return;
    }
    this.pending.push(b);
  }

  private emit(): void {
    if (this.overflow) {
      this.overflow = false;
      this.onOverflow();
      return;
    }
    const line = copyBytes(this.pending.view());
    this.pending.clear();
    this.onLine(line);
  }
}
