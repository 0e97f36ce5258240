import { u16, u24, u32 } from './bytes.js';
import { L_DROP, L_ERSPAN2, L_ERSPAN3, L_ETHERNET, L_IPV4, L_IPV6, L_IP_ANY, ZONE_ERSPAN, ZONE_GENEVE, ZONE_GRE_KEY, ZONE_VXLAN, advance, foldZone, } from './layers.js';
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
export function decodeGre(out, weirds) {
    const b = out.buf;
    const o = out.payloadOff;
    if (out.payloadLen < 4) {
        weirds.add('gre.truncated');
        return L_DROP;
    }
    const flags = b[o];
    if ((b[o + 1] & 0x07) !== 0) {
        weirds.add('gre.version_unsupported');
        return L_DROP;
    }
    if ((flags & GRE_FLAG_R) !== 0) {
        weirds.add('gre.routing_unsupported');
        return L_DROP;
    }
    const proto = u16(b, o + 2);
    let hl = 4;
    if ((flags & GRE_FLAG_C) !== 0)
        hl += 4;
    const keyOff = hl;
    if ((flags & GRE_FLAG_K) !== 0)
        hl += 4;
    const seq = (flags & GRE_FLAG_S) !== 0;
    if (seq)
        hl += 4;
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
export function decodeErspan2(out, weirds) {
    const b = out.buf;
    const o = out.payloadOff;
    if (out.payloadLen < 8) {
        weirds.add('erspan.truncated');
        return L_DROP;
    }
    if (b[o] >> 4 !== 1) {
        weirds.add('erspan.bad_version');
        return L_DROP;
    }
    const session = u16(b, o + 2) & 0x03ff;
    out.tunnelId = session;
    foldZone(out, ZONE_ERSPAN, session);
    advance(out, 8);
    return L_ETHERNET;
}
export function decodeErspan3(out, weirds) {
    const b = out.buf;
    const o = out.payloadOff;
    if (out.payloadLen < 12) {
        weirds.add('erspan.truncated');
        return L_DROP;
    }
    if (b[o] >> 4 !== 2) {
        weirds.add('erspan.bad_version');
        return L_DROP;
    }
    const session = u16(b, o + 2) & 0x03ff;
    const ft = (b[o + 10] >> 2) & 0x1f;
    const hl = (b[o + 11] & 0x01) !== 0 ? 20 : 12;
    if (hl > out.payloadLen) {
        weirds.add('erspan.truncated');
        return L_DROP;
    }
    out.tunnelId = session;
    foldZone(out, ZONE_ERSPAN, session);
    advance(out, hl);
    if (ft === 0)
        return L_ETHERNET;
    if (ft === 2)
        return L_IP_ANY;
    weirds.add('erspan.frame_type_unsupported');
    return L_DROP;
}
export function decodeVxlan(out, weirds) {
    const b = out.buf;
    const o = out.payloadOff;
    if (out.payloadLen < 8) {
        weirds.add('vxlan.truncated');
        return L_DROP;
    }
    if ((b[o] & VXLAN_FLAG_I) === 0)
        weirds.add('vxlan.i_flag_clear');
    const vni = u24(b, o + 4);
    out.tunnelId = vni;
    foldZone(out, ZONE_VXLAN, vni);
    advance(out, 8);
    return L_ETHERNET;
}
export function decodeVxlanGpe(out, weirds) {
    const b = out.buf;
    const o = out.payloadOff;
    if (out.payloadLen < 8) {
        weirds.add('vxlan.truncated');
        return L_DROP;
    }
    const flags = b[o];
    if ((flags & VXLAN_FLAG_I) === 0)
        weirds.add('vxlan.i_flag_clear');
    const next = (flags & VXLAN_GPE_FLAG_P) !== 0 ? b[o + 3] : 3;
    const vni = u24(b, o + 4);
    out.tunnelId = vni;
    foldZone(out, ZONE_VXLAN, vni);
    advance(out, 8);
    if (next === 3)
        return L_ETHERNET;
    if (next === 1)
        return L_IPV4;
    if (next === 2)
        return L_IPV6;
    weirds.add('vxlan.gpe_protocol_unsupported');
    return L_DROP;
}
export function decodeGeneve(out, weirds) {
    const b = out.buf;
    const o = out.payloadOff;
    if (out.payloadLen < 8) {
        weirds.add('geneve.truncated');
        return L_DROP;
    }
    const b0 = b[o];
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
    if (proto === GRE_PROTO_TEB)
        return L_ETHERNET;
    if (proto === GRE_PROTO_IPV4)
        return L_IPV4;
    if (proto === GRE_PROTO_IPV6)
        return L_IPV6;
    weirds.add('geneve.protocol_unsupported');
    return L_DROP;
}
//# sourceMappingURL=encap.js.map