import { LINKTYPE } from '../capture/types.js';
import { L_DONE, L_DROP, L_ERSPAN2, L_ERSPAN3, L_ETHERNET, L_ETHERTYPE, L_GENEVE, L_GRE, L_IPV4, L_IPV6, L_IP_ANY, L_LOOP, L_MPLS, L_NULL, L_PPP, L_PPPOE, L_SLL, L_SLL2, L_TCP, L_UDP, L_VXLAN, L_VXLAN_GPE, MAX_STEPS, ipByVersion, } from './layers.js';
import { LINKTYPE_PPP, decodeEthernet, decodeEthertype, decodeLoop, decodeMpls, decodeNull, decodePpp, decodePppoe, decodeSll, decodeSll2, } from './link.js';
import { decodeIpv4, decodeIpv6 } from './ip.js';
import { decodeTcp, decodeUdp } from './transport.js';
import { decodeErspan2, decodeErspan3, decodeGeneve, decodeGre, decodeVxlan, decodeVxlanGpe } from './encap.js';
export { decodeWeirdCodes } from './weird-codes.js';
/** Link types decodeFrame understands. */
export function isSupportedLinkType(linkType) {
    return firstLayer(linkType) !== L_DROP;
}
function firstLayer(linkType) {
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
function resetPacket(out, buf) {
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
 * Decode buf[off, off + capLen) captured with `linkType`. Returns true when an IPv4/IPv6 packet
 * carrying TCP or UDP was decoded (out.proto 6/17, ports, payload offsets, innermost headers of
 * any tunnel); false otherwise, with exactly one weird reason counted (see decodeWeirdCodes;
 * informational codes such as `ipv4.fragment_first` may be counted on success too).
 */
export function decodeFrame(linkType, buf, off, capLen, out, weirds) {
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
        if (layer === L_DONE)
            return true;
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
//# sourceMappingURL=decode.js.map