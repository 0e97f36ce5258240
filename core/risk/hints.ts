/**
 * Evidence from metadata (never from values): MCP tool / resource / prompt names, plaintext HTTP
 * paths and header names, SNI / Host against the service table, well-known ports, and the
 * default for flows without evidence. Tables: name-rules.ts, service-tables.ts.
 */
import { DEFAULT_CATEGORY, MCP_DEFAULT_CATEGORY } from './categories.js';
import { hostMatches } from './match.js';
import { matchName } from './name-rules.js';
import { SERVICE_HOSTS, SERVICE_PORTS } from './service-tables.js';
import type { HostRow } from './service-tables.js';
import type { Confidence, Evidence, EvidenceSource } from './types.js';

export interface McpMeta {
  tools?: readonly string[];
  resources?: readonly string[];
  prompts?: readonly string[];
  serverName?: string | null;
}

function fromNames(names: readonly string[] | undefined, kind: string, source: EvidenceSource, location: string, out: Evidence[]): void {
  if (names === undefined) return;
  for (const n of names.slice(0, 256)) {
    for (const r of matchName(n)) {
      out.push({ detector: `${kind}-name`, category: r.category, location: `${location}.${kind}`, confidence: r.confidence, source });
    }
  }
}

const CODE_EXT = /\.(?:ts|tsx|js|jsx|mjs|cjs|py|go|rs|java|kt|swift|c|h|cc|cpp|hpp|cs|rb|php|scala|sh|sql)$/i;

/** MCP metadata: tool names, resource URIs (file:// source files), prompt names, server name */
export function mcpHints(meta: McpMeta, location: string, out: Evidence[]): void {
  fromNames(meta.tools, 'tool', 'mcp', location, out);
  fromNames(meta.prompts, 'prompt', 'mcp', location, out);
  if (meta.serverName !== undefined && meta.serverName !== null) fromNames([meta.serverName], 'server', 'mcp', location, out);
  for (const uri of (meta.resources ?? []).slice(0, 256)) {
    const path = uri.replace(/[?#].*$/, '');
    if (/^file:/i.test(path) && CODE_EXT.test(path)) {
      out.push({ detector: 'resource-uri', category: 'source-code', location: `${location}.resource`, confidence: 'medium', source: 'mcp' });
    }
    fromNames([path], 'resource', 'mcp', location, out);
  }
}

export interface HttpMeta {
  path?: string | null;
  /** header names → values; only names and the Authorization scheme word are looked at */
  headers?: Readonly<Record<string, string | readonly string[] | undefined>> | readonly (readonly [string, string])[];
}

function headerEntries(h: HttpMeta['headers']): [string, string][] {
  if (h === undefined) return [];
  if (Array.isArray(h)) return (h as readonly (readonly [string, string])[]).map(([k, v]) => [k.toLowerCase(), v]);
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(h as Readonly<Record<string, string | readonly string[] | undefined>>)) {
    if (v === undefined) continue;
    out.push([k.toLowerCase(), typeof v === 'string' ? v : v.join(', ')]);
  }
  return out;
}

/** plaintext HTTP: path words (/fhir/, /payments, /login), header names, content type */
export function httpHints(meta: HttpMeta, location: string, out: Evidence[]): void {
  if (meta.path !== undefined && meta.path !== null) {
    const path = meta.path.replace(/[?#].*$/, '');
    if (/(?:^|\/)fhir(?:\/|$)/i.test(path)) {
      out.push({ detector: 'http-path', category: 'health', location: `${location}.path`, confidence: 'high', source: 'http' });
    }
    fromNames([path], 'path', 'http', location, out);
  }
  for (const [name, value] of headerEntries(meta.headers)) {
    const at = `${location}.headers.${name}`;
    let cat: string | null = null;
    let conf: Confidence = 'medium';
    if (name === 'authorization' || name === 'proxy-authorization') {
      // RFC 7617: Basic carries user-id:password (long-lived); other schemes carry tokens
      cat = /^\s*basic\b/i.test(value) ? 'secret-keys' : 'credentials';
      conf = 'high';
    } else if (name === 'cookie') {
      cat = 'credentials';
    } else if (name === 'x-api-key' || name === 'api-key' || name === 'x-goog-api-key') {
      cat = 'secret-keys';
      conf = 'high';
    } else if (name === 'x-auth-token' || name === 'x-csrf-token') {
      cat = 'credentials';
    } else if (name === 'content-type' && /application\/fhir\+(?:json|xml)|application\/dicom/i.test(value)) {
      cat = 'health';
      conf = 'high';
    }
    if (cat !== null) out.push({ detector: 'http-header', category: cat, location: at, confidence: conf, source: 'http' });
  }
}

/** the service-table row for a host name, or null */
/** host → table row; a capture repeats the same few hosts, so answers are remembered (capped) */
const HOST_CACHE = new Map<string, HostRow | null>();
const HOST_CACHE_MAX = 65_536;

export function lookupHost(host: string): HostRow | null {
  const hit = HOST_CACHE.get(host);
  if (hit !== undefined) return hit;
  const row = SERVICE_HOSTS.find((r) => hostMatches(r.pattern, host)) ?? null;
  if (HOST_CACHE.size < HOST_CACHE_MAX) HOST_CACHE.set(host, row);
  return row;
}

/** SNI / Host: well-known services (service-tables.ts) */
export function sniHints(host: string | null | undefined, location: string, out: Evidence[]): void {
  if (host === null || host === undefined || host.length === 0) return;
  const row = lookupHost(host);
  if (row !== null) out.push({ detector: 'sni-table', category: row.category, location, confidence: row.confidence, source: 'sni' });
}

/** server port: well-known services (low confidence) */
export function portHints(port: number, transport: 'tcp' | 'udp', location: string, out: Evidence[]): void {
  const row = SERVICE_PORTS.find((r) => r.port === port && (r.transport === 'any' || r.transport === transport));
  if (row !== undefined) out.push({ detector: 'port-table', category: row.category, location, confidence: 'low', source: 'port' });
}

/** evidence that MCP runs in the flow: agent context of unknown content (MCP tier, low) */
export function mcpTrafficEvidence(location: string): Evidence {
  return { detector: 'mcp-traffic', category: MCP_DEFAULT_CATEGORY, location, confidence: 'low', source: 'mcp' };
}

/** the fallback when nothing else is known */
export function defaultEvidence(location: string): Evidence {
  return { detector: 'default', category: DEFAULT_CATEGORY, location, confidence: 'low', source: 'default' };
}
