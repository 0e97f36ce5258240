/**
 * Test-only TCP stream walker over a capture file: packets come from the real reader and decoder
 * (test/support/packets.ts); this file only groups them per TCP connection and yields in-order
 * payload events in capture order, with a naive in-order reassembler (retransmissions trimmed,
 * out-of-order segments held). Not production code: the real pipeline lives in core/flow.
 */
import { formatAddr, IPPROTO_TCP } from '../../core/net/packet.js';
import type { DecodedPacket } from '../../core/net/packet.js';
import { decodedPackets, payloadOf } from '../support/packets.js';

export interface StreamEvent {
  dir: 0 | 1;
  data: Uint8Array;
}
export interface TcpConn {
  client: string; // "ip:port" (IPv6 in brackets)
  server: string;
  events: StreamEvent[];
}

interface DirAsm {
  next: number | null;
  pending: Map<number, Uint8Array>;
}

function endpoint(p: DecodedPacket, addrOff: number, port: number): string {
  const ip = p.ipVersion === 6 ? `[${formatAddr(p.buf, addrOff, 6)}]` : formatAddr(p.buf, addrOff, 4);
  return `${ip}:${port}`;
}

export function tcpConnections(path: string): TcpConn[] {
  const conns = new Map<string, { c: TcpConn; asm: [DirAsm, DirAsm]; a: string }>();
  const order: TcpConn[] = [];
  for (const { p } of decodedPackets(path)) {
    if (p.proto !== IPPROTO_TCP) continue;
    const seq = p.seq >>> 0;
    const flags = p.tcpFlags;
    const payload = payloadOf(p);
    const a = endpoint(p, p.srcAddrOff, p.srcPort);
    const b = endpoint(p, p.dstAddrOff, p.dstPort);
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    let e = conns.get(key);
    if (e === undefined) {
      const synOnly = (flags & 0x12) === 0x12; // SYN-ACK: sender is the server
      const c: TcpConn = { client: synOnly ? b : a, server: synOnly ? a : b, events: [] };
      e = { c, asm: [{ next: null, pending: new Map() }, { next: null, pending: new Map() }], a: c.client };
      conns.set(key, e);
      order.push(c);
    }
    const dir: 0 | 1 = a === e.a ? 0 : 1;
    const st = e.asm[dir];
    if (flags & 0x02) {
      st.next = (seq + 1) >>> 0;
      continue;
    }
    if (payload.length === 0) continue;
    if (st.next === null) st.next = seq;
    st.pending.set(seq, payload);
    // drain in order
    for (;;) {
      let progressed = false;
      for (const [s, seg] of st.pending) {
        const next: number = st.next ?? 0;
        const rel = (s - next) | 0;
        if (rel <= 0) {
          st.pending.delete(s);
          const skip = -rel;
          if (skip < seg.length) {
            e.c.events.push({ dir, data: seg.subarray(skip) });
            st.next = (next + seg.length - skip) >>> 0;
          }
          progressed = true;
          break;
        }
      }
      if (!progressed) break;
    }
  }
  return order;
}
