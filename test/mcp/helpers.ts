/**
 * Test-only helpers: a Flow factory, and TCP connections of a capture (packets read and decoded
 * by the real engine, test/support/packets.ts) with naive in-order reassembly (good enough for
 * clean loopback captures; the real flow table lives in core/flow).
 */
import type { Dir, Flow, StreamAnalyzer } from '../../core/flow/types.js';
import { Want } from '../../core/flow/types.js';
import { formatAddr, IPPROTO_TCP } from '../../core/net/packet.js';
import { decodedPackets, payloadOf } from '../support/packets.js';

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

/** TCP connections of a capture, oriented by SYN (else first sender); IPv4/IPv6 */
export function readTcpConnections(path: string): TcpConn[] {
  const conns = new Map<string, TcpConn & { next: [number | null, number | null] }>();
  for (const { p, tsMicros: ts } of decodedPackets(path)) {
    if (p.proto !== IPPROTO_TCP) continue;
    const src = p.ipVersion === 6 ? p.buf.toString('hex', p.srcAddrOff, p.srcAddrOff + 16) : formatAddr(p.buf, p.srcAddrOff, 4);
    const dst = p.ipVersion === 6 ? p.buf.toString('hex', p.dstAddrOff, p.dstAddrOff + 16) : formatAddr(p.buf, p.dstAddrOff, 4);
    const sport = p.srcPort;
    const dport = p.dstPort;
    const seq = p.seq >>> 0;
    const flags = p.tcpFlags;
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
    const payload = payloadOf(p);
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
