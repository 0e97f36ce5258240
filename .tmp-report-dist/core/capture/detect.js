import { PcapReader, PCAP_MAGIC_US, PCAP_MAGIC_NS, PCAP_MAGIC_MODIFIED } from './pcap.js';
import { PcapngReader, BT_SHB } from './pcapng.js';
/** bytes worth passing to detectFormat for a good "other" description */
export const SNIFF_BYTES = 512;
const PCAP_MAGICS = [PCAP_MAGIC_US, PCAP_MAGIC_NS, PCAP_MAGIC_MODIFIED];
/** [magic bytes, offset, description] of common non-capture files */
const SIGNATURES = [
    [[0x50, 0x4b, 0x03, 0x04], 0, 'a ZIP archive'],
    [[0x50, 0x4b, 0x05, 0x06], 0, 'a ZIP archive (empty)'],
    [[0x42, 0x5a, 0x68], 0, 'a bzip2-compressed file'],
    [[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 0, 'an xz-compressed file'],
    [[0x28, 0xb5, 0x2f, 0xfd], 0, 'a zstd-compressed file'],
    [[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], 0, 'a 7-Zip archive'],
    [[0x52, 0x61, 0x72, 0x21], 0, 'a RAR archive'],
    [[0x75, 0x73, 0x74, 0x61, 0x72], 257, 'a tar archive'],
    [[0x25, 0x50, 0x44, 0x46], 0, 'a PDF document'],
    [[0x89, 0x50, 0x4e, 0x47], 0, 'a PNG image'],
    [[0xff, 0xd8, 0xff], 0, 'a JPEG image'],
    [[0x47, 0x49, 0x46, 0x38], 0, 'a GIF image'],
    [[0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66], 0, 'an SQLite database'],
    // other capture formats (Wireshark wiretap): snoop, NetMon 1/2, NetXRay, Sniffer
    [[0x73, 0x6e, 0x6f, 0x6f, 0x70, 0x00, 0x00, 0x00], 0, 'a Solaris snoop capture (convert it with: editcap -F pcap)'],
    [[0x52, 0x54, 0x53, 0x53], 0, 'a Microsoft Network Monitor capture (convert it with: editcap -F pcap)'],
    [[0x47, 0x4d, 0x42, 0x55], 0, 'a Microsoft Network Monitor capture (convert it with: editcap -F pcap)'],
    [[0x58, 0x43, 0x50, 0x00], 0, 'a NetXRay/Sniffer capture (convert it with: editcap -F pcap)'],
];
const EXECUTABLES = [
    [[0x7f, 0x45, 0x4c, 0x46], 'an ELF executable'],
    [[0x4d, 0x5a], 'a Windows executable'],
    [[0xcf, 0xfa, 0xed, 0xfe], 'a Mach-O executable'],
    [[0xca, 0xfe, 0xba, 0xbe], 'a Mach-O universal binary or Java class'],
    [[0x00, 0x61, 0x73, 0x6d], 'a WebAssembly module'],
];
function startsWith(head, sig, at = 0) {
    if (head.length < at + sig.length)
        return false;
    for (let i = 0; i < sig.length; i++)
        if (head[at + i] !== sig[i])
            return false;
    return true;
}
function u32(head, le) {
    const b0 = head[0] ?? 0, b1 = head[1] ?? 0, b2 = head[2] ?? 0, b3 = head[3] ?? 0;
    return le ? (b0 | (b1 << 8) | (b2 << 16) | (b3 << 24)) >>> 0 : ((b0 << 24) | (b1 << 16) | (b2 << 8) | b3) >>> 0;
}
function hexBytes(head, n) {
    return Array.from(head.subarray(0, n), (b) => b.toString(16).padStart(2, '0')).join(' ');
}
function isText(head) {
    for (const b of head) {
        if (b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0c)
            continue;
        if (b < 0x20 || b === 0x7f)
            return false;
    }
    return true;
}
function describeText(head) {
    let s = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('latin1');
    if (s.startsWith('\u00ef\u00bb\u00bf'))
        s = s.slice(3);
    const t = s.trimStart();
    const lower = t.toLowerCase();
    if (t.startsWith('{') || t.startsWith('['))
        return 'text (looks like JSON)';
    if (lower.startsWith('<?xml'))
        return 'text (looks like XML)';
    if (lower.startsWith('<!doctype html') || lower.startsWith('<html'))
        return 'text (looks like HTML)';
    if (/^(CLIENT_RANDOM|CLIENT_HANDSHAKE_TRAFFIC_SECRET|SERVER_HANDSHAKE_TRAFFIC_SECRET|CLIENT_TRAFFIC_SECRET_0|# SSL\/TLS secrets log)/.test(t)) {
        return 'text (looks like a TLS key log file)';
    }
    if (/^\d\d:\d\d:\d\d\.\d+ /.test(t))
        return 'text (looks like tcpdump text output)';
    if (t.startsWith('#!'))
        return 'text (a script)';
    if (t.length === 0)
        return 'text (only whitespace)';
    return 'text';
}
/**
 * Endace ERF has no magic number; a first record header whose timestamp (seconds, little-endian
 * upper half of the 64-bit field) falls in 2000..2100, with a known record type (1..48) and a
 * record length ≥ 16 is a strong hint (ERF type reference, Endace EDM11-01).
 */
function looksLikeErf(head) {
    if (head.length < 16)
        return false;
    const secs = ((head[4] ?? 0) | ((head[5] ?? 0) << 8) | ((head[6] ?? 0) << 16) | ((head[7] ?? 0) << 24)) >>> 0;
    const type = (head[8] ?? 0) & 0x7f;
    const rlen = ((head[10] ?? 0) << 8) | (head[11] ?? 0);
    return secs >= 946684800 && secs <= 4102444800 && type >= 1 && type <= 48 && rlen >= 16;
}
export function detectFormat(head) {
    if (head.length === 0)
        return { kind: 'other', description: 'empty file' };
    if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b)
        return { kind: 'gzip' };
    if (head.length >= 4) {
        const le = u32(head, true);
        const be = u32(head, false);
        if (PCAP_MAGICS.includes(le) || PCAP_MAGICS.includes(be))
            return { kind: 'pcap' };
        if (le === BT_SHB)
            return { kind: 'pcapng' };
    }
    for (const [sig, at, description] of SIGNATURES) {
        if (startsWith(head, sig, at))
            return { kind: 'other', description };
    }
    for (const [sig, what] of EXECUTABLES) {
        if (startsWith(head, sig))
            return { kind: 'other', description: `binary data (first bytes ${hexBytes(head, 4)}: ${what})` };
    }
    if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff]))
        return { kind: 'other', description: 'text (UTF-16)' };
    if (isText(head))
        return { kind: 'other', description: describeText(head) };
    if (looksLikeErf(head))
        return { kind: 'other', description: 'an ERF/other capture format (convert it with: editcap -F pcap)' };
    if (head.length < 4)
        return { kind: 'other', description: `too short to be a capture (${head.length} bytes)` };
    return { kind: 'other', description: `binary data (first bytes ${hexBytes(head, 4)})` };
}
/** A reader for a detected format. pcapng options may include onDecryptionSecrets. */
export function createReader(format, opts) {
    return format === 'pcap' ? new PcapReader(opts) : new PcapngReader(opts);
}
//# sourceMappingURL=detect.js.map