import { u16 } from './bytes.js';
import { L_DROP, L_GRE, L_IPV4, L_IPV6, L_TCP, L_UDP, enterTunnel } from './layers.js';
export const IPPROTO_HOPOPTS = 0;
export const IPPROTO_ICMP = 1;
export const IPPROTO_IPIP = 4;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_IPV6 = 41;
export const IPPROTO_ROUTING = 43;
export const IPPROTO_FRAGMENT = 44;
export const IPPROTO_GRE = 47;
export const IPPROTO_ESP = 50;
export const IPPROTO_AH = 51;
export const IPPROTO_ICMPV6 = 58;
export const IPPROTO_NONE = 59;
export const IPPROTO_DSTOPTS = 60;
export const IPPROTO_MOBILITY = 135;
export const MAX_IPV6_EXT_HEADERS = 8;
/** AH headers skipped in an IPv4 packet at most */
const MAX_IPV4_AH = 2;
/** Next layer for the (final) IP protocol; out.proto already set. */
function layerForProto(proto, out, weirds) {
    switch (proto) {
        case IPPROTO_TCP:
            return L_TCP;
        case IPPROTO_UDP:
            return L_UDP;
        case IPPROTO_GRE:
            return enterTunnel(out, weirds) ? L_GRE : L_DROP;
        case IPPROTO_IPIP:
            return enterTunnel(out, weirds) ? L_IPV4 : L_DROP;
        case IPPROTO_IPV6:
            return enterTunnel(out, weirds) ? L_IPV6 : L_DROP;
        case IPPROTO_ICMP:
        case IPPROTO_ICMPV6:
            weirds.add('ip.icmp');
            return L_DROP;
        case IPPROTO_ESP:
            weirds.add('ip.esp');
            return L_DROP;
        case IPPROTO_NONE:
            weirds.add('ip.no_next_header');
            return L_DROP;
        default:
            weirds.add('ip.proto_other');
            return L_DROP;
    }
}
export function decodeIpv4(out, weirds) {
    const b = out.buf;
    const o = out.payloadOff;
    const n = out.payloadLen;
    if (n < 20) {
        weirds.add('ipv4.truncated');
        return L_DROP;
    }
    const vihl = b[o];
    if (vihl >> 4 !== 4) {
        weirds.add('ipv4.bad_version');
        return L_DROP;
    }
    const hl = (vihl & 0x0f) << 2;
    if (hl < 20) {
        weirds.add('ipv4.bad_header_length');
        return L_DROP;
    }
    if (hl > n) {
        weirds.add('ipv4.truncated');
        return L_DROP;
    }
    let total = u16(b, o + 2);
    if (total === 0) {
        weirds.add('ipv4.total_length_zero');
        total = n;
    }
    if (total < hl) {
        weirds.add('ipv4.bad_total_length');
        return L_DROP;
    }
    const frag = u16(b, o + 6);
    if ((frag & 0x1fff) !== 0) {
        weirds.add('ipv4.fragment_non_first');
        return L_DROP;
    }
    if ((frag & 0x2000) !== 0)
        weirds.add('ipv4.fragment_first');
    out.ipVersion = 4;
    out.srcAddrOff = o + 12;
    out.dstAddrOff = o + 16;
    let proto = b[o + 9];
    out.payloadOff = o + hl;
    out.payloadLen = (total < n ? total : n) - hl;
    out.wirePayloadLen = total - hl;
    for (let i = 0; proto === IPPROTO_AH; i++) {
        const p = out.payloadOff;
        if (i >= MAX_IPV4_AH) {
            weirds.add('ip.ah_too_many');
            return L_DROP;
        }
        if (out.payloadLen < 8) {
            weirds.add('ip.ah_truncated');
            return L_DROP;
        }
        const len = (b[p + 1] + 2) << 2;
        if (len > out.payloadLen) {
            weirds.add('ip.ah_truncated');
            return L_DROP;
        }
        proto = b[p];
        out.payloadOff += len;
        out.payloadLen -= len;
        out.wirePayloadLen -= len;
    }
    out.proto = proto;
    return layerForProto(proto, out, weirds);
}
export function decodeIpv6(out, weirds) {
    const b = out.buf;
    const o = out.payloadOff;
    const n = out.payloadLen;
    if (n < 40) {
        weirds.add('ipv6.truncated');
        return L_DROP;
    }
    if (b[o] >> 4 !== 6) {
        weirds.add('ipv6.bad_version');
        return L_DROP;
    }
    let plen = u16(b, o + 4);
    let nh = b[o + 6];
    if (plen === 0) {
        if (nh === IPPROTO_HOPOPTS) {
            weirds.add('ipv6.jumbogram');
            return L_DROP;
        }
        weirds.add('ipv6.payload_length_zero'); // segmentation offload: use what was captured
        plen = n - 40;
    }
    out.ipVersion = 6;
    out.srcAddrOff = o + 8;
    out.dstAddrOff = o + 24;
    const wireEnd = o + 40 + plen;
    const capEnd = 40 + plen < n ? wireEnd : o + n;
    let p = o + 40;
    for (let i = 0;; i++) {
        if (nh !== IPPROTO_HOPOPTS &&
            nh !== IPPROTO_ROUTING &&
            nh !== IPPROTO_FRAGMENT &&
            nh !== IPPROTO_DSTOPTS &&
            nh !== IPPROTO_AH &&
            nh !== IPPROTO_MOBILITY)
            break;
        if (i >= MAX_IPV6_EXT_HEADERS) {
            weirds.add('ipv6.too_many_ext_headers');
            return L_DROP;
        }
        if (p + 8 > capEnd) {
            weirds.add('ipv6.ext_truncated');
            return L_DROP;
        }
        let len;
        if (nh === IPPROTO_FRAGMENT) {
            const fo = u16(b, p + 2);
            if ((fo & 0xfff8) !== 0) {
                weirds.add('ipv6.fragment_non_first');
                return L_DROP;
            }
            if ((fo & 1) !== 0)
                weirds.add('ipv6.fragment_first');
            len = 8;
        }
        else if (nh === IPPROTO_AH) {
            len = (b[p + 1] + 2) << 2;
        }
        else {
            len = (b[p + 1] + 1) << 3;
        }
        if (p + len > capEnd) {
            weirds.add('ipv6.ext_truncated');
            return L_DROP;
        }
        nh = b[p];
        p += len;
    }
    out.proto = nh;
    out.payloadOff = p;
    out.payloadLen = capEnd - p;
    out.wirePayloadLen = wireEnd - p;
    return layerForProto(nh, out, weirds);
}
//# sourceMappingURL=ip.js.map