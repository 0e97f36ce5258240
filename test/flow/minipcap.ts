/**
 * Test-only minimal reader: classic pcap (little-endian, microsecond, linktype 1 Ethernet),
 * 802.1Q, IPv4 (RFC 791) / IPv6 fixed header (RFC 8200), TCP (RFC 9293) / UDP (RFC 768). Enough to
 * feed real captures to the flow table without depending on the project's capture/net decoders.
 */
import { readFileSync } from 'node:fs';
import { newDecodedPacket } from '../../core/net/packet.js';
import type { DecodedPacket } from '../../core/net/packet.js';

export function* readPcap(path: string): Generator<{ p: DecodedPacket; ts: number }> {
  const file = readFileSync(path);
  if (file.readUInt32LE(0) !== 0xa1b2c3d4 || file.readUInt32LE(20) !== 1) throw new Error('unsupported pcap');
  const p = newDecodedPacket();
  let off = 24;
  while (off + 16 <= file.length) {
    const ts = file.readUInt32LE(off) * 1e6 + file.readUInt32LE(off + 4);
    const incl = file.readUInt32LE(off + 8);
    const frame = file.subarray(off + 16, off + 16 + incl);
    off += 16 + incl;
    if (decode(frame, p)) yield { p, ts };
  }
}

function decode(b: Buffer, p: DecodedPacket): boolean {
  p.buf = b;
  p.ipVersion = 0;
  p.vlan = 0;
  let o = 12;
  if (b.length < 14) return false;
  let type = b.readUInt16BE(o);
  o += 2;
  while (type === 0x8100 && o + 4 <= b.length) {
    if (p.vlan === 0) p.vlan = b.readUInt16BE(o) & 0xfff;
    type = b.readUInt16BE(o + 2);
    o += 4;
  }
  p.zone = p.vlan;
  let end: number;
  if (type === 0x0800) {
    if (o + 20 > b.length) return false;
    const ihl = (b[o]! & 0x0f) * 4;
    if ((b.readUInt16BE(o + 6) & 0x3fff) !== 0) return false; // fragments: not needed here
    p.ipVersion = 4;
    p.proto = b[o + 9]!;
    p.srcAddrOff = o + 12;
    p.dstAddrOff = o + 16;
    end = o + b.readUInt16BE(o + 2);
    o += ihl;
  } else if (type === 0x86dd) {
    if (o + 40 > b.length) return false;
    p.ipVersion = 6;
    p.proto = b[o + 6]!;
    p.srcAddrOff = o + 8;
    p.dstAddrOff = o + 24;
    end = o + 40 + b.readUInt16BE(o + 4);
    o += 40;
  } else {
    return false;
  }
  if (p.proto === 6) {
    if (o + 20 > b.length) return false;
    p.srcPort = b.readUInt16BE(o);
    p.dstPort = b.readUInt16BE(o + 2);
    p.seq = b.readUInt32BE(o + 4);
    p.ack = b.readUInt32BE(o + 8);
    p.tcpFlags = b[o + 13]!;
    o += (b[o + 12]! >> 4) * 4;
  } else if (p.proto === 17) {
    if (o + 8 > b.length) return false;
    p.srcPort = b.readUInt16BE(o);
    p.dstPort = b.readUInt16BE(o + 2);
    p.tcpFlags = 0;
    end = o + b.readUInt16BE(o + 4);
    o += 8;
  } else {
    return false;
  }
  p.payloadOff = o;
  p.wirePayloadLen = Math.max(0, end - o);
  p.payloadLen = Math.max(0, Math.min(b.length, end) - o);
  return true;
}
