const utf8 = new TextDecoder('utf-8', { fatal: false });
export class SseParser {
    onEvent;
    onIssue;
    events = 0;
    comments = 0;
    maxLine;
    maxData;
    parts = [];
    partsLen = 0;
    lineOverflow = false;
    skipLf = false;
    first = true;
    // event being built
    eventType = '';
    data = [];
    dataLen = 0;
    capped = false;
    lastId = null;
    retry = null;
    constructor(onEvent, onIssue = () => { }, opts = {}) {
        this.onEvent = onEvent;
        this.onIssue = onIssue;
        this.maxLine = opts.maxLine ?? 1024 * 1024;
        this.maxData = opts.maxData ?? 1024 * 1024;
    }
    push(chunk) {
        let off = 0;
        const n = chunk.length;
        if (this.skipLf && n > 0) {
            this.skipLf = false;
            if (chunk[0] === 0x0a)
                off = 1;
        }
        while (off < n) {
            let i = off;
            while (i < n && chunk[i] !== 0x0a && chunk[i] !== 0x0d)
                i++;
            this.appendLine(chunk.subarray(off, i));
            if (i >= n)
                return;
            // end of line
            if (chunk[i] === 0x0d) {
                if (i + 1 < n) {
                    if (chunk[i + 1] === 0x0a)
                        i++;
                }
                else
                    this.skipLf = true;
            }
            off = i + 1;
            this.endLine();
        }
    }
    /** end of stream: an unfinished event is discarded (per the standard) */
    end() {
        this.parts = [];
        this.partsLen = 0;
        this.data = [];
        this.dataLen = 0;
        this.eventType = '';
    }
    appendLine(b) {
        if (b.length === 0)
            return;
        if (this.partsLen + b.length > this.maxLine) {
            if (!this.lineOverflow)
                this.onIssue('sse.line_capped');
            this.lineOverflow = true;
            return;
        }
        this.parts.push(b.slice());
        this.partsLen += b.length;
    }
    endLine() {
        let line;
        if (this.parts.length === 1)
            line = utf8.decode(this.parts[0]);
        else if (this.parts.length === 0)
            line = '';
        else
            line = utf8.decode(Buffer.concat(this.parts, this.partsLen));
        const overflow = this.lineOverflow;
        this.parts = [];
        this.partsLen = 0;
        this.lineOverflow = false;
        if (this.first) {
            this.first = false;
            if (line.charCodeAt(0) === 0xfeff)
                line = line.slice(1);
        }
        if (overflow) {
            this.capped = true;
            return;
        }
        if (line === '')
            return this.dispatch();
        if (line[0] === ':') {
            this.comments++;
            return;
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value[0] === ' ')
            value = value.slice(1);
        switch (field) {
            case 'event':
                this.eventType = value.slice(0, 256);
                break;
            case 'data':
                if (this.dataLen + value.length + 1 > this.maxData) {
                    if (!this.capped)
                        this.onIssue('sse.event_capped');
                    this.capped = true;
                }
                else {
                    this.data.push(value);
                    this.dataLen += value.length + 1;
                }
                break;
            case 'id':
                if (!value.includes('\0'))
                    this.lastId = value.slice(0, 256);
                break;
            case 'retry':
                if (/^[0-9]{1,15}$/.test(value))
                    this.retry = Number(value);
                break;
            default:
                break;
        }
    }
    dispatch() {
        const hadData = this.data.length > 0 || this.capped;
        const ev = {
            event: this.eventType,
            data: this.data.join('\n'),
            id: this.lastId,
            retry: this.retry,
            capped: this.capped,
        };
        this.data = [];
        this.dataLen = 0;
        this.eventType = '';
        this.capped = false;
        if (!hadData)
            return;
        this.events++;
        this.onEvent(ev);
    }
}
//# sourceMappingURL=sse.js.map