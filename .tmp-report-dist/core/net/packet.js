/**
 * The typed record the link/network/transport decoders fill for one frame (gopacket's
 * DecodingLayerParser idea): one mutable object reused for every packet, holding offsets into
 * the frame buffer instead of copies. Valid only until the next frame is decoded.
 */
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
/** TCP flag bits (RFC 9293 §3.1) */
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export function newDecodedPacket() {
    return {
        buf: Buffer.alloc(0),
        ipVersion: 0,
        srcAddrOff: 0,
        dstAddrOff: 0,
        proto: 0,
        srcPort: 0,
        dstPort: 0,
        tcpFlags: 0,
        seq: 0,
        ack: 0,
        payloadOff: 0,
        payloadLen: 0,
        wirePayloadLen: 0,
        zone: 0,
        vlan: 0,
        tunnelId: -1,
        encapDepth: 0,
    };
}
/** Text form of an address held in buf at off (4 bytes IPv4, 16 bytes IPv6, RFC 5952 compressed). */
export function formatAddr(buf, off, ipVersion) {
    if (ipVersion === 4) {
        return `${buf[off]}.${buf[off + 1]}.${buf[off + 2]}.${buf[off + 3]}`;
    }
    if (isIpv4Mapped(buf, off)) {
        // RFC 5952 §5: IPv4-mapped addresses keep the dotted quad, e.g. ::ffff:192.0.2.1
        return `::ffff:${buf[off + 12]}.${buf[off + 13]}.${buf[off + 14]}.${buf[off + 15]}`;
    }
    const words = [];
    for (let i = 0; i < 8; i++)
        words.push(((buf[off + 2 * i] ?? 0) << 8) | (buf[off + 2 * i + 1] ?? 0));
    // longest run of zero words (length >= 2) becomes "::"
    let bestStart = -1;
    let bestLen = 0;
    for (let i = 0; i < 8;) {
        if (words[i] === 0) {
            let j = i;
            while (j < 8 && words[j] === 0)
                j++;
            if (j - i > bestLen && j - i >= 2) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        else
            i++;
    }
    const hex = (w) => w.toString(16);
    if (bestStart < 0)
        return words.map(hex).join(':');
    const head = words.slice(0, bestStart).map(hex).join(':');
    const tail = words.slice(bestStart + bestLen).map(hex).join(':');
    return `${head}::${tail}`;
}
/** True when the 16 bytes at off are an IPv4-mapped IPv6 address ::ffff:a.b.c.d (RFC 4291 §2.5.5.2). */
export function isIpv4Mapped(buf, off) {
    for (let i = 0; i < 10; i++)
        if (buf[off + i] !== 0)
            return false;
    return buf[off + 10] === 0xff && buf[off + 11] === 0xff;
}
//# sourceMappingURL=packet.js.map