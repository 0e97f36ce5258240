/**
 * Test-only conversation builder: the packets of a capture (read and decoded by the real engine,
 * test/support/packets.ts) grouped into UDP / TCP conversations, just enough to feed the QUIC and
 * SSH analyzers real captures; plus QUIC fixture builders.
 */
import { readFileSync } from 'node:fs';
import { createCipheriv } from 'node:crypto';
import type { Dir, Flow } from '../../core/flow/types.js';
import type { PacketKeys } from '../../core/quic/keys.js';
import { IPPROTO_TCP, IPPROTO_UDP } from '../../core/net/packet.js';
import { decodedPackets, payloadOf } from '../support/packets.js';

export const CAPTURES = new URL('../../../shared/captures/public/', import.meta.url).pathname;

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

/** The TCP / UDP packets of a capture file, in capture order (payloads are views into per-frame copies). */
function packets(path: string): Packet[] {
  const out: Packet[] = [];
  for (const { p, tsMicros } of decodedPackets(path)) {
    if (p.ipVersion === 0) continue;
    const v = p.ipVersion;
    const n = v === 4 ? 4 : 16;
    const pkt: Packet = {
      ts: tsMicros,
      ipVersion: v,
      src: ipStr(p.buf.subarray(p.srcAddrOff, p.srcAddrOff + n), v),
      dst: ipStr(p.buf.subarray(p.dstAddrOff, p.dstAddrOff + n), v),
      proto: p.proto,
      sport: p.srcPort,
      dport: p.dstPort,
      payload: payloadOf(p),
    };
    if (p.proto === IPPROTO_TCP) pkt.tcp = { seq: p.seq >>> 0, flags: p.tcpFlags };
    out.push(pkt);
  }
  return out;
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
  for (const p of packets(path)) {
    if (p.proto !== IPPROTO_UDP) continue;
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
  for (const p of packets(path)) {
    if (p.proto !== IPPROTO_TCP || p.tcp === undefined) continue;
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
