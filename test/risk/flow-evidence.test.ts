/**
 * assessFlowReport caches the sensitivity of evidence-free flows per server: the cache must give
 * the verdict a fresh assessment gives, never cross policies, and never apply to flows with
 * evidence of their own.
 */
import { describe, expect, it } from 'vitest';
import { assessFlowReport } from '../../core/risk/flow-evidence.js';
import { defaultPolicy, parsePolicy } from '../../core/risk/policy.js';
import { assessFlow } from '../../core/risk/score.js';
import type { Evidence } from '../../core/risk/types.js';
import { syntheticFlow } from '../store/synthetic.js';

const NOW = new Date('2026-11-24T00:00:00Z');

describe('assessFlowReport sensitivity cache', () => {
  it('gives the same verdict as a fresh assessment, per policy', () => {
    const plain = defaultPolicy();
    const declared = parsePolicy('declarations:\n  - { sni: "host1.example.com", category: health }\n', 'p');
    for (const policy of [plain, declared, plain, declared]) {
      for (let i = 0; i < 40; i++) {
        const r = syntheticFlow(i);
        r.mcp = null;
        assessFlowReport(r, [], policy, NOW);
        const fresh = assessFlow({
          kexNegotiated: r.kex.negotiated, kexOffered: r.kex.offered, kexGroup: r.kex.group,
          captureTimeMicros: Date.parse(r.firstSeen) * 1000, now: NOW, evidence: [],
          serverKey: { ip: r.server.ip, port: r.server.port, sni: r.tls?.sni ?? null },
          app: r.app, isMcp: false, transport: r.transport,
          payloadBytes: r.bytes.clientToServer + r.bytes.serverToClient,
        }, policy);
        expect(r.sensitivity).toEqual(fresh.sensitivity);
        expect(r.risk).toEqual(fresh.risk);
      }
    }
    const one = syntheticFlow(1);
    assessFlowReport(one, [], declared, NOW);
    expect(one.sensitivity?.category).toBe('health');
    const other = syntheticFlow(1);
    assessFlowReport(other, [], plain, NOW);
    expect(other.sensitivity?.category).not.toBe('health');
  });

  it('does not reuse a cached verdict for a flow with evidence of its own', () => {
    const policy = defaultPolicy();
    const a = syntheticFlow(3);
    assessFlowReport(a, [], policy, NOW);
    const b = syntheticFlow(3);
    const ev: Evidence = { detector: 'test', category: 'credentials', location: 'mcp.tools/call.params', confidence: 'high', source: 'content' };
    assessFlowReport(b, [ev], policy, NOW);
    expect(b.sensitivity?.category).toBe('credentials');
    expect(a.sensitivity?.category).not.toBe('credentials');
    const c = syntheticFlow(3);
    assessFlowReport(c, [], policy, NOW);
    expect(c.sensitivity).toBe(a.sensitivity);
  });

  it('keeps flows with and without SNI to the same address apart', () => {
    const policy = parsePolicy('declarations:\n  - { sni: "records.example.com", category: health }\n', 'p');
    const verdict = (sni: string | null): ReturnType<typeof syntheticFlow> => {
      const r = syntheticFlow(1); // a TLS flow
      if (r.tls === null) throw new Error('expected a TLS flow');
      r.tls.sni = sni;
      assessFlowReport(r, [], policy, NOW);
      return r;
    };
    const none = verdict(null);
    const named = verdict('records.example.com');
    const other = verdict('cdn.example.net');
    expect(named.sensitivity?.category).toBe('health');
    expect(none.sensitivity?.category).not.toBe('health');
    expect(other.sensitivity?.category).not.toBe('health');
    // answered from the cache the second time, still apart
    expect(verdict(null).sensitivity).toBe(none.sensitivity);
    expect(verdict('records.example.com').sensitivity).toBe(named.sensitivity);
  });
});
