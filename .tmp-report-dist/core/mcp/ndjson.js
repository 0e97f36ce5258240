/**
 * Newline-delimited JSON-RPC 2.0 over a raw TCP stream — MCP's stdio framing (MCP spec
 * "Transports" §stdio: one JSON-RPC message or batch per line, no embedded newlines) carried
 * over the network (e.g. a stdio server bridged with socat). Writes the same `flow.ext.mcp` /
 * `flow.ext.jsonrpc` as the HTTP analyzer, transport 'ndjson'. Never throws.
 */
import { addFlowIssue, Want } from '../flow/types.js';
import { decodeUtf8 } from './json.js';
import { LineSplitter } from './lines.js';
import { RpcFlowTracker } from './tracker.js';
/** true if the chunk starts (after whitespace) with `{` or `[{` and mentions "jsonrpc" early */
export function sniffNdjsonRpc(chunk) {
    let i = 0;
    const lim = Math.min(chunk.length, 4096);
    while (i < lim && (chunk[i] === 0x20 || chunk[i] === 0x09 || chunk[i] === 0x0a || chunk[i] === 0x0d))
        i++;
    if (i >= lim)
        return false;
    if (chunk[i] !== 0x7b && chunk[i] !== 0x5b)
        return false;
    const head = Buffer.from(chunk.buffer, chunk.byteOffset + i, lim - i).toString('latin1');
    return head.includes('"jsonrpc"');
}
export class NdjsonRpcAnalyzer {
    name = 'ndjson-rpc';
    maxBytesPerDir;
    opts;
    states = new WeakMap();
    constructor(opts) {
        this.opts = typeof opts === 'function' ? { onPayload: opts } : (opts ?? {});
        this.maxBytesPerDir = this.opts.maxBytesPerDir ?? 8 * 1024 * 1024;
    }
    state(flow) {
        const got = this.states.get(flow);
        if (got)
            return got;
        const o = this.opts;
        const topts = {};
        if (o.maxMessages !== undefined)
            topts.maxMessages = o.maxMessages;
        if (o.onPayload !== undefined)
            topts.onPayload = o.onPayload;
        const tracker = new RpcFlowTracker(flow, 'ndjson', topts);
        const maxLine = o.maxLine ?? 1024 * 1024;
        const mk = (dir) => new LineSplitter(maxLine, (line) => {
            st.lines++;
            const text = decodeUtf8(line).trim();
            if (text.length > 0)
                tracker.onJsonText(text, dir === 0 ? 'c2s' : 's2c', st.ts, null, true);
        }, () => {
            st.lines++;
            tracker.noteMalformed('ndjson.line_capped');
        });
        const st = { split: [undefined, undefined], tracker, ts: 0, lines: 0 };
        st.split = [mk(0), mk(1)];
        this.states.set(flow, st);
        return st;
    }
    want(st) {
        if (st.tracker.rpc.messages === 0 && st.lines >= (this.opts.giveUpAfterLines ?? 16))
            return Want.DoneFlow;
        return Want.More;
    }
    onData(flow, dir, chunk, tsMicros) {
        try {
            const st = this.state(flow);
            st.ts = tsMicros;
            st.split[dir].push(chunk);
            return this.want(st);
        }
        catch {
            addFlowIssue(flow, 'ndjson.internal_error');
            return Want.DoneFlow;
        }
    }
    onGap(flow, dir, _len) {
        // a hole: the current line is unusable; the next newline resynchronises
        const st = this.state(flow);
        addFlowIssue(flow, 'ndjson.gap');
        st.split[dir].resync();
        return this.want(st);
    }
    onEnd(flow) {
        const st = this.states.get(flow);
        if (!st)
            return;
        try {
            st.split[0].end();
            st.split[1].end();
        }
        catch {
            addFlowIssue(flow, 'ndjson.internal_error');
        }
    }
}
//# sourceMappingURL=ndjson.js.map