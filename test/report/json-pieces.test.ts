/**
 * The JSON report written in pieces (core/report/json.ts) is byte for byte the single-string
 * JSON.stringify(report, null, 2) + '\n', on real scans and on arbitrary JSON values; no piece
 * grows with the report.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jsonReportPieces } from '../../core/report/json.js';
import { jsonPieces } from '../../core/report/json-pieces.js';
import { ndjsonPieces } from '../../core/report/ndjson.js';
import type { ScanReport } from '../../core/report/model.js';
import { scanInputs } from '../../core/scan.js';
import { syntheticReport } from '../store/synthetic.js';

const joined = (r: ScanReport): string => [...jsonReportPieces(r)].join('');
const reference = (r: ScanReport): string => `${JSON.stringify(r, null, 2)}\n`;

describe('JSON report pieces', () => {
  it('equal JSON.stringify on scans of real captures', async () => {
    for (const f of ['samples/mixed.pcapng', 'samples/tls13-hrr.pcap', 'samples/mcp-streamable-sse.pcap']) {
      const r = await scanInputs([f], {});
      expect(joined(r)).toBe(reference(r));
    }
  });

  it('equal JSON.stringify with no flows, undefined fields and extra keys', () => {
    const r = syntheticReport('pieces', 3);
    const empty: ScanReport = { ...r, flows: [], findings: [] };
    expect(joined(empty)).toBe(reference(empty));
    const odd = { ...r, extraKey: { nested: [1, { a: undefined, b: 'x\ny' }] }, skipped: undefined } as unknown as ScanReport;
    expect(joined(odd)).toBe(reference(odd));
    expect(joined({} as ScanReport)).toBe(reference({} as ScanReport));
  });

  it('equal JSON.stringify on arbitrary values', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.oneof(fc.jsonValue(), fc.array(fc.jsonValue()))), (obj) => {
        const r = obj as unknown as ScanReport;
        expect(joined(r)).toBe(reference(r));
      }),
      { numRuns: 300 },
    );
  });

  it('equal JSON.stringify for long arrays (batched) with holes, nulls and odd keys', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ maxDepth: 2 }), { minLength: 250, maxLength: 700 }), fc.string(), (items, key) => {
        const withOdd: unknown[] = [...items];
        withOdd[3] = undefined;
        withOdd[300] = () => 1;
        const r = { tool: { name: 't' }, [key]: withOdd, flows: items } as unknown as ScanReport;
        expect(joined(r)).toBe(reference(r));
      }),
      { numRuns: 40 },
    );
  });

  it('keep pieces small however many flows there are', () => {
    const r = syntheticReport('big', 12_000);
    let pieces = 0;
    let max = 0;
    for (const p of jsonReportPieces(r)) {
      pieces++;
      max = Math.max(max, p.length);
    }
    expect(pieces).toBeGreaterThan(3);
    expect(joined(r)).toBe(reference(r));
    expect(max).toBeLessThan((1 << 20) + 16_384);
    let nd = 0;
    for (const p of ndjsonPieces(r)) {
      nd++;
      expect(p.endsWith('\n')).toBe(true);
      expect(p.length).toBeLessThan((1 << 20) + 16_384);
    }
    expect(nd).toBeGreaterThan(1);
  });

  it('write long arrays nested in objects and short arrays in pieces too (server aggregates, SARIF results)', () => {
    const servers = Array.from({ length: 5000 }, (_, i) => ({ key: `10.0.${i >> 8}.${i & 255}:53`, flows: i, groups: ['x25519'] }));
    const r = { ...syntheticReport('nested', 3), aggregates: { servers, clients: servers.slice(0, 10), capture: { n: 1 } } } as unknown as ScanReport;
    const sarifLike = { version: '2.1.0', runs: [{ tool: { name: 'x' }, results: servers, properties: { a: [1, 2] } }] };
    for (const doc of [r, sarifLike]) {
      let max = 0;
      let n = 0;
      for (const p of jsonPieces(doc)) {
        n++;
        max = Math.max(max, p.length);
      }
      expect([...jsonPieces(doc)].join('')).toBe(JSON.stringify(doc, null, 2));
      expect(n).toBeGreaterThan(5000 / 256);
      expect(max).toBeLessThan(64 * 1024);
    }
  });

  it('equal JSON.stringify on random nestings of long and short arrays, toJSON values and dropped members', () => {
    const leaf = fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constant(undefined), fc.constant(new Date(0)));
    const long = fc.array(leaf, { minLength: 257, maxLength: 400 });
    const tree = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        long,
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(fc.string({ maxLength: 4 }), tie('node'), { maxKeys: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(tree, (v) => {
        expect([...jsonPieces(v)].join('')).toBe(JSON.stringify(v, null, 2) ?? 'null');
      }),
      { numRuns: 300 },
    );
  });
});
