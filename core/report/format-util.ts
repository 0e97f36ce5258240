/**
 * Small helpers shared by the report formats (findings.ts, sarif.ts, cbom.ts, markdown.ts,
 * ndjson.ts): risk-level ordering, the server label findings are grouped by (SNI, else ip:port,
 * IPv6 in brackets as in RFC 3986 §3.2.2) and clean-up of attacker-controlled text.
 */
import type { FlowReport, RiskLevel } from './model.js';

export const LEVEL_RANK: Readonly<Record<RiskLevel, number>> = { none: 0, low: 1, medium: 2, high: 3, critical: 4 };

/**
 * LEVEL_RANK[level] as a switch: loops over every flow call this, and a Record read whose key
 * varies from flow to flow goes megamorphic in V8 (a stub-cache probe per read).
 */
export function levelRank(l: RiskLevel): number {
  switch (l) {
    case 'low': return 1;
    case 'medium': return 2;
    case 'high': return 3;
    case 'critical': return 4;
    default: return 0;
  }
}

export function maxLevel(a: RiskLevel, b: RiskLevel): RiskLevel {
  return levelRank(b) > levelRank(a) ? b : a;
}

export function isRiskLevel(v: unknown): v is RiskLevel {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(LEVEL_RANK, v);
}

/** ip:port, IPv6 in brackets */
export function endpointLabel(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** The server a flow talks to: TLS SNI when present, else the server's ip:port. */
export function serverLabel(f: FlowReport): string {
  const sni = f.tls?.sni;
  if (typeof sni === 'string' && sni.length > 0) return sni;
  return endpointLabel(f.server.ip, f.server.port);
}

/**
 * Replace C0/C1 controls, DEL, line/paragraph separators and bidirectional controls (captured
 * text must neither break lines nor reorder what is displayed around it, cf. CVE-2021-42574).
 */
export function stripControls(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, '?');
}

/** Cut a string to at most `max` UTF-16 units (never in the middle of a surrogate pair), with an ellipsis. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = Math.max(0, max - 1);
  const code = s.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${s.slice(0, end)}…`;
}

/** Replace lone UTF-16 surrogates with U+FFFD (encodeURIComponent throws on them; files would get U+FFFD anyway). */
export function wellFormed(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}
