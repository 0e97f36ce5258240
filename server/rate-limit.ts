/**
 * A per-client token bucket (capacity tokens, refilled continuously at refillPerMinute) used to
 * limit capture uploads: one upload takes one token; an empty bucket answers 429
 * TOO_MANY_REQUESTS with Retry-After (RFC 6585 §4). Buckets idle long enough to be full again
 * are forgotten, and the table is capped so spoofed sources cannot grow it without bound.
 */
export interface RateLimitOptions {
  /** burst size (default 10) */
  capacity?: number;
  /** tokens added per minute (default 10) */
  refillPerMinute?: number;
  /** most clients remembered (default 10000) */
  maxClients?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  readonly capacity: number;
  readonly refillPerMs: number;
  private readonly maxClients: number;
  private readonly buckets = new Map<string, Bucket>();

  constructor(opts: RateLimitOptions = {}, private readonly now: () => number = Date.now) {
    this.capacity = Math.max(1, opts.capacity ?? 10);
    this.refillPerMs = Math.max(0, opts.refillPerMinute ?? 10) / 60_000;
    this.maxClients = Math.max(1, opts.maxClients ?? 10_000);
  }

  /** take one token for `key`: 0 when allowed, else the milliseconds until a token is available */
  take(key: string): number {
    const t = this.now();
    let b = this.buckets.get(key);
    if (b === undefined) {
      if (this.buckets.size >= this.maxClients) this.prune(t);
      b = { tokens: this.capacity, at: t };
    } else {
      b.tokens = Math.min(this.capacity, b.tokens + (t - b.at) * this.refillPerMs);
      b.at = t;
      this.buckets.delete(key);
    }
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    if (this.refillPerMs === 0) return Number.POSITIVE_INFINITY;
    return Math.ceil((1 - b.tokens) / this.refillPerMs);
  }

  private prune(t: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + (t - b.at) * this.refillPerMs >= this.capacity) this.buckets.delete(k);
    }
    // still full: forget the least recently used (Map keeps insertion order)
    while (this.buckets.size >= this.maxClients) {
      const oldest = this.buckets.keys().next();
      if (oldest.done === true) break;
      this.buckets.delete(oldest.value);
    }
  }
}
