/**
 * Test-only capture walker: libpcap (24-byte header, 16-byte record headers) and pcapng
 * (SHB/IDB/EPB/SPB) with Ethernet (+802.1Q), Linux SLL, raw IP and BSD loopback links,
 * IPv4/IPv6 and TCP. Yields per-TCP-connection in-order payload events in capture order,
 * with a naive in-order reassembler (retransmissions trimmed, out-of-order segments held).
 * Not production code: the real pipeline lives in core/capture, core/net and core/flow.
 */
import { readFileSync } from 'node:fs';

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

function ipv6Text(b: Uint8Array, o: number): string {
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push((((b[o + i] ?? 0) << 8) | (b[o + i + 1] ?? 0)).toString(16));
  // compress the longest run of zeros (RFC 5952)
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (parts[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && parts[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) { best = i; bestLen = j - i; }
    i = j;
  }
  if (best < 0) return parts.join(':');
  return parts.slice(0, best).join(':') + '::' + parts.slice(best + bestLen).join(':');
}

function* packets(buf: Uint8Array): Generator<{ link: number; data: Uint8Array }> {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = dv.getUint32(0, true);
  if (magic === 0x0a0d0d0a) {
    let off = 0;
    let le = true;
    const links: number[] = [];
    while (off + 12 <= buf.length) {
      const type = dv.getUint32(off, le);
      if (type === 0x0a0d0d0a) {
        le = dv.getUint32(off + 8, true) === 0x1a2b3c4d;
      }
      const len = dv.getUint32(off + 4, le);
      if (len < 12 || off + len > buf.length) return;
      if (type === 1) links.push(dv.getUint16(off + 8, le));
      else if (type === 6) {
        const iface = dv.getUint32(off + 8, le);
        const cap = dv.getUint32(off + 20, le);
        yield { link: links[iface] ?? 1, data: buf.subarray(off + 28, off + 28 + cap) };
      } else if (type === 3) {
        const cap = Math.min(len - 16, dv.getUint32(off + 8, le));
        yield { link: links[0] ?? 1, data: buf.subarray(off + 12, off + 12 + cap) };
      }
      off += len;
    }
    return;
  }
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const link = dv.getUint32(20, le);
  let off = 24;
  while (off + 16 <= buf.length) {
    const incl = dv.getUint32(off + 8, le);
    if (off + 16 + incl > buf.length) return;
    yield { link, data: buf.subarray(off + 16, off + 16 + incl) };
    off += 16 + incl;
  }
}

function ipPayload(link: number, d: Uint8Array): Uint8Array | null {
  let o = 0;
  let et = 0;
  if (link === 1) {
    et = ((d[12] ?? 0) << 8) | (d[13] ?? 0);
    o = 14;
    while (et === 0x8100 || et === 0x88a8) {
      et = ((d[o + 2] ?? 0) << 8) | (d[o + 3] ?? 0);
      o += 4;
    }
    if (et !== 0x0800 && et !== 0x86dd) return null;
  } else if (link === 113) {
    o = 16;
  } else if (link === 0 || link === 108) {
    o = 4;
  } else if (link === 101 || link === 12 || link === 228 || link === 229) {
    o = 0;
  } else return null;
  return d.subarray(o);
}

export function tcpConnections(path: string): TcpConn[] {
  const buf = new Uint8Array(readFileSync(path));
  const conns = new Map<string, { c: TcpConn; asm: [DirAsm, DirAsm]; a: string }>();
  const order: TcpConn[] = [];
  for (const { link, data } of packets(buf)) {
    const ip = ipPayload(link, data);
    if (ip === null || ip.length < 20) continue;
    const ver = (ip[0] ?? 0) >> 4;
    let src: string;
    let dst: string;
    let l4: Uint8Array;
    if (ver === 4) {
      const ihl = ((ip[0] ?? 0) & 0x0f) * 4;
      if (ip[9] !== 6) continue;
      const total = ((ip[2] ?? 0) << 8) | (ip[3] ?? 0);
      src = `${ip[12]}.${ip[13]}.${ip[14]}.${ip[15]}`;
      dst = `${ip[16]}.${ip[17]}.${ip[18]}.${ip[19]}`;
      l4 = ip.subarray(ihl, Math.min(ip.length, total));
    } else if (ver === 6) {
      if (ip[6] !== 6) continue;
      const plen = ((ip[4] ?? 0) << 8) | (ip[5] ?? 0);
      src = `[${ipv6Text(ip, 8)}]`;
      dst = `[${ipv6Text(ip, 24)}]`;
      l4 = ip.subarray(40, 40 + plen);
    } else continue;
    if (l4.length < 20) continue;
    const sp = ((l4[0] ?? 0) << 8) | (l4[1] ?? 0);
    const dp = ((l4[2] ?? 0) << 8) | (l4[3] ?? 0);
    const seq = (((l4[4] ?? 0) << 24) | ((l4[5] ?? 0) << 16) | ((l4[6] ?? 0) << 8) | (l4[7] ?? 0)) >>> 0;
    const doff = ((l4[12] ?? 0) >> 4) * 4;
    const flags = l4[13] ?? 0;
    const payload = l4.subarray(doff);
    const a = `${src}:${sp}`;
    const b = `${dst}:${dp}`;
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
      for (const [s, p] of st.pending) {
        const next: number = st.next ?? 0;
        const rel = (s - next) | 0;
        if (rel <= 0) {
          st.pending.delete(s);
          const skip = -rel;
          if (skip < p.length) {
            e.c.events.push({ dir, data: p.subarray(skip) });
            st.next = (next + p.length - skip) >>> 0;
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
