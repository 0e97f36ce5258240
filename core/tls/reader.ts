/**
 * Bounded big-endian cursor over a Uint8Array for TLS presentation-language vectors
 * (RFC 8446 §3.4). Never throws: reading past the end sets `ok = false` and yields 0 / empty views.
 */
const EMPTY = new Uint8Array(0);

export class Reader {
  pos: number;
  ok = true;
  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  u8(): number {
    if (this.pos + 1 > this.end) return this.fail();
    return this.buf[this.pos++] ?? 0;
  }

  u16(): number {
    if (this.pos + 2 > this.end) return this.fail();
    const v = ((this.buf[this.pos] ?? 0) << 8) | (this.buf[this.pos + 1] ?? 0);
    this.pos += 2;
    return v;
  }

  u24(): number {
    if (this.pos + 3 > this.end) return this.fail();
    const v = ((this.buf[this.pos] ?? 0) << 16) | ((this.buf[this.pos + 1] ?? 0) << 8) | (this.buf[this.pos + 2] ?? 0);
    this.pos += 3;
    return v;
  }

  /** zero-copy view of the next n bytes */
  bytes(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.end) {
      this.fail();
      this.pos = this.end;
      return EMPTY;
    }
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** a sub-reader over a vector with a 1-, 2- or 3-byte length prefix */
  vec(lenBytes: 1 | 2 | 3): Reader {
    const n = lenBytes === 1 ? this.u8() : lenBytes === 2 ? this.u16() : this.u24();
    if (!this.ok || this.pos + n > this.end) {
      this.fail();
      this.pos = this.end;
      const r = new Reader(this.buf, this.end, this.end);
      r.ok = false;
      return r;
    }
    const r = new Reader(this.buf, this.pos, this.pos + n);
    this.pos += n;
    return r;
  }

  private fail(): number {
    this.ok = false;
    return 0;
  }
}

