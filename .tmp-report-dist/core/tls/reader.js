/**
 * Bounded big-endian cursor over a Uint8Array for TLS presentation-language vectors
 * (RFC 8446 §3.4). Never throws: reading past the end sets `ok = false` and yields 0 / empty views.
 */
const EMPTY = new Uint8Array(0);
export class Reader {
    buf;
    end;
    pos;
    ok = true;
    constructor(buf, start = 0, end = buf.length) {
        this.buf = buf;
        this.end = end;
        this.pos = start;
    }
    get remaining() {
        return this.end - this.pos;
    }
    u8() {
        if (this.pos + 1 > this.end)
            return this.fail();
        return this.buf[this.pos++] ?? 0;
    }
    u16() {
        if (this.pos + 2 > this.end)
            return this.fail();
        const v = ((this.buf[this.pos] ?? 0) << 8) | (this.buf[this.pos + 1] ?? 0);
        this.pos += 2;
        return v;
    }
    u24() {
        if (this.pos + 3 > this.end)
            return this.fail();
        const v = ((this.buf[this.pos] ?? 0) << 16) | ((this.buf[this.pos + 1] ?? 0) << 8) | (this.buf[this.pos + 2] ?? 0);
        this.pos += 3;
        return v;
    }
    /** zero-copy view of the next n bytes */
    bytes(n) {
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
    vec(lenBytes) {
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
    fail() {
        this.ok = false;
        return 0;
    }
}
export function toHex(b) {
    let s = '';
    for (let i = 0; i < b.length; i++)
        s += (b[i] ?? 0).toString(16).padStart(2, '0');
    return s;
}
//# sourceMappingURL=reader.js.map