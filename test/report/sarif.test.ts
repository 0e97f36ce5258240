/**
 * SARIF 2.1.0 output (core/report/sarif.ts): schema-valid (OASIS sarif-schema-2.1.0.json) on every
 * sample and a few public captures, and the fields GitHub code scanning relies on.
 */
import { describe, expect, it } from 'vitest';
import { artifactUri, sarifLevel, sarifText, toSarif } from '../../core/report/sarif.js';
import { findingsOf } from '../../core/report/findings.js';
import { RULE_LIST } from '../../core/report/rules.js';
import { errorsOf, HOSTILE_SNI, makeFlow, makeReport, PUBLIC_PICKS, sampleFiles, sarifValidator, scan } from './helpers.js';

interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } }; logicalLocations?: { name: string; kind: string }[] }[];
  partialFingerprints: Record<string, string>;
  properties: { flowIds: number[]; server?: string };
}
interface SarifLog {
  version: string;
  runs: { tool: { driver: { name: string; version: string; rules: { id: string; defaultConfiguration: { level: string }; help: { text: string; markdown: string } }[] } }; results: SarifResult[] }[];
}

const parse = (s: string): SarifLog => JSON.parse(s) as SarifLog;

describe('SARIF schema validity', () => {
  for (const file of [...sampleFiles(), ...PUBLIC_PICKS]) {
    it(`valid for ${file.replace(/.*\//, '')}`, async () => {
      const report = await scan(file);
      const doc: unknown = JSON.parse(toSarif(report));
      const v = sarifValidator();
      expect(v(doc), errorsOf(v)).toBe(true);
    });
  }

  it('the validator rejects a broken log (the check can fail)', async () => {
    const doc = parse(toSarif(await scan('samples/mixed.pcapng')));
    const run = doc.runs[0];
    const res = run?.results[0];
    if (!res) throw new Error('no result');
    (res as unknown as Record<string, unknown>)['level'] = 'critical';
    expect(sarifValidator()(doc)).toBe(false);
  });
});

describe('SARIF for GitHub code scanning', () => {
  it('declares every catalogue rule and points results at them', async () => {
    const report = await scan('samples/mixed.pcapng');
    const doc = parse(toSarif(report));
    const run = doc.runs[0];
    expect(doc.version).toBe('2.1.0');
    expect(run?.tool.driver.name).toBe('hndl-scan');
    expect(run?.tool.driver.version).toBe(report.tool.version);
    const rules = run?.tool.driver.rules ?? [];
    expect(rules.map((r) => r.id)).toEqual(RULE_LIST.map((r) => r.id));
    for (const r of rules) expect(r.help.markdown.length).toBeGreaterThan(0);
    const results = run?.results ?? [];
    expect(results.length).toBe(findingsOf(report).length);
    for (const res of results) {
      expect(rules[res.ruleIndex ?? -1]?.id).toBe(res.ruleId);
      const loc = res.locations[0];
      expect(loc?.physicalLocation.artifactLocation.uri).toBe('samples/mixed.pcapng');
      expect(loc?.physicalLocation.region.startLine).toBe(1);
      expect(loc?.logicalLocations?.[0]?.kind).toBe('resource');
      expect(loc?.logicalLocations?.[1]?.name).toBe(`flow/${res.properties.flowIds[0]}`);
      expect(res.partialFingerprints['hndlFinding/v1']).toMatch(/^[0-9a-f]{32}$/);
    }
    const h3 = results.find((r) => r.ruleId === 'HNDL003' && r.properties.server === 'mcp.internal.test');
    expect(h3?.message.text).toContain('enable X25519MLKEM768 on mcp.internal.test');
  });

  it('fingerprints are stable across runs and distinct per rule and server', async () => {
    const a = parse(toSarif(await scan('samples/mixed.pcapng')));
    const b = parse(toSarif(makeReportFrom(await scan('samples/mixed.pcapng'))));
    const fa = a.runs[0]?.results.map((r) => r.partialFingerprints['hndlFinding/v1']) ?? [];
    const fb = b.runs[0]?.results.map((r) => r.partialFingerprints['hndlFinding/v1']) ?? [];
    expect(fb).toEqual(fa);
    expect(new Set(fa).size).toBe(fa.length);
  });

  it('maps levels: critical/high error, medium warning, low note, none none', () => {
    expect(['critical', 'high', 'medium', 'low', 'none'].map((l) => sarifLevel(l as 'low'))).toEqual(['error', 'error', 'warning', 'note', 'none']);
  });

  it('input URIs: relative inside the base directory, file:// outside, stdin for -', () => {
    expect(artifactUri('/repo/caps/a b.pcap', '/repo')).toBe('caps/a%20b.pcap');
    expect(artifactUri('/elsewhere/x.pcap', '/repo')).toBe('file:///elsewhere/x.pcap');
    expect(artifactUri('-', '/repo')).toBe('stdin');
    const doc = parse(toSarif(makeReport([makeFlow(1)]), { inputUri: 'pcaps/ci.pcapng' }));
    expect(doc.runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe('pcaps/ci.pcapng');
  });

  it('hostile SNI: valid SARIF, link syntax escaped, no raw newline in message text', () => {
    const flow = makeFlow(1, { tls: { ...makeFlow(1).tls!, sni: HOSTILE_SNI } });
    const text = toSarif(makeReport([flow]));
    const doc: unknown = JSON.parse(text);
    expect(sarifValidator()(doc)).toBe(true);
    const res = parse(text).runs[0]?.results.find((r) => r.ruleId === 'HNDL003');
    expect(res?.message.text).toContain('\\[a\\](javascript:1)');
    expect(res?.message.text).not.toContain('\n');
    expect(res?.properties.server).toBe(HOSTILE_SNI);
    expect(sarifText('a[b]\\c')).toBe('a\\[b\\]\\\\c');
  });
});

/** the same scan under a new id and times, as a later CI run would produce */
function makeReportFrom<T extends { scan: { id: string; startedAt: string } }>(r: T): T {
  return { ...r, scan: { ...r.scan, id: '00000000-0000-4000-8000-000000000000', startedAt: '2030-01-01T00:00:00.000Z' } };
}
