/**
 * aggregate() adds every flow to its server, client, the capture and the deadlines in one pass.
 * This checks it against the definitions read group by group (one filter per question, the way
 * the per-group version it replaced worked) on random flows whose servers, clients, classes,
 * levels and lifetimes collide often.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FlowReport, RiskLevel } from '../../core/report/model.js';
import { KEX_CLASSES, type KexClass } from '../../core/tls/types.js';
import { aggregate, serverKeyOf, type GroupSummary } from '../../core/risk/aggregate.js';
import { DEFAULT_DEADLINES } from '../../core/risk/deadlines.js';

const LEVELS: RiskLevel[] = ['none', 'low', 'medium', 'high', 'critical'];
const H = 'X25519MLKEM768';
const atRisk = (f: FlowReport): boolean => (f.risk?.level ?? 'none') !== 'none';
const isMcp = (f: FlowReport): boolean => f.mcp !== null || f.app === 'mcp';
const isSsh = (f: FlowReport): boolean => f.app === 'ssh' || (f.kex.mechanism ?? '').startsWith('ssh');
const legacy = (g: string | null): boolean => g !== null && /kyber|cecpq/i.test(g);
const bytes = (f: FlowReport): number => f.bytes.clientToServer + f.bytes.serverToClient;
const rank = (l: RiskLevel): number => LEVELS.indexOf(l);

function summary(key: string, fs: FlowReport[], recommendations: string[]): GroupSummary {
  const risky = fs.filter(atRisk);
  const byLevel = Object.fromEntries(LEVELS.map((l) => [l, fs.filter((f) => (f.risk?.level ?? 'none') === l).length])) as Record<RiskLevel, number>;
  const negotiated = Object.fromEntries(KEX_CLASSES.map((k) => [k, fs.filter((f) => f.kex.negotiated === k).length])) as Record<KexClass, number>;
  // worst: the longest lifetime among flows at risk, ties to the higher level, then the first
  let worst: FlowReport | null = null;
  for (const f of risky) {
    const s = f.sensitivity;
    if (s === undefined) continue;
    const w = worst?.sensitivity;
    if (w === undefined || s.lifetimeYears > w.lifetimeYears || (s.lifetimeYears === w.lifetimeYears && rank(f.risk?.level ?? 'none') > rank(worst?.risk?.level ?? 'none'))) worst = f;
  }
  return {
    key, flows: fs.length, flowsAtRisk: risky.length, bytes: fs.reduce((a, f) => a + bytes(f), 0), bytesAtRisk: risky.reduce((a, f) => a + bytes(f), 0),
    maxLevel: LEVELS[Math.max(0, ...fs.map((f) => rank(f.risk?.level ?? 'none')))] ?? 'none', maxScore: Math.max(0, ...fs.map((f) => f.risk?.score ?? 0)),
    byLevel, negotiated, worstCategory: worst?.sensitivity?.category ?? null, worstLifetimeYears: worst?.sensitivity?.lifetimeYears ?? null,
    mcpFlows: fs.filter(isMcp).length, recommendations,
  };
}

function serverRecs(k: string, fs: FlowReport[]): string[] {
  const r = fs.filter(atRisk);
  const cl = r.filter((f) => f.kex.negotiated === 'classical');
  const refused = cl.filter((f) => f.kex.offered === 'hybrid' || f.kex.offered === 'pq');
  const only = cl.filter((f) => f.kex.offered === 'classical' || f.kex.offered === 'unknown');
  const out: string[] = [];
  const plain = r.filter((f) => f.kex.negotiated === 'plaintext');
  if (plain.some(isMcp)) out.push(`move the MCP server at ${k} behind TLS with ${H}: its tool calls and results are readable now`);
  if (plain.some((f) => !isMcp(f))) out.push(`encrypt the traffic to ${k} (TLS 1.3 with ${H}): it is readable now`);
  if (refused.some(isSsh)) out.push(`enable mlkem768x25519-sha256 (OpenSSH 10) or sntrup761x25519-sha512 on the SSH server ${k}: its clients already offer a post-quantum key exchange`);
  if (refused.some((f) => !isSsh(f))) out.push(`enable ${H} on ${k}: its clients already offer it`);
  if (only.some(isSsh)) out.push(`upgrade SSH on ${k}: clients offer only classical key exchanges — update clients and server to OpenSSH 9.0+ (sntrup761x25519-sha512) or 10 (mlkem768x25519-sha256)`);
  if (only.some((f) => !isSsh(f))) out.push(`upgrade TLS on ${k}: clients offer only classical groups — update client stacks (e.g. OpenSSL 3.5+, current browsers) and enable ${H} on the server`);
  if (fs.some((f) => (f.kex.negotiated === 'hybrid' || f.kex.negotiated === 'pq') && legacy(f.kex.group))) out.push(`replace the pre-standard Kyber draft group on ${k} with ${H}`);
  if (fs.some((f) => f.tls?.shareValidation === 'length-mismatch' || f.tls?.shareValidation === 'mlkem-key-invalid')) out.push(`check the post-quantum key exchange of ${k}: an ML-KEM key share failed validation`);
  if (r.some((f) => f.kex.negotiated === 'unknown')) out.push(`capture ${k} from the start of its connections so the key exchange can be classified (start the capture before clients connect)`);
  return out;
}

function clientRecs(ip: string, fs: FlowReport[]): string[] {
  const r = fs.filter(atRisk);
  const out: string[] = [];
  const only = r.filter((f) => f.kex.negotiated === 'classical' && f.kex.offered === 'classical');
  if (only.length > 0) out.push(`update the ${only.every(isSsh) ? 'SSH client' : 'TLS stack'} on client ${ip}: it offers only classical key exchanges`);
  const refused = [...new Set(r.filter((f) => f.kex.negotiated === 'classical' && (f.kex.offered === 'hybrid' || f.kex.offered === 'pq')).map(serverKeyOf))];
  if (refused.length > 0) {
    const list = refused.slice(0, 5).join(', ') + (refused.length > 5 ? `, and ${refused.length - 5} more` : '');
    out.push(`client ${ip} offers post-quantum key exchange but ${refused.length} server(s) refuse it: enable ${H} on ${list}`);
  }
  if (r.some((f) => f.kex.negotiated === 'plaintext' && isMcp(f))) out.push(`point the MCP client on ${ip} at a TLS endpoint with ${H}: it talks MCP in plaintext`);
  return out;
}

function groups(flows: FlowReport[], key: (f: FlowReport) => string): [string, FlowReport[]][] {
  const keys = [...new Set(flows.map(key))];
  return keys.map((k) => [k, flows.filter((f) => key(f) === k)]);
}

const collator = new Intl.Collator();
const urgency = (a: GroupSummary, b: GroupSummary): number =>
  rank(b.maxLevel) - rank(a.maxLevel) || b.bytesAtRisk - a.bytesAtRisk || b.flowsAtRisk - a.flowsAtRisk || collator.compare(a.key, b.key);

function reference(flows: FlowReport[], now: Date) {
  const servers = groups(flows, serverKeyOf).map(([k, fs]) => summary(k, fs, serverRecs(k, fs))).sort(urgency);
  const clients = groups(flows, (f) => f.client.ip).map(([k, fs]) => summary(k, fs, clientRecs(k, fs))).sort(urgency);
  const capture = summary('capture', flows, servers.flatMap((s) => s.recommendations).slice(0, 20));
  const deadlines = DEFAULT_DEADLINES.map((d) => {
    const hit = flows.filter((f) => d.appliesTo.includes(f.kex.negotiated) && !(d.exemptGroups ?? []).includes(f.kex.group ?? ''));
    const ms = Date.parse(`${d.date}T00:00:00Z`) - now.getTime();
    return { ...d, daysLeft: Math.ceil(ms / 86_400_000), passed: ms <= 0, flowsAffected: hit.length, serversAffected: new Set(hit.map(serverKeyOf)).size };
  });
  return { servers, clients, capture, deadlines };
}

const pick = <T,>(xs: readonly T[]) => fc.constantFrom(...xs);
const flowArb = fc.record({
  client: pick(['10.0.0.1', '10.0.0.2', '10.0.0.3']),
  server: pick(['192.0.2.1', '192.0.2.2']),
  port: pick([22, 443, 8080]),
  sni: pick([null, 'a.example', 'b.example', 'c.example', 'd.example', 'e.example', 'f.example', 'g.example']),
  app: pick(['tls', 'ssh', 'mcp', 'http']),
  mcp: fc.boolean(),
  offered: pick(KEX_CLASSES),
  negotiated: pick(KEX_CLASSES),
  group: pick([null, 'x25519', 'X25519MLKEM768', 'X25519Kyber768Draft00', 'mlkem768x25519-sha256', 'secp256r1']),
  mechanism: pick([null, 'ssh-kex', 'tls-key-share']),
  level: pick(LEVELS),
  score: fc.integer({ min: 0, max: 100 }),
  category: pick(['unknown', 'personal', 'health', 'agent-context']),
  lifetime: pick([1, 5, 10, 25]),
  bytes: fc.integer({ min: 0, max: 5000 }),
  shareValidation: pick([null, 'ok', 'length-mismatch', 'mlkem-key-invalid']),
});

describe('aggregate against its per-group definition', () => {
  it('agrees on random flows (servers, clients, capture, deadlines, order included)', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    fc.assert(
      fc.property(fc.array(flowArb, { maxLength: 60 }), (specs) => {
        const flows: FlowReport[] = specs.map((s, i) => ({
          id: i + 1, transport: 'tcp', client: { ip: s.client, port: 40000 + i }, server: { ip: s.server, port: s.port }, app: s.app,
          firstSeen: null, lastSeen: null, packets: { clientToServer: 1, serverToClient: 1 },
          bytes: { clientToServer: s.bytes, serverToClient: i },
          endReason: null,
          tls: s.sni === null && s.shareValidation === null ? null : {
            version: 'TLS 1.3', sni: s.sni, offeredGroups: [], keyShareGroups: [], selectedGroup: null, helloRetryRequest: false, cipherSuite: null, shareValidation: s.shareValidation,
          },
          kex: { offered: s.offered, negotiated: s.negotiated, group: s.group, mechanism: s.mechanism },
          mcp: s.mcp ? { methods: [], tools: [] } : null,
          sensitivity: { category: s.category, lifetimeYears: s.lifetime },
          risk: { score: s.score, level: s.level },
          issues: [],
        }) as FlowReport);
        expect(aggregate(flows, { now })).toEqual(reference(flows, now));
      }),
      { numRuns: 400 },
    );
  });
});
