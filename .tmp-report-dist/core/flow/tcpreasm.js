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
 */
/** Spans above this are not extended backwards any more, so serial comparisons stay valid (RFC 1982 §3.2). */
const SPAN_PIN = 0x40000000;
export class TcpStream {
    owner;
    side;
    limit;
    maxOooBytes;
    maxOooSegs;
    /** stream start known (ISN from SYN, ACK of a SYN+ACK, or first data segment) */
    baseSet = false;
    /** an ISN was seen in a SYN from this side */
    isnSeen = false;
    /** sequence number of stream offset 0 */
    baseSeq = 0;
    nextSeq = 0;
    nextOff = 0;
    /** no more reassembly for this direction */
    done = false;
    finSeen = false;
    /** stream offset of the FIN, -1 if unknown */
    finOff = -1;
    ooo = [];
    oooBytes = 0;
    /** bytes left unreported because no analyzer was attached when they passed (see FlowTable) */
    pendingGap = 0;
    // wire-byte accounting: highest end / lowest start of payload seen (serial numbers)
    spanHave = false;
    lo = 0;
    hi = 0;
    loPinned = false;
    constructor(owner, side, 
    /** reassembly budget: stream offsets >= limit are never delivered */
    limit, maxOooBytes, maxOooSegs) {
        this.owner = owner;
        this.side = side;
        this.limit = limit;
        this.maxOooBytes = maxOooBytes;
        this.maxOooSegs = maxOooSegs;
    }
    setBase(seq) {
        this.baseSet = true;
        this.baseSeq = seq >>> 0;
        this.nextSeq = seq >>> 0;
        this.nextOff = 0;
    }
    /** Stream offset of sequence number `seq` (serial arithmetic around nextSeq). */
    offsetOf(seq) {
        return this.nextOff + ((seq - this.nextSeq) | 0);
    }
    /**
     * Payload bytes of a segment [seq, seq+wireLen) not seen before in this direction: the seen range
     * grows at either end; retransmissions inside it count nothing.
     */
    countNew(seq, wireLen) {
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
            if (((this.hi - this.lo) >>> 0) >= SPAN_PIN)
                this.loPinned = true;
        }
        return n;
    }
    markFin(finSeq) {
        this.finSeen = true;
        if (this.baseSet)
            this.finOff = this.offsetOf(finSeq);
    }
    /** A segment of `wireLen` bytes at `seq`, of which `data` (a prefix) was captured. */
    segment(sink, seq, data, wireLen) {
        if (this.done || wireLen <= 0)
            return;
        if (!this.baseSet)
            this.setBase(seq);
        const start = this.offsetOf(seq);
        if (data.length > wireLen)
            data = data.subarray(0, wireLen);
        this.place(sink, start, data, start + wireLen);
    }
    place(sink, start, data, wireEnd) {
        if (wireEnd <= this.nextOff)
            return; // entirely old: retransmission
        if (start <= this.nextOff) {
            this.inOrder(sink, start, data, wireEnd);
            return;
        }
        if (start >= this.limit)
            return; // beyond the budget: never needed
        const need = Math.max(0, Math.min(start + data.length, this.limit) - start);
        if (this.oooBytes + need > this.maxOooBytes || this.ooo.length + 2 > this.maxOooSegs) {
            sink.overflow(this);
            while (this.ooo.length > 0 &&
                (this.oooBytes + need > this.maxOooBytes || this.ooo.length + 2 > this.maxOooSegs)) {
                this.skipToFirst(sink);
                if (this.done)
                    return;
            }
            if (wireEnd <= this.nextOff)
                return;
            if (start <= this.nextOff) {
                this.inOrder(sink, start, data, wireEnd);
                return;
            }
            if (this.oooBytes + need > this.maxOooBytes) {
                // alone larger than the buffer: give up the hole before it and take it in order
                this.emitGap(sink, start - this.nextOff);
                if (this.done)
                    return;
                this.inOrder(sink, start, data, wireEnd);
                return;
            }
        }
        const capEnd = Math.min(start + data.length, this.limit);
        if (capEnd > start)
            this.insert(sink, start, capEnd, data, start);
        const gapEnd = Math.min(wireEnd, this.limit);
        if (gapEnd > capEnd && capEnd >= start)
            this.insert(sink, capEnd, gapEnd, null, start);
    }
    /** start <= nextOff < wireEnd */
    inOrder(sink, start, data, wireEnd) {
        const capEnd = start + data.length;
        while (!this.done && this.nextOff < wireEnd) {
            const nb = this.ooo[0];
            const stop = nb !== undefined && nb.start < wireEnd ? nb.start : wireEnd;
            if (this.nextOff < stop) {
                const dEnd = Math.min(capEnd, stop);
                if (this.nextOff < dEnd)
                    this.emitData(sink, data.subarray(this.nextOff - start, dEnd - start));
                if (this.done)
                    return;
                if (this.nextOff < stop)
                    this.emitGap(sink, stop - this.nextOff); // snaplen-cut tail
                if (this.done)
                    return;
            }
            if (nb === undefined || nb.start >= wireEnd)
                break;
            // the buffered segment was seen first: its bytes win over ours where both exist
            if (nb.data !== null && capEnd > nb.start) {
                const a = nb.start - start;
                const n = Math.min(capEnd, nb.end) - nb.start;
                if (!sameBytes(data, a, nb.data, 0, n))
                    sink.mismatch(this);
            }
            this.ooo.shift();
            if (nb.data !== null)
                this.oooBytes -= nb.data.length;
            this.emitSeg(sink, nb);
        }
        this.drain(sink);
    }
    emitSeg(sink, seg) {
        if (seg.end <= this.nextOff || this.done)
            return;
        if (seg.data !== null)
            this.emitData(sink, seg.data.subarray(this.nextOff - seg.start));
        else
            this.emitGap(sink, seg.end - this.nextOff);
    }
    /** Hands over buffered segments that have become contiguous. */
    drain(sink) {
        for (;;) {
            if (this.done)
                return;
            const seg = this.ooo[0];
            if (seg === undefined || seg.start > this.nextOff)
                return;
            this.ooo.shift();
            if (seg.data !== null)
                this.oooBytes -= seg.data.length;
            this.emitSeg(sink, seg);
        }
    }
    /** Gives up the hole before the first buffered segment. */
    skipToFirst(sink) {
        const seg = this.ooo[0];
        if (seg === undefined)
            return;
        if (seg.start > this.nextOff)
            this.emitGap(sink, seg.start - this.nextOff);
        this.drain(sink);
    }
    emitData(sink, chunk) {
        // loops because the sink may raise the limit while being fed (an analyzer attached with a larger budget)
        let off = 0;
        while (off < chunk.length) {
            const rem = this.limit - this.nextOff;
            if (rem <= 0 || this.done) {
                this.finishBudget();
                return;
            }
            const part = off === 0 && chunk.length <= rem ? chunk : chunk.subarray(off, off + Math.min(rem, chunk.length - off));
            sink.data(this, part);
            off += part.length;
            this.advance(part.length);
        }
    }
    emitGap(sink, len) {
        const rem = this.limit - this.nextOff;
        if (rem <= 0) {
            this.finishBudget();
            return;
        }
        if (len > rem)
            len = rem;
        if (len > 0)
            sink.gap(this, len);
        this.advance(len);
    }
    advance(n) {
        this.nextOff += n;
        this.nextSeq = (this.nextSeq + n) >>> 0;
        if (this.nextOff >= this.limit)
            this.finishBudget();
    }
    finishBudget() {
        this.done = true;
        this.release();
    }
    /** Inserts [start, end) (bytes from src at src index pos - srcStart, or a gap) where not yet covered. */
    insert(sink, start, end, src, srcStart) {
        const list = this.ooo;
        // first segment whose end > start (list is sorted and non-overlapping)
        let lo = 0;
        let hi = list.length;
        while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if ((list[mid]?.end ?? 0) <= start)
                lo = mid + 1;
            else
                hi = mid;
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
                if (!sameBytes(src, cur - srcStart, seg.data, cur - seg.start, oe - cur))
                    sink.mismatch(this);
            }
            cur = oe;
            i++;
        }
    }
    piece(start, end, src, srcStart) {
        if (src === null)
            return { start, end, data: null };
        const copy = new Uint8Array(end - start);
        copy.set(src.subarray(start - srcStart, end - srcStart));
        this.oooBytes += copy.length;
        return { start, end, data: copy };
    }
    /** End of the flow: hand over what is buffered, reporting the holes, then any hole before the FIN. */
    finish(sink) {
        while (!this.done && this.ooo.length > 0)
            this.skipToFirst(sink);
        if (!this.done && this.finOff > this.nextOff)
            this.emitGap(sink, this.finOff - this.nextOff);
    }
    /** Frees buffered data. */
    release() {
        this.ooo.length = 0;
        this.oooBytes = 0;
    }
}
function sameBytes(a, ai, b, bi, n) {
    for (let k = 0; k < n; k++)
        if (a[ai + k] !== b[bi + k])
            return false;
    return true;
}
//# sourceMappingURL=tcpreasm.js.map