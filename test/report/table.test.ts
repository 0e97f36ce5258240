/**
 * The terminal table: summary per negotiated class, the "client ready, server not" finding first,
 * colour only when asked, sized to the width, and attacker-controlled strings (SNI) unable to
 * drive the terminal (ANSI escapes) or reorder the line (bidi overrides).
 */
import { describe, expect, it } from 'vitest';
import { renderTable } from '../../core/report/table.js';
import { scanInputs } from '../../core/scan.js';

const SAMPLES = new URL('../../samples/', import.meta.url).pathname;

describe('renderTable', () => {
  it('summarises, names the first finding and respects width and colour', async () => {
    const report = await scanInputs([`${SAMPLES}mixed.pcapng`]);
    const plain = renderTable(report, { color: false, width: 100 });
    expect(plain).not.toContain('\x1b[');
    for (const line of plain.split('\n').slice(0, 12)) expect(line.length).toBeLessThanOrEqual(100);
    const lines = plain.split('\n');
    const ready = lines.findIndex((l) => l.startsWith('Client ready, server not: 2 flow(s)'));
    const findings = lines.findIndex((l) => l.startsWith('Findings:'));
    expect(ready).toBeGreaterThan(0);
    expect(findings).toBeGreaterThan(ready);
    expect(plain).toMatch(/Servers responsible: (mcp\.internal\.test|hrr\.retry\.test) \(1\), (mcp\.internal\.test|hrr\.retry\.test) \(1\)/);
    expect(plain).toMatch(/Deadlines:\n\s+20\d\d-\d\d-\d\d \((in \d+ days|passed \d+ days ago)\)\s+CNSA 2\.0/);
    expect(plain).toContain('NIST IR 8547');
    const coloured = renderTable(report, { color: true, width: 200 });
    expect(coloured).toContain('\x1b[');
  });

  it('neutralises escape and bidi characters in captured strings', async () => {
    const report = await scanInputs([`${SAMPLES}tls13-hybrid.pcap`]);
    const f = report.flows[0];
    if (!f?.tls) throw new Error('sample has no TLS flow');
    f.tls.sni = 'evil\x1b[2J\x1b]0;owned\x07.test\u202egnp.exe';
    const out = renderTable(report, { color: false, width: 200 });
    expect(out).not.toContain('\x1b');
    expect(out).not.toContain('\x07');
    expect(out).not.toContain('\u202e');
    expect(out).toContain('evil?[2J?]0;owned?.test?gnp.exe');
  });
});
