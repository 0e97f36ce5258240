/**
 * Bounded newline splitter for newline-delimited JSON (MCP spec "Transports" §stdio: messages
 * are delimited by newlines and contain no embedded newlines). Lines split across pushes are
 * joined; a line longer than the cap is dropped and reported. Never throws.
 */
import { copyBytes } from '../util/bytes.js';
export class LineSplitter {
  private parts: Uint8Array[] = [];
  private len = 0;
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
    this.parts = [];
    this.len = 0;
    this.overflow = false;
    this.skipping = true;
  }

  /** end of stream: a final line without newline is still delivered */
  end(): void {
    if (this.len > 0 || this.overflow) this.emit();
  }

  private append(b: Uint8Array): void {
    if (b.length === 0 || this.overflow) return;
    if (this.len + b.length > this.maxLine) {
      this.overflow = true;
      this.parts = [];
      this.len = 0;
      return;
    }
    this.parts.push(copyBytes(b));
    this.len += b.length;
  }

  private emit(): void {
    if (this.overflow) {
      this.overflow = false;
      this.onOverflow();
      return;
    }
    const line = this.parts.length === 1 ? (this.parts[0] as Uint8Array) : Buffer.concat(this.parts, this.len);
    this.parts = [];
    this.len = 0;
    this.onLine(line);
  }
}
