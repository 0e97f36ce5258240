/**
 * Recently ended handshake flows (see FlowTable: "held-back bytes"): the flow key and the
 * delivered sequence ranges of the last RECENT_MAX TCP flows that ended after delivering bytes to
 * a key-exchange analyzer, for RECENT_MICROS of capture time. A new flow on the same key (5-tuple
 * and zone) that starts inside such a range carries that connection's bytes after its flow ended.
 *
 * Everything is numeric and preallocated: a ring of fixed-size records in typed arrays, found
 * through a Map from the key's direction-symmetric hash (core/flow/keyindex.ts, a small integer
 * key that V8 hashes without allocating) to the newest record with that hash; records with the
 * same hash are chained newest first. No string is built per flow. Memory: RECENT_MAX records of
 * KEY_WORDS + 6 numbers, about 0.4 MB, allocated once.
 */
import { KEY_WORDS, type FlowKeyIndex } from './keyindex.js';

/** records kept (the oldest is overwritten) */
export const RECENT_MAX = 4096;
/**
 * records kept per hash (newest first): keys that share a hash (MurmurHash3 has
 * seed-independent multicollisions, see keyindex.ts) cannot make a lookup walk more than this
 */
export const CHAIN_MAX = 8;
/** a record older than this (capture time) is not used: 10 minutes */
export const RECENT_MICROS = 600_000_000;

/** an ended flow found for a new one */
export interface RecentMatch {
  /** ended flow's id */
  id: number;
  /** per side of the NEW flow (0 = its endpoint A): the ended flow's delivered range [base, next) from that endpoint */
  base0: number;
  next0: number;
  base1: number;
  next1: number;
}

export class RecentHandshakes {
  private readonly cap: number;
  private readonly keys: Int32Array;
  /** per record: ended flow id, capture time it ended, then base/next per side (uint32 as numbers) */
  private readonly ids: Float64Array;
  private readonly endTs: Float64Array;
  private readonly ranges: Float64Array;
  /** next record with the same hash (older), -1 = none */
  private readonly chain: Int32Array;
  /** 1 = record in use */
  private readonly live: Uint8Array;
  /** hash → newest record with that hash */
  private readonly heads = new Map<number, number>();
  /** next record to write (ring) */
  private pos = 0;
  private count = 0;

  /** `cap`: records kept (RECENT_MAX; smaller in tests) */
  constructor(cap = RECENT_MAX) {
    this.cap = Math.max(1, Math.floor(cap));
    const n = this.cap;
    this.keys = new Int32Array(n * KEY_WORDS);
    this.ids = new Float64Array(n);
    this.endTs = new Float64Array(n);
    this.ranges = new Float64Array(n * 4);
    this.chain = new Int32Array(n).fill(-1);
    this.live = new Uint8Array(n);
  }

  get size(): number {
    return this.count;
  }

  /**
   * Remembers the flow in `slot` of `index` (called before the slot is freed); side 0 is the
   * key's endpoint A. A record of the same key is replaced.
   */
  remember(index: FlowKeyIndex, slot: number, id: number, endTs: number, base0: number, next0: number, base1: number, next1: number): void {
    const hash = index.keyHash(slot);
    const same = this.find(index, slot, hash);
    if (same >= 0) this.drop(same, hash);
    const r = this.pos;
    this.pos = r + 1 === this.cap ? 0 : r + 1;
    if (this.live[r] === 1) this.drop(r, this.keys[r * KEY_WORDS] ?? 0);
    index.copyKey(slot, this.keys, r * KEY_WORDS);
    this.ids[r] = id;
    this.endTs[r] = endTs;
    const g = r * 4;
    this.ranges[g] = base0;
    this.ranges[g + 1] = next0;
    this.ranges[g + 2] = base1;
    this.ranges[g + 3] = next1;
    this.live[r] = 1;
    this.count++;
    const head = this.heads.get(hash);
    this.chain[r] = head ?? -1;
    this.heads.set(hash, r);
    // past CHAIN_MAX records with this hash the oldest are forgotten
    let p = r;
    let q = this.chain[r] ?? -1;
    for (let n = 1; q >= 0 && n < CHAIN_MAX; n++) {
      p = q;
      q = this.chain[q] ?? -1;
    }
    if (q >= 0) {
      this.chain[p] = -1;
      while (q >= 0) {
        const next = this.chain[q] ?? -1;
        this.chain[q] = -1;
        this.live[q] = 0;
        this.count--;
        q = next;
      }
    }
  }

  /**
   * The ended flow of the new flow's key in `slot`, removed from the store (it is checked once),
   * or null when there is none or it ended more than RECENT_MICROS before `ts`.
   */
  take(index: FlowKeyIndex, slot: number, ts: number): RecentMatch | null {
    const hash = index.keyHash(slot);
    if (!this.heads.has(hash)) return null;
    const r = this.find(index, slot, hash);
    if (r < 0) return null;
    const swapped = index.sameKey(slot, this.keys, r * KEY_WORDS) === 1;
    this.drop(r, hash);
    if (ts - (this.endTs[r] ?? 0) > RECENT_MICROS) return null;
    const g = r * 4;
    const rg = this.ranges;
    const a = swapped ? g + 2 : g;
    const b = swapped ? g : g + 2;
    return { id: this.ids[r] ?? 0, base0: rg[a] ?? 0, next0: rg[a + 1] ?? 0, base1: rg[b] ?? 0, next1: rg[b + 1] ?? 0 };
  }

  clear(): void {
    this.heads.clear();
    this.live.fill(0);
    this.chain.fill(-1);
    this.pos = 0;
    this.count = 0;
  }

  /** record holding the key of `slot`, or -1 */
  private find(index: FlowKeyIndex, slot: number, hash: number): number {
    let r = this.heads.get(hash) ?? -1;
    while (r >= 0) {
      if (index.sameKey(slot, this.keys, r * KEY_WORDS) >= 0) return r;
      r = this.chain[r] ?? -1;
    }
    return -1;
  }

  /** unlinks record `r` (whose key hash is `hash`) */
  private drop(r: number, hash: number): void {
    const head = this.heads.get(hash) ?? -1;
    const next = this.chain[r] ?? -1;
    if (head === r) {
      if (next >= 0) this.heads.set(hash, next);
      else this.heads.delete(hash);
    } else {
      let p = head;
      while (p >= 0) {
        const n = this.chain[p] ?? -1;
        if (n === r) {
          this.chain[p] = next;
          break;
        }
        p = n;
      }
    }
    this.chain[r] = -1;
    this.live[r] = 0;
    this.count--;
  }
}
