import { u16 } from './bytes.js';
import { L_DROP, L_ETHERTYPE, L_IPV4, L_IPV6, L_MPLS, L_PPP, L_PPPOE, ZONE_VLAN, advance, foldZone, } from './layers.js';
/** LINKTYPE_PPP; not (yet) in core/capture/types.ts LINKTYPE */
export const LINKTYPE_PPP = 9;
export const ETHERTYPE_IPV4 = 0x0800; // IEEE EtherType registry
export const ETHERTYPE_ARP = 0x0806; // RFC 826
export const ETHERTYPE_IPV6 = 0x86dd; // RFC 8200 / IEEE registry
export const ETHERTYPE_VLAN = 0x8100; // IEEE 802.1Q C-tag
export const ETHERTYPE_QINQ = 0x88a8; // IEEE 802.1ad S-tag
export const ETHERTYPE_QINQ_OLD = 0x9100; // pre-standard QinQ
export const ETHERTYPE_MPLS = 0x8847; // RFC 3032 §5
export const ETHERTYPE_MPLS_MC = 0x8848; // RFC 5332
export const ETHERTYPE_PPPOE_SESSION = 0x8864; // RFC 2516 §4
/** smallest EtherType; smaller = 802.3 length field (IEEE 802.3 §3.2.6) */
export const ETHERTYPE_MIN = 0x0600;
export const MAX_VLAN_TAGS = 4;
export const MAX_MPLS_LABELS = 8;
const AF_INET = 2;
const AF_INET6_BSD = 24;
const AF_INET6_FREEBSD = 28;
const AF_INET6_DARWIN = 30;
/** Next layer for an EtherType that is not a VLAN tag. */
export function layerForEthertype(et, weirds) {
    switch (et) {
        case ETHERTYPE_IPV4:
            return L_IPV4;
        case ETHERTYPE_IPV6:
            return L_IPV6;
        case ETHERTYPE_MPLS:
        case ETHERTYPE_MPLS_MC:
            return L_MPLS;
        case ETHERTYPE_PPPOE_SESSION:
            return L_PPPOE;
        case ETHERTYPE_ARP:
            weirds.add('eth.arp');
            return L_DROP;
        default:
            weirds.add('net.non_ip');
            return L_DROP;
    }
}
/** Ethernet II header: skip the two MAC addresses, EtherType (and tags) follow. */
export function decodeEthernet(out, weirds) {
    if (out.payloadLen < 14) {
        weirds.add('eth.truncated');
        return L_DROP;
    }
    advance(out, 12);
    return L_ETHERTYPE;
}
/** Cursor at an EtherType field: walk 802.1Q / 802.1ad tags, then dispatch. */
export function decodeEthertype(out, weirds) {
    const b = out.buf;
    for (let tags = 0;; tags++) {
        if (out.payloadLen < 2) {
            weirds.add('eth.truncated');
            return L_DROP;
        }
        const et = u16(b, out.payloadOff);
        if (et === ETHERTYPE_VLAN || et === ETHERTYPE_QINQ || et === ETHERTYPE_QINQ_OLD) {
            if (tags >= MAX_VLAN_TAGS) {
                weirds.add('vlan.too_many_tags');
                return L_DROP;
            }
            if (out.payloadLen < 6) {
                weirds.add('vlan.truncated');
                return L_DROP;
            }
            const vid = u16(b, out.payloadOff + 2) & 0x0fff;
            if (vid !== 0) {
                if (out.vlan === 0)
                    out.vlan = vid;
                foldZone(out, ZONE_VLAN, vid);
            }
            advance(out, 4);
            continue;
        }
        advance(out, 2);
        if (et < ETHERTYPE_MIN) {
            weirds.add('eth.8023_frame');
            return L_DROP;
        }
        return layerForEthertype(et, weirds);
    }
}
/** Linux cooked v1: 16-byte header, EtherType-like protocol at offset 14 (then tags possible). */
export function decodeSll(out, weirds) {
    if (out.payloadLen < 16) {
        weirds.add('sll.truncated');
        return L_DROP;
    }
    advance(out, 14);
    return L_ETHERTYPE;
}
/** Linux cooked v2: 20-byte header, protocol at offset 0. */
export function decodeSll2(out, weirds) {
    if (out.payloadLen < 20) {
        weirds.add('sll2.truncated');
        return L_DROP;
    }
    const proto = u16(out.buf, out.payloadOff);
    advance(out, 20);
    return layerForEthertype(proto, weirds);
}
function layerForFamily(fam, weirds) {
    if (fam === AF_INET)
        return L_IPV4;
    if (fam === AF_INET6_BSD || fam === AF_INET6_FREEBSD || fam === AF_INET6_DARWIN)
        return L_IPV6;
    weirds.add('null.unknown_family');
    return L_DROP;
}
/** LINKTYPE_NULL: 4-byte family in the capturing host's byte order (AF_ values are < 256). */
export function decodeNull(out, weirds) {
    if (out.payloadLen < 4) {
        weirds.add('null.truncated');
        return L_DROP;
    }
    const b = out.buf;
    const o = out.payloadOff;
    // little-endian writer: value in byte 0, zeros after; big-endian: zeros then value in byte 3
    let fam;
    if (b[o + 1] === 0 && b[o + 2] === 0 && b[o + 3] === 0)
        fam = b[o];
    else if (b[o] === 0 && b[o + 1] === 0 && b[o + 2] === 0)
        fam = b[o + 3];
    else
        fam = -1;
    advance(out, 4);
    return layerForFamily(fam, weirds);
}
/** LINKTYPE_LOOP: 4-byte family in network byte order. */
export function decodeLoop(out, weirds) {
    if (out.payloadLen < 4) {
        weirds.add('null.truncated');
        return L_DROP;
    }
    const b = out.buf;
    const o = out.payloadOff;
    const fam = b[o] === 0 && b[o + 1] === 0 && b[o + 2] === 0 ? b[o + 3] : -1;
    advance(out, 4);
    return layerForFamily(fam, weirds);
}
/** PPP frame (LINKTYPE_PPP, or the payload of a PPPoE session frame). */
export function decodePpp(out, weirds) {
    const b = out.buf;
    if (out.payloadLen >= 2 && b[out.payloadOff] === 0xff && b[out.payloadOff + 1] === 0x03)
        advance(out, 2);
    if (out.payloadLen < 1) {
        weirds.add('ppp.truncated');
        return L_DROP;
    }
    let proto;
    if ((b[out.payloadOff] & 1) === 1) {
        proto = b[out.payloadOff]; // compressed 1-byte protocol field
        advance(out, 1);
    }
    else {
        if (out.payloadLen < 2) {
            weirds.add('ppp.truncated');
            return L_DROP;
        }
        proto = u16(b, out.payloadOff);
        advance(out, 2);
    }
    if (proto === 0x0021)
        return L_IPV4;
    if (proto === 0x0057)
        return L_IPV6;
    if (proto === 0x0281)
        return L_MPLS;
    weirds.add('ppp.non_ip');
    return L_DROP;
}
/** PPPoE session header (RFC 2516 §4); the PPP length field bounds the payload. */
export function decodePppoe(out, weirds) {
    if (out.payloadLen < 8) {
        weirds.add('pppoe.truncated');
        return L_DROP;
    }
    const b = out.buf;
    const o = out.payloadOff;
    if (b[o] !== 0x11 || b[o + 1] !== 0x00) {
        weirds.add('pppoe.bad_header');
        return L_DROP;
    }
    const len = u16(b, o + 4);
    advance(out, 6);
    if (len < out.payloadLen)
        out.payloadLen = len; // trim Ethernet padding
    if (len < out.wirePayloadLen)
        out.wirePayloadLen = len;
    return L_PPP;
}
/** MPLS label stack: skip entries up to bottom-of-stack, payload IP by version nibble. */
export function decodeMpls(out, weirds) {
    const b = out.buf;
    for (let i = 0;; i++) {
        if (i >= MAX_MPLS_LABELS) {
            weirds.add('mpls.too_many_labels');
            return L_DROP;
        }
        if (out.payloadLen < 4) {
            weirds.add('mpls.truncated');
            return L_DROP;
        }
        const bottom = (b[out.payloadOff + 2] & 1) === 1;
        advance(out, 4);
        if (bottom)
            break;
    }
    if (out.payloadLen >= 1) {
        const v = b[out.payloadOff] >> 4;
        if (v === 4)
            return L_IPV4;
        if (v === 6)
            return L_IPV6;
    }
    weirds.add('mpls.payload_unsupported');
    return L_DROP;
}
//# sourceMappingURL=link.js.map