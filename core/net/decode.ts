/**
 * decodeFrame: one captured frame → the innermost IPv4/IPv6 + TCP/UDP header fields, as offsets
 * into the frame (core/net/packet.ts DecodedPacket). Link types per
 * https://www.tcpdump.org/linktypes.html; each layer's spec is cited in link.ts, ip.ts,
 * transport.ts and encap.ts; the layer state machine is described in layers.ts.
 *
 * Hot path: no allocation per call (the layer decoders only write numbers into `out`), no
 * strings except constant weird codes, bounded work (MAX_STEPS layers, capped tag / label /
 * extension-header / encapsulation counts). Never throws on any bytes.
 */
import type { DecodedPacket } from './packet.js';
import type { Weirds } from '../util/weirds.js';
import { LINKTYPE } from '../capture/types.js';
import {
  L_DONE,
  L_DROP,
  L_ERSPAN2,
  L_ERSPAN3,
  L_ETHERNET,
  L_ETHERTYPE,
  L_GENEVE,
  L_GRE,
  L_IPV4,
  L_IPV6,
  L_IP_ANY,
  L_LOOP,
  L_MPLS,
  L_NULL,
  L_PPP,
  L_PPPOE,
  L_SLL,
  L_SLL2,
  L_TCP,
  L_UDP,
  L_VXLAN,
  L_VXLAN_GPE,
  MAX_STEPS,
  ipByVersion,
} from './layers.js';
import {
  LINKTYPE_PPP,
  decodeEthernet,
  decodeEthertype,
  decodeLoop,
  decodeMpls,
  decodeNull,
  decodePpp,
  decodePppoe,
  decodeSll,
  decodeSll2,
} from './link.js';
import { decodeIpv4, decodeIpv6 } from './ip.js';
import { decodeTcp, decodeUdp } from './transport.js';
import { viewOf } from './bytes.js';
import { decodeErspan2, decodeErspan3, decodeGeneve, decodeGre, decodeVxlan, decodeVxlanGpe } from './encap.js';

export { decodeWeirdCodes } from './weird-codes.js';
export type { DecodeWeirdCode } from './weird-codes.js';

/** Link types decodeFrame understands. */
export function isSupportedLinkType(linkType: number): boolean {
  return firstLayer(linkType) !== L_DROP;
}

function firstLayer(linkType: number): number {
  switch (linkType) {
    case LINKTYPE.ETHERNET:
      return L_ETHERNET;
    case LINKTYPE.LINUX_SLL:
      return L_SLL;
    case LINKTYPE.LINUX_SLL2:
      return L_SLL2;
    case LINKTYPE.NULL:
      return L_NULL;
    case LINKTYPE.LOOP:
      return L_LOOP;
    case LINKTYPE.RAW:
      return L_IP_ANY;
    case LINKTYPE.IPV4:
      return L_IPV4;
    case LINKTYPE.IPV6:
      return L_IPV6;
    case LINKTYPE_PPP:
      return L_PPP;
    default:
      return L_DROP;
  }
}

function resetPacket(out: DecodedPacket, buf: Buffer): void {
  out.buf = buf;
  out.ipVersion = 0;
  out.srcAddrOff = 0;
  out.dstAddrOff = 0;
  out.proto = 0;
  out.srcPort = 0;
  out.dstPort = 0;
  out.tcpFlags = 0;
  out.seq = 0;
  out.ack = 0;
  out.payloadOff = 0;
  out.payloadLen = 0;
  out.wirePayloadLen = 0;
  out.zone = 0;
  out.vlan = 0;
  out.tunnelId = -1;
  out.encapDepth = 0;
}

/**
 * The common case in one straight pass: untagged Ethernet II (EtherType 0x0800 at offset 12),
 * then IPv4 that is not a fragment, without AH and with a non-zero total length (RFC 791 §3.1),
 * then TCP with a well-formed option list (RFC 9293 §3.1). Fills `out` exactly as the layered
 * walk below would and returns true; returns false, having counted nothing, for anything else
 * — tags, IPv6, UDP, tunnels, any anomaly — which the layered walk then decodes from scratch
 * (and counts). Worth it because nearly every frame of a span-port capture is this one shape:
 * the walk's generality (a switch per layer, a call per decoder) cost ≈ 1 000 instructions per
 * frame of the reference workload. test/net/fast-path.test.ts checks both agree on every frame
 * of every bundled and public capture and on mutated frames.
 */
export function decodeEthIpv4Tcp(buf: Buffer, off: number, capLen: number, out: DecodedPacket): boolean {
  if (!(off >= 0 && capLen >= 0 && off <= buf.length)) return false;
  const avail = buf.length - off;
  const len = capLen <= avail ? capLen : avail;
  // Ethernet II: 6 + 6 address bytes, EtherType IPv4 (IEEE 802.3 §3.2.6)
  if (len < 34) return false;
  const v = viewOf(buf);
  if (v.getUint16(off + 12) !== 0x0800) return false;
  const o = off + 14;
  const n = len - 14;
  const vihl = v.getUint8(o);
  const hl = (vihl & 0x0f) << 2;
  if (vihl >> 4 !== 4 || hl < 20 || hl > n) return false;
  const total = v.getUint16(o + 2);
  // fragments (MF or an offset) and total length 0 are the walk's: it counts them
  if (total < hl || (v.getUint16(o + 6) & 0x3fff) !== 0 || v.getUint8(o + 9) !== 6) return false;
  const t = o + hl;
  const tn = (total < n ? total : n) - hl;
  const wire = total - hl;
  if (tn < 20) return false;
  const doff = (v.getUint8(t + 12) >> 4) << 2;
  if (doff < 20 || doff > wire || doff > tn) return false;
  const end = t + doff;
  for (let p = t + 20; p < end; ) {
    const kind = v.getUint8(p);
    if (kind === 0) break;
    if (kind === 1) {
      p++;
      continue;
    }
    if (p + 1 >= end) return false;
    const olen = v.getUint8(p + 1);
    if (olen < 2 || p + olen > end) return false;
    p += olen;
  }
  const ports = v.getUint32(t);
  out.buf = buf;
  out.ipVersion = 4;
  out.srcAddrOff = o + 12;
  out.dstAddrOff = o + 16;
  out.proto = 6;
  out.srcPort = ports >>> 16;
  out.dstPort = ports & 0xffff;
  out.seq = v.getUint32(t + 4);
  out.ack = v.getUint32(t + 8);
  out.tcpFlags = v.getUint8(t + 13);
  out.payloadOff = end;
  out.payloadLen = tn - doff;
  out.wirePayloadLen = wire - doff;
  out.zone = 0;
  out.vlan = 0;
  out.tunnelId = -1;
  out.encapDepth = 0;
  return true;
}

/**
 * Decode buf[off, off + capLen) captured with `linkType`. Returns true when an IPv4/IPv6 packet
 * carrying TCP or UDP was decoded (out.proto 6/17, ports, payload offsets, innermost headers of
 * any tunnel); false otherwise, with exactly one weird reason counted (see decodeWeirdCodes;
 * informational codes such as `ipv4.fragment_first` may be counted on success too).
 */
export function decodeFrame(
  linkType: number,
  buf: Buffer,
  off: number,
  capLen: number,
  out: DecodedPacket,
  weirds: Weirds,
): boolean {
  if (linkType === LINKTYPE.ETHERNET && decodeEthIpv4Tcp(buf, off, capLen, out)) return true;
  return decodeLayers(linkType, buf, off, capLen, out, weirds);
}

/** decodeFrame without the fast path: the layer walk (exported for the test that compares them) */
export function decodeLayers(
  linkType: number,
  buf: Buffer,
  off: number,
  capLen: number,
  out: DecodedPacket,
  weirds: Weirds,
): boolean {
  resetPacket(out, buf);
  if (!(off >= 0 && capLen >= 0 && off <= buf.length)) {
    weirds.add('frame.bad_bounds');
    return false;
  }
  const avail = buf.length - off;
  const len = capLen <= avail ? capLen : avail;
  out.payloadOff = off;
  out.payloadLen = len;
  out.wirePayloadLen = len;
  let layer = firstLayer(linkType);
  if (layer === L_DROP) {
    weirds.add('link.unsupported');
    return false;
  }
  for (let step = 0; step < MAX_STEPS; step++) {
    switch (layer) {
      case L_ETHERNET:
        layer = decodeEthernet(out, weirds);
        break;
      case L_ETHERTYPE:
        layer = decodeEthertype(out, weirds);
        break;
      case L_IPV4:
        layer = decodeIpv4(out, weirds);
        break;
      case L_IPV6:
        layer = decodeIpv6(out, weirds);
        break;
      case L_TCP:
        layer = decodeTcp(out, weirds);
        break;
      case L_UDP:
        layer = decodeUdp(out, weirds);
        break;
      case L_IP_ANY:
        layer = ipByVersion(out, weirds);
        break;
      case L_GRE:
        layer = decodeGre(out, weirds);
        break;
      case L_ERSPAN2:
        layer = decodeErspan2(out, weirds);
        break;
      case L_ERSPAN3:
        layer = decodeErspan3(out, weirds);
        break;
      case L_VXLAN:
        layer = decodeVxlan(out, weirds);
        break;
      case L_VXLAN_GPE:
        layer = decodeVxlanGpe(out, weirds);
        break;
      case L_GENEVE:
        layer = decodeGeneve(out, weirds);
        break;
      case L_SLL:
        layer = decodeSll(out, weirds);
        break;
      case L_SLL2:
        layer = decodeSll2(out, weirds);
        break;
      case L_NULL:
        layer = decodeNull(out, weirds);
        break;
      case L_LOOP:
        layer = decodeLoop(out, weirds);
        break;
      case L_PPP:
        layer = decodePpp(out, weirds);
        break;
      case L_PPPOE:
        layer = decodePppoe(out, weirds);
        break;
      case L_MPLS:
        layer = decodeMpls(out, weirds);
        break;
      default:
        layer = L_DROP;
        break;
    }
    if (layer === L_DONE) return true;
    if (layer === L_DROP) {
      out.payloadOff = 0;
      out.payloadLen = 0;
      out.wirePayloadLen = 0;
      return false;
    }
  }
  weirds.add('decode.too_many_layers');
  out.payloadOff = 0;
  out.payloadLen = 0;
  out.wirePayloadLen = 0;
  return false;
}
