/**
 * Findings: the rule catalogue of core/report/rules.ts applied to a scan's flows, one finding per
 * (rule, server) where server = SNI, else ip:port. Domain facts: ../shared/DOMAIN.md §1 (groups,
 * legacy Kyber drafts), §3 (SSH), §5 (HNDL risk, CNSA 2.0). Pure: ScanReport in, Finding[] out.
 *
 * Levels. Exposure rules take the highest `flow.risk.level` of their flows when the risk model has
 * scored them, else the documented default below; flows the risk model rates `none` do not count
 * for HNDL002/HNDL004 (their data is not long-lived). Hygiene rules (HNDL006, HNDL010, HNDL011)
 * describe configuration, not the exposure of the data, and keep a fixed level.
 *
 * | rule    | default                                   | with flow.risk                         |
 * | HNDL001 | critical (readable now)                   | max risk level, at least high          |
 * | HNDL002 | http high, dns low, others medium         | max risk level (risk none: skipped)    |
 * | HNDL003 | high (client ready, server not)           | max risk level, at least low           |
 * | HNDL004 | medium; with sensitivity only: lifetime   | max risk level (risk none: skipped)    |
 * |         | ≥10 y high, ≥2 y medium, >0 low, 0 skip   |                                        |
 * | HNDL005 | high (no PQ protection)                   | max risk level, at least medium        |
 * | HNDL006 | medium (fixed)                            |                                        |
 * | HNDL010 | low (fixed): unknown ≠ safe               |                                        |
 * | HNDL011 | none (fixed, informational): CNSA 2.0 is  |                                        |
 * |         | a national-security profile, not an HNDL  |                                        |
 * |         | exposure, so it never trips --fail-on     |                                        |
 *
 * HNDL007–009 (MCP inventory / policy) come from core/mcp/inventory.ts and are merged with
 * `deriveFindings(report, { extra })`. Findings carry labels, group and tool names as data (each
 * output format escapes them), never key shares, payloads or other captured secret values.
 */
import type { Finding, FlowReport, RiskLevel, ScanReport } from './model.js';
import { RULES } from './rules.js';
import type { RuleKey } from './rules.js';
import { groupClass, groupInfo, groupName } from '../tls/groups.js';
import { clip, isRiskLevel, LEVEL_RANK, maxLevel, serverLabel } from './format-util.js';

/** flow ids kept per finding (the total is in evidence.flowCount) */
export const MAX_FLOW_IDS = 100;
/** distinct names (groups, tools, apps) listed per finding */
const MAX_NAMES = 5;
const NAME_CHARS = 64;

export interface DeriveOptions {
  /** findings from other producers (MCP inventory / policy), merged and sorted with ours */
  extra?: readonly Finding[];
  /** serverLabel(report.flows[i]) for every flow, when the caller has them already */
  serverKeys?: readonly string[];
}

/** Default level of each rule without a risk score (see the table above). */
export const RULE_DEFAULT_LEVEL: Readonly<Record<RuleKey, RiskLevel>> = {
  plaintextMcp: 'critical',
  plaintext: 'high',
  offeredHybridNegotiatedClassical: 'high',
  classicalLongLived: 'medium',
  malformedPqShare: 'high',
  legacyKyberDraft: 'medium',
  unregisteredMcpServer: 'high',
  registeredMcpPlaintext: 'high',
  toolCallOutsidePolicy: 'high',
  unknownKex: 'low',
  cnsaNonCompliant: 'none',
};

const BAD_SHARES = new Set(['length-mismatch', 'mlkem-key-invalid']);
/** well-known ports of TLS / SSH services: an undecoded flow there is treated as encrypted */
const ENCRYPTED_PORTS = new Set([22, 443, 465, 563, 636, 853, 989, 990, 992, 993, 995, 4433, 5061, 6697, 8443]);
const PQ_CLASSES = new Set(['hybrid', 'pq']);

/**
 * The fix for a plaintext session of a protocol that can upgrade to TLS in-band
 * (core/app/starttls.ts): require the upgrade, or the protocol's implicit-TLS port.
 */
const REQUIRE_TLS: Readonly<Record<string, string>> = {
  smtp: 'require STARTTLS (RFC 3207), or implicit TLS for submission (RFC 8314)',
  imap: 'require STARTTLS, or implicit TLS on port 993 (RFC 8314)',
  pop3: 'require STLS, or implicit TLS on port 995 (RFC 8314)',
  ftp: 'require AUTH TLS (RFC 4217)',
  nntp: 'require STARTTLS (RFC 4642), or implicit TLS on port 563',
  xmpp: 'require STARTTLS (RFC 6120 §5.3.1)',
  ldap: 'require StartTLS or LDAPS before any bind (RFC 4513 §3)',
  postgresql: 'require TLS (hostssl in pg_hba.conf; sslmode=verify-full on clients)',
  mysql: 'require TLS (require_secure_transport=ON; --ssl-mode=VERIFY_IDENTITY on clients)',
};

interface Bucket {
  key: RuleKey;
  server: string;
  flows: FlowReport[];
  level: RiskLevel | null;
  clients: Set<string>;
  names: Map<string, Set<string>>;
  riskScore: number | null;
  lifetimeYears: number | null;
  category: string | null;
}

function addName(b: Bucket, field: string, v: string | null | undefined): void {
  if (v === null || v === undefined || v.length === 0) return;
  let s = b.names.get(field);
  if (!s) {
    s = new Set();
    b.names.set(field, s);
  }
  if (s.size < MAX_NAMES * 4) s.add(clip(v, NAME_CHARS));
}

function names(b: Bucket, field: string): string[] {
  return [...(b.names.get(field) ?? [])].sort().slice(0, MAX_NAMES);
}

function list(xs: string[]): string {
  return xs.join(', ');
}

function isSsh(f: FlowReport): boolean {
  return f.app === 'ssh' || f['ssh'] !== undefined || (f.kex.mechanism ?? '').startsWith('ssh');
}

/** hybrid / pq group names the client offered (TLS supported_groups + key_share, SSH kex list) */
function offeredPqNames(f: FlowReport): string[] {
  const out: string[] = [];
  if (f.tls) {
    for (const cp of [...f.tls.keyShareGroups, ...f.tls.offeredGroups]) {
      if (PQ_CLASSES.has(groupClass(cp))) {
        const n = groupName(cp);
        if (!out.includes(n)) out.push(n);
      }
    }
  }
  const ssh = f['ssh'];
  if (ssh !== null && typeof ssh === 'object' && 'clientKex' in ssh && Array.isArray(ssh.clientKex)) {
    for (const n of ssh.clientKex) {
      if (typeof n === 'string' && /mlkem|sntrup|kyber/i.test(n) && !out.includes(n)) out.push(n);
    }
  }
  return out;
}

function isLegacyGroup(f: FlowReport): boolean {
  const cp = f.tls?.selectedGroup;
  if (cp !== null && cp !== undefined && groupInfo(cp)?.legacy === true) return true;
  return /kyber|cecpq/i.test(f.kex.group ?? '');
}

/** ML-KEM-1024 based groups (MLKEM1024, SecP384r1MLKEM1024, mlkem1024nistp384-sha384) meet CNSA 2.0 */
function isCnsa(f: FlowReport): boolean {
  const cp = f.tls?.selectedGroup;
  if (cp !== null && cp !== undefined) {
    const g = groupInfo(cp);
    if (g) return g.mlkemK === 4 && g.legacy !== true;
  }
  return /mlkem1024/i.test(f.kex.group ?? '');
}

function looksEncrypted(f: FlowReport): boolean {
  if (f.tls !== null || f.app === 'tls' || f.app === 'quic' || isSsh(f) || f['quic'] !== undefined) return true;
  if (f.kex.reason === 'no-payload' || f.kex.negotiated === 'plaintext') return false;
  return ENCRYPTED_PORTS.has(f.server.port);
}

function plaintextDefault(f: FlowReport): RiskLevel {
  if (f.app === 'http') return 'high';
  if (f.app === 'dns') return 'low';
  return 'medium';
}

function lifetimeLevel(years: number): RiskLevel | null {
  if (years >= 10) return 'high';
  if (years >= 2) return 'medium';
  if (years > 0) return 'low';
  return null;
}

/**
 * Level one flow contributes to a rule, or null when the flow does not count for it.
 * Floors (maxLevel) apply to risk-derived levels only; a level outside RiskLevel counts as no risk.
 */
function flowLevel(key: RuleKey, f: FlowReport): RiskLevel | null {
  const r = f.risk?.level;
  const risk = isRiskLevel(r) ? r : undefined;
  switch (key) {
    case 'plaintextMcp':
      return risk !== undefined ? maxLevel(risk, 'high') : RULE_DEFAULT_LEVEL.plaintextMcp;
    case 'plaintext':
      if (risk !== undefined) return risk === 'none' ? null : risk;
      return plaintextDefault(f);
    case 'offeredHybridNegotiatedClassical':
      return risk !== undefined ? maxLevel(risk, 'low') : RULE_DEFAULT_LEVEL.offeredHybridNegotiatedClassical;
    case 'classicalLongLived': {
      if (risk !== undefined) return risk === 'none' ? null : risk;
      const years = f.sensitivity?.lifetimeYears;
      if (typeof years === 'number' && Number.isFinite(years)) return lifetimeLevel(years);
      return RULE_DEFAULT_LEVEL.classicalLongLived;
    }
    case 'malformedPqShare':
      return risk !== undefined ? maxLevel(risk, 'medium') : RULE_DEFAULT_LEVEL.malformedPqShare;
    default:
      return RULE_DEFAULT_LEVEL[key];
  }
}

/** rules a flow matches (HNDL007–009 are produced elsewhere) */
function rulesFor(f: FlowReport): RuleKey[] {
  const out: RuleKey[] = [];
  const n = f.kex.negotiated;
  if (n === 'plaintext') out.push(f.mcp !== null ? 'plaintextMcp' : 'plaintext');
  if (n === 'classical') {
    if (PQ_CLASSES.has(f.kex.offered)) out.push('offeredHybridNegotiatedClassical');
    out.push('classicalLongLived');
  }
  const sv = f.tls?.shareValidation;
  if (typeof sv === 'string' && BAD_SHARES.has(sv)) out.push('malformedPqShare');
  if (PQ_CLASSES.has(n)) {
    if (isLegacyGroup(f)) out.push('legacyKyberDraft');
    else if (!isCnsa(f)) out.push('cnsaNonCompliant');
  }
  if (n === 'unknown' && looksEncrypted(f)) out.push('unknownKex');
  return out;
}

function collect(b: Bucket, f: FlowReport): void {
  b.clients.add(f.client.ip);
  if (f.risk && Number.isFinite(f.risk.score)) b.riskScore = Math.max(b.riskScore ?? 0, f.risk.score);
  const s = f.sensitivity;
  if (s && typeof s.lifetimeYears === 'number' && Number.isFinite(s.lifetimeYears) && s.lifetimeYears > (b.lifetimeYears ?? -1)) {
    b.lifetimeYears = s.lifetimeYears;
    b.category = typeof s.category === 'string' ? clip(s.category, NAME_CHARS) : null;
  }
  addName(b, 'groups', f.kex.group);
  addName(b, 'apps', f.app);
  if (f.kex.reason) addName(b, 'reasons', f.kex.reason);
  if (f.tls?.shareValidation) addName(b, 'shareValidation', f.tls.shareValidation);
  if (f.mcp) for (const t of f.mcp.tools) addName(b, 'tools', t);
  if (b.key === 'offeredHybridNegotiatedClassical') for (const g of offeredPqNames(f)) addName(b, 'offered', g);
  if (isSsh(f)) addName(b, 'protocols', 'ssh');
  else if (f.tls) addName(b, 'protocols', 'tls');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** the hybrid group to recommend: X25519MLKEM768 / mlkem768x25519-sha256 when offered, else the first offered */
function preferredHybrid(b: Bucket): string {
  const offered = [...(b.names.get('offered') ?? [])];
  const ssh = names(b, 'protocols').includes('ssh');
  const pref = ssh ? 'mlkem768x25519-sha256' : 'X25519MLKEM768';
  if (offered.includes(pref) || offered.length === 0) return pref;
  return offered.find((n) => !/kyber|cecpq/i.test(n)) ?? offered[0] ?? pref;
}

function describe(b: Bucket): { message: string; recommendation: string; evidence: Record<string, unknown> } {
  const n = b.flows.length;
  const flows = plural(n, 'flow');
  const s = b.server;
  const groups = names(b, 'groups');
  const evidence: Record<string, unknown> = { flowCount: n };
  if (groups.length > 0) evidence['groups'] = groups;
  if (b.riskScore !== null) evidence['riskScore'] = b.riskScore;
  const ssh = names(b, 'protocols').includes('ssh');
  const hybridName = ssh ? 'mlkem768x25519-sha256' : 'X25519MLKEM768';
  switch (b.key) {
    case 'plaintextMcp': {
      const tools = names(b, 'tools');
      if (tools.length > 0) evidence['tools'] = tools;
      return {
        message: `MCP traffic to ${s} is not encrypted (${flows}${tools.length > 0 ? `; tools: ${list(tools)}` : ''}).`,
        recommendation: `Serve the MCP endpoint on ${s} over TLS 1.3 with X25519MLKEM768.`,
        evidence,
      };
    }
    case 'plaintext': {
      const apps = names(b, 'apps');
      evidence['apps'] = apps;
      const upgrades = apps.map((a) => REQUIRE_TLS[a]);
      const recommendation = upgrades.length > 0 && upgrades.every((u) => u !== undefined)
        ? `On ${s}, ${upgrades.join('; ')}, with TLS 1.3 and X25519MLKEM768.`
        : `Encrypt the traffic to ${s} with TLS 1.3 and X25519MLKEM768.`;
      return { message: `Plaintext ${list(apps)} traffic to ${s} (${flows}).`, recommendation, evidence };
    }
    case 'offeredHybridNegotiatedClassical': {
      const offered = names(b, 'offered');
      evidence['offered'] = offered;
      const want = preferredHybrid(b);
      return {
        message: `Clients of ${s} offered ${offered.length > 0 ? list(offered) : 'a post-quantum key exchange'} but the server chose classical ${groups.length > 0 ? list(groups) : 'key exchange'} (${flows}).`,
        recommendation: `enable ${want} on ${s}: its clients already offer it`,
        evidence,
      };
    }
    case 'classicalLongLived': {
      if (b.category !== null) evidence['category'] = b.category;
      if (b.lifetimeYears !== null) evidence['lifetimeYears'] = b.lifetimeYears;
      const years = b.lifetimeYears !== null ? `${b.lifetimeYears} year${b.lifetimeYears === 1 ? '' : 's'}` : '';
      const data =
        b.lifetimeYears === null
          ? ''
          : b.category === null || b.category === 'unknown'
            ? ` carrying data of unknown content (assumed secret for ${years})`
            : ` carrying ${b.category} data (secret for ${years})`;
      return {
        message: `Classical key exchange (${groups.length > 0 ? list(groups) : 'unknown group'}) protects ${flows} to ${s}${data}: recorded traffic can be decrypted once a quantum computer exists.`,
        recommendation: `Enable the hybrid ${hybridName} key exchange on ${s} and its clients.`,
        evidence,
      };
    }
    case 'malformedPqShare': {
      const v = names(b, 'shareValidation');
      evidence['shareValidation'] = v;
      return {
        message: `Malformed post-quantum key share (${list(v)}) in ${flows} to ${s}: it gives no post-quantum protection.`,
        recommendation: `Update the TLS library of the clients of ${s}: their hybrid key share is not a valid ML-KEM encapsulation key.`,
        evidence,
      };
    }
    case 'legacyKyberDraft':
      return {
        message: `${s} negotiated the pre-standard Kyber draft group ${list(groups)} (${flows}).`,
        recommendation: `Replace ${list(groups)} with the standard ${hybridName} on ${s} and its clients.`,
        evidence,
      };
    case 'unknownKex': {
      const reasons = names(b, 'reasons');
      evidence['reasons'] = reasons;
      return {
        message: `The key exchange of ${plural(n, 'encrypted flow')} to ${s} is not visible${reasons.length > 0 ? ` (${list(reasons)})` : ''}: its quantum exposure is unknown.`,
        recommendation: `Capture ${s}'s connections from their start (the handshake) to classify them.`,
        evidence,
      };
    }
    case 'cnsaNonCompliant':
      return {
        message: `${s} uses ${list(groups)} (${flows}): post-quantum, but not CNSA 2.0 (ML-KEM-1024 required).`,
        recommendation: ssh
          ? `Where CNSA 2.0 applies, enable mlkem1024nistp384-sha384 on ${s}.`
          : `Where CNSA 2.0 applies, enable SecP384r1MLKEM1024 or MLKEM1024 on ${s}.`,
        evidence,
      };
    default:
      return { message: `${RULES[b.key].title}: ${s} (${flows}).`, recommendation: RULES[b.key].help, evidence };
  }
}

/** Deterministic order: level (highest first), rule id, server, client. */
export function compareFindings(a: Finding, b: Finding): number {
  const l = (LEVEL_RANK[b.level] ?? -1) - (LEVEL_RANK[a.level] ?? -1);
  if (l !== 0) return l;
  if (a.ruleId !== b.ruleId) return a.ruleId < b.ruleId ? -1 : 1;
  const sa = a.server ?? '';
  const sb = b.server ?? '';
  if (sa !== sb) return sa < sb ? -1 : 1;
  const ca = a.client ?? '';
  const cb = b.client ?? '';
  return ca === cb ? 0 : ca < cb ? -1 : 1;
}

function capIds(ids: readonly number[]): number[] {
  return [...new Set(ids)].sort((x, y) => x - y).slice(0, MAX_FLOW_IDS);
}

/** Apply the rule catalogue to the report's flows; merge `opts.extra`; sort. */
export function deriveFindings(report: ScanReport, opts: DeriveOptions = {}): Finding[] {
  // by rule, then server label (the labels are the caller's strings: no key text built per flow)
  const byRule = new Map<RuleKey, Map<string, Bucket>>();
  const all: Bucket[] = [];
  const flows = report.flows;
  const keys = opts.serverKeys?.length === flows.length ? opts.serverKeys : null;
  for (let i = 0; i < flows.length; i++) {
    const f = flows[i] as FlowReport;
    for (const key of rulesFor(f)) {
      const level = flowLevel(key, f);
      if (level === null) continue;
      const server = keys?.[i] ?? serverLabel(f);
      let byServer = byRule.get(key);
      if (byServer === undefined) {
        byServer = new Map();
        byRule.set(key, byServer);
      }
      let b = byServer.get(server);
      if (!b) {
        b = { key, server, flows: [], level: null, clients: new Set(), names: new Map(), riskScore: null, lifetimeYears: null, category: null };
        byServer.set(server, b);
        all.push(b);
      }
      b.flows.push(f);
      b.level = b.level === null ? level : maxLevel(b.level, level);
      collect(b, f);
    }
  }
  const out: Finding[] = [];
  for (const b of all) {
    const d = describe(b);
    const [onlyClient] = b.clients;
    out.push({
      ruleId: RULES[b.key].id,
      level: b.level ?? RULE_DEFAULT_LEVEL[b.key],
      message: d.message,
      server: b.server,
      client: b.clients.size === 1 && onlyClient !== undefined ? onlyClient : null,
      flowIds: capIds(b.flows.map((f) => f.id)),
      recommendation: d.recommendation,
      evidence: d.evidence,
    });
  }
  for (const e of opts.extra ?? []) out.push({ ...e, flowIds: capIds(e.flowIds) });
  return out.sort(compareFindings);
}

/** The report's findings when the caller already attached them, else the derived ones. */
export function findingsOf(report: ScanReport): Finding[] {
  return Array.isArray(report.findings) ? [...report.findings].sort(compareFindings) : deriveFindings(report);
}
