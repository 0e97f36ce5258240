/**
 * libpcap file reader — draft-ietf-opsawg-pcap (The pcap capture file format):
 *   §4 File Header (24 bytes): magic, version major/minor, reserved1 (thiszone), reserved2
 *      (sigfigs), SnapLen, LinkType-and-additional-information (FCS len | R | P | LinkType:16);
 *   §5 Packet Record (16-byte header): ts seconds, ts micro/nanoseconds, captured length,
 *      original length, then the captured bytes.
 * Also accepts the "modified" libpcap format (magic 0xa1b2cd34, Alexey Kuznetzov's patches,
 * see Wireshark wiretap/libpcap.c) whose record headers carry 8 extra bytes.
 * Push parser: zero-copy views into the chunk; only a straddling record is copied (carry.ts).
 */
import type { ReaderOptions } from './types.js';
import { CarryingReader } from './carry.js';

/** draft-ietf-opsawg-pcap §4: magic for microsecond timestamps */
export const PCAP_MAGIC_US = 0xa1b2c3d4;
/** draft-ietf-opsawg-pcap §4: magic for nanosecond timestamps */
export const PCAP_MAGIC_NS = 0xa1b23c4d;
/** Kuznetzov "modified" pcap (wiretap/libpcap.c PCAP_MODIFIED_MAGIC): 24-byte record headers */
export const PCAP_MAGIC_MODIFIED = 0xa1b2cd34;

const FILE_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;
const MODIFIED_RECORD_HEADER_BYTES = 24;
/** default largest record accepted (types.ts ReaderOptions.maxRecordBytes) */
export const DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;
/** a captured length this far above the header's SnapLen cannot be real (libpcap uses 256 KiB) */
const SNAPLEN_SLACK = 256 * 1024;

export class PcapReader extends CarryingReader {
  readonly format = 'pcap' as const;
  /** link types declared by the file (one for pcap) */
  readonly linkTypes: number[] = [];
  /** header values, valid once the file header was read */
  linkType = -1;
  snapLen = 0;
  nanosecond = false;
  versionMajor = 0;
  versionMinor = 0;

  private readonly maxRecord: number;
  private headerDone = false;
  private le = true;
  private recHdr = RECORD_HEADER_BYTES;
  /** largest incl_len accepted */
  private limit: number;

  constructor(opts: ReaderOptions) {
    super(opts, 'pcap.truncated');
    this.maxRecord = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    this.limit = this.maxRecord;
  }

  protected fillCarry(chunk: Buffer): number {
    const c = this.carry;
    let pos = 0;
    const hdr = this.headerDone ? this.recHdr : FILE_HEADER_BYTES;
    if (c.len < hdr) {
      const take = Math.min(hdr - c.len, chunk.length);
      c.append(chunk, 0, take);
      pos = take;
      if (c.len < hdr) return pos;
    }
    if (!this.headerDone) {
      this.fileHeader(c.buf, 0);
      c.clear();
      return pos;
    }
    const dv = new DataView(c.buf.buffer, c.buf.byteOffset, c.buf.byteLength);
    const incl = dv.getUint32(8, this.le);
    if (incl > this.limit) {
      this.tooLarge(incl);
      return chunk.length;
    }
    const total = hdr + incl;
    const take = Math.min(total - c.len, chunk.length - pos);
    c.append(chunk, pos, take);
    pos += take;
    if (c.len < total) return pos;
    // c.buf may have been reallocated by append: take a fresh view
    const dv2 = new DataView(c.buf.buffer, c.buf.byteOffset, c.buf.byteLength);
    this.record(c.buf, dv2, 0, incl);
    c.clear();
    return pos;
  }

  private tooLarge(incl: number): void {
    this.fail(
      'pcap.record_too_large',
      `pcap record ${this.packets + 1} claims ${incl} captured bytes (limit ${this.limit}); the file is corrupt`,
    );
  }

  /** draft-ietf-opsawg-pcap §4 */
  private fileHeader(buf: Buffer, off: number): void {
    const magicLE = buf.readUInt32LE(off);
    const magicBE = buf.readUInt32BE(off);
    let magic: number;
    if (magicLE === PCAP_MAGIC_US || magicLE === PCAP_MAGIC_NS || magicLE === PCAP_MAGIC_MODIFIED) {
      this.le = true;
      magic = magicLE;
    } else if (magicBE === PCAP_MAGIC_US || magicBE === PCAP_MAGIC_NS || magicBE === PCAP_MAGIC_MODIFIED) {
      this.le = false;
      magic = magicBE;
    } else {
      this.fail('pcap.bad_magic', 'not a pcap file (bad magic number)');
      return;
    }
    this.nanosecond = magic === PCAP_MAGIC_NS;
    this.recHdr = magic === PCAP_MAGIC_MODIFIED ? MODIFIED_RECORD_HEADER_BYTES : RECORD_HEADER_BYTES;
    const le = this.le;
    this.versionMajor = le ? buf.readUInt16LE(off + 4) : buf.readUInt16BE(off + 4);
    this.versionMinor = le ? buf.readUInt16LE(off + 6) : buf.readUInt16BE(off + 6);
    if (this.versionMajor !== 2) this.weirds.add('pcap.unusual_version');
    this.snapLen = le ? buf.readUInt32LE(off + 16) : buf.readUInt32BE(off + 16);
    const ltField = le ? buf.readUInt32LE(off + 20) : buf.readUInt32BE(off + 20);
    // §4: LinkType is the low 16 bits; FCS length / P / R / reserved bits live above it
    this.linkType = ltField & 0xffff;
    this.linkTypes.push(this.linkType);
    this.limit = Math.min(this.maxRecord, this.snapLen + SNAPLEN_SLACK);
    this.headerDone = true;
  }

  /** Parse every complete unit in buf from pos; returns where the first incomplete one starts. */
  protected parse(buf: Buffer, pos: number): number {
    const end = buf.length;
    if (!this.headerDone) {
      if (end - pos < FILE_HEADER_BYTES) return pos;
      this.fileHeader(buf, pos);
      if (this.stopped) return end;
      pos += FILE_HEADER_BYTES;
    }
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const le = this.le;
    const hdr = this.recHdr;
    const limit = this.limit;
    while (end - pos >= hdr) {
      const incl = dv.getUint32(pos + 8, le);
      if (incl > limit) {
        this.tooLarge(incl);
        return end;
      }
      if (end - pos - hdr < incl) break;
      this.record(buf, dv, pos, incl);
      pos += hdr + incl;
    }
    return pos;
  }

  /** draft-ietf-opsawg-pcap §5: deliver one complete record whose header starts at pos */
  private record(buf: Buffer, dv: DataView, pos: number, incl: number): void {
    const le = this.le;
    const sec = dv.getUint32(pos, le);
    const frac = dv.getUint32(pos + 4, le);
    let orig = dv.getUint32(pos + 12, le);
    const ts = sec * 1e6 + (this.nanosecond ? Math.floor(frac / 1000) : frac);
    if (incl > orig) {
      this.weirds.add('pcap.caplen_exceeds_origlen');
      orig = incl;
    }
    if (incl > this.snapLen && this.snapLen !== 0) this.weirds.add('pcap.caplen_exceeds_snaplen');
    this.packets++;
    this.sink.packet(this.linkType, ts, buf, pos + this.recHdr, incl, orig);
  }
}
