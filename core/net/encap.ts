/**
 * Tunnel / mirror encapsulations, peeled to the inner frame (the caller already counted the
 * encapsulation depth in enterTunnel). Identifiers become out.tunnelId (the innermost one wins)
 * and are folded into out.zone.
 * - GRE, RFC 2784 §2 + RFC 2890 §2: flags C 0x80 (checksum + reserved1, 4 bytes), K 0x20 (key,
 *   4 bytes), S 0x10 (sequence number, 4 bytes), version 0 (low 3 bits of byte 1). The RFC 1701
 *   routing bit R 0x40 and version 1 (PPTP enhanced GRE, RFC 2637 §4.1) are not decoded.
 *   Protocol types: 0x6558 transparent Ethernet bridging, 0x0800 IPv4, 0x86dd IPv6,
 *   0x88be ERSPAN type II (type I when the S bit is clear: no ERSPAN header), 0x22eb ERSPAN type III.
 * - ERSPAN, draft-foschiano-erspan-03 §4.1-§4.3: type II header 8 bytes (version 1, 10-bit
 *   session id in bytes 2-3); type III header 12 bytes (version 2, session id likewise, frame
 *   type FT in bits 6..2 of byte 10: 0 Ethernet, 2 IP; O bit (byte 11 bit 0) adds an 8-byte
 *   platform-specific subheader).
 * - VXLAN, RFC 7348 §5: 8 bytes, flags I 0x08 (VNI valid), 24-bit VNI at bytes 4-6, inner Ethernet.
 * - VXLAN-GPE, draft-ietf-nvo3-vxlan-gpe-12 §3.1: flags P 0x04 → next protocol byte 3
 *   (1 IPv4, 2 IPv6, 3 Ethernet); P clear → Ethernet.
 * - Geneve, RFC 8926 §3.4: version (2 bits, must be 0), options length (6 bits, x4 bytes),
 *   protocol type at bytes 2-3 (0x6558 Ethernet, 0x0800 IPv4, 0x86dd IPv6), 24-bit VNI at 4-6.
 */
import type { DecodedPacket } from './packet.js';
import type { Weirds } from '../util/weirds.js';
import { u16, u24, u32 } from './bytes.js';
import {
  L_DROP,
  L_ERSPAN2,
  L_ERSPAN3,
  L_ETHERNET,
  L_IPV4,
  L_IPV6,
  L_IP_ANY,
  ZONE_ERSPAN,
  ZONE_GENEVE,
  ZONE_GRE_KEY,
  ZONE_VXLAN,
  advance,
  foldZone,
} from './layers.js';

export const GRE_FLAG_C = 0x80;
export const GRE_FLAG_R = 0x40;
export const GRE_FLAG_K = 0x20;
export const GRE_FLAG_S = 0x10;
export const GRE_PROTO_TEB = 0x6558; // RFC 1701 §3 / IEEE: transparent Ethernet bridging
export const GRE_PROTO_IPV4 = 0x0800;
export const GRE_PROTO_IPV6 = 0x86dd;
export const GRE_PROTO_ERSPAN2 = 0x88be; // ERSPAN type I/II
export const GRE_PROTO_ERSPAN3 = 0x22eb; // ERSPAN type III

const VXLAN_FLAG_I = 0x08;
const VXLAN_GPE_FLAG_P = 0x04;

export function decodeGre(out: DecodedPacket, weirds: Weirds): number {
  const b = out.buf;
  const o = out.payloadOff;
  if (out.payloadLen < 4) {
    weirds.add('gre.truncated');
    return L_DROP;
  }
  const flags = b[o]!;
  if ((b[o + 1]! & 0x07) !== 0) {
    weirds.add('gre.version_unsupported');
    return L_DROP;
  }
  if ((flags & GRE_FLAG_R) !== 0) {
    weirds.add('gre.routing_unsupported');
    return L_DROP;
  }
  const proto = u16(b, o + 2);
  let hl = 4;
  if ((flags & GRE_FLAG_C) !== 0) hl += 4;
  const keyOff = hl;
  if ((flags & GRE_FLAG_K) !== 0) hl += 4;
  const seq = (flags & GRE_FLAG_S) !== 0;
  if (seq) hl += 4;
  if (hl > out.payloadLen) {
    weirds.add('gre.truncated');
    return L_DROP;
  }
  if ((flags & GRE_FLAG_K) !== 0) {
    const key = u32(b, o + keyOff);
    out.tunnelId = key;
    foldZone(out, ZONE_GRE_KEY, key);
  }
  advance(out, hl);
  switch (proto) {
    case GRE_PROTO_TEB:
      return L_ETHERNET;
    case GRE_PROTO_IPV4:
      return L_IPV4;
    case GRE_PROTO_IPV6:
      return L_IPV6;
    case GRE_PROTO_ERSPAN2:
      return seq ? L_ERSPAN2 : L_ETHERNET; // type I has no sequence number and no header
    case GRE_PROTO_ERSPAN3:
      return L_ERSPAN3;
    default:
      weirds.add('gre.protocol_unsupported');
      return L_DROP;
  }
}

export function decodeErspan2(out: DecodedPacket, weirds: Weirds): number {
  const b = out.buf;
  const o = out.payloadOff;
  if (out.payloadLen < 8) {
    weirds.add('erspan.truncated');
    return L_DROP;
  }
  if (b[o]! >> 4 !== 1) {
    weirds.add('erspan.bad_version');
    return L_DROP;
  }
  const session = u16(b, o + 2) & 0x03ff;
  out.tunnelId = session;
  foldZone(out, ZONE_ERSPAN, session);
  advance(out, 8);
  return L_ETHERNET;
}

export function decodeErspan3(out: DecodedPacket, weirds: Weirds): number {
  const b = out.buf;
  const o = out.payloadOff;
  if (out.payloadLen < 12) {
    weirds.add('erspan.truncated');
    return L_DROP;
  }
  if (b[o]! >> 4 !== 2) {
    weirds.add('erspan.bad_version');
    return L_DROP;
  }
  const session = u16(b, o + 2) & 0x03ff;
  const ft = (b[o + 10]! >> 2) & 0x1f;
  const hl = (b[o + 11]! & 0x01) !== 0 ? 20 : 12;
  if (hl > out.payloadLen) {
    weirds.add('erspan.truncated');
    return L_DROP;
  }
  out.tunnelId = session;
  foldZone(out, ZONE_ERSPAN, session);
  advance(out, hl);
  if (ft === 0) return L_ETHERNET;
  if (ft === 2) return L_IP_ANY;
  weirds.add('erspan.frame_type_unsupported');
  return L_DROP;
}

export function decodeVxlan(out: DecodedPacket, weirds: Weirds): number {
  const b = out.buf;
  const o = out.payloadOff;
  if (out.payloadLen < 8) {
    weirds.add('vxlan.truncated');
    return L_DROP;
  }
  if ((b[o]! & VXLAN_FLAG_I) === 0) weirds.add('vxlan.i_flag_clear');
  const vni = u24(b, o + 4);
  out.tunnelId = vni;
  foldZone(out, ZONE_VXLAN, vni);
  advance(out, 8);
  return L_ETHERNET;
}

export function decodeVxlanGpe(out: DecodedPacket, weirds: Weirds): number {
  const b = out.buf;
  const o = out.payloadOff;
  if (out.payloadLen < 8) {
    weirds.add('vxlan.truncated');
    return L_DROP;
  }
  const flags = b[o]!;
  if ((flags & VXLAN_FLAG_I) === 0) weirds.add('vxlan.i_flag_clear');
  const next = (flags & VXLAN_GPE_FLAG_P) !== 0 ? b[o + 3]! : 3;
  const vni = u24(b, o + 4);
  out.tunnelId = vni;
  foldZone(out, ZONE_VXLAN, vni);
  advance(out, 8);
  if (next === 3) return L_ETHERNET;
  if (next === 1) return L_IPV4;
  if (next === 2) return L_IPV6;
  weirds.add('vxlan.gpe_protocol_unsupported');
  return L_DROP;
}

export function decodeGeneve(out: DecodedPacket, weirds: Weirds): number {
  const b = out.buf;
  const o = out.payloadOff;
  if (out.payloadLen < 8) {
    weirds.add('geneve.truncated');
    return L_DROP;
  }
  const b0 = b[o]!;
  if (b0 >> 6 !== 0) {
    weirds.add('geneve.bad_version');
    return L_DROP;
  }
  const hl = 8 + ((b0 & 0x3f) << 2);
  if (hl > out.payloadLen) {
    weirds.add('geneve.truncated');
    return L_DROP;
  }
  const proto = u16(b, o + 2);
  const vni = u24(b, o + 4);
  out.tunnelId = vni;
  foldZone(out, ZONE_GENEVE, vni);
  advance(out, hl);
  if (proto === GRE_PROTO_TEB) return L_ETHERNET;
  if (proto === GRE_PROTO_IPV4) return L_IPV4;
  if (proto === GRE_PROTO_IPV6) return L_IPV6;
  weirds.add('geneve.protocol_unsupported');
  return L_DROP;
}
