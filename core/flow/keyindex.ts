/**
 * Flow-key index: open addressing with linear probing and backward-shift deletion (Knuth,
 * TAOCP vol. 3 §6.4, Algorithm R) over bidirectional flow keys
 * (zone, IP protocol, IP version, endpoint A, endpoint B).
 *
 * Keys are stored once per slot in flat typed arrays. A lookup reads the packet's address words
 * and ports straight from the frame buffer into a reusable scratch area and hashes them with a
 * direction-symmetric hash (sum of the two endpoint hashes), so no key object or string is built
 * per packet. Endpoint A is the source of the packet that created the flow; `side` tells whether
 * the current packet came from A (0) or B (1).
 *
 * Hash mixing: MurmurHash3 x86_32 round and finaliser (Austin Appleby, public domain), seeded
 * per index with random bits. Captures are hostile: MurmurHash3 without a secret seed is
 * invertible, so a capture of spoofed SYNs whose keys all share one hash was cheap to build
 * (60 000 of them, 4.2 MB, took 12 s to scan instead of 0.5 s: every new key probed the whole
 * cluster). With the seed an attacker cannot aim keys at a slot; and because MurmurHash3 has
 * seed-independent multicollisions (Aumasson, Bernstein, Boßlet, "Hash-flooding DoS reloaded",
 * 2012), a new key is also refused when its free slot is more than MAX_PROBE slots from its home
 * (the caller counts flow.hash_probe_limit and skips the packet). Ordinary keys stay far from
 * that limit: at the table's highest load (1/2, the 262 144-flow cap), 2.26 M random keys
 * inserted with churn (oldest removed, a new one added) were never refused.
 */
import { getRandomValues } from 'node:crypto';
import type { DecodedPacket } from '../net/packet.js';
import { viewOf } from '../net/bytes.js';

/** a new key's free slot may be at most this far from its home slot */
export const MAX_PROBE = 64;

/** 32 random bits for a hash seed */
export function randomSeed(): number {
  return getRandomValues(new Int32Array(1))[0] ?? 0;
}

/** MurmurHash3 constants (MurmurHash3.cpp, x86_32) */
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const M5 = 0xe6546b64;
const F1 = 0x85ebca6b;
const F2 = 0xc2b2ae35;

export function mix(h: number, k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + M5) | 0;
}

export function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, F1);
  h ^= h >>> 13;
  h = Math.imul(h, F2);
  h ^= h >>> 16;
  return h | 0;
}

const TWO32 = 4294967296;

/**
 * Per-slot key record, one 64-byte stride so a probe touches one or two cache lines:
 * word 0 hash, 1 proto | ipVersion << 8, 2 (portA << 16) | portB, 3..6 address A, 7..10 address B
 * (IPv4 uses the first word only), 11 zone low 32 bits, 12 zone high bits.
 */
const STRIDE = 16;
const K_HASH = 0;
const K_META = 1;
const K_PORTS = 2;
const K_A = 3;
const K_B = 7;
const K_ZLO = 11;
const K_ZHI = 12;
/** words of one key record that hold the key (the rest of the stride is padding) */
export const KEY_WORDS = 13;

export class FlowKeyIndex {
  private cap = 0;
  private keys = new Int32Array(0);
  /** slot + 1; 0 = empty */
  private table = new Int32Array(0);
  private mask = 0;

  // scratch: key of the packet last given to load()
  private readonly s = new Int32Array(4);
  private readonly d = new Int32Array(4);
  private sp = 0;
  private dp = 0;
  private pmeta = 0;
  private pzlo = 0;
  private pzhi = 0;
  private phash = 0;
  /** after find(): 0 = packet source is endpoint A, 1 = it is endpoint B */
  side: 0 | 1 = 0;
  private readonly seed: number;

  /** `seed`: the hash seed, random unless given (tests that need known collisions) */
  constructor(slotCap: number, seed: number = randomSeed()) {
    this.seed = seed | 0;
    this.grow(slotCap);
  }

  /** Reads the packet's key into the scratch area; false if its address offsets are out of bounds. */
  load(p: DecodedPacket): boolean {
    const buf = p.buf;
    const alen = p.ipVersion === 4 ? 4 : 16;
    const so = p.srcAddrOff;
    const dof = p.dstAddrOff;
    if (so < 0 || dof < 0 || so + alen > buf.length || dof + alen > buf.length) return false;
    const s = this.s;
    const d = this.d;
    const sp = p.srcPort & 0xffff;
    const dp = p.dstPort & 0xffff;
    let hs: number;
    let hd: number;
    if (alen === 4) {
      // big-endian words (in bounds: checked above) through the frame's DataView: one load each;
      // Buffer#readInt32BE was left as a call by the JIT (≈ 180 instructions per packet)
      const v = viewOf(buf);
      const a = v.getInt32(so);
      const b = v.getInt32(dof);
      s[0] = a;
      d[0] = b;
      s[1] = s[2] = s[3] = 0;
      d[1] = d[2] = d[3] = 0;
      hs = fmix(mix(mix(this.seed, sp), a));
      hd = fmix(mix(mix(this.seed, dp), b));
    } else {
      for (let i = 0; i < 4; i++) {
        const x = so + 4 * i;
        const y = dof + 4 * i;
        s[i] = ((buf[x] ?? 0) << 24) | ((buf[x + 1] ?? 0) << 16) | ((buf[x + 2] ?? 0) << 8) | (buf[x + 3] ?? 0);
        d[i] = ((buf[y] ?? 0) << 24) | ((buf[y + 1] ?? 0) << 16) | ((buf[y + 2] ?? 0) << 8) | (buf[y + 3] ?? 0);
      }
      const seed = this.seed;
      hs = fmix(mix(mix(mix(mix(mix(seed, sp), s[0] ?? 0), s[1] ?? 0), s[2] ?? 0), s[3] ?? 0));
      hd = fmix(mix(mix(mix(mix(mix(seed, dp), d[0] ?? 0), d[1] ?? 0), d[2] ?? 0), d[3] ?? 0));
    }
    this.sp = sp;
    this.dp = dp;
    this.pmeta = (p.proto & 0xff) | (p.ipVersion << 8);
    const z = p.zone;
    this.pzlo = z | 0;
    this.pzhi = z < TWO32 ? 0 : Math.floor(z / TWO32) | 0;
    this.phash = fmix(mix(mix(mix((hs + hd) | 0, this.pmeta), this.pzlo), this.pzhi));
    return true;
  }

  /** Slot holding the loaded key, or -1. Sets `side`. */
  find(): number {
    const mask = this.mask;
    const table = this.table;
    const keys = this.keys;
    const h = this.phash;
    let i = h & mask;
    for (;;) {
      const e = table[i] ?? 0;
      if (e === 0) return -1;
      const slot = e - 1;
      const b = slot * STRIDE;
      if (
        keys[b + K_HASH] === h &&
        keys[b + K_META] === this.pmeta &&
        keys[b + K_ZLO] === this.pzlo &&
        keys[b + K_ZHI] === this.pzhi
      ) {
        const side = this.match(b);
        if (side >= 0) {
          this.side = side === 0 ? 0 : 1;
          return slot;
        }
      }
      i = (i + 1) & mask;
    }
  }

  private match(b: number): number {
    const k = this.keys;
    const s = this.s;
    const d = this.d;
    const pa = k[b + K_PORTS] ?? 0;
    const a = b + K_A;
    const c = b + K_B;
    if (
      pa === ((this.sp << 16) | this.dp) &&
      k[a] === s[0] && k[a + 1] === s[1] && k[a + 2] === s[2] && k[a + 3] === s[3] &&
      k[c] === d[0] && k[c + 1] === d[1] && k[c + 2] === d[2] && k[c + 3] === d[3]
    ) {
      return 0;
    }
    if (
      pa === ((this.dp << 16) | this.sp) &&
      k[a] === d[0] && k[a + 1] === d[1] && k[a + 2] === d[2] && k[a + 3] === d[3] &&
      k[c] === s[0] && k[c + 1] === s[1] && k[c + 2] === s[2] && k[c + 3] === s[3]
    ) {
      return 1;
    }
    return -1;
  }

  /**
   * Whether the loaded key (not in the index: find() returned -1) can be inserted: its free
   * slot is at most MAX_PROBE slots from its home.
   */
  insertable(): boolean {
    const mask = this.mask;
    const table = this.table;
    let i = this.phash & mask;
    for (let n = 0; n <= MAX_PROBE; n++) {
      if ((table[i] ?? 0) === 0) return true;
      i = (i + 1) & mask;
    }
    return false;
  }

  /** Stores the loaded key in `slot` (packet source becomes endpoint A) and indexes it. */
  insert(slot: number): void {
    const b = slot * STRIDE;
    const k = this.keys;
    k[b + K_HASH] = this.phash;
    k[b + K_META] = this.pmeta;
    k[b + K_PORTS] = (this.sp << 16) | this.dp;
    k.set(this.s, b + K_A);
    k.set(this.d, b + K_B);
    k[b + K_ZLO] = this.pzlo;
    k[b + K_ZHI] = this.pzhi;
    this.place(slot);
    this.side = 0;
  }

  /** the direction-symmetric hash of the key in `slot` */
  keyHash(slot: number): number {
    return this.keys[slot * STRIDE + K_HASH] ?? 0;
  }

  /** copies the key in `slot` (KEY_WORDS words) to `dst` at `off` */
  copyKey(slot: number, dst: Int32Array, off: number): void {
    const b = slot * STRIDE;
    dst.set(this.keys.subarray(b, b + KEY_WORDS), off);
  }

  /**
   * Compares the key in `slot` with a copy made by copyKey: -1 another key, 0 the same key,
   * 1 the same key with endpoints A and B swapped.
   */
  sameKey(slot: number, src: Int32Array, off: number): -1 | 0 | 1 {
    const k = this.keys;
    const b = slot * STRIDE;
    if (
      k[b + K_HASH] !== src[off + K_HASH] || k[b + K_META] !== src[off + K_META] ||
      k[b + K_ZLO] !== src[off + K_ZLO] || k[b + K_ZHI] !== src[off + K_ZHI]
    ) {
      return -1;
    }
    const pa = k[b + K_PORTS] ?? 0;
    const qa = src[off + K_PORTS] ?? 0;
    let same = pa === qa;
    for (let i = 0; same && i < 4; i++) same = k[b + K_A + i] === src[off + K_A + i] && k[b + K_B + i] === src[off + K_B + i];
    if (same) return 0;
    let swapped = pa === (((qa & 0xffff) << 16) | (qa >>> 16));
    for (let i = 0; swapped && i < 4; i++) swapped = k[b + K_A + i] === src[off + K_B + i] && k[b + K_B + i] === src[off + K_A + i];
    return swapped ? 1 : -1;
  }

  private place(slot: number): void {
    const mask = this.mask;
    let i = this.keyHash(slot) & mask;
    while ((this.table[i] ?? 0) !== 0) i = (i + 1) & mask;
    this.table[i] = slot + 1;
  }

  /** Removes `slot` from the index (backward-shift deletion, no tombstones). */
  remove(slot: number): void {
    const mask = this.mask;
    const table = this.table;
    let i = this.keyHash(slot) & mask;
    for (let n = 0; ; n++) {
      const e = table[i] ?? 0;
      if (e === 0 || n > mask) return; // not indexed
      if (e === slot + 1) break;
      i = (i + 1) & mask;
    }
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const e = table[j] ?? 0;
      if (e === 0) break;
      const k = this.keyHash(e - 1) & mask;
      // move entry j into the hole at i unless its home k lies cyclically in (i, j]
      const inRange = i <= j ? k > i && k <= j : k > i || k <= j;
      if (!inRange) {
        table[i] = e;
        i = j;
      }
    }
    table[i] = 0;
  }

  /** Grows key storage to `slotCap` slots and rebuilds the probe table (load factor <= 1/2). */
  grow(slotCap: number): void {
    if (slotCap <= this.cap && this.table.length > 0) return;
    const keys = new Int32Array(slotCap * STRIDE);
    keys.set(this.keys);
    this.keys = keys;
    let tcap = 16;
    while (tcap < slotCap * 2) tcap *= 2;
    const oldTable = this.table;
    this.table = new Int32Array(tcap);
    this.mask = tcap - 1;
    this.cap = slotCap;
    for (let i = 0; i < oldTable.length; i++) {
      const e = oldTable[i] ?? 0;
      if (e !== 0) this.place(e - 1);
    }
  }
}
