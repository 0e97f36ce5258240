/**
 * A byte buffer for a partial line that arrives in pieces: bytes are copied into one array whose
 * capacity doubles (amortised O(n), one allocation per doubling), so a line split into a million
 * 1-byte TCP segments costs its own size in memory, not a million small arrays.
 */
export class GrowBuffer {
  private buf = new Uint8Array(0);
  length = 0;

  push(b: Uint8Array): void {
    const need = this.length + b.length;
    if (need > this.buf.length) {
      let cap = Math.max(64, this.buf.length * 2);
      while (cap < need) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
    }
    this.buf.set(b, this.length);
    this.length = need;
  }

  /** the bytes so far, as a view valid until the next push or clear */
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  /** drops the first `n` bytes (the rest moves to the front: O(rest), for callers that consume whole messages) */
  drop(n: number): void {
    if (n <= 0) return;
    if (n >= this.length) {
      this.clear();
      return;
    }
    this.buf.copyWithin(0, n, this.length);
    this.length -= n;
  }

  /** empty, with no storage kept (for an owner that will not buffer again) */
  free(): void {
    this.length = 0;
    this.buf = new Uint8Array(0);
  }

  clear(): void {
    this.length = 0;
    // give back large buffers; keep a small one for the next line
    if (this.buf.length > 64 * 1024) this.buf = new Uint8Array(0);
  }
}
