/** Aggregation per server / client / capture: counts, worst category, recommendations, deadlines. */
import { describe, expect, it } from 'vitest';
import type { FlowReport, RiskLevel } from '../../core/report/model.js';
import type { KexClass } from '../../core/tls/types.js';
import { aggregate } from '../../core/risk/aggregate.js';

let nextId = 1;
interface Spec {
  client?: string; server?: string; port?: number; sni?: string | null; app?: string; mcp?: boolean;
  offered: KexClass; negotiated: KexClass; group?: string | null; level: RiskLevel; score?: number;
  category?: string; lifetime?: number; bytes?: number; shareValidation?: string | null;
}
function flow(s: Spec): FlowReport {
  return {
    id: nextId++, transport: 'tcp', client: { ip: s.client ?? '192.168.1.10', port: 50000 }, server: { ip: s.server ?? '10.0.0.5', port: s.port ?? 443 },
    app: s.app ?? 'tls', firstSeen: '2026-01-01T00:00:00.000000Z', lastSeen: '2026-01-01T00:00:01.000000Z',
    packets: { clientToServer: 1, serverToClient: 1 }, bytes: { clientToServer: (s.bytes ?? 1000) / 2, serverToClient: (s.bytes ?? 1000) / 2 },
    endReason: null,
    tls: s.sni === undefined && s.shareValidation === undefined ? null : {
      version: 'TLS 1.3', sni: s.sni ?? null, offeredGroups: [], keyShareGroups: [], selectedGroup: null, helloRetryRequest: false, cipherSuite: null,
      shareValidation: s.shareValidation ?? null,
    },
    kex: { offered: s.offered, negotiated: s.negotiated, group: s.group ?? null },
    mcp: s.mcp === true ? { methods: ['tools/call'], tools: ['x'] } : null,
    sensitivity: { category: s.category ?? 'unknown', lifetimeYears: s.lifetime ?? 5 },
    risk: { score: s.score ?? 0, level: s.level },
    issues: [],
  };
}
const NOW = new Date('2026-01-01T00:00:00Z');

describe('aggregate', () => {
  const flows = [
    flow({ sni: 'api.internal', offered: 'hybrid', negotiated: 'classical', group: 'x25519', level: 'high', score: 31, category: 'personal', lifetime: 10, bytes: 4000 }),
    flow({ sni: 'api.internal', offered: 'hybrid', negotiated: 'classical', group: 'x25519', level: 'medium', score: 15, category: 'health', lifetime: 6, bytes: 2000 }),
    flow({ server: '10.0.0.5', port: 8080, app: 'mcp', mcp: true, offered: 'plaintext', negotiated: 'plaintext', level: 'critical', score: 100, category: 'agent-context', lifetime: 10 }),
    flow({ client: '192.168.1.20', sni: 'legacy.example', offered: 'classical', negotiated: 'classical', group: 'secp256r1', level: 'medium', score: 11 }),
    flow({ client: '192.168.1.20', sni: 'pq.example', offered: 'hybrid', negotiated: 'hybrid', group: 'X25519MLKEM768', level: 'none', category: 'genomic', lifetime: 50, bytes: 9000 }),
    flow({ sni: 'old-pq.example', offered: 'hybrid', negotiated: 'hybrid', group: 'X25519Kyber768Draft00', level: 'low', score: 1 }),
    flow({ server: '10.9.9.9', port: 22, app: 'ssh', offered: 'classical', negotiated: 'classical', group: 'curve25519-sha256', level: 'high', score: 31 }),
    flow({ server: '10.9.9.8', port: 443, offered: 'unknown', negotiated: 'unknown', level: 'low', score: 1 }),
  ];
  const a = aggregate(flows, { now: NOW });
  const server = (k: string) => a.servers.find((s) => s.key === k);

  it('summarises per server', () => {
    const s = server('api.internal');
    expect(s).toMatchObject({ flows: 2, flowsAtRisk: 2, bytes: 6000, bytesAtRisk: 6000, maxLevel: 'high', maxScore: 31, worstCategory: 'personal', worstLifetimeYears: 10 });
    expect(server('pq.example')).toMatchObject({ flowsAtRisk: 0, bytesAtRisk: 0, maxLevel: 'none', worstCategory: null });
    expect(a.servers[0]?.key).toBe('10.0.0.5:8080');
  });
  it('recommends in plain words', () => {
    expect(server('api.internal')?.recommendations).toEqual(['enable X25519MLKEM768 on api.internal: its clients already offer it']);
    expect(server('10.0.0.5:8080')?.recommendations[0]).toMatch(/^move the MCP server at 10\.0\.0\.5:8080 behind TLS with X25519MLKEM768/);
    expect(server('legacy.example')?.recommendations[0]).toMatch(/^upgrade TLS on legacy\.example: clients offer only classical groups — update client stacks/);
    expect(server('old-pq.example')?.recommendations).toEqual(['replace the pre-standard Kyber draft group on old-pq.example with X25519MLKEM768']);
    expect(server('10.9.9.9:22')?.recommendations[0]).toMatch(/^upgrade SSH on 10\.9\.9\.9:22/);
    expect(server('10.9.9.8:443')?.recommendations[0]).toMatch(/^capture 10\.9\.9\.8:443 from the start/);
    expect(server('pq.example')?.recommendations).toEqual([]);
  });
  it('summarises per client and capture', () => {
    const c = a.clients.find((x) => x.key === '192.168.1.10');
    expect(c?.recommendations.join('\n')).toMatch(/client 192\.168\.1\.10 offers post-quantum key exchange but 1 server\(s\) refuse it: enable X25519MLKEM768 on api\.internal/);
    expect(c?.recommendations.join('\n')).toMatch(/point the MCP client on 192\.168\.1\.10/);
    expect(a.clients.find((x) => x.key === '192.168.1.20')?.recommendations[0]).toMatch(/update the TLS stack on client 192\.168\.1\.20/);
    expect(a.capture).toMatchObject({ flows: 8, flowsAtRisk: 7, maxLevel: 'critical', mcpFlows: 1, worstCategory: 'agent-context' });
    expect(a.capture.byLevel).toEqual({ none: 1, low: 2, medium: 2, high: 2, critical: 1 });
    expect(a.capture.negotiated).toEqual({ plaintext: 1, classical: 4, hybrid: 2, pq: 0, unknown: 1 });
    expect(a.capture.recommendations[0]).toMatch(/^move the MCP server/);
  });
  it('shows deadlines with affected flows', () => {
    const cnsa = a.deadlines.find((d) => d.id === 'cnsa2-nss-acquisitions');
    expect(cnsa).toMatchObject({ date: '2027-01-01', daysLeft: 365, passed: false, flowsAffected: 7 });
    const disallow = a.deadlines.find((d) => d.id === 'nist-ir-8547-disallow');
    expect(disallow).toMatchObject({ flowsAffected: 4, serversAffected: 3 });
    const custom = aggregate(flows, { now: NOW, deadlines: [{ id: 'x', date: '2025-01-01', title: 't', source: 's', appliesTo: ['plaintext'] }] });
    expect(custom.deadlines[0]).toMatchObject({ passed: true, flowsAffected: 1 });
  });
  it('flags an invalid ML-KEM share', () => {
    const b = aggregate([flow({ sni: 'bad.example', offered: 'hybrid', negotiated: 'unknown', level: 'low', score: 1, shareValidation: 'mlkem-key-invalid' })], { now: NOW });
    expect(b.servers[0]?.recommendations.join('\n')).toMatch(/an ML-KEM key share failed validation/);
  });
});
