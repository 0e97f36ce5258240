/** Test helpers: hand-built pcap / pcapng bytes and a collecting sink. */
import type { PacketSink, CaptureReader } from '../../core/capture/types.js';

export interface Got {
  linkType: number;
  ts: number;
  data: string;
  capLen: number;
  origLen: number;
}

export class CollectSink implements PacketSink {
  readonly got: Got[] = [];
  packet(linkType: number, tsMicros: number, data: Buffer, off: number, capLen: number, origLen: number): void {
    this.got.push({ linkType, ts: tsMicros, data: data.toString('hex', off, off + capLen), capLen, origLen });
  }
}

/** Push `buf` in chunks of `size` through a scratch buffer that is overwritten each time (like readSync). */
export function feed(reader: CaptureReader, buf: Buffer, size: number): void {
  const scratch = Buffer.alloc(size);
  for (let i = 0; i < buf.length; i += size) {
    const n = Math.min(size, buf.length - i);
    buf.copy(scratch, 0, i, i + n);
    reader.push(scratch.subarray(0, n));
    scratch.fill(0xee);
  }
  reader.end();
}

function u16(v: number, le: boolean): Buffer {
  const b = Buffer.alloc(2);
  if (le) b.writeUInt16LE(v);
  else b.writeUInt16BE(v);
  return b;
}
function u32(v: number, le: boolean): Buffer {
  const b = Buffer.alloc(4);
  if (le) b.writeUInt32LE(v >>> 0);
  else b.writeUInt32BE(v >>> 0);
  return b;
}

export interface PcapRec {
  sec: number;
  frac: number;
  data: Buffer;
  origLen?: number;
  inclLen?: number;
}

export function pcapHeader(o: { le: boolean; magic?: number; linkField?: number; snaplen?: number }): Buffer {
  return Buffer.concat([
    u32(o.magic ?? 0xa1b2c3d4, o.le),
    u16(2, o.le),
    u16(4, o.le),
    u32(0, o.le),
    u32(0, o.le),
    u32(o.snaplen ?? 65535, o.le),
    u32(o.linkField ?? 1, o.le),
  ]);
}

export function pcapRecord(r: PcapRec, le: boolean, extra = 0): Buffer {
  return Buffer.concat([
    u32(r.sec, le),
    u32(r.frac, le),
    u32(r.inclLen ?? r.data.length, le),
    u32(r.origLen ?? r.data.length, le),
    Buffer.alloc(extra),
    r.data,
  ]);
}

export function buildPcap(o: { le: boolean; magic?: number; linkField?: number; snaplen?: number }, recs: PcapRec[]): Buffer {
  const extra = o.magic === 0xa1b2cd34 ? 8 : 0;
  return Buffer.concat([pcapHeader(o), ...recs.map((r) => pcapRecord(r, o.le, extra))]);
}

function pad4(b: Buffer): Buffer {
  const p = (4 - (b.length % 4)) % 4;
  return p === 0 ? b : Buffer.concat([b, Buffer.alloc(p)]);
}

export function ngBlock(type: number, body: Buffer, le: boolean): Buffer {
  const b = pad4(body);
  const total = b.length + 12;
  return Buffer.concat([u32(type, le), u32(total, le), b, u32(total, le)]);
}

export function ngOption(code: number, value: Buffer, le: boolean): Buffer {
  return pad4(Buffer.concat([u16(code, le), u16(value.length, le), value]));
}

export function shb(le: boolean, major = 1, minor = 0, options: Buffer = Buffer.alloc(0)): Buffer {
  const body = Buffer.concat([u32(0x1a2b3c4d, le), u16(major, le), u16(minor, le), Buffer.alloc(8, 0xff), options]);
  return ngBlock(0x0a0d0d0a, body, le);
}

export function idb(le: boolean, linkType: number, snaplen = 0, opts: { tsresol?: number; tsoffset?: bigint } = {}): Buffer {
  const parts = [u16(linkType, le), u16(0, le), u32(snaplen, le)];
  if (opts.tsresol !== undefined) parts.push(ngOption(9, Buffer.from([opts.tsresol]), le));
  if (opts.tsoffset !== undefined) {
    const v = Buffer.alloc(8);
    if (le) v.writeBigInt64LE(opts.tsoffset);
    else v.writeBigInt64BE(opts.tsoffset);
    parts.push(ngOption(14, v, le));
  }
  if (parts.length > 3) parts.push(Buffer.alloc(4));
  return ngBlock(1, Buffer.concat(parts), le);
}

export function epb(le: boolean, ifId: number, ts: bigint, data: Buffer, origLen = data.length): Buffer {
  const hi = Number(ts >> 32n);
  const lo = Number(ts & 0xffffffffn);
  return ngBlock(6, Buffer.concat([u32(ifId, le), u32(hi, le), u32(lo, le), u32(data.length, le), u32(origLen, le), pad4(data)]), le);
}

export function pb(le: boolean, ifId: number, ts: bigint, data: Buffer, origLen = data.length): Buffer {
  const hi = Number(ts >> 32n);
  const lo = Number(ts & 0xffffffffn);
  return ngBlock(
    2,
    Buffer.concat([u16(ifId, le), u16(0, le), u32(hi, le), u32(lo, le), u32(data.length, le), u32(origLen, le), pad4(data)]),
    le,
  );
}

export function spb(le: boolean, data: Buffer, origLen = data.length): Buffer {
  return ngBlock(3, Buffer.concat([u32(origLen, le), pad4(data)]), le);
}

export function dsb(le: boolean, secretsType: number, data: Buffer): Buffer {
  return ngBlock(10, Buffer.concat([u32(secretsType, le), u32(data.length, le), pad4(data)]), le);
}

export function bytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7) & 0xff;
  return b;
}
