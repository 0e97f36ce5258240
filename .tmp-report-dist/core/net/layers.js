export const L_DROP = -1;
export const L_DONE = 0;
/** Ethernet II / 802.3 frame, cursor at the destination MAC (IEEE 802.3 clause 3) */
export const L_ETHERNET = 1;
/** cursor at a 2-byte EtherType field; 802.1Q/802.1ad tags are walked here */
export const L_ETHERTYPE = 2;
export const L_IPV4 = 3;
export const L_IPV6 = 4;
/** IPv4 or IPv6 by the version nibble (LINKTYPE_RAW, MPLS payload, ERSPAN III frame type 2) */
export const L_IP_ANY = 5;
export const L_TCP = 6;
export const L_UDP = 7;
export const L_GRE = 8;
export const L_ERSPAN2 = 9;
export const L_ERSPAN3 = 10;
export const L_VXLAN = 11;
export const L_VXLAN_GPE = 12;
export const L_GENEVE = 13;
export const L_SLL = 14;
export const L_SLL2 = 15;
export const L_NULL = 16;
export const L_LOOP = 17;
export const L_PPP = 18;
export const L_MPLS = 19;
export const L_PPPOE = 20;
/** encapsulations peeled off at most (VXLAN, Geneve, GRE, IP-in-IP each count one) */
export const MAX_ENCAP_DEPTH = 4;
/** layer steps per frame at most (safety net; a legal frame needs far fewer) */
export const MAX_STEPS = 48;
/** tags mixed into the zone so a VLAN id and a VNI of the same value differ */
export const ZONE_VLAN = 1;
export const ZONE_VXLAN = 2;
export const ZONE_GENEVE = 3;
export const ZONE_GRE_KEY = 4;
export const ZONE_ERSPAN = 5;
/** Fold one (kind, id) into out.zone: 32-bit FNV-1a-style mix, never 0 once something was folded. */
export function foldZone(out, kind, id) {
    let h = Math.imul(out.zone ^ kind, 0x01000193) >>> 0;
    h = Math.imul(h ^ (id >>> 0), 0x01000193) >>> 0;
    out.zone = h === 0 ? 1 : h;
}
/** Record one more encapsulation; false (weird counted) when the depth cap is passed. */
export function enterTunnel(out, weirds) {
    out.encapDepth++;
    if (out.encapDepth > MAX_ENCAP_DEPTH) {
        weirds.add('encap.too_deep');
        return false;
    }
    return true;
}
/** Move the cursor n bytes forward (caller checked n <= out.payloadLen). */
export function advance(out, n) {
    out.payloadOff += n;
    out.payloadLen -= n;
    out.wirePayloadLen -= n;
}
/** Layer for an IP packet by its version nibble; L_DROP with a weird otherwise. */
export function ipByVersion(out, weirds) {
    if (out.payloadLen < 1) {
        weirds.add('ip.truncated');
        return L_DROP;
    }
    const v = out.buf[out.payloadOff] >> 4;
    if (v === 4)
        return L_IPV4;
    if (v === 6)
        return L_IPV6;
    weirds.add('ip.bad_version');
    return L_DROP;
}
//# sourceMappingURL=layers.js.map