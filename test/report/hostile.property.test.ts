/**
 * Property test: reports whose captured strings (SNI, SSH algorithm names, MCP tool / server
 * names, input paths) and numbers are arbitrary never crash a format, and every output stays
 * valid: SARIF and CycloneDX 1.6 / 1.7 schema-valid, Markdown without raw HTML and under the cap,
 * NDJSON one parseable object per line.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { toSarif } from '../../core/report/sarif.js';
import { toCbom } from '../../core/report/cbom.js';
import { toMarkdown } from '../../core/report/markdown.js';
import { toNdjson } from '../../core/report/ndjson.js';
import { deriveFindings } from '../../core/report/findings.js';
import type { FlowReport, RiskLevel } from '../../core/report/model.js';
import type { KexClass } from '../../core/tls/types.js';
import { cbomValidator, errorsOf, makeFlow, makeReport, sarifValidator } from './helpers.js';

/** hostile fragments (HTML, table pipes, code spans, SARIF links and placeholders, line breaks) mixed with arbitrary code points */
const text = fc
  .array(
    fc.oneof(
      fc.constantFrom('<img src=x onerror=alert(1)>', '|', '`', '[a](javascript:1)', '{0}', '\n', '\r', '\u2028', '&lt;', '\\', '"', '\u0000', '\ud800', '# h', '*x*'),
      fc.string({ unit: 'binary', maxLength: 4 }),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''));
const klass = fc.constantFrom<KexClass>('plaintext', 'classical', 'hybrid', 'pq', 'unknown');
const level = fc.constantFrom<RiskLevel>('none', 'low', 'medium', 'high', 'critical');
const codepoint = fc.oneof(fc.constantFrom(0x1d, 0x17, 0x11ec, 0x11ed, 0x6399, 0x0202, 0x4138, 0xfe31, 0x0100), fc.integer({ min: 0, max: 0xffff }));

const flowArb = fc
  .record({
    sni: fc.option(text),
    group: fc.option(text),
    groupCp: fc.option(codepoint),
    suite: fc.option(fc.integer({ min: 0, max: 0xffff })),
    offered: klass,
    negotiated: klass,
    app: fc.constantFrom('tls', 'quic', 'ssh', 'http', 'mcp', 'dns', 'unknown'),
    tools: fc.array(text, { maxLength: 4 }),
    mcpName: fc.option(text),
    risk: fc.option(fc.record({ score: fc.double(), level })),
    years: fc.option(fc.double()),
    share: fc.constantFrom('ok', 'length-mismatch', 'mlkem-key-invalid', null),
    ipv6: fc.boolean(),
    port: fc.integer({ min: 0, max: 65535 }),
    version: fc.option(fc.constantFrom('TLS 1.3', 'TLS 1.2', 'SSL 2.0', 'TLS 1.3 (draft 19)')),
  })
  .map((a): ((id: number) => FlowReport) => (id) => {
    const base = makeFlow(id);
    const f: FlowReport = {
      ...base,
      app: a.app,
      server: { ip: a.ipv6 ? '2001:db8::1' : '10.0.0.9', port: a.port },
      tls:
        a.app === 'tls' || a.app === 'quic'
          ? { ...base.tls!, sni: a.sni, version: a.version, selectedGroup: a.groupCp, cipherSuite: a.suite, shareValidation: a.share }
          : null,
      kex: { offered: a.offered, negotiated: a.negotiated, group: a.group },
      mcp: a.app === 'mcp' ? { methods: ['tools/call'], tools: a.tools, server: a.mcpName === null ? null : { name: a.mcpName, version: null } } : null,
    };
    if (a.app === 'ssh') f['ssh'] = { clientKex: a.tools };
    if (a.risk) f.risk = a.risk;
    if (a.years !== null) f.sensitivity = { category: a.mcpName ?? 'unknown', lifetimeYears: a.years };
    return f;
  });

describe('arbitrary captured values', () => {
  it('every format renders and stays valid', () => {
    fc.assert(
      fc.property(fc.array(flowArb, { minLength: 1, maxLength: 12 }), text, (makers, path) => {
        const flows = makers.map((m, i) => m(i));
        const report = makeReport(flows);
        report.scan.inputs = [{ path: path.length > 0 ? path : '-', format: 'pcap', packets: 1, bytes: 1, truncated: false, error: path }];
        const findings = deriveFindings(report);
        for (const f of findings) expect(f.flowIds.length).toBeGreaterThan(0);

        const sarif: unknown = JSON.parse(toSarif(report));
        const sv = sarifValidator();
        expect(sv(sarif), errorsOf(sv)).toBe(true);
        for (const v of ['1.6', '1.7'] as const) {
          const cv = cbomValidator(v);
          const bom: unknown = JSON.parse(toCbom(report, { specVersion: v }));
          expect(cv(bom), errorsOf(cv)).toBe(true);
        }
        const md = toMarkdown(report, { maxChars: 8000 });
        expect(md.length).toBeLessThanOrEqual(8000);
        expect(md).not.toMatch(/<[a-zA-Z!/?]/);
        const lines = toNdjson(report).split('\n');
        expect(lines.pop()).toBe('');
        expect(lines.length).toBe(1 + flows.length + findings.length);
        for (const l of lines) JSON.parse(l);
      }),
      { numRuns: 150, seed: 20261124 },
    );
  });
});
