/**
 * Capture inputs: a file path, a gzip-compressed file (RFC 1952, decompressed as a stream and
 * sniffed again), or standard input ('-'). Plain files take a synchronous fast path (fs.readSync
 * into one reused buffer; the readers copy only straddling tails, see carry.ts); gzip and stdin
 * are async per chunk, never per packet.
 *
 * Bad packet bytes never throw (readers count weirds). The one thing thrown here is
 * CaptureInputError: the user pointed at something that is not a readable capture.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { createHash } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import { detectFormat, createReader, SNIFF_BYTES } from './detect.js';
export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;
/** A user error about an input (one clear line), as opposed to malformed packet bytes. */
export class CaptureInputError extends Error {
    code;
    constructor(code, message) {
        super(message);
        this.name = 'CaptureInputError';
        this.code = code;
    }
}
function errno(e) {
    if (typeof e === 'object' && e !== null && 'code' in e) {
        const c = e.code;
        if (typeof c === 'string')
            return c;
    }
    return undefined;
}
function toInputError(e, name) {
    if (e instanceof CaptureInputError)
        return e;
    const code = errno(e);
    if (code === 'ENOENT' || code === 'ENOTDIR')
        return new CaptureInputError('ENOENT', `${name}: no such file`);
    if (code === 'EACCES' || code === 'EPERM')
        return new CaptureInputError('EACCES', `${name}: permission denied`);
    if (code === 'EISDIR')
        return new CaptureInputError('EISDIR', `${name}: is a directory, not a capture file`);
    const msg = e instanceof Error ? e.message : String(e);
    return new CaptureInputError('READ_ERROR', `${name}: read error (${code ?? msg})`);
}
function notCapture(name, description, suffix = '') {
    if (description === 'empty file')
        return new CaptureInputError('EMPTY', `${name}: empty file${suffix}`);
    return new CaptureInputError('NOT_A_CAPTURE', `${name}: not a capture file (looks like ${description})`);
}
function result(path, reader, compressed, bytes, hash) {
    return {
        path,
        format: reader.format,
        compressed,
        packets: reader.packets,
        bytes,
        truncated: reader.truncated,
        error: reader.error,
        linkTypes: [...reader.linkTypes],
        sha256: hash === null ? null : hash.digest('hex'),
    };
}
/**
 * Read a plain pcap/pcapng file synchronously. Returns null when the file is gzip-compressed
 * (use scanInput, which decompresses as a stream). Throws CaptureInputError for user errors.
 */
export function readCaptureFile(path, opts) {
    const name = opts.displayName ?? path;
    let fd;
    try {
        fd = fs.openSync(path, 'r');
    }
    catch (e) {
        throw toInputError(e, name);
    }
    // only file-system errors become CaptureInputError; a throwing sink propagates unchanged
    const read = (buf, off, len) => {
        try {
            return fs.readSync(fd, buf, off, len, null);
        }
        catch (e) {
            throw toInputError(e, name);
        }
    };
    try {
        let isDir;
        try {
            isDir = fs.fstatSync(fd).isDirectory();
        }
        catch (e) {
            throw toInputError(e, name);
        }
        if (isDir)
            throw new CaptureInputError('EISDIR', `${name}: is a directory, not a capture file`);
        const total = opts.onProgress === undefined ? null : fs.fstatSync(fd).size;
        const hash = opts.hash === true ? createHash('sha256') : null;
        const head = Buffer.allocUnsafe(SNIFF_BYTES);
        let headLen = 0;
        while (headLen < SNIFF_BYTES) {
            const n = read(head, headLen, SNIFF_BYTES - headLen);
            if (n === 0)
                break;
            headLen += n;
        }
        const det = detectFormat(head.subarray(0, headLen));
        if (det.kind === 'gzip')
            return null;
        if (det.kind === 'other')
            throw notCapture(name, det.description);
        const reader = createReader(det.kind, opts);
        let bytes = headLen;
        hash?.update(head.subarray(0, headLen));
        reader.push(head.subarray(0, headLen));
        opts.onProgress?.(bytes, total);
        const chunk = Buffer.allocUnsafe(Math.max(1, opts.chunkBytes ?? DEFAULT_CHUNK_BYTES));
        // after a fatal reader error keep reading only to finish the hash
        while (reader.error === null || hash !== null) {
            const n = read(chunk, 0, chunk.length);
            if (n === 0)
                break;
            bytes += n;
            const view = chunk.subarray(0, n);
            hash?.update(view);
            reader.push(view);
            opts.onProgress?.(bytes, total);
        }
        reader.end();
        return result(path, reader, false, bytes, hash);
    }
    finally {
        fs.closeSync(fd);
    }
}
/** Scan a path ('-' = standard input): plain files synchronously, gzip and stdin as streams. */
export async function scanInput(path, opts) {
    if (path === '-')
        return scanStream(process.stdin, '-', { ...opts, displayName: opts.displayName ?? 'stdin' });
    const plain = readCaptureFile(path, opts);
    if (plain !== null)
        return plain;
    const name = opts.displayName ?? path;
    let stream;
    try {
        stream = fs.createReadStream(path, { highWaterMark: Math.max(1, opts.chunkBytes ?? DEFAULT_CHUNK_BYTES) });
    }
    catch (e) {
        throw toInputError(e, name);
    }
    const onProgress = opts.onProgress;
    let total = null;
    if (onProgress !== undefined) {
        try {
            total = fs.statSync(path).size;
        }
        catch {
            total = null;
        }
    }
    try {
        return await scanStream(stream, path, {
            ...opts,
            displayName: name,
            ...(onProgress !== undefined ? { onProgress: (b) => onProgress(b, total) } : {}),
        });
    }
    finally {
        stream.destroy();
    }
}
function toBuffer(v) {
    if (typeof v === 'string')
        return Buffer.from(v, 'latin1');
    return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}
/** Read chunks until SNIFF_BYTES are seen (or the end); returns them and a copy of the head. */
async function sniff(next) {
    const chunks = [];
    let len = 0;
    while (len < SNIFF_BYTES) {
        const b = await next();
        if (b === null)
            break;
        if (b.length === 0)
            continue;
        chunks.push(b);
        len += b.length;
    }
    const head = Buffer.alloc(Math.min(len, SNIFF_BYTES));
    let o = 0;
    for (const c of chunks) {
        if (o >= head.length)
            break;
        o += c.copy(head, o, 0, Math.min(c.length, head.length - o));
    }
    return { head, chunks };
}
async function drain(reader, chunks, next, keepGoing) {
    for (const c of chunks)
        reader.push(c);
    for (;;) {
        if (reader.error !== null && !keepGoing)
            break;
        const b = await next();
        if (b === null)
            break;
        reader.push(b);
    }
}
/**
 * Scan a stream of bytes (a file stream, stdin, or any async iterable of chunks). `path` is what
 * the result reports; opts.displayName (default: path) names it in error messages.
 */
export async function scanStream(input, path, opts) {
    const name = opts.displayName ?? path;
    const hash = opts.hash === true ? createHash('sha256') : null;
    let rawBytes = 0;
    const it = input[Symbol.asyncIterator]();
    let readFailed = null;
    const nextRaw = async () => {
        let r;
        try {
            r = await it.next();
        }
        catch (e) {
            readFailed = toInputError(e, name);
            throw readFailed;
        }
        if (r.done === true)
            return null;
        const b = toBuffer(r.value);
        rawBytes += b.length;
        hash?.update(b);
        opts.onProgress?.(rawBytes, null);
        return b;
    };
    const outer = await sniff(nextRaw);
    const det = detectFormat(outer.head);
    if (det.kind === 'other')
        throw notCapture(name, det.description);
    if (det.kind !== 'gzip') {
        const reader = createReader(det.kind, opts);
        await drain(reader, outer.chunks, nextRaw, hash !== null);
        reader.end();
        return result(path, reader, false, rawBytes, hash);
    }
    // gzip: decompress as a stream, then sniff the content again
    async function* raw() {
        for (const c of outer.chunks)
            yield c;
        for (;;) {
            const b = await nextRaw();
            if (b === null)
                return;
            yield b;
        }
    }
    const gunzip = zlib.createGunzip();
    const src = Readable.from(raw());
    pipeline(src, gunzip, () => undefined);
    const git = gunzip[Symbol.asyncIterator]();
    let gzipError = null;
    const nextInner = async () => {
        if (gzipError !== null)
            return null;
        try {
            const r = await git.next();
            return r.done === true ? null : r.value;
        }
        catch (e) {
            gzipError = e;
            return null;
        }
    };
    let reader = null;
    try {
        const inner = await sniff(nextInner);
        if (readFailed !== null)
            throw readFailed;
        if (inner.head.length === 0) {
            if (gzipError !== null)
                throw new CaptureInputError('NOT_A_CAPTURE', `${name}: not a capture file (corrupt gzip data)`);
            throw new CaptureInputError('EMPTY', `${name}: empty file (after gzip decompression)`);
        }
        const innerDet = detectFormat(inner.head);
        if (innerDet.kind === 'gzip') {
            throw new CaptureInputError('NOT_A_CAPTURE', `${name}: not a capture file (gzip inside gzip)`);
        }
        if (innerDet.kind === 'other') {
            throw new CaptureInputError('NOT_A_CAPTURE', `${name}: not a capture file (looks like gzip-compressed ${innerDet.description})`);
        }
        reader = createReader(innerDet.kind, opts);
        await drain(reader, inner.chunks, nextInner, hash !== null);
        if (readFailed !== null)
            throw readFailed;
        if (gzipError !== null && reader.error === null) {
            opts.weirds.add('gzip.corrupt');
            reader.end();
            reader.truncated = true;
        }
        else {
            reader.end();
        }
        return result(path, reader, true, rawBytes, hash);
    }
    finally {
        src.destroy();
        gunzip.destroy();
    }
}
//# sourceMappingURL=source.js.map