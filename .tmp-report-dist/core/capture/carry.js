/**
 * Carry-over buffer for push parsers (core/capture/types.ts): holds only the partial tail of a
 * record that straddles two input chunks. Capacity grows with the bytes actually received
 * (doubling), never with an attacker-chosen length field, and is released after large records.
 */
/** capacity kept between records; larger buffers are dropped once their record is done */
const KEEP_BYTES = 1 << 20;
const MIN_BYTES = 4096;
export class Carry {
    buf = Buffer.alloc(0);
    len = 0;
    /** Append src[from, from + n) (copies). */
    append(src, from, n) {
        const need = this.len + n;
        if (need > this.buf.length) {
            const grown = Buffer.allocUnsafe(Math.max(need, MIN_BYTES, this.buf.length * 2));
            this.buf.copy(grown, 0, 0, this.len);
            this.buf = grown;
        }
        this.buf.set(src.subarray(from, from + n), this.len);
        this.len = need;
    }
    clear() {
        this.len = 0;
        if (this.buf.length > KEEP_BYTES)
            this.buf = Buffer.alloc(0);
    }
}
//# sourceMappingURL=carry.js.map