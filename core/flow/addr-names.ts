/**
 * Text forms of IPv4 addresses, remembered: a capture's flows share few servers (and clients),
 * and formatting a dotted quad builds several strings each time (≈ 2 500 instructions). The
 * table is open addressing with linear probing over the 32-bit address (hashed with the
 * flow index's MurmurHash3 finaliser) and has a fixed capacity: when it is
 * three-quarters full it is emptied, so a capture of a million addresses costs at most one
 * formatting per flow, as before, and the table never grows. IPv6 addresses are formatted each
 * time (formatAddr). Hostile captures: the hash is seeded per table (an attacker cannot choose
 * addresses that pile onto one slot) and a lookup gives up after MAX_PROBE slots (the address is
 * then formatted and not remembered), so no lookup costs more than that.
 */
import { formatAddr } from '../net/packet.js';
import { fmix, mix, randomSeed } from './keyindex.js';

/** slots (a power of two) */
const CAPACITY = 1 << 14;
const MASK = CAPACITY - 1;
const MAX_USED = (CAPACITY * 3) / 4;
const MAX_PROBE = 32;

export class Ipv4Names {
  private readonly keys = new Int32Array(CAPACITY);
  private readonly names: (string | null)[] = new Array<string | null>(CAPACITY).fill(null);
  private used = 0;
  private readonly seed: number;

  /** `seed`: the hash seed, random unless given (tests) */
  constructor(seed: number = randomSeed()) {
    this.seed = seed | 0;
  }

  /** the dotted quad of the 4 bytes at buf[off] */
  name(buf: Uint8Array, off: number): string {
    const addr = ((buf[off] ?? 0) << 24) | ((buf[off + 1] ?? 0) << 16) | ((buf[off + 2] ?? 0) << 8) | (buf[off + 3] ?? 0);
    const home = fmix(mix(this.seed, addr)) & MASK;
    let i = home;
    let n = 0;
    for (;;) {
      const name = this.names[i];
      if (name === null || name === undefined) break;
      if (this.keys[i] === addr) return name;
      if (++n > MAX_PROBE) return formatAddr(buf, off, 4);
      i = (i + 1) & MASK;
    }
    const s = formatAddr(buf, off, 4);
    if (this.used >= MAX_USED) {
      this.names.fill(null);
      this.used = 0;
      i = home;
    }
    this.keys[i] = addr;
    this.names[i] = s;
    this.used++;
    return s;
  }
}
