/**
 * Bounded newline splitter for newline-delimited JSON (MCP spec "Transports" §stdio: messages
 * are delimited by newlines and contain no embedded newlines). Lines split across pushes are
 * joined; a line longer than the cap is dropped and reported. Never throws.
 */
export class LineSplitter {
    maxLine;
    onLine;
    onOverflow;
    parts = [];
    len = 0;
    overflow = false;
    skipping = false;
    constructor(maxLine, onLine, onOverflow) {
        this.maxLine = maxLine;
        this.onLine = onLine;
        this.onOverflow = onOverflow;
    }
    push(chunk) {
        let off = 0;
        const n = chunk.length;
        while (off < n) {
            const nl = chunk.indexOf(0x0a, off);
            const end = nl < 0 ? n : nl;
            if (this.skipping) {
                if (nl < 0)
                    return;
                this.skipping = false;
                off = nl + 1;
                continue;
            }
            this.append(chunk.subarray(off, end));
            if (nl < 0)
                return;
            this.emit();
            off = nl + 1;
        }
    }
    /** a hole in the stream: drop the partial line; bytes up to the next newline are discarded */
    resync() {
        this.parts = [];
        this.len = 0;
        this.overflow = false;
        this.skipping = true;
    }
    /** end of stream: a final line without newline is still delivered */
    end() {
        if (this.len > 0 || this.overflow)
            this.emit();
    }
    append(b) {
        if (b.length === 0 || this.overflow)
            return;
        if (this.len + b.length > this.maxLine) {
            this.overflow = true;
            this.parts = [];
            this.len = 0;
            return;
        }
        this.parts.push(b.slice());
        this.len += b.length;
    }
    emit() {
        if (this.overflow) {
            this.overflow = false;
            this.onOverflow();
            return;
        }
        const line = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.len);
        this.parts = [];
        this.len = 0;
        this.onLine(line);
    }
}
//# sourceMappingURL=lines.js.map