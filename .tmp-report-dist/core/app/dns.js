/** RFC 1035 §4.1.1: 12-byte header; opcode 0-6 (RFC 6895 registry), counts small. */
export function looksLikeDns(p) {
    if (p.length < 12)
        return false;
    const flags = ((p[2] ?? 0) << 8) | (p[3] ?? 0);
    const opcode = (flags >> 11) & 0xf;
    if (opcode > 6)
        return false;
    const qd = ((p[4] ?? 0) << 8) | (p[5] ?? 0);
    const an = ((p[6] ?? 0) << 8) | (p[7] ?? 0);
    if (qd > 8 || an > 256)
        return false;
    const isResponse = (flags & 0x8000) !== 0;
    return qd >= 1 || isResponse;
}
export class DnsAnalyzer {
    name = 'dns';
    onDatagram(flow, _dir, _payload, _ts) {
        flow.app = 'dns';
        return 2;
    }
    onEnd(_flow) { }
}
//# sourceMappingURL=dns.js.map