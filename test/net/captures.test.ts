/**
 * The decoder over real captures (/work/shared/captures/public): every TCP/UDP conversation
 * tshark lists in expected/NAME.json `conversations` must be found. A minimal local pcap /
 * pcapng record loop lives here (the project's capture reader is tested separately).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { decodeFrame } from '../../core/net/decode.js';
import { formatAddr, newDecodedPacket } from '../../core/net/packet.js';
import type { DecodedPacket } from '../../core/net/packet.js';
import { Weirds } from '../../core/util/weirds.js';

const PUB = path.resolve(__dirname, '../../../shared/captures/public');

type Rec = (linkType: number, buf: Buffer, off: number, capLen: number) => void;

/** libpcap: 24-byte header (magic a1b2c3d4 / a1b23c4d, either byte order), 16-byte record headers */
function eachPcap(buf: Buffer, cb: Rec): number {
  const m = buf.readUInt32LE(0);
  const le = m === 0xa1b2c3d4 || m === 0xa1b23c4d;
  const r32 = (o: number): number => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const lt = r32(20) & 0x0fffffff;
  let n = 0;
  for (let o = 24; o + 16 <= buf.length; ) {
    const incl = r32(o + 8);
    if (o + 16 + incl > buf.length) break;
    cb(lt, buf, o + 16, incl);
    n++;
    o += 16 + incl;
  }
  return n;
}

/** pcapng: SHB / IDB / EPB / SPB / PB only */
function eachPcapng(buf: Buffer, cb: Rec): number {
  let le = true;
  let ifaces: number[] = [];
  let n = 0;
  for (let o = 0; o + 12 <= buf.length; ) {
    if (buf.readUInt32LE(o) === 0x0a0d0d0a) {
      le = buf.readUInt32LE(o + 8) === 0x1a2b3c4d;
      ifaces = [];
    }
    const r32 = (x: number): number => (le ? buf.readUInt32LE(x) : buf.readUInt32BE(x));
    const r16 = (x: number): number => (le ? buf.readUInt16LE(x) : buf.readUInt16BE(x));
    const type = r32(o);
    const len = r32(o + 4);
    if (len < 12 || o + len > buf.length) break;
    if (type === 1) ifaces.push(r16(o + 8));
    else if (type === 6) {
      cb(ifaces[r32(o + 8)] ?? -1, buf, o + 28, r32(o + 20));
      n++;
    } else if (type === 3) {
      cb(ifaces[0] ?? -1, buf, o + 12, Math.min(r32(o + 8), len - 16));
      n++;
    } else if (type === 2) {
      cb(ifaces[r16(o + 8)] ?? -1, buf, o + 28, r32(o + 20));
      n++;
    }
    o += len;
  }
  return n;
}

function endpoint(p: DecodedPacket, addrOff: number, port: number): string {
  return p.ipVersion === 6 ? `[${formatAddr(p.buf, addrOff, 6)}]:${port}` : `${formatAddr(p.buf, addrOff, 4)}:${port}`;
}
const convKey = (transport: string, a: string, b: string): string => `${transport} ${[a, b].sort().join(' ')}`;

interface Expected {
  file: { packets: number };
  conversations: { transport: string; client: string; server: string }[];
}

function scan(file: string): { packets: number; decoded: number; convs: Set<string>; weirds: Weirds; pkts: DecodedPacket[] } {
  const buf = readFileSync(path.join(PUB, file));
  const p = newDecodedPacket();
  const weirds = new Weirds();
  const convs = new Set<string>();
  const pkts: DecodedPacket[] = [];
  let decoded = 0;
  const cb: Rec = (lt, b, off, cap) => {
    if (!decodeFrame(lt, b, off, cap, p, weirds)) return;
    decoded++;
    const t = p.proto === 6 ? 'tcp' : 'udp';
    convs.add(convKey(t, endpoint(p, p.srcAddrOff, p.srcPort), endpoint(p, p.dstAddrOff, p.dstPort)));
    if (pkts.length < 64) pkts.push({ ...p });
  };
  const isPcapng = buf.readUInt32LE(0) === 0x0a0d0d0a;
  const packets = isPcapng ? eachPcapng(buf, cb) : eachPcap(buf, cb);
  return { packets, decoded, convs, weirds, pkts };
}

describe('ja4__gre-erspan-vxlan.pcap: GRE → ERSPAN II → Ethernet → IPv4 → UDP → VXLAN(-GPE) → Ethernet → TCP', () => {
  it('decodes every packet to the inner TCP conversation', () => {
    const exp = JSON.parse(readFileSync(path.join(PUB, 'expected/ja4__gre-erspan-vxlan.json'), 'utf8')) as Expected;
    const r = scan('ja4__gre-erspan-vxlan.pcap');
    expect(r.packets).toBe(exp.file.packets);
    expect(r.decoded).toBe(7);
    // tshark's conversation table names the OUTER addresses (100.20.9.x, first ip.src/ip.dst in the
    // frame) with the inner TCP ports; the inner IPv4 header really says 10.16.27.12 ↔ 10.16.27.131.
    expect(exp.conversations).toHaveLength(1);
    const c = exp.conversations[0]!;
    expect(c.client).toBe('100.20.9.2:65174');
    expect(c.server).toBe('100.20.9.1:80');
    expect([...r.convs]).toEqual([convKey('tcp', '10.16.27.12:65174', '10.16.27.131:80')]);
    for (const p of r.pkts) {
      expect(p.encapDepth).toBe(2); // GRE, then VXLAN
      expect(p.tunnelId).toBe(0); // innermost: VXLAN VNI 0 (ERSPAN session 20 outside it)
      expect(p.zone).not.toBe(0);
      expect(p.proto).toBe(6);
    }
    const first = r.pkts[0]!;
    expect(first.tcpFlags).toBe(0x02);
    const get = r.pkts[3]!;
    expect(get.buf.subarray(get.payloadOff, get.payloadOff + get.payloadLen).toString('latin1')).toBe('GET /Hello Arkime HTTP/1.0\r\n\r\n');
    expect(r.weirds.counts.size).toBe(0);
  });
});

describe('every public capture: tshark conversations are found', () => {
  const files = readdirSync(PUB).filter((f) => /\.pcap(ng)?$/.test(f));
  it('has captures', () => expect(files.length).toBeGreaterThan(20));
  for (const f of files) {
    it(f, () => {
      const exp = JSON.parse(readFileSync(path.join(PUB, 'expected', f.replace(/\.pcap(ng)?$/, '.json')), 'utf8')) as Expected;
      const r = scan(f);
      expect(r.packets).toBe(exp.file.packets);
      if (f === 'ja4__gre-erspan-vxlan.pcap') return; // outer-address artefact, checked above
      const want = exp.conversations.map((c) => convKey(c.transport, c.client, c.server));
      const missing = want.filter((k) => !r.convs.has(k));
      expect(missing).toEqual([]);
      // nothing tshark does not see either, except the fuzzed first fragment (MF set, never
      // reassembled by tshark) that we decode on purpose (counted ipv4.fragment_first)
      const extra = [...r.convs].filter((k) => !want.includes(k));
      expect(extra).toEqual(f === 'ndpi__quic-fuzz-overflow.pcapng' ? ['udp 255.255.255.255:8224 255.255.255.32:8224'] : []);
    });
  }
});
