/**
 * Named anomaly counters ("weirds", after Zeek's weird.log): every malformed or unsupported
 * thing a decoder meets is counted under a stable reason code instead of being thrown.
 * Codes are lower-case dotted identifiers, e.g. `ipv4.bad_header_length`, `pcapng.block_too_large`.
 * The number of distinct codes is capped so hostile input cannot grow the table without bound.
 */
export const MAX_WEIRD_CODES = 512;
export class Weirds {
    counts = new Map();
    /** codes dropped because the table was full */
    overflow = 0;
    add(code, n = 1) {
        const c = this.counts.get(code);
        if (c !== undefined) {
            this.counts.set(code, c + n);
        }
        else if (this.counts.size < MAX_WEIRD_CODES) {
            this.counts.set(code, n);
        }
        else {
            this.overflow += n;
        }
    }
    get(code) {
        return this.counts.get(code) ?? 0;
    }
    merge(other) {
        for (const [k, v] of other.counts)
            this.add(k, v);
        this.overflow += other.overflow;
    }
    toJSON() {
        const out = {};
        for (const k of [...this.counts.keys()].sort())
            out[k] = this.counts.get(k) ?? 0;
        if (this.overflow > 0)
            out['weirds.overflow'] = this.overflow;
        return out;
    }
}
//# sourceMappingURL=weirds.js.map