/** Hand-built frame builders for the core/net decoder tests (not a test file itself). */
import { Buffer } from 'node:buffer';

export const be16 = (v: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v & 0xffff);
  return b;
};
export const be32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
};
export const cat = (...parts: (Buffer | number[])[]): Buffer =>
  Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p))));

export function ip4(s: string): Buffer {
  return Buffer.from(s.split('.').map((x) => Number(x)));
}
/** full-form or "::"-compressed IPv6 text → 16 bytes */
export function ip6(s: string): Buffer {
  const [head = '', tail] = s.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const words = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return Buffer.concat(words.map((w) => be16(parseInt(w, 16))));
}

export const MAC_A = Buffer.from([0x02, 0, 0, 0, 0, 0x0a]);
export const MAC_B = Buffer.from([0x02, 0, 0, 0, 0, 0x0b]);

export function eth(type: number, payload: Buffer, tags: { tpid: number; vid: number; pcp?: number }[] = []): Buffer {
  return cat(
    MAC_B,
    MAC_A,
    ...tags.map((t) => cat(be16(t.tpid), be16(((t.pcp ?? 0) << 13) | t.vid))),
    be16(type),
    payload,
  );
}

export interface Ip4Opts {
  src?: string;
  dst?: string;
  proto: number;
  options?: Buffer;
  /** raw 16-bit flags + fragment offset field */
  frag?: number;
  totalLen?: number;
  ihl?: number;
  version?: number;
}
export function ipv4(o: Ip4Opts, payload: Buffer): Buffer {
  const opts = o.options ?? Buffer.alloc(0);
  const hl = 20 + opts.length;
  const h = Buffer.alloc(20);
  h[0] = ((o.version ?? 4) << 4) | (o.ihl ?? hl / 4);
  h.writeUInt16BE(o.totalLen ?? hl + payload.length, 2);
  h.writeUInt16BE(0x1234, 4);
  h.writeUInt16BE(o.frag ?? 0x4000, 6);
  h[8] = 64;
  h[9] = o.proto;
  ip4(o.src ?? '10.0.0.1').copy(h, 12);
  ip4(o.dst ?? '10.0.0.2').copy(h, 16);
  return cat(h, opts, payload);
}

export function ipv6(o: { src?: string; dst?: string; nh: number; plen?: number }, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32BE(0x60000000, 0);
  h.writeUInt16BE(o.plen ?? payload.length, 4);
  h[6] = o.nh;
  h[7] = 64;
  return cat(h, ip6(o.src ?? '2001:db8::1'), ip6(o.dst ?? '2001:db8::2'), payload);
}

/** generic IPv6 extension header of (len+1)*8 bytes */
export function ext6(nh: number, lenUnits = 0): Buffer {
  const b = Buffer.alloc((lenUnits + 1) * 8);
  b[0] = nh;
  b[1] = lenUnits;
  return b;
}
export function frag6(nh: number, offsetUnits: number, more: boolean): Buffer {
  const b = Buffer.alloc(8);
  b[0] = nh;
  b.writeUInt16BE((offsetUnits << 3) | (more ? 1 : 0), 2);
  b.writeUInt32BE(0xabcdef, 4);
  return b;
}
/** AH: (len+2)*4 bytes */
export function ah(nh: number, words32 = 4): Buffer {
  const b = Buffer.alloc(words32 * 4);
  b[0] = nh;
  b[1] = words32 - 2;
  return b;
}

export interface TcpOpts {
  sport: number;
  dport: number;
  seq?: number;
  ack?: number;
  flags?: number;
  options?: Buffer;
  doff?: number;
}
export function tcp(o: TcpOpts, payload: Buffer = Buffer.alloc(0)): Buffer {
  const opts = o.options ?? Buffer.alloc(0);
  const h = Buffer.alloc(20);
  h.writeUInt16BE(o.sport, 0);
  h.writeUInt16BE(o.dport, 2);
  h.writeUInt32BE((o.seq ?? 1000) >>> 0, 4);
  h.writeUInt32BE((o.ack ?? 0) >>> 0, 8);
  h[12] = (o.doff ?? (20 + opts.length) / 4) << 4;
  h[13] = o.flags ?? 0x18;
  h.writeUInt16BE(65535, 14);
  return cat(h, opts, payload);
}

export function udp(sport: number, dport: number, payload: Buffer, len?: number): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(sport, 0);
  h.writeUInt16BE(dport, 2);
  h.writeUInt16BE(len ?? 8 + payload.length, 4);
  return cat(h, payload);
}

export function gre(
  proto: number,
  payload: Buffer,
  o: { csum?: boolean; key?: number; seq?: number; version?: number } = {},
): Buffer {
  let f = 0;
  const parts: Buffer[] = [];
  if (o.csum) {
    f |= 0x80;
    parts.push(Buffer.alloc(4));
  }
  if (o.key !== undefined) {
    f |= 0x20;
    parts.push(be32(o.key));
  }
  if (o.seq !== undefined) {
    f |= 0x10;
    parts.push(be32(o.seq));
  }
  return cat([f, o.version ?? 0], be16(proto), ...parts, payload);
}

export function erspan2(session: number, payload: Buffer, vlan = 0): Buffer {
  return cat(be16((1 << 12) | vlan), be16(session & 0x3ff), be32(7), payload);
}
export function erspan3(session: number, payload: Buffer, o: { ft?: number; sub?: boolean } = {}): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(2 << 12, 0);
  b.writeUInt16BE(session & 0x3ff, 2);
  b.writeUInt32BE(0x11223344, 4);
  b[10] = ((o.ft ?? 0) & 0x1f) << 2;
  b[11] = o.sub ? 1 : 0;
  return cat(b, o.sub ? Buffer.alloc(8, 0xee) : Buffer.alloc(0), payload);
}

export function vxlan(vni: number, payload: Buffer, flags = 0x08): Buffer {
  const b = Buffer.alloc(8);
  b[0] = flags;
  b.writeUIntBE(vni, 4, 3);
  return cat(b, payload);
}
export function vxlanGpe(vni: number, next: number, payload: Buffer): Buffer {
  const b = Buffer.alloc(8);
  b[0] = 0x0c;
  b[3] = next;
  b.writeUIntBE(vni, 4, 3);
  return cat(b, payload);
}
export function geneve(vni: number, proto: number, payload: Buffer, optWords = 0): Buffer {
  const b = Buffer.alloc(8);
  b[0] = optWords & 0x3f;
  b.writeUInt16BE(proto, 2);
  b.writeUIntBE(vni, 4, 3);
  return cat(b, Buffer.alloc(optWords * 4, 0x5a), payload);
}

export function sll(proto: number, payload: Buffer): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt16BE(0, 0); // to us
  b.writeUInt16BE(1, 2); // ARPHRD_ETHER
  b.writeUInt16BE(6, 4);
  MAC_A.copy(b, 6);
  b.writeUInt16BE(proto, 14);
  return cat(b, payload);
}
export function sll2(proto: number, payload: Buffer): Buffer {
  const b = Buffer.alloc(20);
  b.writeUInt16BE(proto, 0);
  b.writeUInt32BE(3, 4); // ifindex
  b.writeUInt16BE(1, 8); // ARPHRD_ETHER
  b[10] = 4; // outgoing
  b[11] = 6;
  MAC_A.copy(b, 12);
  return cat(b, payload);
}
export function nullHdr(fam: number, littleEndian: boolean, payload: Buffer): Buffer {
  const b = Buffer.alloc(4);
  if (littleEndian) b.writeUInt32LE(fam);
  else b.writeUInt32BE(fam);
  return cat(b, payload);
}
