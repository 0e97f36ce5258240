/**
 * Intrusive doubly-linked recency lists over flow slots (typed arrays, no per-packet allocation).
 * Each slot is in at most one list; touching a slot moves it to the tail, so every list is
 * ordered from least to most recently active. The flow table keeps one list per idle-timeout
 * class (TCP, UDP, closed-connection linger) and expires/evicts from the heads.
 */
export class SlotLists {
    prev = new Int32Array(0);
    next = new Int32Array(0);
    /** list a slot is in, -1 if none */
    owner = new Int8Array(0);
    heads;
    tails;
    constructor(nLists, slotCap) {
        this.heads = new Int32Array(nLists).fill(-1);
        this.tails = new Int32Array(nLists).fill(-1);
        this.grow(slotCap);
    }
    grow(slotCap) {
        if (slotCap <= this.prev.length)
            return;
        const p = new Int32Array(slotCap);
        p.set(this.prev);
        this.prev = p;
        const n = new Int32Array(slotCap);
        n.set(this.next);
        this.next = n;
        const o = new Int8Array(slotCap).fill(-1);
        o.set(this.owner);
        this.owner = o;
    }
    head(list) {
        return this.heads[list] ?? -1;
    }
    listOf(slot) {
        return this.owner[slot] ?? -1;
    }
    /** Appends `slot` (not currently in any list) at the tail of `list`. */
    push(list, slot) {
        const t = this.tails[list] ?? -1;
        this.prev[slot] = t;
        this.next[slot] = -1;
        this.owner[slot] = list;
        if (t >= 0)
            this.next[t] = slot;
        else
            this.heads[list] = slot;
        this.tails[list] = slot;
    }
    unlink(slot) {
        const list = this.owner[slot] ?? -1;
        if (list < 0)
            return;
        const p = this.prev[slot] ?? -1;
        const n = this.next[slot] ?? -1;
        if (p >= 0)
            this.next[p] = n;
        else
            this.heads[list] = n;
        if (n >= 0)
            this.prev[n] = p;
        else
            this.tails[list] = p;
        this.owner[slot] = -1;
    }
    /** Moves `slot` to the tail of its list. */
    touch(slot) {
        const list = this.owner[slot] ?? -1;
        if (list < 0 || this.tails[list] === slot)
            return;
        this.unlink(slot);
        this.push(list, slot);
    }
}
//# sourceMappingURL=lru.js.map