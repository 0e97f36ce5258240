/**
 * pcapng reader — draft-ietf-opsawg-pcapng (PCAP Next Generation Capture File Format):
 *   §3.1 general block structure (type, total length, body, total length again; multiple of 4),
 *   §3.5 options (code:16, length:16, value padded to 32 bits, opt_endofopt = 0),
 *   §4.1 Section Header Block (byte-order magic, version; each SHB starts a new section and
 *        resets the interface table), §4.2 Interface Description Block (if_tsresol = 9,
 *        if_tsoffset = 14), §4.3 Enhanced Packet Block, §4.4 Simple Packet Block,
 *   §4.7 Decryption Secrets Block, Appendix A obsolete Packet Block (type 2).
 * Unknown blocks are skipped by their length. Push parser: zero-copy views into the chunk; only a
 * block straddling two chunks is copied (carry.ts).
 */
import type { ReaderOptions } from './types.js';
import { CarryingReader } from './carry.js';
import { isoRepresentable } from '../util/time.js';

/** §4.1 block type of the SHB (palindromic: same in both byte orders) */
export const BT_SHB = 0x0a0d0d0a;
/** §4.1 byte-order magic */
export const PCAPNG_BOM = 0x1a2b3c4d;
/** §4.2 */
export const BT_IDB = 0x00000001;
/** Appendix A (obsolete Packet Block) */
export const BT_PB = 0x00000002;
/** §4.4 */
export const BT_SPB = 0x00000003;
/** §4.3 */
export const BT_EPB = 0x00000006;
/** §4.7 */
export const BT_DSB = 0x0000000a;
/** §4.2 interface options */
const OPT_ENDOFOPT = 0;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;

const MIN_BLOCK = 12;
/** default largest block accepted (types.ts ReaderOptions.maxRecordBytes) */
export const DEFAULT_MAX_BLOCK_BYTES = 16 * 1024 * 1024;
/** interface table cap per section (ids beyond it are treated as undefined) */
export const MAX_INTERFACES = 65536;
const TWO32 = 4294967296;

export interface PcapngReaderOptions extends ReaderOptions {
  /**
   * Called for each Decryption Secrets Block (§4.7), e.g. secretsType 0x544c534b ('TLSK', an NSS
   * key log). `data` is a view valid only during the call.
   */
  onDecryptionSecrets?: (secretsType: number, data: Buffer) => void;
}

interface Iface {
  linkType: number;
  snapLen: number;
  /** 1: ticks are microseconds; >1: integer ticks per microsecond; 0: use scale */
  div: number;
  qHi: number;
  rHi: number;
  /** microseconds per tick (when div === 0) */
  scale: number;
  offsetMicros: number;
}

export class PcapngReader extends CarryingReader {
  readonly format = 'pcapng' as const;
  /** distinct link types declared by interfaces, in order of first appearance */
  readonly linkTypes: number[] = [];
  sections = 0;
  private readonly linkTypeSeen = new Set<number>();

  private readonly maxBlock: number;
  private readonly onSecrets: ((t: number, d: Buffer) => void) | undefined;
  private ifaces: Iface[] = [];
  private le = true;
  private inSection = false;
  private lastTs = 0;

  constructor(opts: PcapngReaderOptions) {
    super(opts, 'pcapng.truncated');
    this.maxBlock = opts.maxRecordBytes ?? DEFAULT_MAX_BLOCK_BYTES;
    this.onSecrets = opts.onDecryptionSecrets;
  }

  protected fillCarry(chunk: Buffer): number {
    const c = this.carry;
    let pos = 0;
    if (c.len < MIN_BLOCK) {
      const take = Math.min(MIN_BLOCK - c.len, chunk.length);
      c.append(chunk, 0, take);
      pos = take;
      if (c.len < MIN_BLOCK) return pos;
    }
    let dv = new DataView(c.buf.buffer, c.buf.byteOffset, c.buf.byteLength);
    const total = this.blockLength(dv, 0);
    if (total < 0) return chunk.length;
    const take = Math.min(total - c.len, chunk.length - pos);
    c.append(chunk, pos, take);
    pos += take;
    if (c.len < total) return pos;
    dv = new DataView(c.buf.buffer, c.buf.byteOffset, c.buf.byteLength);
    this.block(c.buf, dv, 0, total);
    if (!this.stopped) c.clear();
    return pos;
  }

  protected parse(buf: Buffer, pos: number): number {
    const end = buf.length;
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    while (end - pos >= MIN_BLOCK) {
      const total = this.blockLength(dv, pos);
      if (total < 0) return end;
      if (end - pos < total) break;
      this.block(buf, dv, pos, total);
      if (this.stopped) return end;
      pos += total;
    }
    return pos;
  }

  /**
   * §3.1: validated Block Total Length of the block at pos (12 bytes available), or -1 after a
   * fatal error. An SHB's length is read in the byte order its own magic announces (§4.1).
   */
  private blockLength(dv: DataView, pos: number): number {
    const type = dv.getUint32(pos, true);
    let le = this.le;
    if (type === BT_SHB) {
      const bom = dv.getUint32(pos + 8, true);
      if (bom === PCAPNG_BOM) le = true;
      else if (bom === 0x4d3c2b1a) le = false;
      else {
        this.fail('pcapng.bad_byte_order_magic', 'pcapng section header has an invalid byte-order magic');
        return -1;
      }
    } else if (!this.inSection) {
      this.fail('pcapng.no_section_header', 'pcapng data does not start with a Section Header Block');
      return -1;
    }
    const total = dv.getUint32(pos + 4, le);
    if (total < MIN_BLOCK) {
      this.fail('pcapng.block_too_short', `pcapng block length ${total} is shorter than 12 bytes; the file is corrupt`);
      return -1;
    }
    if ((total & 3) !== 0) {
      this.fail(
        'pcapng.block_length_not_multiple_of_4',
        `pcapng block length ${total} is not a multiple of 4; the file is corrupt`,
      );
      return -1;
    }
    if (total > this.maxBlock) {
      this.fail('pcapng.block_too_large', `pcapng block of ${total} bytes exceeds the limit of ${this.maxBlock}`);
      return -1;
    }
    return total;
  }

  /** Process one complete block [pos, pos + total). */
  private block(buf: Buffer, dv: DataView, pos: number, total: number): void {
    if (dv.getUint32(pos, true) === BT_SHB) {
      this.sectionHeader(dv, pos, total);
      return;
    }
    const le = this.le;
    if (dv.getUint32(pos + total - 4, le) !== total) {
      this.fail('pcapng.block_length_mismatch', 'pcapng block lengths (leading and trailing) disagree; the file is corrupt');
      return;
    }
    switch (dv.getUint32(pos, le)) {
      case BT_EPB:
        this.packetBlock(buf, dv, pos, total, dv.getUint32(pos + 8, le), 12, 28);
        return;
      case BT_PB:
        this.packetBlock(buf, dv, pos, total, dv.getUint16(pos + 8, le), 12, 28);
        return;
      case BT_SPB:
        this.simplePacket(buf, dv, pos, total);
        return;
      case BT_IDB:
        this.interfaceDescription(dv, pos, total);
        return;
      case BT_DSB:
        this.decryptionSecrets(buf, dv, pos, total);
        return;
      default:
        return; // §3.1: unknown blocks are skipped
    }
  }

  /** §4.1 */
  private sectionHeader(dv: DataView, pos: number, total: number): void {
    const le = dv.getUint32(pos + 8, true) === PCAPNG_BOM;
    if (dv.getUint32(pos + total - 4, le) !== total) {
      this.fail('pcapng.block_length_mismatch', 'pcapng block lengths (leading and trailing) disagree; the file is corrupt');
      return;
    }
    if (total < 28) {
      this.fail('pcapng.shb_too_short', `pcapng section header block of ${total} bytes is too short`);
      return;
    }
    const major = dv.getUint16(pos + 12, le);
    const minor = dv.getUint16(pos + 14, le);
    if (major !== 1) {
      this.fail('pcapng.unsupported_version', `pcapng section header version ${major}.${minor} is not supported`);
      return;
    }
    this.le = le;
    this.inSection = true;
    this.sections++;
    this.ifaces = [];
  }

  /** §4.2 */
  private interfaceDescription(dv: DataView, pos: number, total: number): void {
    if (total < 20) {
      this.weirds.add('pcapng.idb_too_short');
      return;
    }
    const le = this.le;
    const iface: Iface = {
      linkType: dv.getUint16(pos + 8, le),
      snapLen: dv.getUint32(pos + 12, le),
      div: 1,
      qHi: TWO32,
      rHi: 0,
      scale: 1,
      offsetMicros: 0,
    };
    const oend = pos + total - 4;
    let o = pos + 16;
    while (oend - o >= 4) {
      const code = dv.getUint16(o, le);
      const len = dv.getUint16(o + 2, le);
      if (code === OPT_ENDOFOPT) break;
      const v = o + 4;
      if (len > oend - v) {
        this.weirds.add('pcapng.option_overflow');
        break;
      }
      if (code === IF_TSRESOL && len >= 1) setResolution(iface, dv.getUint8(v));
      else if (code === IF_TSOFFSET && len >= 8) {
        const hi = le ? dv.getInt32(v + 4, true) : dv.getInt32(v, false);
        const lo = le ? dv.getUint32(v, true) : dv.getUint32(v + 4, false);
        iface.offsetMicros = (hi * TWO32 + lo) * 1e6;
      }
      o = v + ((len + 3) & ~3);
    }
    if (this.ifaces.length >= MAX_INTERFACES) {
      this.weirds.add('pcapng.too_many_interfaces');
      return;
    }
    this.ifaces.push(iface);
    if (!this.linkTypeSeen.has(iface.linkType)) {
      this.linkTypeSeen.add(iface.linkType);
      this.linkTypes.push(iface.linkType);
    }
  }

  /**
   * §4.3 EPB and Appendix A PB: interface id, timestamp (high, low), captured length, original
   * length at fixed offsets after the id field; `hdr` = offset of the packet data.
   */
  private packetBlock(buf: Buffer, dv: DataView, pos: number, total: number, ifId: number, tsOff: number, hdr: number): void {
    if (total < hdr + 4) {
      this.weirds.add('pcapng.block_too_short');
      return;
    }
    const iface = this.ifaces[ifId];
    if (iface === undefined) {
      this.weirds.add('pcapng.undefined_interface');
      return;
    }
    const le = this.le;
    const capLen = dv.getUint32(pos + tsOff + 8, le);
    let origLen = dv.getUint32(pos + tsOff + 12, le);
    if (capLen > total - hdr - 4) {
      this.weirds.add('pcapng.caplen_exceeds_block');
      return;
    }
    if (capLen > origLen) {
      this.weirds.add('pcapng.caplen_exceeds_origlen');
      origLen = capLen;
    }
    const ts = toMicros(iface, dv.getUint32(pos + tsOff, le), dv.getUint32(pos + tsOff + 4, le));
    // a time with no RFC 3339 form: reports show the epoch for it (core/util/time.ts)
    if (!isoRepresentable(ts)) this.weirds.add('pcapng.timestamp_out_of_range');
    this.lastTs = ts;
    this.packets++;
    this.sink.packet(iface.linkType, ts, buf, pos + hdr, capLen, origLen);
  }

  /** §4.4: no interface id (always 0) and no timestamp (the previous packet's time is used) */
  private simplePacket(buf: Buffer, dv: DataView, pos: number, total: number): void {
    if (total < 16) {
      this.weirds.add('pcapng.block_too_short');
      return;
    }
    const iface = this.ifaces[0];
    if (iface === undefined) {
      this.weirds.add('pcapng.undefined_interface');
      return;
    }
    const origLen = dv.getUint32(pos + 8, this.le);
    let capLen = Math.min(origLen, total - 16);
    if (iface.snapLen !== 0 && capLen > iface.snapLen) capLen = iface.snapLen;
    this.packets++;
    this.sink.packet(iface.linkType, this.lastTs, buf, pos + 12, capLen, origLen);
  }

  /** §4.7: secrets type, secrets length, secrets data */
  private decryptionSecrets(buf: Buffer, dv: DataView, pos: number, total: number): void {
    if (this.onSecrets === undefined) return;
    if (total < 20) {
      this.weirds.add('pcapng.block_too_short');
      return;
    }
    const secretsType = dv.getUint32(pos + 8, this.le);
    const len = dv.getUint32(pos + 12, this.le);
    if (len > total - 20) {
      this.weirds.add('pcapng.dsb_length_exceeds_block');
      return;
    }
    this.onSecrets(secretsType, buf.subarray(pos + 16, pos + 16 + len));
  }
}

/** §4.2 if_tsresol: MSB clear → 10^-v seconds per tick, MSB set → 2^-(v & 0x7f). Default 10^-6. */
function setResolution(iface: Iface, v: number): void {
  if ((v & 0x80) === 0 && v >= 6 && v <= 12) {
    const d = 10 ** (v - 6);
    iface.div = d;
    iface.qHi = Math.floor(TWO32 / d);
    iface.rHi = TWO32 % d;
    return;
  }
  iface.div = 0;
  iface.scale = (v & 0x80) === 0 ? 10 ** (6 - v) : 1e6 / 2 ** (v & 0x7f);
}

/** 64-bit tick count (hi, lo) → integer microseconds (finer resolutions truncated) */
function toMicros(iface: Iface, hi: number, lo: number): number {
  const d = iface.div;
  let t: number;
  if (d === 1) t = hi * TWO32 + lo;
  else if (d > 1) t = hi * iface.qHi + Math.floor((hi * iface.rHi + lo) / d);
  else t = Math.floor(hi * TWO32 * iface.scale + lo * iface.scale);
  return t + iface.offsetMicros;
}
