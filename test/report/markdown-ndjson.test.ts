/**
 * Markdown summary (core/report/markdown.ts) and NDJSON (core/report/ndjson.ts): content on real
 * samples, escaping of hostile captured strings, the GitHub comment size cap, one JSON per line.
 */
import { describe, expect, it } from 'vitest';
import { MARKDOWN_MAX_CHARS, mdEscape, toMarkdown } from '../../core/report/markdown.js';
import { toNdjson } from '../../core/report/ndjson.js';
import { findingsOf } from '../../core/report/findings.js';
import type { FlowReport } from '../../core/report/model.js';
import { HOSTILE_SNI, makeFlow, makeReport, sampleFiles, scan } from './helpers.js';

describe('markdown', () => {
  it('mixed.pcapng: class table, findings table, inputs', async () => {
    const md = toMarkdown(await scan('samples/mixed.pcapng'));
    expect(md).toMatch(/^## hndl-scan /);
    expect(md).toMatch(/\| hybrid \| 2 \| /);
    expect(md).toMatch(/\| plaintext \| 3 \| /);
    expect(md).toContain('### Findings');
    expect(md).toContain('enable X25519MLKEM768 on mcp.internal.test: its clients already offer it');
    expect(md).toContain('HNDL003 offered-hybrid-negotiated-classical');
    expect(md).toMatch(/\| samples\/mixed\.pcapng \| pcapng \| \d+ \|  \|/);
    expect(md).toContain('offered a hybrid post-quantum key exchange but negotiated a classical one');
  });

  it('MCP sample: MCP servers section with tools', async () => {
    const md = toMarkdown(await scan('samples/mcp-streamable-json.pcap'));
    expect(md).toContain('### MCP servers seen');
    expect(md).toMatch(/\| 127\.0\.0\.1:8931 \|.*lookup\\_customer/);
  });

  it('escapes a hostile SNI: no raw HTML, no table break, no code span, no link', () => {
    const flow = makeFlow(1, { tls: { ...makeFlow(1).tls!, sni: HOSTILE_SNI } });
    const md = toMarkdown(makeReport([flow]));
    expect(md).not.toContain('<img');
    expect(md).toContain('&lt;img src=x onerror=alert\\(1\\)&gt;\\|x\\`y\\`\\[a\\]\\(javascript:1\\)?\\# h');
    // every table row keeps its column count: escaped pipes are not separators
    for (const line of md.split('\n').filter((l) => l.startsWith('| **'))) {
      expect(line.replace(/\\\|/g, '').split('|').length).toBe(7);
    }
    expect(mdEscape('a|b`c<d>&e\nf')).toBe('a\\|b\\`c&lt;d&gt;&amp;e?f');
  });

  it('marks truncated inputs', () => {
    const md = toMarkdown(makeReport([makeFlow(1)]));
    expect(md).toMatch(/\| captures\/hostile\.pcap \| pcap \| 10 \| truncated: /);
  });

  it('stays under the GitHub comment cap with thousands of hostile servers', () => {
    const flows: FlowReport[] = [];
    for (let i = 0; i < 3000; i++) {
      const tools = Array.from({ length: 60 }, (_, j) => `${'<b>|'.repeat(40)}tool${j}`);
      flows.push(
        makeFlow(i, {
          app: 'mcp',
          tls: null,
          server: { ip: `10.${(i >> 8) & 255}.${i & 255}.1`, port: 8000 },
          kex: { offered: 'plaintext', negotiated: 'plaintext', group: null },
          mcp: { methods: ['tools/call'], tools, server: { name: `${HOSTILE_SNI}${'x'.repeat(5000)}`, version: '1' } },
        }),
      );
    }
    const report = makeReport(flows, {
      scan: {
        id: 'x',
        startedAt: '2026-01-01T00:00:00.000Z',
        finishedAt: '2026-01-01T00:00:00.000Z',
        durationMs: 0,
        inputs: Array.from({ length: 200 }, (_, i) => ({ path: `${'|<p>'.repeat(100)}${i}.pcap`, format: 'pcap' as const, packets: 1, bytes: 1, truncated: true })),
      },
    });
    const md = toMarkdown(report);
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_MAX_CHARS);
    expect(md.length).toBeLessThan(65536);
    expect(md).not.toMatch(/<(b|p|img)/);
    expect(toMarkdown(report, { maxChars: 5000 }).length).toBeLessThanOrEqual(5000);
    expect(toMarkdown(report, { maxChars: 5000 })).toContain('truncated to fit');
  });
});

describe('ndjson', () => {
  for (const file of sampleFiles()) {
    it(`${file}: header, one line per flow, then findings; every line parses`, async () => {
      const report = await scan(file);
      const text = toNdjson(report);
      expect(text.endsWith('\n')).toBe(true);
      const lines = text.slice(0, -1).split('\n');
      const objs = lines.map((l) => JSON.parse(l) as { type: string; id?: number; ruleId?: string });
      expect(objs[0]).toMatchObject({ type: 'scan', tool: report.tool, summary: report.summary });
      const flows = objs.filter((o) => o.type === 'flow');
      expect(flows.map((o) => o.id)).toEqual(report.flows.map((f) => f.id));
      const findings = objs.filter((o) => o.type === 'finding');
      expect(findings.map((o) => o.ruleId)).toEqual(findingsOf(report).map((f) => f.ruleId));
      expect(objs.length).toBe(1 + flows.length + findings.length);
      expect(objs.map((o) => o.type)).toEqual(['scan', ...flows.map(() => 'flow'), ...findings.map(() => 'finding')]);
    });
  }

  it('captured line breaks stay inside their line; a flow field cannot override type', () => {
    const flow = makeFlow(1, { tls: { ...makeFlow(1).tls!, sni: 'a\nb\r\u2028c' }, type: 'scan' });
    const lines = toNdjson(makeReport([flow])).trimEnd().split('\n');
    const f = JSON.parse(lines[1] ?? '') as { type: string; tls: { sni: string } };
    expect(f.type).toBe('flow');
    expect(f.tls.sni).toBe('a\nb\r\u2028c');
    for (const l of lines) expect(() => JSON.parse(l) as unknown).not.toThrow();
  });
});
