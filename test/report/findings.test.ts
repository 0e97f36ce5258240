/**
 * deriveFindings (core/report/findings.ts) on real sample captures (samples/truth) and public
 * captures, and on synthetic flows for risk levels, caps, merging and determinism.
 */
import { describe, expect, it } from 'vitest';
import { compareFindings, deriveFindings, findingsOf, MAX_FLOW_IDS } from '../../core/report/findings.js';
import type { Finding } from '../../core/report/model.js';
import { RULE_LIST } from '../../core/report/rules.js';
import type { FlowReport, RiskLevel, ScanReport } from '../../core/report/model.js';
import { makeFlow, makeReport, PUBLIC, scan } from './helpers.js';

const RANK: Record<RiskLevel, number> = { none: 0, low: 1, medium: 2, high: 3, critical: 4 };
/** highest risk level the risk model gave the finding's flows */
function maxRisk(r: ScanReport, f: Finding | undefined): RiskLevel | undefined {
  let out: RiskLevel | undefined;
  for (const fl of r.flows) {
    if (!f?.flowIds.includes(fl.id) || !fl.risk) continue;
    if (out === undefined || RANK[fl.risk.level] > RANK[out]) out = fl.risk.level;
  }
  return out;
}
/** the report without the risk model's output: the documented default levels apply */
function unscored(r: ScanReport): ScanReport {
  const flows: FlowReport[] = r.flows.map((f) => {
    const { risk: _r, sensitivity: _s, ...rest } = f;
    void _r;
    void _s;
    return rest;
  });
  return { ...r, flows };
}

const ids = (fs: Finding[]): string[] => fs.map((f) => f.ruleId);
const byRule = (fs: Finding[], id: string): Finding[] => fs.filter((f) => f.ruleId === id);

describe('findings on samples', () => {
  it('hybrid-offered-classical.pcap: HNDL003 naming mcp.internal.test with the recommendation', async () => {
    const r = await scan('samples/hybrid-offered-classical.pcap');
    const fs = deriveFindings(r);
    const f = byRule(fs, 'HNDL003');
    expect(f).toHaveLength(1);
    expect(f[0]?.server).toBe('mcp.internal.test');
    expect(r.flows[0]?.risk).toBeDefined();
    expect(f[0]?.level).toBe(maxRisk(r, f[0]));
    expect(f[0]?.flowIds).toEqual([0]);
    expect(f[0]?.recommendation).toBe('enable X25519MLKEM768 on mcp.internal.test: its clients already offer it');
    expect(f[0]?.evidence?.['offered']).toContain('X25519MLKEM768');
    expect(f[0]?.evidence?.['groups']).toEqual(['x25519']);
    expect(byRule(fs, 'HNDL004')[0]?.level).toBe(maxRisk(r, f[0]));
    // without the risk model: the documented defaults (HNDL003 high, HNDL004 medium)
    const plain = deriveFindings(unscored(r));
    expect(byRule(plain, 'HNDL003')[0]?.level).toBe('high');
    expect(byRule(plain, 'HNDL004')[0]?.level).toBe('medium');
  });

  it('tls13-hybrid.pcap: neither HNDL003 nor HNDL004; CNSA note only', async () => {
    const fs = deriveFindings(await scan('samples/tls13-hybrid.pcap'));
    expect(ids(fs)).not.toContain('HNDL003');
    expect(ids(fs)).not.toContain('HNDL004');
    expect(ids(fs)).toEqual(['HNDL011']);
    expect(fs[0]?.level).toBe('none');
    expect(fs[0]?.server).toBe('api.hybrid.test');
  });

  for (const [file, port] of [
    ['mcp-legacy-sse.pcap', 8934],
    ['mcp-ndjson-tcp.pcap', 8935],
    ['mcp-stateless.pcap', 8933],
    ['mcp-streamable-json.pcap', 8931],
    ['mcp-streamable-sse.pcap', 8932],
  ] as const) {
    it(`${file}: HNDL001 on 127.0.0.1:${port}, no session ids or payloads in findings`, async () => {
      const r = await scan(`samples/${file}`);
      const fs = deriveFindings(r);
      const f = byRule(fs, 'HNDL001');
      expect(f).toHaveLength(1);
      expect(f[0]?.server).toBe(`127.0.0.1:${port}`);
      const risk = maxRisk(r, f[0]);
      expect(f[0]?.level).toBe(risk === undefined || RANK[risk] < RANK.high ? 'high' : risk);
      expect(byRule(deriveFindings(unscored(r)), 'HNDL001')[0]?.level).toBe('critical');
      expect(f[0]?.flowIds).toEqual(r.flows.filter((x) => x.mcp !== null).map((x) => x.id));
      expect(fs[0]?.ruleId).toBe('HNDL001');
      expect(byRule(fs, 'HNDL002')).toHaveLength(0);
      const text = JSON.stringify(fs);
      for (const flow of r.flows) {
        const sessions = flow.mcp?.['sessionIds'];
        if (Array.isArray(sessions)) for (const s of sessions) expect(text).not.toContain(String(s));
      }
    });
  }

  it('mixed.pcapng: one HNDL003 per server, sorted level desc / rule / server', async () => {
    const fs = deriveFindings(await scan('samples/mixed.pcapng'));
    expect(byRule(fs, 'HNDL003').map((f) => f.server)).toEqual(['hrr.retry.test', 'mcp.internal.test']);
    expect(byRule(fs, 'HNDL002').length).toBeGreaterThan(0);
    expect([...fs].sort(compareFindings)).toEqual(fs);
    const seen = new Set(fs.map((f) => `${f.ruleId} ${f.server ?? ''}`));
    expect(seen.size).toBe(fs.length);
    const hybrid = byRule(fs, 'HNDL011').map((f) => f.server);
    expect(hybrid).toEqual(['alt.port.test', 'api.hybrid.test']);
  });

  it('plain-http.pcap: HNDL002 (high without risk scores)', async () => {
    const r = await scan('samples/plain-http.pcap');
    const fs = deriveFindings(r);
    expect(ids(fs)).toEqual(['HNDL002']);
    expect(fs[0]?.level).toBe(maxRisk(r, fs[0]));
    expect(deriveFindings(unscored(r))[0]?.level).toBe('high');
    expect(fs[0]?.flowIds).toEqual([0, 1]);
  });
});

describe('findings on public captures', () => {
  it('Chrome X25519Kyber768Draft00: HNDL006, not HNDL011', async () => {
    const fs = deriveFindings(await scan(`${PUBLIC}zeek__chrome-1250-tls-x25519-kyber.pcap`));
    expect(ids(fs)).toContain('HNDL006');
    expect(ids(fs)).not.toContain('HNDL011');
    expect(byRule(fs, 'HNDL006')[0]?.recommendation).toContain('X25519MLKEM768');
  });

  it('SSH mlkem768x25519-sha256: CNSA note with the SSH recommendation', async () => {
    const fs = deriveFindings(await scan(`${PUBLIC}zeek__ssh_kex_mlkem.pcap`));
    expect(ids(fs)).toEqual(['HNDL011']);
    expect(fs[0]?.recommendation).toContain('mlkem1024nistp384-sha384');
  });

  it('QUIC without a server hello: HNDL010 low', async () => {
    const fs = deriveFindings(await scan(`${PUBLIC}ja4__tls12.pcap`));
    const f = byRule(fs, 'HNDL010');
    expect(f).toHaveLength(1);
    expect(f[0]?.level).toBe('low');
    expect(f[0]?.evidence?.['reasons']).toEqual(['no-server-hello']);
  });

  it('ja4__latest: unknown kex only on encrypted-looking flows, DNS plaintext low', async () => {
    const r = unscored(await scan(`${PUBLIC}ja4__latest.pcapng`));
    const fs = deriveFindings(r);
    const unknownIds = byRule(fs, 'HNDL010').flatMap((f) => f.flowIds);
    for (const id of unknownIds) expect(r.flows.find((f) => f.id === id)?.kex.reason).not.toBe('no-payload');
    const dns = byRule(fs, 'HNDL002').filter((f) => (f.evidence?.['apps'] as string[]).includes('dns') && (f.evidence?.['apps'] as string[]).length === 1);
    expect(dns.length).toBeGreaterThan(0);
    for (const f of dns) expect(f.level).toBe('low');
  });
});

describe('levels, caps, merging', () => {
  it('takes the highest flow.risk level; risk none drops HNDL004; HNDL001 never below high', () => {
    const flows = [
      makeFlow(1, { risk: { score: 40, level: 'medium' } }),
      makeFlow(2, { risk: { score: 85, level: 'critical' } }),
      makeFlow(3, { tls: { ...makeFlow(3).tls!, sni: 'short.lived.test' }, risk: { score: 0, level: 'none' } }),
      makeFlow(4, { app: 'mcp', tls: null, kex: { offered: 'plaintext', negotiated: 'plaintext', group: null }, mcp: { methods: [], tools: ['t'] }, risk: { score: 5, level: 'low' } }),
    ];
    const fs = deriveFindings(makeReport(flows));
    const h4 = byRule(fs, 'HNDL004');
    expect(h4.map((f) => [f.server, f.level])).toEqual([['example.test', 'critical']]);
    expect(h4[0]?.evidence?.['riskScore']).toBe(85);
    expect(byRule(fs, 'HNDL003').find((f) => f.server === 'short.lived.test')?.level).toBe('low');
    expect(byRule(fs, 'HNDL001')[0]?.level).toBe('high');
    expect(byRule(fs, 'HNDL001')[0]?.server).toBe('10.0.0.2:443');
  });

  it('sensitivity without risk: lifetime sets the HNDL004 level', () => {
    const long = makeFlow(1, { sensitivity: { category: 'source-code', lifetimeYears: 20 } });
    const none = makeFlow(2, { tls: { ...makeFlow(2).tls!, sni: 'tokens.test' }, sensitivity: { category: 'session-token', lifetimeYears: 0 } });
    const fs = byRule(deriveFindings(makeReport([long, none])), 'HNDL004');
    expect(fs).toHaveLength(1);
    expect(fs[0]?.level).toBe('high');
    expect(fs[0]?.evidence?.['category']).toBe('source-code');
    expect(fs[0]?.message).toContain('20 years');
  });

  it('caps flowIds at 100 and keeps the count', () => {
    const flows = Array.from({ length: 150 }, (_, i) => makeFlow(149 - i));
    const f = byRule(deriveFindings(makeReport(flows)), 'HNDL003')[0];
    expect(f?.flowIds).toHaveLength(MAX_FLOW_IDS);
    expect(f?.flowIds[0]).toBe(0);
    expect(f?.flowIds[99]).toBe(99);
    expect(f?.evidence?.['flowCount']).toBe(150);
    expect(f?.client).toBe('10.0.0.1');
  });

  it('malformed PQ share and IPv6 server labels', () => {
    const bad = makeFlow(1, {
      server: { ip: '2001:db8::1', port: 8443 },
      tls: { ...makeFlow(1).tls!, sni: null, shareValidation: 'mlkem-key-invalid' },
    });
    const f = byRule(deriveFindings(makeReport([bad])), 'HNDL005');
    expect(f[0]?.server).toBe('[2001:db8::1]:8443');
    expect(f[0]?.level).toBe('high');
  });

  it('merges extra findings (MCP inventory) in order, capping their flowIds', () => {
    const extra: Finding = { ruleId: 'HNDL007', level: 'critical', message: 'shadow', server: 'a', flowIds: Array.from({ length: 300 }, (_, i) => i) };
    const fs = deriveFindings(makeReport([makeFlow(1)]), { extra: [extra] });
    expect(fs[0]?.ruleId).toBe('HNDL007');
    expect(fs[0]?.flowIds).toHaveLength(100);
    expect(ids(fs)).toContain('HNDL003');
  });

  it('is deterministic whatever the flow order', () => {
    const flows = [
      makeFlow(1),
      makeFlow(2, { tls: { ...makeFlow(2).tls!, sni: 'b.test' } }),
      makeFlow(3, { tls: { ...makeFlow(3).tls!, sni: 'a.test' }, kex: { offered: 'hybrid', negotiated: 'hybrid', group: 'X25519MLKEM768' } }),
    ];
    const a = deriveFindings(makeReport(flows));
    const b = deriveFindings(makeReport([...flows].reverse()));
    expect(b).toEqual(a);
  });

  it('findingsOf prefers findings attached to the report', () => {
    const attached: Finding[] = [{ ruleId: 'HNDL009', level: 'low', message: 'm', flowIds: [] }];
    expect(findingsOf(makeReport([makeFlow(1)], { findings: attached }))).toEqual(attached);
    expect(ids(findingsOf(makeReport([makeFlow(1)])))).toContain('HNDL003');
  });

  it('every produced rule id is in the catalogue', async () => {
    const known = new Set(RULE_LIST.map((r) => r.id));
    for (const f of deriveFindings(await scan('samples/mixed.pcapng'))) expect(known.has(f.ruleId)).toBe(true);
  });
});
