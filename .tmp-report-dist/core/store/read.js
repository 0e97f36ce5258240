import { microsToIso } from './time.js';
/** SELECT list for flows: every column, timestamps as epoch microseconds */
export const FLOW_SELECT = `flow_id, transport, client_ip, client_port, server_ip, server_port,
  vlan, tunnel_id, app, epoch_us(first_seen) AS first_us, epoch_us(last_seen) AS last_us,
  pkts_c2s, pkts_s2c, bytes_c2s, bytes_s2c, end_reason, has_tls, tls_version, sni,
  offered_groups, key_share_groups, selected_group, hrr, cipher_suite, alpn, ja4,
  signature_algorithms, ech, cert_sig_alg, cert_key_alg, cert_key_bits, share_validation,
  kex_offered, kex_negotiated, kex_group, kex_reason, kex_mechanism, mcp, sensitivity, risk,
  issues, extra`;
export function str(v) {
    return typeof v === 'string' ? v : null;
}
export function num(v) {
    if (typeof v === 'number')
        return v;
    if (typeof v === 'bigint')
        return Number(v);
    return null;
}
export function bool(v) {
    return typeof v === 'boolean' ? v : null;
}
export function iso(v) {
    if (typeof v === 'bigint')
        return microsToIso(v);
    if (typeof v === 'number')
        return microsToIso(BigInt(v));
    return null;
}
function nums(v) {
    if (!Array.isArray(v))
        return null;
    const out = [];
    for (const x of v) {
        const n = num(x);
        if (n !== null)
            out.push(n);
    }
    return out;
}
function strs(v) {
    if (!Array.isArray(v))
        return null;
    return v.filter((x) => typeof x === 'string');
}
/** a JSON column's parsed value, null when NULL or unparsable */
export function parseJson(v) {
    if (typeof v !== 'string')
        return null;
    try {
        const parsed = JSON.parse(v);
        return parsed;
    }
    catch {
        return null;
    }
}
export function jsonObject(v) {
    const p = parseJson(v);
    return p !== null && typeof p === 'object' && !Array.isArray(p) ? p : null;
}
function tlsOf(r) {
    if (r['has_tls'] !== true)
        return null;
    const tls = {
        version: str(r['tls_version']),
        sni: str(r['sni']),
        offeredGroups: nums(r['offered_groups']) ?? [],
        keyShareGroups: nums(r['key_share_groups']) ?? [],
        selectedGroup: num(r['selected_group']),
        helloRetryRequest: bool(r['hrr']) ?? false,
        cipherSuite: num(r['cipher_suite']),
    };
    const alpn = strs(r['alpn']);
    if (alpn !== null)
        tls.alpn = alpn;
    const ja4 = str(r['ja4']);
    if (ja4 !== null)
        tls.ja4 = ja4;
    const sigs = nums(r['signature_algorithms']);
    if (sigs !== null)
        tls.signatureAlgorithms = sigs;
    const ech = bool(r['ech']);
    if (ech !== null)
        tls.ech = ech;
    const sig = str(r['cert_sig_alg']);
    const key = str(r['cert_key_alg']);
    const bits = num(r['cert_key_bits']);
    if (sig !== null || key !== null || bits !== null) {
        tls.certificate = { signatureAlgorithm: sig, publicKeyAlgorithm: key, publicKeyBits: bits };
    }
    const sv = str(r['share_validation']);
    if (sv !== null)
        tls.shareValidation = sv;
    return tls;
}
function kexOf(r) {
    const kex = {
        offered: (str(r['kex_offered']) ?? 'unknown'),
        negotiated: (str(r['kex_negotiated']) ?? 'unknown'),
        group: str(r['kex_group']),
    };
    const reason = str(r['kex_reason']);
    if (reason !== null)
        kex.reason = reason;
    const mech = str(r['kex_mechanism']);
    if (mech !== null)
        kex.mechanism = mech;
    return kex;
}
export function flowFromRow(r) {
    const extra = jsonObject(r['extra']) ?? {};
    const flow = {
        ...extra,
        id: num(r['flow_id']) ?? 0,
        transport: str(r['transport']) === 'udp' ? 'udp' : 'tcp',
        client: { ip: str(r['client_ip']) ?? '', port: num(r['client_port']) ?? 0 },
        server: { ip: str(r['server_ip']) ?? '', port: num(r['server_port']) ?? 0 },
        app: str(r['app']) ?? '',
        firstSeen: iso(r['first_us']) ?? '',
        lastSeen: iso(r['last_us']) ?? '',
        packets: { clientToServer: num(r['pkts_c2s']) ?? 0, serverToClient: num(r['pkts_s2c']) ?? 0 },
        bytes: { clientToServer: num(r['bytes_c2s']) ?? 0, serverToClient: num(r['bytes_s2c']) ?? 0 },
        endReason: str(r['end_reason']),
        tls: tlsOf(r),
        kex: kexOf(r),
        mcp: jsonObject(r['mcp']) ?? null,
        issues: strs(r['issues']) ?? [],
    };
    const vlan = num(r['vlan']);
    if (vlan !== null)
        flow.vlan = vlan;
    const tunnel = num(r['tunnel_id']);
    if (tunnel !== null)
        flow.tunnelId = tunnel;
    const sens = jsonObject(r['sensitivity']);
    if (sens !== null)
        flow.sensitivity = sens;
    const risk = jsonObject(r['risk']);
    if (risk !== null)
        flow.risk = risk;
    return flow;
}
/** SELECT list for inputs */
export const INPUT_SELECT = `path, format, compressed, packets, bytes, truncated, error, sha256, link_types`;
export function inputFromRow(r) {
    const input = {
        path: str(r['path']) ?? '',
        format: str(r['format']) === 'pcapng' ? 'pcapng' : 'pcap',
        packets: num(r['packets']) ?? 0,
        bytes: num(r['bytes']) ?? 0,
        truncated: bool(r['truncated']) ?? false,
    };
    const compressed = bool(r['compressed']);
    if (compressed !== null)
        input.compressed = compressed;
    const error = str(r['error']);
    if (error !== null)
        input.error = error;
    const sha = str(r['sha256']);
    if (sha !== null)
        input.sha256 = sha;
    const lt = nums(r['link_types']);
    if (lt !== null)
        input.linkTypes = lt;
    return input;
}
//# sourceMappingURL=read.js.map