/**
 * Roll-ups of scored flows (FlowReport with sensitivity and risk) per server (SNI, else
 * IP:port), per client IP and per capture: flows and bytes at risk, worst category, highest
 * level, a recommended action in plain words, and the deadlines (deadlines.ts) they face.
 */
import { levelRank, serverLabel } from '../report/format-util.js';
import type { FlowReport, RiskLevel } from '../report/model.js';
import type { KexClass } from '../tls/types.js';
import { KEX_CLASSES, kexIndex } from '../tls/types.js';
import type { Deadline } from './deadlines.js';
import { DEFAULT_DEADLINES } from './deadlines.js';
import { RISK_LEVELS } from './policy.js';

export interface GroupSummary {
  key: string;
  flows: number;
  flowsAtRisk: number;
  bytes: number;
  bytesAtRisk: number;
  maxLevel: RiskLevel;
  maxScore: number;
  byLevel: Record<RiskLevel, number>;
  negotiated: Record<KexClass, number>;
  /** category of the longest-lived data among flows at risk */
  worstCategory: string | null;
  worstLifetimeYears: number | null;
  mcpFlows: number;
  recommendations: string[];
}

export interface DeadlineStatus extends Deadline {
  daysLeft: number;
  passed: boolean;
  flowsAffected: number;
  serversAffected: number;
}

export interface Aggregates {
  servers: GroupSummary[];
  clients: GroupSummary[];
  capture: GroupSummary;
  deadlines: DeadlineStatus[];
}

export interface AggregateOptions {
  now?: Date;
  deadlines?: readonly Deadline[];
  maxCaptureRecommendations?: number;
  /** serverKeyOf(flows[i]) for every flow, when the caller has them already */
  serverKeys?: readonly string[];
}

const HYBRID = 'X25519MLKEM768';

/** the server a flow belongs to: SNI, else ip:port (the same label the findings use) */
export const serverKeyOf: (f: FlowReport) => string = serverLabel;

const levelOf = (f: FlowReport): RiskLevel => f.risk?.level ?? 'none';
const atRisk = (f: FlowReport): boolean => levelOf(f) !== 'none';
const bytesOf = (f: FlowReport): number => f.bytes.clientToServer + f.bytes.serverToClient;
const isMcp = (f: FlowReport): boolean => f.mcp !== null || f.app === 'mcp';
const isSsh = (f: FlowReport): boolean => f.app === 'ssh' || (f.kex.mechanism ?? '').startsWith('ssh');
const isLegacyGroup = (g: string | null): boolean => g !== null && /kyber|cecpq/i.test(g);

const LEVEL_BY_RANK: readonly RiskLevel[] = ['none', 'low', 'medium', 'high', 'critical'];

function summarise(key: string, flows: readonly FlowReport[]): GroupSummary {
  // counts by index (LEVEL_BY_RANK / KEX_CLASSES order): cheaper than keyed increments per flow
  const levels = [0, 0, 0, 0, 0];
  const kex = [0, 0, 0, 0, 0];
  let bytes = 0;
  let bytesAtRisk = 0;
  let maxScore = 0;
  let maxRank = 0;
  let worst: { category: string; years: number; rank: number } | null = null;
  let mcpFlows = 0;
  for (const f of flows) {
    const risk = f.risk;
    const rank = levelRank(risk?.level ?? 'none');
    levels[rank] = (levels[rank] ?? 0) + 1;
    const ki = kexIndex(f.kex.negotiated);
    kex[ki] = (kex[ki] ?? 0) + 1;
    const b = bytesOf(f);
    bytes += b;
    if (isMcp(f)) mcpFlows++;
    if (rank > maxRank) maxRank = rank;
    maxScore = Math.max(maxScore, risk?.score ?? 0);
    if (rank === 0) continue;
    bytesAtRisk += b;
    const s = f.sensitivity;
    if (s !== undefined && (worst === null || s.lifetimeYears > worst.years || (s.lifetimeYears === worst.years && rank > worst.rank))) {
      worst = { category: s.category, years: s.lifetimeYears, rank };
    }
  }
  const byLevel = {} as Record<RiskLevel, number>;
  LEVEL_BY_RANK.forEach((l, i) => { byLevel[l] = levels[i] ?? 0; });
  const negotiated = {} as Record<KexClass, number>;
  KEX_CLASSES.forEach((k, i) => { negotiated[k] = kex[i] ?? 0; });
  return {
    key, flows: flows.length, flowsAtRisk: flows.length - byLevel.none, bytes, bytesAtRisk, maxLevel: LEVEL_BY_RANK[maxRank] ?? 'none', maxScore, byLevel, negotiated,
    worstCategory: worst?.category ?? null, worstLifetimeYears: worst?.years ?? null, mcpFlows, recommendations: [],
  };
}

function groupBy(flows: readonly FlowReport[], key: (f: FlowReport, i: number) => string): Map<string, FlowReport[]> {
  const m = new Map<string, FlowReport[]>();
  for (let i = 0; i < flows.length; i++) {
    const f = flows[i] as FlowReport;
    const k = key(f, i);
    const list = m.get(k);
    if (list === undefined) m.set(k, [f]);
    else list.push(f);
  }
  return m;
}

/**
 * The flows of each server (keys in first-seen order, as groupBy), and in `serverOf[i]` the
 * number of flows[i]'s server in that order: one map lookup per flow.
 */
function groupServers(flows: readonly FlowReport[], serverKeys: readonly string[], serverOf: Int32Array): Map<string, FlowReport[]> {
  const m = new Map<string, FlowReport[]>();
  const no = new Map<string, number>();
  const lists: FlowReport[][] = [];
  for (let i = 0; i < flows.length; i++) {
    const f = flows[i] as FlowReport;
    const k = serverKeys[i] ?? '';
    let n = no.get(k);
    if (n === undefined) {
      n = lists.length;
      no.set(k, n);
      const list: FlowReport[] = [];
      lists.push(list);
      m.set(k, list);
    }
    (lists[n] as FlowReport[]).push(f);
    serverOf[i] = n;
  }
  return m;
}

/** recommended actions for one server, most urgent first (one pass over its flows) */
export function serverRecommendations(key: string, flows: readonly FlowReport[]): string[] {
  let plainMcp = false;
  let plainOther = false;
  let refusedSsh = false;
  let refusedOther = false;
  let onlyClassicalSsh = false;
  let onlyClassicalOther = false;
  let legacyDraft = false;
  let badShare = false;
  let unknown = false;
  for (const f of flows) {
    const neg = f.kex.negotiated;
    if ((neg === 'hybrid' || neg === 'pq') && isLegacyGroup(f.kex.group)) legacyDraft = true;
    // tls.shareValidation: 'ok' | 'length-mismatch' | 'mlkem-key-invalid' (core/tls/classify.ts)
    const sv = f.tls?.shareValidation;
    if (sv === 'length-mismatch' || sv === 'mlkem-key-invalid') badShare = true;
    if (!atRisk(f)) continue;
    if (neg === 'plaintext') {
      if (isMcp(f)) plainMcp = true;
      else plainOther = true;
    } else if (neg === 'classical') {
      const offered = f.kex.offered;
      if (offered === 'hybrid' || offered === 'pq') {
        if (isSsh(f)) refusedSsh = true;
        else refusedOther = true;
      } else if (offered === 'classical' || offered === 'unknown') {
        if (isSsh(f)) onlyClassicalSsh = true;
        else onlyClassicalOther = true;
      }
    } else if (neg === 'unknown') {
      unknown = true;
    }
  }
  const out: string[] = [];
  if (plainMcp) out.push(`move the MCP server at ${key} behind TLS with ${HYBRID}: its tool calls and results are readable now`);
  if (plainOther) out.push(`encrypt the traffic to ${key} (TLS 1.3 with ${HYBRID}): it is readable now`);
  if (refusedSsh) out.push(`enable mlkem768x25519-sha256 (OpenSSH 10) or sntrup761x25519-sha512 on the SSH server ${key}: its clients already offer a post-quantum key exchange`);
  if (refusedOther) out.push(`enable ${HYBRID} on ${key}: its clients already offer it`);
  if (onlyClassicalSsh) out.push(`upgrade SSH on ${key}: clients offer only classical key exchanges — update clients and server to OpenSSH 9.0+ (sntrup761x25519-sha512) or 10 (mlkem768x25519-sha256)`);
  if (onlyClassicalOther) out.push(`upgrade TLS on ${key}: clients offer only classical groups — update client stacks (e.g. OpenSSL 3.5+, current browsers) and enable ${HYBRID} on the server`);
  if (legacyDraft) out.push(`replace the pre-standard Kyber draft group on ${key} with ${HYBRID}`);
  if (badShare) out.push(`check the post-quantum key exchange of ${key}: an ML-KEM key share failed validation`);
  if (unknown) out.push(`capture ${key} from the start of its connections so the key exchange can be classified (start the capture before clients connect)`);
  return out;
}

/** recommended actions for one client IP */
export function clientRecommendations(ip: string, flows: readonly FlowReport[]): string[] {
  const out: string[] = [];
  const risky = flows.filter(atRisk);
  const onlyClassical = risky.filter((f) => f.kex.negotiated === 'classical' && f.kex.offered === 'classical');
  if (onlyClassical.length > 0) {
    const what = onlyClassical.every(isSsh) ? 'SSH client' : 'TLS stack';
    out.push(`update the ${what} on client ${ip}: it offers only classical key exchanges`);
  }
  const refused = new Set(risky.filter((f) => f.kex.negotiated === 'classical' && (f.kex.offered === 'hybrid' || f.kex.offered === 'pq')).map(serverKeyOf));
  if (refused.size > 0) {
    const list = [...refused].slice(0, 5).join(', ') + (refused.size > 5 ? `, and ${refused.size - 5} more` : '');
    out.push(`client ${ip} offers post-quantum key exchange but ${refused.size} server(s) refuse it: enable ${HYBRID} on ${list}`);
  }
  if (risky.some((f) => f.kex.negotiated === 'plaintext' && isMcp(f))) {
    out.push(`point the MCP client on ${ip} at a TLS endpoint with ${HYBRID}: it talks MCP in plaintext`);
  }
  return out;
}

/**
 * The status of every deadline, in one pass over the flows (flows live scattered in the heap:
 * a pass costs more in cache misses than the few comparisons each deadline adds to it).
 * `serverOf[i]` numbers the server group of flows[i] (0 … serverCount-1), computed once by
 * aggregate(): the servers affected are counted by marks, not by a set of labels per deadline.
 */
function deadlineStatuses(ds: readonly Deadline[], flows: readonly FlowReport[], serverOf: Int32Array, serverCount: number, now: Date): DeadlineStatus[] {
  const applies = ds.map((d) => KEX_CLASSES.map((k) => d.appliesTo.includes(k)));
  const exempt = ds.map((d) => d.exemptGroups ?? []);
  const flowsAffected = ds.map(() => 0);
  const serversAffected = ds.map(() => 0);
  const marked = ds.map(() => new Uint8Array(serverCount));
  for (let i = 0; i < flows.length; i++) {
    const f = flows[i] as FlowReport;
    const ki = kexIndex(f.kex.negotiated);
    const group = f.kex.group ?? '';
    const s = serverOf[i] ?? 0;
    for (let j = 0; j < ds.length; j++) {
      if ((applies[j] as boolean[])[ki] !== true) continue;
      const ex = exempt[j] as readonly string[];
      if (ex.length > 0 && ex.includes(group)) continue;
      flowsAffected[j] = (flowsAffected[j] ?? 0) + 1;
      const m = marked[j] as Uint8Array;
      if (m[s] === 0) {
        m[s] = 1;
        serversAffected[j] = (serversAffected[j] ?? 0) + 1;
      }
    }
  }
  return ds.map((d, j) => {
    const ms = Date.parse(`${d.date}T00:00:00Z`) - now.getTime();
    return {
      ...d,
      daysLeft: Math.ceil(ms / 86_400_000),
      passed: ms <= 0,
      flowsAffected: flowsAffected[j] ?? 0,
      serversAffected: serversAffected[j] ?? 0,
    };
  });
}

/** same order as String.prototype.localeCompare with the default locale, without its per-call set-up */
const KEY_ORDER = new Intl.Collator();

const byUrgency = (a: GroupSummary, b: GroupSummary): number =>
  levelRank(b.maxLevel) - levelRank(a.maxLevel) || b.bytesAtRisk - a.bytesAtRisk || b.flowsAtRisk - a.flowsAtRisk || KEY_ORDER.compare(a.key, b.key);

export function aggregate(flows: readonly FlowReport[], opts: AggregateOptions = {}): Aggregates {
  const now = opts.now ?? new Date();
  const serverKeys = opts.serverKeys?.length === flows.length ? opts.serverKeys : flows.map(serverKeyOf);
  const serverOf = new Int32Array(flows.length);
  const serverGroups = groupServers(flows, serverKeys, serverOf);
  const servers: GroupSummary[] = [];
  for (const [k, fs] of serverGroups) {
    const g = summarise(k, fs);
    g.recommendations = serverRecommendations(k, fs);
    servers.push(g);
  }
  servers.sort(byUrgency);
  const clients: GroupSummary[] = [];
  for (const [k, fs] of groupBy(flows, (f) => f.client.ip)) {
    const g = summarise(k, fs);
    g.recommendations = clientRecommendations(k, fs);
    clients.push(g);
  }
  clients.sort(byUrgency);
  const capture = summarise('capture', flows);
  capture.recommendations = servers.flatMap((s) => s.recommendations).slice(0, opts.maxCaptureRecommendations ?? 20);
  const deadlines = deadlineStatuses(opts.deadlines ?? DEFAULT_DEADLINES, flows, serverOf, serverGroups.size, now);
  return { servers, clients, capture, deadlines };
}

export { RISK_LEVELS };
