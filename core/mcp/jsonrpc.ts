/**
 * JSON-RPC 2.0 message extraction (https://www.jsonrpc.org/specification §4–§6): single
 * objects and batches (arrays). Only shape is checked here; whether it is MCP is decided in
 * ./recognize.ts.
 */
import { isObject, jsonSize } from './json.js';
import type { JsonValue } from './json.js';

export type RpcKind = 'request' | 'notification' | 'response' | 'error';

export interface RpcMessage {
  kind: RpcKind;
  /** the id as text (numbers in decimal), null for notifications and `id: null` errors */
  id: string | null;
  /** type-tagged id for pairing ("n:1" and "s:1" differ), null when id is absent or null */
  idKey: string | null;
  method: string | null;
  params?: JsonValue;
  result?: JsonValue;
  error?: { code: number | null; message: string | null };
  /** bytes of this message's JSON text (for a batch element: re-serialised size) */
  size: number;
}

export interface RpcExtract {
  messages: RpcMessage[];
  /** elements that were not valid JSON-RPC 2.0 objects */
  invalid: number;
  batch: boolean;
}

/** largest batch we look into; the rest is counted as invalid */
export const MAX_BATCH = 1000;

function idOf(v: JsonValue | undefined): { id: string | null; idKey: string | null; ok: boolean } {
  if (typeof v === 'string') return { id: v.slice(0, 256), idKey: 's:' + v.slice(0, 256), ok: true };
  if (typeof v === 'number' && Number.isFinite(v)) return { id: String(v), idKey: 'n:' + String(v), ok: true };
  if (v === null || v === undefined) return { id: null, idKey: null, ok: true };
  return { id: null, idKey: null, ok: false };
}

/** One JSON value → a JSON-RPC message, or null when it is not one. */
export function toRpcMessage(o: JsonValue, size: number): RpcMessage | null {
  if (!isObject(o) || o['jsonrpc'] !== '2.0') return null;
  const ident = idOf(o['id']);
  if (!ident.ok) return null;
  const m = o['method'];
  if (typeof m === 'string') {
    const msg: RpcMessage = {
      kind: 'id' in o && ident.idKey !== null ? 'request' : 'notification',
      id: ident.id,
      idKey: ident.idKey,
      method: m.slice(0, 256),
      size,
    };
    const p = o['params'];
    if (p !== undefined) msg.params = p;
    return msg;
  }
  if ('result' in o) {
    const msg: RpcMessage = { kind: 'response', id: ident.id, idKey: ident.idKey, method: null, size };
    const r = o['result'];
    if (r !== undefined) msg.result = r;
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
export function extractRpc(v: JsonValue, size: number): RpcExtract {
  if (Array.isArray(v)) {
    const out: RpcExtract = { messages: [], invalid: 0, batch: true };
    const n = Math.min(v.length, MAX_BATCH);
    out.invalid += v.length - n;
    for (let i = 0; i < n; i++) {
      const el = v[i] as JsonValue;
      const m = toRpcMessage(el, isObject(el) ? jsonSize(el) : 0);
      if (m) out.messages.push(m);
      else out.invalid++;
    }
    return out;
  }
  const m = toRpcMessage(v, size);
  return m ? { messages: [m], invalid: 0, batch: false } : { messages: [], invalid: 1, batch: false };
}

