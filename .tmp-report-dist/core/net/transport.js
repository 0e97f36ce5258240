import { u16, u32 } from './bytes.js';
import { L_DONE, L_DROP, L_GENEVE, L_VXLAN, L_VXLAN_GPE, enterTunnel } from './layers.js';
export const UDP_PORT_VXLAN = 4789;
export const UDP_PORT_VXLAN_GPE = 4790;
export const UDP_PORT_GENEVE = 6081;
export function decodeTcp(out, weirds) {
    const b = out.buf;
    const o = out.payloadOff;
    const n = out.payloadLen;
    if (n < 20) {
        weirds.add('tcp.truncated');
        return L_DROP;
    }
    const doff = (b[o + 12] >> 4) << 2;
    if (doff < 20 || doff > out.wirePayloadLen) {
        weirds.add('tcp.bad_data_offset');
        return L_DROP;
    }
    if (doff > n) {
        weirds.add('tcp.truncated');
        return L_DROP;
    }
    out.srcPort = u16(b, o);
    out.dstPort = u16(b, o + 2);
    out.seq = u32(b, o + 4);
    out.ack = u32(b, o + 8);
    out.tcpFlags = b[o + 13];
    // options: validate the TLV walk (RFC 9293 §3.1 "Options")
    const end = o + doff;
    for (let p = o + 20; p < end;) {
        const kind = b[p];
        if (kind === 0)
            break;
        if (kind === 1) {
            p++;
            continue;
        }
        if (p + 1 >= end) {
            weirds.add('tcp.bad_option');
            break;
        }
        const len = b[p + 1];
        if (len < 2 || p + len > end) {
            weirds.add('tcp.bad_option');
            break;
        }
        p += len;
    }
    out.payloadOff = end;
    out.payloadLen = n - doff;
    out.wirePayloadLen -= doff;
    return L_DONE;
}
export function decodeUdp(out, weirds) {
    const b = out.buf;
    const o = out.payloadOff;
    const n = out.payloadLen;
    if (n < 8) {
        weirds.add('udp.truncated');
        return L_DROP;
    }
    let ulen = u16(b, o + 4);
    if (ulen < 8) {
        weirds.add('udp.bad_length');
        return L_DROP;
    }
    if (ulen > out.wirePayloadLen) {
        weirds.add('udp.length_exceeds_ip');
        ulen = out.wirePayloadLen;
    }
    const dst = u16(b, o + 2);
    out.srcPort = u16(b, o);
    out.dstPort = dst;
    out.payloadOff = o + 8;
    out.payloadLen = (ulen < n ? ulen : n) - 8;
    out.wirePayloadLen = ulen - 8;
    if (dst === UDP_PORT_VXLAN)
        return enterTunnel(out, weirds) ? L_VXLAN : L_DROP;
    if (dst === UDP_PORT_VXLAN_GPE)
        return enterTunnel(out, weirds) ? L_VXLAN_GPE : L_DROP;
    if (dst === UDP_PORT_GENEVE)
        return enterTunnel(out, weirds) ? L_GENEVE : L_DROP;
    return L_DONE;
}
//# sourceMappingURL=transport.js.map