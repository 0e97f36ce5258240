/**
 * One direction of TCP stream reassembly (RFC 9293 §3.4 sequence numbers, §3.10.7.4 segment
 * processing; RFC 1982 serial-number arithmetic for the 32-bit wrap).
 *
 * Sequence numbers are converted to stream offsets (a JS number, 0 = first byte after the ISN or
 * the first byte seen mid-stream) relative to `nextSeq`/`nextOff`, the next byte expected in
 * order. In-order data is handed to the sink as zero-copy views of the frame; out-of-order data
 * is copied into a sorted, non-overlapping, bounded segment list and handed over when the hole
 * fills. Where segments overlap, the first-seen bytes win (differences are reported). Bytes cut
 * by the snaplen are represented as gap pieces. Only offsets below `limit` are ever reassembled.
 *
 * A copy that the receiver dropped (bad checksum, expired TTL, stale timestamp: an "insertion",
 * Ptacek & Newsham 1998 §3.3) may be the one seen first, the real bytes following as a
 * retransmission of offsets already delivered. For analyzers whose verdict such a copy could
 * forge (the key-exchange ones), the delivered bytes are kept (startKeeping, bounded) and every
 * later copy of them is compared: a difference is reported like an overlap (mismatch), also after
 * delivery has stopped, until the kept bytes are dropped.
 */

/** A buffered out-of-order piece: [start, end) stream offsets; data null = bytes known lost (snaplen cut). */
export interface Seg {
  start: number;
  end: number;
  data: Uint8Array | null;
}

export interface StreamSink<O> {
  /** in-order bytes at stream offset s.nextOff (s.nextOff advances after the call) */
  data(s: TcpStream<O>, chunk: Uint8Array): void;
  /** `len` bytes at s.nextOff will never be delivered */
  gap(s: TcpStream<O>, len: number): void;
  /** overlapping segments carried different bytes */
  mismatch(s: TcpStream<O>): void;
  /** delivered bytes were sent again but could not be compared (they were to be kept, and were not: cap) */
  unverified(s: TcpStream<O>): void;
  /** the out-of-order buffer was full and a hole was skipped */
  overflow(s: TcpStream<O>): void;
}



/**
 * Kept bytes live in buffers of a few size classes (256 B to 16 KiB, powers of two), reused
 * through free lists: a flow keeps one or two chunks for a few seconds, and a buffer per flow
 * from the allocator (malloc, off the V8 heap) fragmented the native heap (+35 MB peak RSS on
 * the reference workload). The free lists hold at most KEEP_FREE_MAX bytes.
 */
const KEEP_MIN_CLASS = 256;
const KEEP_MAX_CLASS = 16 * 1024;
const KEEP_FREE_MAX = 4 * 1024 * 1024;
const KEEP_FREE: Uint8Array[][] = [];
for (let size = KEEP_MIN_CLASS; size <= KEEP_MAX_CLASS; size *= 2) KEEP_FREE.push([]);
let keepFreeBytes = 0;

/** size class index of a buffer for `n` bytes, or -1 past the largest class */
function keepClass(n: number): number {
  let c = 0;
  for (let size = KEEP_MIN_CLASS; size < n; size *= 2) c++;
  return c < KEEP_FREE.length ? c : -1;
}

function keepAlloc(n: number): Uint8Array {
  const c = keepClass(n);
  if (c < 0) return new Uint8Array(n);
  const b = KEEP_FREE[c]?.pop();
  if (b !== undefined) {
    keepFreeBytes -= b.length;
    return b;
  }
  return new Uint8Array(KEEP_MIN_CLASS << c);
}

function keepFree(b: Uint8Array): void {
  const c = keepClass(b.length);
  if (c < 0 || KEEP_MIN_CLASS << c !== b.length || keepFreeBytes + b.length > KEEP_FREE_MAX) return;
  KEEP_FREE[c]?.push(b);
  keepFreeBytes += b.length;
}

/** Spans above this are not extended backwards any more, so serial comparisons stay valid (RFC 1982 §3.2). */
const SPAN_PIN = 0x40000000;

export class TcpStream<O> {
  /** stream start known (ISN from SYN, ACK of a SYN+ACK, or first data segment) */
  baseSet = false;
  /** an ISN was seen in a SYN from this side */
  isnSeen = false;
  /** sequence number of stream offset 0 */
  baseSeq = 0;
  /** the base was taken from a data segment (a SYN seen later must agree with it) */
  baseFromData = false;
  nextSeq = 0;
  nextOff = 0;
  /** no more reassembly for this direction */
  done = false;
  finSeen = false;
  /** stream offset of the FIN, -1 if unknown */
  finOff = -1;
  readonly ooo: Seg[] = [];
  oooBytes = 0;
  /** bytes left unreported because no analyzer was attached when they passed (see FlowTable) */
  pendingGap = 0;
  /** delivered bytes kept to compare retransmissions with: stream offsets [keptFrom, keptFrom + keptLen) */
  private kept: Uint8Array | null = null;
  private keptFrom = 0;
  keptLen = 0;
  /** bytes to keep at most (0: not keeping; -1: not kept, copies are unverifiable) */
  private keepMax = 0;
  /** inside sink.data (the chunk is kept after it) */
  private delivering = false;
  /**
   * end (stream offset) of the delivered bytes whose copies matter: -1 = all delivered so far
   * (nextOff); set when settled to where the analyzer's verdict was. A copy of bytes in
   * [keptFrom, that end) that are not kept (after a gap, or past keepMax) is unverified.
   */
  private checkEnd = -1;
  /** a gap was delivered while keeping: the analyzer's count of bytes no longer maps to offsets */
  private gapWhileKeeping = false;
  /** settleKept came during a delivery: compact once the chunk is kept */
  private settled = false;
  // wire-byte accounting: highest end / lowest start of payload seen (serial numbers)
  private spanHave = false;
  private lo = 0;
  private hi = 0;
  private loPinned = false;

  constructor(
    readonly owner: O,
    readonly side: 0 | 1,
    /** reassembly budget: stream offsets >= limit are never delivered */
    public limit: number,
    private readonly maxOooBytes: number,
    private readonly maxOooSegs: number,
  ) {}

  /** `fromData`: the base comes from a data segment, not a SYN or the peer's acknowledgement of one */
  setBase(seq: number, fromData = false): void {
    this.baseSet = true;
    this.baseFromData = fromData;
    this.baseSeq = seq >>> 0;
    this.nextSeq = seq >>> 0;
    this.nextOff = 0;
  }

  /** Stream offset of sequence number `seq` (serial arithmetic around nextSeq). */
  offsetOf(seq: number): number {
    return this.nextOff + ((seq - this.nextSeq) | 0);
  }

  /**
   * Payload bytes of a segment [seq, seq+wireLen) not seen before in this direction: the seen range
   * grows at either end; retransmissions inside it count nothing.
   */
  countNew(seq: number, wireLen: number): number {
    seq >>>= 0;
    const end = (seq + wireLen) >>> 0;
    if (!this.spanHave) {
      this.spanHave = true;
      this.lo = seq;
      this.hi = end;
      return wireLen;
    }
    let n = 0;
    const up = (end - this.hi) | 0;
    if (up > 0) {
      n += up;
      this.hi = end;
    }
    if (!this.loPinned) {
      const down = (this.lo - seq) | 0;
      if (down > 0) {
        n += down;
        this.lo = seq;
      }
      if (((this.hi - this.lo) >>> 0) >= SPAN_PIN) this.loPinned = true;
    }
    return n;
  }

  markFin(finSeq: number): void {
    this.finSeen = true;
    if (this.baseSet) this.finOff = this.offsetOf(finSeq);
  }

  /** A segment of `wireLen` bytes at `seq`, of which `data` (a prefix) was captured. */
  segment(sink: StreamSink<O>, seq: number, data: Uint8Array, wireLen: number): void {
    if (this.done || wireLen <= 0) return;
    if (!this.baseSet) this.setBase(seq, true);
    const start = this.offsetOf(seq);
    if (data.length > wireLen) data = data.subarray(0, wireLen);
    this.place(sink, start, data, start + wireLen);
  }

  /**
   * Keep up to `max` delivered bytes from the next one on (the table: an analyzer that verifies
   * retransmissions attached). Bytes delivered before are not kept.
   */
  startKeeping(max: number): void {
    if (max <= 0 || this.keepMax > 0) return;
    this.keepMax = max;
    this.keptFrom = this.nextOff;
    this.keptLen = 0;
    this.checkEnd = -1;
    this.gapWhileKeeping = false;
  }

  /**
   * bytes delivered at stream offset `off`, kept when they continue what is kept; `restartAt`:
   * nothing is kept yet, and keeping starts at `off` (bytes the table held back for sniffing)
   */
  keepDelivered(off: number, bytes: Uint8Array, restartAt = -1): void {
    if (restartAt >= 0 && this.keptLen === 0 && this.keepMax > 0) this.keptFrom = restartAt;
    if (this.keepMax <= 0 || off !== this.keptFrom + this.keptLen) return;
    const n = Math.min(bytes.length, this.keepMax - this.keptLen);
    if (n <= 0) return;
    // sized to what is kept (most flows keep one or two chunks before the analyzer is done), grown by doubling
    let k = this.kept;
    const need = this.keptLen + n;
    if (k === null || k.length < need) {
      const grown = keepAlloc(need);
      if (k !== null) {
        if (this.keptLen > 0) grown.set(k.subarray(0, this.keptLen));
        keepFree(k);
      }
      k = grown;
      this.kept = grown;
    }
    k.set(n === bytes.length ? bytes : bytes.subarray(0, n), this.keptLen);
    this.keptLen += n;
  }

  /** retransmissions of delivered bytes are compared (or said to be unverifiable) */
  get checking(): boolean {
    return this.keepMax !== 0;
  }

  /**
   * Delivery is over (the analyzer is done, or the connection closed): only the first `used`
   * kept bytes matter (what the analyzer read up to its verdict; all of them when not given).
   * Within a delivery the chunk being delivered is still kept up to there, then the bytes move
   * to a buffer of their own size (compactKept). They are compared with later copies until dropped.
   */
  settleKept(used = -1): void {
    if (this.keepMax <= 0) return;
    if (used >= 0 && !this.gapWhileKeeping) {
      this.keepMax = Math.max(1, used);
      if (this.keptLen > used) this.keptLen = used;
      this.checkEnd = this.keptFrom + used;
    } else {
      // everything delivered so far matters (the analyzer's count of bytes skips gaps)
      this.checkEnd = this.nextOff;
    }
    this.settled = true;
    if (!this.delivering) this.compactKept();
  }

  private compactKept(): void {
    this.settled = false;
    const k = this.kept;
    this.keepMax = Math.max(1, this.keptLen); // nothing more is kept
    if (k === null) return;
    if (this.keptLen === 0) {
      keepFree(k);
      this.kept = null;
    } else if (k.length >= 4 * this.keptLen) {
      // into a smaller class: most of a 16 KiB buffer was for a chunk the analyzer stopped in
      const small = keepAlloc(this.keptLen);
      small.set(k.subarray(0, this.keptLen));
      keepFree(k);
      this.kept = small;
    }
  }

  /** the bytes were to be kept and cannot be (the table's cap): retransmissions say so */
  cannotKeep(): void {
    if (this.keepMax === 0) this.keepMax = -1;
  }

  /** stops keeping; the kept bytes go */
  dropKept(): void {
    this.settled = false;
    this.checkEnd = -1;
    this.gapWhileKeeping = false;
    if (this.kept !== null) keepFree(this.kept);
    this.kept = null;
    this.keepMax = 0;
    this.keptLen = 0;
  }

  /** a copy of delivered bytes, data at stream offset `start`: reported when it differs from what is kept */
  private checkKept(sink: StreamSink<O>, start: number, data: Uint8Array): void {
    if (this.keepMax < 0) {
      if (data.length > 0 && start < this.nextOff) sink.unverified(this);
      return;
    }
    const keptEnd = this.keptFrom + this.keptLen;
    const k = this.kept;
    if (k !== null) {
      const from = Math.max(start, this.keptFrom);
      const to = Math.min(start + data.length, keptEnd, this.nextOff);
      if (to > from && !sameBytes(data, from - start, k, from - this.keptFrom, to - from)) {
        sink.mismatch(this);
        return;
      }
    }
    // delivered bytes that matter but were not kept (after a gap, or past keepMax): cannot compare
    const end = Math.min(this.checkEnd < 0 ? this.nextOff : this.checkEnd, this.nextOff);
    if (this.keepMax > 0 && start < end && start + data.length > Math.max(keptEnd, this.keptFrom)) sink.unverified(this);
  }

  /**
   * A segment after delivery stopped (the analyzer is done): only compared with the kept bytes.
   * Its sequence number is taken as it comes (no base, no window): a segment outside the kept
   * range compares nothing.
   */
  verify(sink: StreamSink<O>, seq: number, data: Uint8Array, wireLen: number): void {
    if (!this.checking || !this.baseSet || wireLen <= 0) return;
    this.checkKept(sink, this.offsetOf(seq), data.length > wireLen ? data.subarray(0, wireLen) : data);
  }

  /**
   * A segment after delivery stopped could be a copy of delivered bytes (the table then builds
   * its view and calls verify): false for the usual case, new bytes past them, at no cost.
   */
  mayRepeat(seq: number, wireLen: number): boolean {
    if (!this.baseSet || wireLen <= 0) return false;
    const start = this.offsetOf(seq);
    if (start >= this.nextOff || start + wireLen <= 0) return false;
    if (wireLen <= 1 && start === this.nextOff - 1) return false; // a keep-alive (RFC 9293 §3.8.4)
    if (this.keepMax < 0) return true;
    const end = Math.max(this.keptFrom + this.keptLen, this.checkEnd < 0 ? this.nextOff : this.checkEnd);
    return start < end && start + wireLen > this.keptFrom;
  }

  private place(sink: StreamSink<O>, start: number, data: Uint8Array, wireEnd: number): void {
    if (wireEnd <= this.nextOff) {
      // entirely old: a retransmission, compared with the delivered bytes when they are kept (not a
      // keep-alive: at most one byte at nextOff - 1, often garbage, RFC 9293 §3.8.4)
      if (this.keepMax !== 0 && !(wireEnd - start <= 1 && wireEnd === this.nextOff)) this.checkKept(sink, start, data);
      return;
    }
    if (start <= this.nextOff) {
      this.inOrder(sink, start, data, wireEnd);
      return;
    }
    if (start >= this.limit) return; // beyond the budget: never needed
    const need = Math.max(0, Math.min(start + data.length, this.limit) - start);
    if (this.oooBytes + need > this.maxOooBytes || this.ooo.length + 2 > this.maxOooSegs) {
      sink.overflow(this);
      while (
        this.ooo.length > 0 &&
        (this.oooBytes + need > this.maxOooBytes || this.ooo.length + 2 > this.maxOooSegs)
      ) {
        this.skipToFirst(sink);
        if (this.done) return;
      }
      if (wireEnd <= this.nextOff) return;
      if (start <= this.nextOff) {
        this.inOrder(sink, start, data, wireEnd);
        return;
      }
      if (this.oooBytes + need > this.maxOooBytes) {
        // alone larger than the buffer: give up the hole before it and take it in order
        this.emitGap(sink, start - this.nextOff);
        if (this.done) return;
        this.inOrder(sink, start, data, wireEnd);
        return;
      }
    }
    const capEnd = Math.min(start + data.length, this.limit);
    if (capEnd > start) this.insert(sink, start, capEnd, data, start);
    const gapEnd = Math.min(wireEnd, this.limit);
    if (gapEnd > capEnd && capEnd >= start) this.insert(sink, capEnd, gapEnd, null, start);
  }

  /** start <= nextOff < wireEnd */
  private inOrder(sink: StreamSink<O>, start: number, data: Uint8Array, wireEnd: number): void {
    // the part before nextOff was delivered already: compared when kept
    if (this.keepMax !== 0 && start < this.nextOff) this.checkKept(sink, start, data.subarray(0, Math.min(data.length, this.nextOff - start)));
    const capEnd = start + data.length;
    while (!this.done && this.nextOff < wireEnd) {
      const nb = this.ooo[0];
      const stop = nb !== undefined && nb.start < wireEnd ? nb.start : wireEnd;
      if (this.nextOff < stop) {
        const dEnd = Math.min(capEnd, stop);
        if (this.nextOff < dEnd) this.emitData(sink, data.subarray(this.nextOff - start, dEnd - start));
        if (this.done) return;
        if (this.nextOff < stop) this.emitGap(sink, stop - this.nextOff); // snaplen-cut tail
        if (this.done) return;
      }
      if (nb === undefined || nb.start >= wireEnd) break;
      // the buffered segment was seen first: its bytes win over ours where both exist
      if (nb.data !== null && capEnd > nb.start) {
        const a = nb.start - start;
        const n = Math.min(capEnd, nb.end) - nb.start;
        if (!sameBytes(data, a, nb.data, 0, n)) sink.mismatch(this);
      }
      this.ooo.shift();
      if (nb.data !== null) this.oooBytes -= nb.data.length;
      this.emitSeg(sink, nb);
    }
    this.drain(sink);
  }

  private emitSeg(sink: StreamSink<O>, seg: Seg): void {
    if (seg.end <= this.nextOff || this.done) return;
    if (seg.data !== null) this.emitData(sink, seg.data.subarray(this.nextOff - seg.start));
    else this.emitGap(sink, seg.end - this.nextOff);
  }

  /** Hands over buffered segments that have become contiguous. */
  private drain(sink: StreamSink<O>): void {
    for (;;) {
      if (this.done) return;
      const seg = this.ooo[0];
      if (seg === undefined || seg.start > this.nextOff) return;
      this.ooo.shift();
      if (seg.data !== null) this.oooBytes -= seg.data.length;
      this.emitSeg(sink, seg);
    }
  }

  /** Gives up the hole before the first buffered segment. */
  private skipToFirst(sink: StreamSink<O>): void {
    const seg = this.ooo[0];
    if (seg === undefined) return;
    if (seg.start > this.nextOff) this.emitGap(sink, seg.start - this.nextOff);
    this.drain(sink);
  }

  private emitData(sink: StreamSink<O>, chunk: Uint8Array): void {
    // loops because the sink may raise the limit while being fed (an analyzer attached with a larger budget)
    let off = 0;
    while (off < chunk.length) {
      const rem = this.limit - this.nextOff;
      if (rem <= 0 || this.done) {
        this.finishBudget();
        return;
      }
      const part = off === 0 && chunk.length <= rem ? chunk : chunk.subarray(off, off + Math.min(rem, chunk.length - off));
      this.delivering = true;
      sink.data(this, part);
      this.delivering = false;
      // after the call, up to what the analyzer used if it finished on this chunk (settleKept); a
      // chunk an analyzer attaches on is kept by the table when keeping starts
      if (this.keepMax > 0) this.keepDelivered(this.nextOff, part);
      if (this.settled) this.compactKept();
      off += part.length;
      this.advance(part.length);
    }
  }

  private emitGap(sink: StreamSink<O>, len: number): void {
    if (this.keepMax > 0 && !this.settled && this.checkEnd < 0) this.gapWhileKeeping = true;
    const rem = this.limit - this.nextOff;
    if (rem <= 0) {
      this.finishBudget();
      return;
    }
    if (len > rem) len = rem;
    if (len > 0) sink.gap(this, len);
    this.advance(len);
  }

  private advance(n: number): void {
    this.nextOff += n;
    this.nextSeq = (this.nextSeq + n) >>> 0;
    if (this.nextOff >= this.limit) this.finishBudget();
  }

  private finishBudget(): void {
    this.done = true;
    this.release();
  }

  /** Inserts [start, end) (bytes from src at src index pos - srcStart, or a gap) where not yet covered. */
  private insert(sink: StreamSink<O>, start: number, end: number, src: Uint8Array | null, srcStart: number): void {
    const list = this.ooo;
    // first segment whose end > start (list is sorted and non-overlapping)
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((list[mid]?.end ?? 0) <= start) lo = mid + 1;
      else hi = mid;
    }
    let i = lo;
    let cur = start;
    while (cur < end) {
      const seg = list[i];
      if (seg === undefined || seg.start >= end) {
        list.splice(i, 0, this.piece(cur, end, src, srcStart));
        return;
      }
      if (seg.start > cur) {
        list.splice(i, 0, this.piece(cur, seg.start, src, srcStart));
        i++;
        cur = seg.start;
        continue;
      }
      const oe = Math.min(end, seg.end);
      if (src !== null && seg.data !== null) {
        if (!sameBytes(src, cur - srcStart, seg.data, cur - seg.start, oe - cur)) sink.mismatch(this);
      }
      cur = oe;
      i++;
    }
  }

  private piece(start: number, end: number, src: Uint8Array | null, srcStart: number): Seg {
    if (src === null) return { start, end, data: null };
    const copy = new Uint8Array(end - start);
    copy.set(src.subarray(start - srcStart, end - srcStart));
    this.oooBytes += copy.length;
    return { start, end, data: copy };
  }

  /** End of the flow: hand over what is buffered, reporting the holes, then any hole before the FIN. */
  finish(sink: StreamSink<O>): void {
    while (!this.done && this.ooo.length > 0) this.skipToFirst(sink);
    if (!this.done && this.finOff > this.nextOff) this.emitGap(sink, this.finOff - this.nextOff);
  }

  /** Frees buffered data. */
  release(): void {
    this.ooo.length = 0;
    this.oooBytes = 0;
  }
}

function sameBytes(a: Uint8Array, ai: number, b: Uint8Array, bi: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (a[ai + k] !== b[bi + k]) return false;
  return true;
}
