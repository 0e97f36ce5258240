/**
 * Test-only helpers: a Flow factory, and a minimal classic-pcap walker with naive in-order TCP
 * reassembly (good enough for clean loopback captures; the real engine lives elsewhere).
 */
import { readFileSync } from 'node:fs';
import type { Dir, Flow, StreamAnalyzer } from '../../core/flow/types.js';
import { Want } from '../../core/flow/types.js';

export function makeFlow(id = 1): Flow {
  return {
    id,
    transport: 'tcp',
    ipVersion: 4,
    clientIp: '127.0.0.1',
    clientPort: 40000 + id,
    serverIp: '127.0.0.1',
    serverPort: 8080,
    vlan: 0,
    tunnelId: -1,
    firstTsMicros: 0,
    lastTsMicros: 0,
    packets: [0, 0],
    bytes: [0, 0],
    clientBy: 'syn',
    swapped: false,
    endReason: null,
    app: 'unknown',
    issues: [],
    tls: null,
    ext: {},
  };
}

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** feeds a whole direction as a sequence of chunks */
export function feed(a: StreamAnalyzer, flow: Flow, dir: Dir, chunks: Array<string | Uint8Array>, ts = 1): Want {
  let w: Want = Want.More;
  for (const c of chunks) w = a.onData(flow, dir, typeof c === 'string' ? enc(c) : c, ts);
  return w;
}

export interface Segment {
  dir: Dir;
  ts: number;
  data: Uint8Array;
}
export interface TcpConn {
  key: string;
  client: string;
  server: string;
  segments: Segment[];
}

/** classic pcap (LINKTYPE_ETHERNET / NULL / RAW / LINUX_SLL), IPv4/IPv6 + TCP only */
export function readTcpConnections(path: string): TcpConn[] {
  const buf = readFileSync(path);
  const magic = buf.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const nano = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
  const u32 = (o: number): number => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const link = u32(20);
  const conns = new Map<string, TcpConn & { next: [number | null, number | null] }>();
  let off = 24;
  while (off + 16 <= buf.length) {
    const ts = u32(off) * 1_000_000 + Math.floor(u32(off + 4) / (nano ? 1000 : 1));
    const cap = u32(off + 8);
    const p = off + 16;
    off = p + cap;
    let ip = p;
    let etype = 0x0800;
    if (link === 1) {
      etype = buf.readUInt16BE(p + 12);
      ip = p + 14;
    } else if (link === 113) {
      etype = buf.readUInt16BE(p + 14);
      ip = p + 16;
    } else if (link === 0) {
      ip = p + 4;
      etype = (buf[ip]! >> 4) === 6 ? 0x86dd : 0x0800;
    } else if (link === 101) etype = (buf[ip]! >> 4) === 6 ? 0x86dd : 0x0800;
    let src: string, dst: string, proto: number, l4: number, end: number;
    if (etype === 0x0800) {
      const ihl = (buf[ip]! & 15) * 4;
      proto = buf[ip + 9]!;
      src = [...buf.subarray(ip + 12, ip + 16)].join('.');
      dst = [...buf.subarray(ip + 16, ip + 20)].join('.');
      l4 = ip + ihl;
      end = ip + buf.readUInt16BE(ip + 2);
    } else if (etype === 0x86dd) {
      proto = buf[ip + 6]!;
      src = buf.subarray(ip + 8, ip + 24).toString('hex');
      dst = buf.subarray(ip + 24, ip + 40).toString('hex');
      l4 = ip + 40;
      end = l4 + buf.readUInt16BE(ip + 4);
    } else continue;
    if (proto !== 6) continue;
    const sport = buf.readUInt16BE(l4);
    const dport = buf.readUInt16BE(l4 + 2);
    const seq = buf.readUInt32BE(l4 + 4);
    const doff = (buf[l4 + 12]! >> 4) * 4;
    const flags = buf[l4 + 13]!;
    const a = `${src}:${sport}`;
    const b = `${dst}:${dport}`;
    const key = a < b ? `${a}-${b}` : `${b}-${a}`;
    let c = conns.get(key);
    if (!c) {
      // the SYN sender (or first sender) is the client
      const syn = (flags & 0x12) === 0x02;
      const client = syn || (flags & 0x12) !== 0x12 ? a : b;
      c = { key, client, server: client === a ? b : a, segments: [], next: [null, null] };
      conns.set(key, c);
    }
    const dir: Dir = a === c.client ? 0 : 1;
    const payload = buf.subarray(l4 + doff, Math.min(end, off));
    let s = (seq + ((flags & 0x02) !== 0 ? 1 : 0)) >>> 0;
    if ((flags & 0x02) !== 0) c.next[dir] = s;
    if (payload.length === 0) continue;
    const nx = c.next[dir];
    if (nx !== null && s !== nx) {
      const delta = (s - nx) | 0;
      if (delta < 0) continue; // retransmission (clean captures only)
    }
    c.next[dir] = (s + payload.length) >>> 0;
    c.segments.push({ dir, ts, data: new Uint8Array(payload) });
    s = 0;
  }
  return [...conns.values()].map(({ key, client, server, segments }) => ({ key, client, server, segments }));
}

/** runs one analyzer over a connection, honouring Want like the engine would */
export function runConn(a: StreamAnalyzer, conn: TcpConn, flow = makeFlow()): Flow {
  const done: [boolean, boolean] = [false, false];
  for (const seg of conn.segments) {
    if (done[seg.dir]) continue;
    const w = a.onData(flow, seg.dir, seg.data, seg.ts);
    if (w === Want.DoneFlow) {
      done[0] = done[1] = true;
      break;
    }
    if (w === Want.DoneDir) done[seg.dir] = true;
  }
  a.onEnd(flow);
  return flow;
}
