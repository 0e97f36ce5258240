/**
 * Incremental, bounded HTTP/1.1 message parser for one direction of a TCP stream
 * (RFC 9112: §2.2 leading CRLFs, §3 request-line, §4 status-line, §5 fields incl. obs-fold,
 * §6.3 message body length, §7.1 chunked transfer coding incl. trailers). Pipelined messages,
 * chunk boundaries anywhere across push() calls. Never throws: a framing error ends parsing of
 * the direction (`dead`) with an issue code.
 */
import { header } from './types.js';
export const DEFAULT_HEADER_CAP = 64 * 1024;
export const DEFAULT_BODY_CAP = 1024 * 1024;
const MAX_CHUNK_LINE = 1024;
const MAX_PENDING_METHODS = 1024;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
export class HttpParser {
    kind;
    sink;
    state = 'head';
    messages = 0;
    headerCap;
    bodyCap;
    maxFields;
    // head accumulation
    headBuf = new Uint8Array(512);
    headLen = 0;
    lineLen = 0;
    // current message
    head = null;
    mode = 'skip';
    remaining = 0;
    bodyBytes = 0;
    body = null;
    bodyLen = 0;
    capped = false;
    // chunked
    lineBuf = '';
    trailerBytes = 0;
    /** methods of requests not yet answered (response parser only) */
    pendingMethods = [];
    constructor(kind, sink, opts = {}) {
        this.kind = kind;
        this.sink = sink;
        this.headerCap = opts.headerCap ?? DEFAULT_HEADER_CAP;
        this.bodyCap = opts.bodyCap ?? DEFAULT_BODY_CAP;
        this.maxFields = opts.maxFields ?? 256;
    }
    /** response parser: a request with this method was sent (FIFO, for HEAD/CONNECT framing) */
    enqueueRequestMethod(method) {
        if (this.pendingMethods.length < MAX_PENDING_METHODS)
            this.pendingMethods.push(method);
    }
    get alive() {
        return this.state !== 'dead' && this.state !== 'tunnel';
    }
    fail(code) {
        this.sink.onIssue(code);
        this.state = 'dead';
        this.head = null;
        this.body = null;
    }
    push(chunk, ts) {
        let off = 0;
        const n = chunk.length;
        // every iteration consumes >= 1 byte or leaves the loop
        while (off < n) {
            switch (this.state) {
                case 'dead':
                case 'tunnel':
                    return;
                case 'head':
                    off = this.pushHead(chunk, off, ts);
                    break;
                case 'len': {
                    const k = Math.min(this.remaining, n - off);
                    this.deliver(chunk.subarray(off, off + k), ts);
                    off += k;
                    this.remaining -= k;
                    if (this.remaining === 0)
                        this.finish(true, ts);
                    break;
                }
                case 'close':
                    this.deliver(chunk.subarray(off), ts);
                    off = n;
                    break;
                case 'chunk-data': {
                    const k = Math.min(this.remaining, n - off);
                    this.deliver(chunk.subarray(off, off + k), ts);
                    off += k;
                    this.remaining -= k;
                    if (this.remaining === 0) {
                        this.state = 'chunk-crlf';
                        this.lineBuf = '';
                    }
                    break;
                }
                case 'chunk-size':
                case 'chunk-crlf':
                case 'trailer':
                    off = this.pushChunkLine(chunk, off, ts);
                    break;
            }
        }
    }
    /** end of the stream: a close-delimited body completes, anything else is cut */
    end(ts) {
        if (this.state === 'close')
            this.finish(true, ts);
        else if (this.state === 'len' || this.state.startsWith('chunk') || this.state === 'trailer') {
            // an event stream ends with the connection: only a cut buffered body is an anomaly
            if (this.mode !== 'stream')
                this.sink.onIssue('http.truncated_body');
            this.finish(false, ts);
        }
        else if (this.state === 'head' && this.headLen > 0)
            this.sink.onIssue('http.truncated_head');
        this.state = 'dead';
    }
    /** a hole in the stream: HTTP framing cannot be recovered */
    gap() {
        if (this.state === 'close' && this.head && this.mode !== 'stream') {
            // close-delimited body with a hole: keep counting, the content is unusable
            this.capped = true;
            return;
        }
        if (this.alive)
            this.fail('http.gap');
    }
    pushHead(chunk, off, ts) {
        const n = chunk.length;
        let i = off;
        let end = -1;
        for (; i < n; i++) {
            const c = chunk[i];
            if (c === 0x0a) {
                if (this.lineLen === 0) {
                    end = i + 1;
                    break;
                }
                this.lineLen = 0;
            }
            else if (c !== 0x0d)
                this.lineLen++;
        }
        const stop = end < 0 ? n : end;
        if (!this.appendHead(chunk.subarray(off, stop))) {
            this.fail('http.header_too_large');
            return n;
        }
        if (end < 0)
            return n;
        // a blank line before any start line is skipped (RFC 9112 §2.2)
        let meaningful = false;
        for (let k = 0; k < this.headLen; k++) {
            const c = this.headBuf[k];
            if (c !== 0x0d && c !== 0x0a) {
                meaningful = true;
                break;
            }
        }
        if (!meaningful) {
            this.headLen = 0;
            return end;
        }
        const text = Buffer.from(this.headBuf.buffer, this.headBuf.byteOffset, this.headLen).toString('latin1');
        this.headLen = 0;
        this.lineLen = 0;
        this.onHeadText(text, ts);
        return end;
    }
    appendHead(b) {
        const need = this.headLen + b.length;
        if (need > this.headerCap)
            return false;
        if (need > this.headBuf.length) {
            const nb = new Uint8Array(Math.min(this.headerCap, Math.max(need, this.headBuf.length * 2)));
            nb.set(this.headBuf.subarray(0, this.headLen));
            this.headBuf = nb;
        }
        this.headBuf.set(b, this.headLen);
        this.headLen = need;
        return true;
    }
    onHeadText(text, ts) {
        const lines = text.split('\n');
        let first = 0;
        while (first < lines.length && (lines[first] ?? '').replace(/\r$/, '') === '')
            first++;
        const startLine = (lines[first] ?? '').replace(/\r$/, '');
        const head = { kind: this.kind, method: null, target: '', version: '', status: 0, headers: [] };
        if (this.kind === 'request') {
            const m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+) HTTP\/(1\.[01])$/.exec(startLine);
            if (!m)
                return this.fail('http.bad_request_line');
            head.method = m[1] ?? '';
            head.target = m[2] ?? '';
            head.version = m[3] ?? '';
        }
        else {
            const m = /^HTTP\/(1\.[01]) ([0-9]{3})(?: .*)?$/.exec(startLine);
            if (!m)
                return this.fail('http.bad_status_line');
            head.version = m[1] ?? '';
            head.status = Number(m[2]);
        }
        for (let i = first + 1; i < lines.length; i++) {
            const line = (lines[i] ?? '').replace(/\r$/, '');
            if (line === '')
                continue;
            if (line[0] === ' ' || line[0] === '\t') {
                // obs-fold (RFC 9112 §5.2): join to the previous field
                const prev = head.headers[head.headers.length - 1];
                if (prev)
                    prev[1] = (prev[1] + ' ' + line.trim()).trim();
                else
                    this.sink.onIssue('http.bad_header_line');
                continue;
            }
            const colon = line.indexOf(':');
            const name = colon > 0 ? line.slice(0, colon) : '';
            if (!TOKEN.test(name)) {
                this.sink.onIssue('http.bad_header_line');
                continue;
            }
            if (head.headers.length >= this.maxFields) {
                this.sink.onIssue('http.too_many_headers');
                break;
            }
            head.headers.push([name.toLowerCase(), line.slice(colon + 1).trim()]);
        }
        this.startMessage(head, ts);
    }
    startMessage(head, ts) {
        let reqMethod = null;
        if (this.kind === 'response') {
            const final = head.status >= 200 || head.status === 101;
            reqMethod = (final ? this.pendingMethods.shift() : this.pendingMethods[0]) ?? null;
            head.method = reqMethod;
        }
        // framing (RFC 9112 §6.3)
        const te = header(head, 'transfer-encoding');
        const clValues = head.headers.filter(([k]) => k === 'content-length').map(([, v]) => v);
        let framing = 'none';
        let length = 0;
        if (this.kind === 'response' && head.status === 101)
            framing = 'tunnel';
        else if (this.kind === 'response' && reqMethod === 'CONNECT' && head.status >= 200 && head.status < 300)
            framing = 'tunnel';
        else if (this.kind === 'response' && (reqMethod === 'HEAD' || head.status < 200 || head.status === 204 || head.status === 304))
            framing = 'none';
        else if (te !== null) {
            const codings = te.toLowerCase().split(',').map((s) => s.trim());
            if (codings[codings.length - 1] === 'chunked')
                framing = 'chunked';
            else if (this.kind === 'response')
                framing = 'close';
            else
                return this.fail('http.bad_transfer_encoding');
        }
        else if (clValues.length > 0) {
            const parts = clValues.join(',').split(',').map((s) => s.trim());
            const v0 = parts[0] ?? '';
            if (!/^[0-9]{1,15}$/.test(v0) || parts.some((p) => p !== v0))
                return this.fail('http.bad_content_length');
            length = Number(v0);
            framing = length > 0 ? 'len' : 'none';
        }
        else if (this.kind === 'response')
            framing = 'close';
        this.head = head;
        this.bodyBytes = 0;
        this.bodyLen = 0;
        this.body = null;
        this.capped = false;
        this.mode = this.sink.onHead(head, ts);
        if (this.state === 'dead')
            return;
        switch (framing) {
            case 'tunnel':
                this.finish(true, ts);
                this.state = 'tunnel';
                return;
            case 'none':
                this.finish(true, ts);
                return;
            case 'len':
                this.remaining = length;
                this.state = 'len';
                return;
            case 'chunked':
                this.state = 'chunk-size';
                this.lineBuf = '';
                return;
            case 'close':
                this.state = 'close';
                return;
        }
    }
    /** CRLF-terminated lines of the chunked coding: chunk-size, the CRLF after data, trailers */
    pushChunkLine(chunk, off, ts) {
        const n = chunk.length;
        let i = off;
        while (i < n && chunk[i] !== 0x0a)
            i++;
        const part = Buffer.from(chunk.buffer, chunk.byteOffset + off, i - off).toString('latin1');
        if (this.lineBuf.length + part.length > MAX_CHUNK_LINE) {
            if (this.state !== 'trailer') {
                this.fail('http.bad_chunk');
                return n;
            }
        }
        else
            this.lineBuf += part;
        if (this.state === 'trailer') {
            this.trailerBytes += i - off;
            if (this.trailerBytes > this.headerCap) {
                this.fail('http.header_too_large');
                return n;
            }
        }
        if (i >= n)
            return n;
        // a full line
        const line = this.lineBuf.replace(/\r$/, '');
        this.lineBuf = '';
        const next = i + 1;
        if (this.state === 'chunk-size') {
            const m = /^([0-9A-Fa-f]{1,13})[ \t]*(;.*)?$/.exec(line);
            if (!m) {
                this.fail('http.bad_chunk');
                return n;
            }
            const size = parseInt(m[1] ?? '0', 16);
            if (size === 0) {
                this.state = 'trailer';
                this.trailerBytes = 0;
            }
            else {
                this.remaining = size;
                this.state = 'chunk-data';
            }
        }
        else if (this.state === 'chunk-crlf') {
            if (line !== '') {
                this.fail('http.bad_chunk');
                return n;
            }
            this.state = 'chunk-size';
        }
        else if (line === '') {
            this.finish(true, ts);
        }
        return next;
    }
    deliver(b, ts) {
        if (b.length === 0 || !this.head)
            return;
        this.bodyBytes += b.length;
        if (this.mode === 'stream') {
            this.sink.onBodyChunk(this.head, b, ts);
            return;
        }
        if (this.mode !== 'buffer' || this.capped)
            return;
        const room = this.bodyCap - this.bodyLen;
        const take = Math.min(room, b.length);
        if (take < b.length) {
            this.capped = true;
            this.sink.onIssue('http.body_capped');
        }
        if (take <= 0)
            return;
        const need = this.bodyLen + take;
        if (this.body === null || need > this.body.length) {
            const nb = new Uint8Array(Math.min(this.bodyCap, Math.max(need, (this.body?.length ?? 2048) * 2)));
            if (this.body)
                nb.set(this.body.subarray(0, this.bodyLen));
            this.body = nb;
        }
        this.body.set(b.subarray(0, take), this.bodyLen);
        this.bodyLen = need;
    }
    finish(complete, ts) {
        const head = this.head;
        if (head) {
            this.messages++;
            const body = this.mode === 'buffer' ? (this.body ?? new Uint8Array(0)).subarray(0, this.bodyLen) : null;
            this.sink.onMessage({ head, body, bodyBytes: this.bodyBytes, capped: this.capped, complete }, ts);
        }
        this.head = null;
        this.body = null;
        this.bodyLen = 0;
        if (this.alive)
            this.state = 'head';
    }
}
//# sourceMappingURL=parser.js.map