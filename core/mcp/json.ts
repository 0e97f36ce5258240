/**
 * JSON values as they come off the wire (RFC 8259), parsed without ever throwing.
 * Used by the JSON-RPC 2.0 / MCP layer; callers narrow with the guards below.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [k: string]: JsonValue;
}

export type JsonParse = { ok: true; value: JsonValue } | { ok: false };

/** JSON.parse wrapped: hostile text (bad syntax, absurd nesting) yields `{ ok: false }`. */
export function parseJson(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch {
    return { ok: false };
  }
}

export function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `o[k]` if it is a string (capped to `max` UTF-16 units), else null. */
export function str(o: JsonValue | undefined, k: string, max = 512): string | null {
  if (!isObject(o)) return null;
  const v = o[k];
  return typeof v === 'string' ? v.slice(0, max) : null;
}

/** Byte length of a value re-serialised; -1 when it cannot be serialised (never throws). */
export function jsonSize(v: JsonValue): number {
  try {
    return Buffer.byteLength(JSON.stringify(v), 'utf8');
  } catch {
    return -1;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
/** Lenient UTF-8 decoding (invalid sequences become U+FFFD). */
export function decodeUtf8(b: Uint8Array): string {
  return utf8.decode(b);
}
