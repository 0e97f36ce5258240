/**
 * Test-only capture walker: libpcap (https://www.tcpdump.org/manpages/pcap-savefile.5.txt) and
 * pcapng (RFC draft-ietf-opsawg-pcapng: SHB, IDB, EPB, SPB) records, then Ethernet / VLAN / PPP /
 * raw IP / Linux SLL, IPv4 / IPv6 / UDP / TCP. Just enough to feed the QUIC and SSH analyzers
 * real captures; the product's capture reader lives in core/capture.
 */
import { readFileSync } from 'node:fs';
import { createCipheriv } from 'node:crypto';
import type { Dir, Flow } from '../../core/flow/types.js';
import type { PacketKeys } from '../../core/quic/keys.js';

export const CAPTURES = new URL('../../../shared/captures/public/', import.meta.url).pathname;

export interface Frame {
  linkType: number;
  ts: number;
  data: Uint8Array;
}

export function readCapture(path: string): Frame[] {
  const b = readFileSync(path);
  const out: Frame[] = [];
  const magic = b.readUInt32LE(0);
  if (magic === 0x0a0d0d0a) {
    let off = 0;
    let le = true;
    let links: number[] = [];
    while (off + 12 <= b.length) {
      const typeLE = b.readUInt32LE(off);
      if (typeLE === 0x0a0d0d0a) {
        le = b.readUInt32LE(off + 8) === 0x1a2b3c4d;
        links = [];
      }
      const u32 = (o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
      const type = u32(off);
      const len = u32(off + 4);
      if (len < 12 || off + len > b.length) break;
      if (type === 1) links.push(le ? b.readUInt16LE(off + 8) : b.readUInt16BE(off + 8));
      else if (type === 6) {
        const ifid = u32(off + 8);
        const ts = u32(off + 12) * 2 ** 32 + u32(off + 16);
        const cap = u32(off + 20);
        out.push({ linkType: links[ifid] ?? 1, ts, data: b.subarray(off + 28, off + 28 + cap) });
      } else if (type === 3) {
        const orig = u32(off + 8);
        out.push({ linkType: links[0] ?? 1, ts: 0, data: b.subarray(off + 12, off + 12 + Math.min(orig, len - 16)) });
      }
      off += len;
    }
    return out;
  }
  let le: boolean;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) le = true;
  else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) le = false;
  else return out;
  const u32 = (o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const linkType = u32(20) & 0x0fffffff;
  let off = 24;
  while (off + 16 <= b.length) {
    const ts = u32(off) * 1e6 + u32(off + 4);
    const cap = u32(off + 8);
    if (off + 16 + cap > b.length) break;
    out.push({ linkType, ts, data: b.subarray(off + 16, off + 16 + cap) });
    off += 16 + cap;
  }
  return out;
}

export interface Packet {
  ts: number;
  ipVersion: 4 | 6;
  src: string;
  dst: string;
  proto: number;
  sport: number;
  dport: number;
  payload: Uint8Array;
  tcp?: { seq: number; flags: number };
}

function ipStr(b: Uint8Array, v: 4 | 6): string {
  if (v === 4) return Array.from(b).join('.');
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push((((b[i] ?? 0) << 8) | (b[i + 1] ?? 0)).toString(16));
  return parts.join(':');
}

export function decodeFrame(f: Frame): Packet | null {
  const d = f.data;
  let off = 0;
  let ethertype = -1;
  switch (f.linkType) {
    case 1: {
      ethertype = ((d[12] ?? 0) << 8) | (d[13] ?? 0);
      off = 14;
      while ((ethertype === 0x8100 || ethertype === 0x88a8) && off + 4 <= d.length) {
        ethertype = ((d[off + 2] ?? 0) << 8) | (d[off + 3] ?? 0);
        off += 4;
      }
      break;
    }
    case 9: {
      if (d[0] === 0xff && d[1] === 0x03) off = 2;
      const p = ((d[off] ?? 0) << 8) | (d[off + 1] ?? 0);
      ethertype = p === 0x0021 ? 0x0800 : p === 0x0057 ? 0x86dd : -1;
      off += 2;
      break;
    }
    case 101:
    case 228:
    case 229:
    case 12:
      ethertype = ((d[0] ?? 0) >> 4) === 6 ? 0x86dd : 0x0800;
      break;
    case 0:
    case 108: {
      ethertype = ((d[4] ?? 0) >> 4) === 6 ? 0x86dd : 0x0800;
      off = 4;
      break;
    }
    case 113:
      ethertype = ((d[14] ?? 0) << 8) | (d[15] ?? 0);
      off = 16;
      break;
    case 276:
      ethertype = ((d[0] ?? 0) << 8) | (d[1] ?? 0);
      off = 20;
      break;
    default:
      return null;
  }
  let ipVersion: 4 | 6;
  let proto: number;
  let src: string;
  let dst: string;
  let l4: number;
  let end: number;
  if (ethertype === 0x0800) {
    ipVersion = 4;
    const ihl = ((d[off] ?? 0) & 0x0f) * 4;
    const total = ((d[off + 2] ?? 0) << 8) | (d[off + 3] ?? 0);
    proto = d[off + 9] ?? 0;
    src = ipStr(d.subarray(off + 12, off + 16), 4);
    dst = ipStr(d.subarray(off + 16, off + 20), 4);
    l4 = off + ihl;
    end = Math.min(d.length, off + total);
  } else if (ethertype === 0x86dd) {
    ipVersion = 6;
    const plen = ((d[off + 4] ?? 0) << 8) | (d[off + 5] ?? 0);
    proto = d[off + 6] ?? 0;
    src = ipStr(d.subarray(off + 8, off + 24), 6);
    dst = ipStr(d.subarray(off + 24, off + 40), 6);
    l4 = off + 40;
    end = Math.min(d.length, l4 + plen);
  } else {
    return null;
  }
  const sport = ((d[l4] ?? 0) << 8) | (d[l4 + 1] ?? 0);
  const dport = ((d[l4 + 2] ?? 0) << 8) | (d[l4 + 3] ?? 0);
  if (proto === 17) {
    return { ts: f.ts, ipVersion, src, dst, proto, sport, dport, payload: d.subarray(l4 + 8, end) };
  }
  if (proto === 6) {
    const seq = (((d[l4 + 4] ?? 0) << 24) | ((d[l4 + 5] ?? 0) << 16) | ((d[l4 + 6] ?? 0) << 8) | (d[l4 + 7] ?? 0)) >>> 0;
    const hl = ((d[l4 + 12] ?? 0) >> 4) * 4;
    return { ts: f.ts, ipVersion, src, dst, proto, sport, dport, payload: d.subarray(l4 + hl, end), tcp: { seq, flags: d[l4 + 13] ?? 0 } };
  }
  return null;
}

export function newFlow(p: Packet, id = 0): Flow {
  return {
    id,
    transport: p.proto === 6 ? 'tcp' : 'udp',
    ipVersion: p.ipVersion,
    clientIp: p.src,
    clientPort: p.sport,
    serverIp: p.dst,
    serverPort: p.dport,
    vlan: 0,
    tunnelId: -1,
    firstTsMicros: p.ts,
    lastTsMicros: p.ts,
    packets: [0, 0],
    bytes: [0, 0],
    clientBy: 'first-packet',
    swapped: false,
    endReason: null,
    app: 'unknown',
    issues: [],
    tls: null,
    ext: {},
  };
}

export function blankFlow(transport: 'tcp' | 'udp' = 'udp'): Flow {
  return newFlow({ ts: 0, ipVersion: 4, src: '10.0.0.1', dst: '10.0.0.2', proto: transport === 'tcp' ? 6 : 17, sport: 40000, dport: 443, payload: new Uint8Array(0) });
}

export interface UdpConv {
  flow: Flow;
  datagrams: Array<{ dir: Dir; payload: Uint8Array; ts: number }>;
}

function key(a: string, ap: number, b: string, bp: number): string {
  return `${a}|${ap}|${b}|${bp}`;
}

/** UDP conversations in first-packet orientation. */
export function udpConversations(path: string): UdpConv[] {
  const convs = new Map<string, UdpConv>();
  for (const f of readCapture(path)) {
    const p = decodeFrame(f);
    if (p === null || p.proto !== 17) continue;
    const fwd = convs.get(key(p.src, p.sport, p.dst, p.dport));
    const rev = convs.get(key(p.dst, p.dport, p.src, p.sport));
    if (fwd !== undefined) fwd.datagrams.push({ dir: 0, payload: p.payload, ts: p.ts });
    else if (rev !== undefined) rev.datagrams.push({ dir: 1, payload: p.payload, ts: p.ts });
    else convs.set(key(p.src, p.sport, p.dst, p.dport), { flow: newFlow(p, convs.size), datagrams: [{ dir: 0, payload: p.payload, ts: p.ts }] });
  }
  return [...convs.values()];
}

export interface TcpConv {
  flow: Flow;
  /** in-order stream chunks in arrival order of their completion */
  chunks: Array<{ dir: Dir; data: Uint8Array; ts: number }>;
}

/** TCP conversations (oriented by SYN, else first packet), each direction reassembled in order. */
export function tcpConversations(path: string): TcpConv[] {
  interface DirState { next: number; pending: Map<number, Uint8Array> }
  const convs = new Map<string, { conv: TcpConv; st: [DirState, DirState] }>();
  for (const f of readCapture(path)) {
    const p = decodeFrame(f);
    if (p === null || p.proto !== 6 || p.tcp === undefined) continue;
    let c = convs.get(key(p.src, p.sport, p.dst, p.dport));
    let dir: Dir = 0;
    if (c === undefined) {
      c = convs.get(key(p.dst, p.dport, p.src, p.sport));
      dir = 1;
    }
    if (c === undefined) {
      c = { conv: { flow: newFlow(p, convs.size), chunks: [] }, st: [{ next: -1, pending: new Map() }, { next: -1, pending: new Map() }] };
      convs.set(key(p.src, p.sport, p.dst, p.dport), c);
      dir = 0;
    }
    const st = c.st[dir];
    const syn = (p.tcp.flags & 0x02) !== 0;
    if (st.next < 0) st.next = syn ? (p.tcp.seq + 1) >>> 0 : p.tcp.seq;
    if (p.payload.length === 0) continue;
    st.pending.set(p.tcp.seq, Uint8Array.from(p.payload));
    for (;;) {
      let progressed = false;
      for (const [s, data] of st.pending) {
        const rel = (st.next - s) >>> 0;
        if (s === st.next || (rel > 0 && rel < data.length)) {
          const fresh = data.subarray(s === st.next ? 0 : rel);
          st.pending.delete(s);
          c.conv.chunks.push({ dir, data: fresh, ts: p.ts });
          st.next = (st.next + fresh.length) >>> 0;
          progressed = true;
          break;
        } else if (rel < 0x80000000 && rel >= data.length) {
          st.pending.delete(s); // old retransmission
          progressed = true;
          break;
        }
      }
      if (!progressed) break;
    }
  }
  return [...convs.values()].map((x) => x.conv);
}

export function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

export function loadJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

/**
 * Build a protected long-header packet (RFC 9001 §5.3, §5.4): `header` is the unprotected header
 * ending with a `pnLen`-byte packet number equal to `pn`; `payload` the plaintext frames.
 */
export function protectLong(keys: PacketKeys, header: Uint8Array, pn: number, pnLen: number, payload: Uint8Array): Uint8Array {
  const nonce = Uint8Array.from(keys.iv);
  let v = pn;
  for (let i = nonce.length - 1; i >= 0 && v > 0; i--) {
    nonce[i] = (nonce[i] ?? 0) ^ (v % 256);
    v = Math.floor(v / 256);
  }
  const c = createCipheriv('aes-128-gcm', keys.key, nonce);
  c.setAAD(header);
  const ct = Buffer.concat([c.update(payload), c.final(), c.getAuthTag()]);
  const out = new Uint8Array(header.length + ct.length);
  out.set(header);
  out.set(ct, header.length);
  const pnOffset = header.length - pnLen;
  const sample = out.subarray(pnOffset + 4, pnOffset + 20);
  const e = createCipheriv('aes-128-ecb', keys.hp, null);
  e.setAutoPadding(false);
  const mask = e.update(sample);
  out[0] = (out[0] ?? 0) ^ ((mask[0] ?? 0) & 0x0f);
  for (let i = 0; i < pnLen; i++) out[pnOffset + i] = (out[pnOffset + i] ?? 0) ^ (mask[1 + i] ?? 0);
  return out;
}

/** QUIC varint encoding (RFC 9000 §16), for building fixtures. */
export function varint(v: number): Uint8Array {
  if (v < 0x40) return Uint8Array.of(v);
  if (v < 0x4000) return Uint8Array.of(0x40 | (v >> 8), v & 0xff);
  if (v < 0x40000000) return Uint8Array.of(0x80 | (v >>> 24), (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
  throw new Error('varint too large for fixture');
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
