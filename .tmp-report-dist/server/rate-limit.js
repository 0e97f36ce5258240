export class TokenBuckets {
    now;
    capacity;
    refillPerMs;
    maxClients;
    buckets = new Map();
    constructor(opts = {}, now = Date.now) {
        this.now = now;
        this.capacity = Math.max(1, opts.capacity ?? 10);
        this.refillPerMs = Math.max(0, opts.refillPerMinute ?? 10) / 60_000;
        this.maxClients = Math.max(1, opts.maxClients ?? 10_000);
    }
    /** take one token for `key`: 0 when allowed, else the milliseconds until a token is available */
    take(key) {
        const t = this.now();
        let b = this.buckets.get(key);
        if (b === undefined) {
            if (this.buckets.size >= this.maxClients)
                this.prune(t);
            b = { tokens: this.capacity, at: t };
        }
        else {
            b.tokens = Math.min(this.capacity, b.tokens + (t - b.at) * this.refillPerMs);
            b.at = t;
            this.buckets.delete(key);
        }
        this.buckets.set(key, b);
        if (b.tokens >= 1) {
            b.tokens -= 1;
            return 0;
        }
        if (this.refillPerMs === 0)
            return Number.POSITIVE_INFINITY;
        return Math.ceil((1 - b.tokens) / this.refillPerMs);
    }
    prune(t) {
        for (const [k, b] of this.buckets) {
            if (b.tokens + (t - b.at) * this.refillPerMs >= this.capacity)
                this.buckets.delete(k);
        }
        // still full: forget the least recently used (Map keeps insertion order)
        while (this.buckets.size >= this.maxClients) {
            const oldest = this.buckets.keys().next();
            if (oldest.done === true)
                break;
            this.buckets.delete(oldest.value);
        }
    }
}
//# sourceMappingURL=rate-limit.js.map