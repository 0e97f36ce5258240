/** assessFlow: evidence priority, exposure from the curve, plaintext / classical / hybrid / unknown rules, thresholds. */
import { describe, expect, it } from 'vitest';
import { parsePolicy, defaultPolicy } from '../../core/risk/policy.js';
import { assessFlow, levelFor } from '../../core/risk/score.js';
import type { AssessInput } from '../../core/risk/score.js';
import type { Evidence } from '../../core/risk/types.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const NOW_US = NOW.getTime() * 1000;
const YEAR_US = 365.25 * 86_400_000 * 1000;

function input(over: Partial<AssessInput> = {}): AssessInput {
  return {
    kexNegotiated: 'classical', kexOffered: 'classical', kexGroup: 'x25519', captureTimeMicros: NOW_US, now: NOW,
    evidence: [], serverKey: { ip: '10.0.0.9', port: 443, sni: null }, app: 'tls', isMcp: false, ...over,
  };
}
const ev = (category: string, source: Evidence['source'], confidence: Evidence['confidence'] = 'high'): Evidence =>
  ({ detector: 'test', category, location: 'x', confidence, source });

describe('sensitivity', () => {
  it('defaults to unknown (5 years, low confidence)', () => {
    const a = assessFlow(input(), defaultPolicy());
    expect(a.sensitivity).toMatchObject({ category: 'unknown', lifetimeYears: 5, confidence: 'low' });
  });
  it('ranks declared > content > mcp > http > sni > port', () => {
    const p = parsePolicy('declarations:\n  - { server: "10.0.0.9:443", category: classified }\n');
    const evidence = [ev('payment', 'content'), ev('health', 'mcp'), ev('credentials', 'http')];
    expect(assessFlow(input({ evidence }), p).sensitivity).toMatchObject({ category: 'classified', lifetimeYears: 25, confidence: 'declared' });
    expect(assessFlow(input({ evidence }), defaultPolicy()).sensitivity.category).toBe('payment');
    const sni = input({ serverKey: { ip: '1.2.3.4', port: 5432, sni: 'api.stripe.com' } });
    expect(assessFlow(sni, defaultPolicy()).sensitivity).toMatchObject({ category: 'payment', confidence: 'high' });
    const port = input({ serverKey: { ip: '1.2.3.4', port: 5432, sni: null } });
    expect(assessFlow(port, defaultPolicy()).sensitivity).toMatchObject({ category: 'personal', confidence: 'low' });
  });
  it('within a tier: higher confidence, then longer lifetime', () => {
    const a = assessFlow(input({ evidence: [ev('payment', 'content', 'medium'), ev('genomic', 'content', 'low'), ev('health', 'content', 'medium')] }), defaultPolicy());
    expect(a.sensitivity.category).toBe('health');
  });
  it('MCP without other evidence is agent-context; declaration lifetime overrides the category', () => {
    expect(assessFlow(input({ isMcp: true }), defaultPolicy()).sensitivity.category).toBe('agent-context');
    const p = parsePolicy('declarations:\n  - { sni: "*.corp.example", category: health, lifetimeYears: 40 }\n');
    const a = assessFlow(input({ serverKey: { ip: '1.1.1.1', port: 443, sni: 'ehr.corp.example' } }), p);
    expect(a.sensitivity).toMatchObject({ category: 'health', lifetimeYears: 40, confidence: 'declared' });
  });
  it('subnet declarations match by CIDR', () => {
    const p = parsePolicy('declarations:\n  - { subnet: "10.0.0.0/24", category: financial }\n');
    expect(assessFlow(input(), p).sensitivity.category).toBe('financial');
    expect(assessFlow(input({ serverKey: { ip: '10.0.1.9', port: 443, sni: null } }), p).sensitivity.category).toBe('unknown');
  });
});

describe('risk rules', () => {
  it('classical: score = 100 × P(CRQC within remaining lifetime)', () => {
    const health = assessFlow(input({ evidence: [ev('health', 'content')] }), defaultPolicy());
    expect(health.risk.exposure).toBeCloseTo(0.15, 10);
    expect(health.risk).toMatchObject({ score: 15, level: 'medium' });
    const personal = assessFlow(input({ evidence: [ev('personal', 'content')] }), defaultPolicy());
    expect(personal.risk).toMatchObject({ score: 31, level: 'high' });
    const card = assessFlow(input({ evidence: [ev('payment', 'content')] }), defaultPolicy());
    expect(card.risk).toMatchObject({ score: 2.2, level: 'low' });
    expect(health.risk.reasons.join(' ')).toMatch(/classical key exchange \(x25519\)/);
  });
  it('classical: years already elapsed since capture reduce exposure; past lifetime → none', () => {
    const old = assessFlow(input({ evidence: [ev('health', 'content')], captureTimeMicros: NOW_US - 1 * YEAR_US }), defaultPolicy());
    expect(old.risk.exposure).toBeCloseTo(0.11, 6);
    const expired = assessFlow(input({ evidence: [ev('payment', 'content')], captureTimeMicros: NOW_US - 2 * YEAR_US }), defaultPolicy());
    expect(expired.risk).toMatchObject({ score: 0, level: 'none', exposure: 0 });
    expect(expired.risk.reasons.join(' ')).toMatch(/already passed/);
  });
  it('classical after a hybrid offer says so', () => {
    const a = assessFlow(input({ kexOffered: 'hybrid' }), defaultPolicy());
    expect(a.risk.reasons.join(' ')).toMatch(/client offered a hybrid key exchange but the server chose a classical one/);
  });
  it('plaintext is readable now: 100 / critical (public content: low)', () => {
    const a = assessFlow(input({ kexNegotiated: 'plaintext', kexOffered: 'plaintext', kexGroup: null, isMcp: true }), defaultPolicy());
    expect(a.risk).toMatchObject({ score: 100, level: 'critical', exposure: 1 });
    expect(a.risk.reasons[0]).toMatch(/^readable now/);
    const dns = assessFlow(input({ kexNegotiated: 'plaintext', serverKey: { ip: '8.8.8.8', port: 53, sni: null }, app: 'dns', transport: 'udp' }), defaultPolicy());
    expect(dns.sensitivity.category).toBe('public');
    expect(dns.risk.level).toBe('low');
  });
  it('hybrid / pq are not exposed; legacy draft and malformed share are low with a reason', () => {
    const h = assessFlow(input({ kexNegotiated: 'hybrid', kexGroup: 'X25519MLKEM768', evidence: [ev('genomic', 'content')] }), defaultPolicy());
    expect(h.risk).toMatchObject({ score: 0, level: 'none', exposure: 0 });
    expect(assessFlow(input({ kexNegotiated: 'pq', kexGroup: 'MLKEM1024' }), defaultPolicy()).risk.level).toBe('none');
    const legacy = assessFlow(input({ kexNegotiated: 'hybrid', kexGroup: 'X25519Kyber768Draft00', legacyDraft: true }), defaultPolicy());
    expect(legacy.risk).toMatchObject({ level: 'low', score: 1, exposure: null });
    expect(legacy.risk.reasons.join(' ')).toMatch(/Kyber draft/);
    const bad = assessFlow(input({ kexNegotiated: 'hybrid', malformedShare: true }), defaultPolicy());
    expect(bad.risk.level).toBe('low');
    expect(bad.risk.reasons.join(' ')).toMatch(/failed validation/);
  });
  it('unknown: level from policy with a reason, or scored as classical', () => {
    const u = assessFlow(input({ kexNegotiated: 'unknown', kexOffered: 'unknown' }), defaultPolicy());
    expect(u.risk).toMatchObject({ level: 'low', score: 1, exposure: null });
    expect(u.risk.reasons[0]).toMatch(/^unknown exposure/);
    const none = assessFlow(input({ kexNegotiated: 'unknown' }), parsePolicy('unknownKex: none\n'));
    expect(none.risk.level).toBe('none');
    expect(none.risk.reasons.join(' ')).toMatch(/unknown exposure.*set by policy/);
    const assumed = assessFlow(input({ kexNegotiated: 'unknown', evidence: [ev('personal', 'content')] }), parsePolicy('unknownKex: assume-classical\n'));
    expect(assumed.risk).toMatchObject({ score: 31, level: 'high' });
  });
  it('fixed-year curve makes long-lived classical data critical', () => {
    const p = parsePolicy('crqc: { fixedYear: 2030 }\n');
    expect(assessFlow(input({ evidence: [ev('personal', 'content')] }), p).risk).toMatchObject({ score: 100, level: 'critical' });
    expect(assessFlow(input({ evidence: [ev('financial', 'content')] }), parsePolicy('crqc: { fixedYear: 2040 }\n')).risk.level).toBe('none');
  });
});

describe('thresholds', () => {
  it('maps scores to levels and follows policy thresholds', () => {
    const t = defaultPolicy().thresholds;
    expect([0, 0.9, 1, 9.9, 10, 29.9, 30, 49.9, 50, 100].map((s) => levelFor(s, t)))
      .toEqual(['none', 'none', 'low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical']);
    const p = parsePolicy('thresholds: { medium: 20 }\n');
    expect(assessFlow(input({ evidence: [ev('health', 'content')] }), p).risk.level).toBe('low');
  });
});

describe('flows without payload', () => {
  it('an unknown flow that exchanged no data is not at risk', () => {
    const base = {
      kexNegotiated: 'unknown' as const,
      kexOffered: 'unknown' as const,
      kexGroup: null,
      captureTimeMicros: Date.parse('2026-01-01T00:00:00Z') * 1000,
      now: new Date('2026-06-01T00:00:00Z'),
      evidence: [],
      serverKey: { ip: '10.0.0.1', port: 443, sni: null },
      app: 'unknown',
      isMcp: false,
    };
    const empty = assessFlow({ ...base, payloadBytes: 0 }, defaultPolicy());
    expect(empty.risk.level).toBe('none');
    expect(empty.risk.reasons[0]).toMatch(/no application data/);
    const some = assessFlow({ ...base, payloadBytes: 120 }, defaultPolicy());
    expect(some.risk.level).not.toBe('none');
  });
});
