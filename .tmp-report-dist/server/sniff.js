/**
 * Upload content sniffing by magic bytes (core/capture/detect.ts detectFormat: pcap, pcapng,
 * gzip per RFC 1952): a gzip upload is accepted when its first decompressed bytes are a pcap
 * or pcapng header. The declared Content-Type and file name are never trusted.
 */
import * as zlib from 'node:zlib';
import { SNIFF_BYTES, detectFormat } from '../core/capture/detect.js';
/** bytes of a gzip upload inflated to find the inner format (≤ ~4 MiB of output at deflate's 1032:1) */
export const GZIP_SNIFF_BYTES = 4096;
/** decide from the first bytes; null = need more (only when `complete` is false) */
export function sniffCapture(head, complete) {
    if (!complete && head.length < SNIFF_BYTES)
        return null;
    const det = detectFormat(head.subarray(0, SNIFF_BYTES));
    if (det.kind === 'pcap' || det.kind === 'pcapng')
        return { ok: true, format: det.kind, compressed: false };
    if (det.kind === 'other')
        return { ok: false, description: det.description };
    if (!complete && head.length < GZIP_SNIFF_BYTES)
        return null;
    let inner;
    try {
        inner = zlib.gunzipSync(head.subarray(0, GZIP_SNIFF_BYTES), {
            finishFlush: zlib.constants.Z_SYNC_FLUSH,
            maxOutputLength: 8 * 1024 * 1024,
        });
    }
    catch {
        return { ok: false, description: 'corrupt gzip data' };
    }
    if (inner.length === 0)
        return { ok: false, description: complete ? 'an empty gzip file' : 'gzip data without content' };
    const innerDet = detectFormat(inner.subarray(0, SNIFF_BYTES));
    if (innerDet.kind === 'pcap' || innerDet.kind === 'pcapng')
        return { ok: true, format: innerDet.kind, compressed: true };
    if (innerDet.kind === 'gzip')
        return { ok: false, description: 'gzip inside gzip' };
    return { ok: false, description: `gzip-compressed ${innerDet.kind === 'other' ? innerDet.description : 'data'}` };
}
//# sourceMappingURL=sniff.js.map