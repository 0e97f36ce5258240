/**
 * JSON-RPC 2.0 message extraction (https://www.jsonrpc.org/specification §4–§6): single
 * objects and batches (arrays). Only shape is checked here; whether it is MCP is decided in
 * ./recognize.ts.
 */
import { isObject, jsonSize } from './json.js';
/** largest batch we look into; the rest is counted as invalid */
export const MAX_BATCH = 1000;
function idOf(v) {
    if (typeof v === 'string')
        return { id: v.slice(0, 256), idKey: 's:' + v.slice(0, 256), ok: true };
    if (typeof v === 'number' && Number.isFinite(v))
        return { id: String(v), idKey: 'n:' + String(v), ok: true };
    if (v === null || v === undefined)
        return { id: null, idKey: null, ok: true };
    return { id: null, idKey: null, ok: false };
}
/** One JSON value → a JSON-RPC message, or null when it is not one. */
export function toRpcMessage(o, size) {
    if (!isObject(o) || o['jsonrpc'] !== '2.0')
        return null;
    const ident = idOf(o['id']);
    if (!ident.ok)
        return null;
    const m = o['method'];
    if (typeof m === 'string') {
        const msg = {
            kind: 'id' in o && ident.idKey !== null ? 'request' : 'notification',
            id: ident.id,
            idKey: ident.idKey,
            method: m.slice(0, 256),
            size,
        };
        const p = o['params'];
        if (p !== undefined)
            msg.params = p;
        return msg;
    }
    if ('result' in o) {
        const msg = { kind: 'response', id: ident.id, idKey: ident.idKey, method: null, size };
        const r = o['result'];
        if (r !== undefined)
            msg.result = r;
        return msg;
    }
    const e = o['error'];
    if (isObject(e)) {
        const code = e['code'];
        const message = e['message'];
        return {
            kind: 'error',
            id: ident.id,
            idKey: ident.idKey,
            method: null,
            error: {
                code: typeof code === 'number' ? code : null,
                message: typeof message === 'string' ? message.slice(0, 256) : null,
            },
            size,
        };
    }
    return null;
}
/** Extracts the JSON-RPC messages of one parsed body / SSE data / NDJSON line. */
export function extractRpc(v, size) {
    if (Array.isArray(v)) {
        const out = { messages: [], invalid: 0, batch: true };
        const n = Math.min(v.length, MAX_BATCH);
        out.invalid += v.length - n;
        for (let i = 0; i < n; i++) {
            const el = v[i];
            const m = toRpcMessage(el, isObject(el) ? jsonSize(el) : 0);
            if (m)
                out.messages.push(m);
            else
                out.invalid++;
        }
        return out;
    }
    const m = toRpcMessage(v, size);
    return m ? { messages: [m], invalid: 0, batch: false } : { messages: [], invalid: 1, batch: false };
}
//# sourceMappingURL=jsonrpc.js.map