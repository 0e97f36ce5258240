/**
 * MCP inventory / tool-call policy file (YAML 1.2 or JSON, which is YAML), documented in
 * docs/inventory.md. Validated by hand; every error is one line naming the file and the key.
 * Parsing (readPolicyText, shared with the risk policy) never prints: YAML warnings such as an
 * unknown tag, duplicate keys and binary content are errors; an empty file is an error too.
 *
 *   servers:                       # registered MCP servers (omit: no shadow-server check)
 *     - name: crm-tools            # unique, required
 *       owner: sales-platform      # required
 *       url: https://mcp.crm.example:8443/mcp    # or host:/ip: (+ optional port:)
 *       tls: true                  # must be reached over TLS (default true)
 *   toolPolicy:                    # rules; deny wins, then an allow list restricts
 *     - server: crm-*              # registered name, host or ip:port glob
 *       client: 10.0.0.0/8         # optional: client name glob, IP glob or CIDR
 *       allow: [lookup_*]          # optional: only these tools
 *       deny: [delete_*]           # optional: never these tools
 *
 * auditMcp (./audit.ts, re-exported here) turns a policy and a report into HNDL007/008/009.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parseCidr } from '../risk/match.js';
import { isMapping, readPolicyText } from '../util/yaml.js';

export { auditMcp } from './audit.js';

export class McpPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'McpPolicyError';
  }
}

export interface RegisteredMcpServer {
  name: string;
  owner: string;
  /** the url as written, null when host/ip was used */
  url: string | null;
  /** host name to match against Host headers / SNI (lower-case), null when given as an IP */
  host: string | null;
  /** IP address to match against the flow's server address */
  ip: string | null;
  /** null: every port */
  port: number | null;
  /** path of the url (informational: plaintext NDJSON has no path) */
  path: string | null;
  /** the server must be reached over TLS (default true) */
  tls: boolean;
}

export interface ToolPolicyRule {
  /** position in toolPolicy, for evidence */
  index: number;
  server: string;
  client: string | null;
  allow: string[] | null;
  deny: string[];
}

export interface McpPolicy {
  source: string;
  /** null when the file has no `servers` key (no shadow-server check) */
  servers: RegisteredMcpServer[] | null;
  toolPolicy: ToolPolicyRule[];
}

const MAX_FILE_BYTES = 4 * 1024 * 1024;
const TOP_KEYS = ['servers', 'toolPolicy'];
const SERVER_KEYS = ['name', 'owner', 'url', 'host', 'ip', 'port', 'tls'];
const RULE_KEYS = ['server', 'client', 'allow', 'deny'];
const URL_HINT = 'must be a string like http://host:port/path';

type Obj = Record<string, unknown>;
const isObj = isMapping;

function shown(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s).replace(/[^\x20-\x7e…]/g, '?');
}

class Checker {
  constructor(private readonly source: string) {}

  fail(where: string, what: string): never {
    throw new McpPolicyError(`${this.source}: ${where} ${what}`);
  }

  keys(o: Obj, where: string, allowed: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (allowed.includes(k)) continue;
      const name = k.slice(0, 60).replace(/[^\x20-\x7e]/g, '?');
      this.fail(`${where}${where ? '.' : ''}${name}`, `is not a known key (known: ${allowed.join(', ')})`);
    }
  }

  text(o: Obj, key: string, where: string, required: boolean): string | null {
    const v = o[key];
    if (v === undefined || v === null) {
      if (required) this.fail(`${where}.${key}`, 'is required (a non-empty string)');
      return null;
    }
    if (typeof v !== 'string' || v.trim() === '') this.fail(`${where}.${key}`, 'must be a non-empty string');
    return v.trim();
  }

  globs(o: Obj, key: string, where: string): string[] | null {
    const v = o[key];
    if (v === undefined || v === null) return null;
    if (!Array.isArray(v)) this.fail(`${where}.${key}`, 'must be a list of tool names or globs');
    return v.map((x, i) => {
      if (typeof x !== 'string' || x.trim() === '') this.fail(`${where}.${key}[${i}]`, 'must be a non-empty string');
      return x.trim();
    });
  }
}

function defaultPort(protocol: string): number | null {
  return protocol === 'https:' ? 443 : protocol === 'http:' ? 80 : null;
}

function server(c: Checker, v: unknown, i: number, seen: Set<string>): RegisteredMcpServer {
  const w = `servers[${i}]`;
  if (!isObj(v)) c.fail(w, 'must be a mapping with name, owner and url (or host/ip)');
  c.keys(v, w, SERVER_KEYS);
  const name = c.text(v, 'name', w, true) ?? '';
  if (seen.has(name.toLowerCase())) c.fail(`${w}.name`, `${shown(name)} is registered twice`);
  seen.add(name.toLowerCase());
  const owner = c.text(v, 'owner', w, true) ?? '';
  let port: number | null = null;
  if (v['port'] !== undefined && v['port'] !== null) {
    const p = v['port'];
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > 65535) c.fail(`${w}.port`, 'must be an integer 1..65535');
    port = p;
  }
  let tls = true;
  if (v['tls'] !== undefined && v['tls'] !== null) {
    if (typeof v['tls'] !== 'boolean') c.fail(`${w}.tls`, 'must be true or false');
    tls = v['tls'];
  }
  const out: RegisteredMcpServer = { name, owner, url: null, host: null, ip: null, port, path: null, tls };
  if (v['url'] !== undefined) {
    if (v['host'] !== undefined || v['ip'] !== undefined || v['port'] !== undefined) {
      c.fail(w, 'must give either url or host/ip (+ port), not both');
    }
    const raw = v['url'];
    if (typeof raw !== 'string') c.fail(`${w}.url`, URL_HINT);
    let u: URL;
    try {
      u = new URL(raw.trim());
    } catch {
      c.fail(`${w}.url`, URL_HINT);
    }
    if (!['http:', 'https:', 'tcp:'].includes(u.protocol) || u.hostname === '') c.fail(`${w}.url`, URL_HINT);
    const hostname = u.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
    out.url = raw.trim();
    out.port = u.port !== '' ? Number(u.port) : defaultPort(u.protocol);
    if (out.port === null) c.fail(`${w}.url`, 'must name a port (tcp://host:port)');
    if (isIP(hostname) !== 0) out.ip = hostname;
    else out.host = hostname;
    out.path = u.pathname === '' || u.pathname === '/' ? null : u.pathname;
    return out;
  }
  const host = c.text(v, 'host', w, false);
  const ip = c.text(v, 'ip', w, false);
  if (host === null && ip === null) c.fail(w, 'needs url, host or ip');
  if (ip !== null && isIP(ip) === 0) c.fail(`${w}.ip`, `must be an IPv4 or IPv6 address, not ${shown(ip)}`);
  if (host !== null && !/^[A-Za-z0-9._-]+$/.test(host)) c.fail(`${w}.host`, `must be a host name, not ${shown(host)}`);
  out.host = host === null ? null : host.toLowerCase().replace(/\.$/, '');
  out.ip = ip;
  return out;
}

function rule(c: Checker, v: unknown, i: number): ToolPolicyRule {
  const w = `toolPolicy[${i}]`;
  if (!isObj(v)) c.fail(w, 'must be a mapping with server and allow and/or deny');
  c.keys(v, w, RULE_KEYS);
  const server = c.text(v, 'server', w, true) ?? '';
  const client = c.text(v, 'client', w, false);
  if (client !== null && client.includes('/') && parseCidr(client) === null) {
    c.fail(`${w}.client`, `must be a name glob, an IP glob or a CIDR like 10.0.0.0/8, not ${shown(client)}`);
  }
  const allow = c.globs(v, 'allow', w);
  const deny = c.globs(v, 'deny', w) ?? [];
  if (allow === null && deny.length === 0) c.fail(w, 'needs allow and/or deny');
  return { index: i, server, client, allow, deny };
}

/** Validates an already parsed document. `source` names the file in error messages. */
export function validateMcpPolicy(doc: unknown, source: string): McpPolicy {
  const c: Checker = new Checker(source);
  if (!isObj(doc)) throw new McpPolicyError(`${source}: must be a mapping with servers and/or toolPolicy`);
  c.keys(doc, '', TOP_KEYS);
  let servers: RegisteredMcpServer[] | null = null;
  if (doc['servers'] !== undefined && doc['servers'] !== null) {
    const list = doc['servers'];
    if (!Array.isArray(list)) c.fail('servers', 'must be a list');
    const seen = new Set<string>();
    servers = list.map((s, i) => server(c, s, i, seen));
  }
  let toolPolicy: ToolPolicyRule[] = [];
  if (doc['toolPolicy'] !== undefined && doc['toolPolicy'] !== null) {
    const list = doc['toolPolicy'];
    if (!Array.isArray(list)) c.fail('toolPolicy', 'must be a list');
    toolPolicy = list.map((r, i) => rule(c, r, i));
  }
  return { source, servers, toolPolicy };
}

/** Parses YAML / JSON text; an empty text (only whitespace and comments) is an error. */
export function parseMcpPolicy(text: string, source: string): McpPolicy {
  const r = readPolicyText(text, false);
  if (r.kind === 'error') throw new McpPolicyError(`${source}: not valid YAML or JSON: ${r.problem}`);
  if (r.kind === 'empty') throw new McpPolicyError(`${source}: policy file is empty (expected servers and/or toolPolicy)`);
  return validateMcpPolicy(r.doc, source);
}

/** Reads and validates a policy file; throws McpPolicyError with a one-line message. */
export function loadMcpPolicy(path: string): McpPolicy {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : 'read error';
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code;
    throw new McpPolicyError(`${path}: cannot read policy file (${why})`);
  }
  if (buf.length > MAX_FILE_BYTES) throw new McpPolicyError(`${path}: policy file is larger than 4 MiB`);
  return parseMcpPolicy(buf.toString('utf8'), path);
}
