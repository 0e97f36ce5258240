/**
 * A parallel scan (inputs split over worker threads, raw reports merged and finalized once)
 * gives the same report as a serial scan of the same inputs: same flows with the same ids, same
 * classification, risk, findings, aggregates and MCP inventory. Needs dist/ (npm run build).
 */
import { describe, expect, it } from 'vitest';
import { scanInputs } from '../../core/scan.js';
import { scanParallel, sliceInputs } from '../../core/merge.js';
import type { ScanReport } from '../../core/report/model.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const PUBLIC = new URL('../../../shared/captures/public/', import.meta.url).pathname;

const inputs = [
  `${ROOT}samples/mixed.pcapng`,
  `${PUBLIC}suricata__tls.pcap`,
  `${ROOT}samples/mcp-legacy-sse.pcap`,
  `${PUBLIC}zeek__ssh_kex_mlkem.pcap`,
  `${ROOT}samples/quic-ssh/quic-chromium.pcap`,
  `${PUBLIC}ndpi__sites.pcapng`,
  `${ROOT}samples/mixed.pcap.gz`,
];

/** everything but the run's own identity and timing */
function comparable(r: ScanReport): unknown {
  const { scan, ...rest } = r;
  return { ...rest, inputs: scan.inputs };
}

describe('parallel scan', () => {
  it('slices inputs contiguously', () => {
    expect(sliceInputs(['a', 'b', 'c', 'd'], [10, 10, 10, 10], 2)).toEqual([['a', 'b'], ['c', 'd']]);
    expect(sliceInputs(['a', 'b', 'c'], [100, 1, 1], 2)).toEqual([['a'], ['b', 'c']]);
    expect(sliceInputs(['a'], [5], 4)).toEqual([['a']]);
    const s = sliceInputs(['a', 'b', 'c', 'd', 'e'], [1, 1, 1, 1, 1], 3);
    expect(s.flat()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(s.length).toBe(3);
  });

  it('equals the serial report', async () => {
    const now = new Date('2026-11-24T00:00:00Z');
    const serial = await scanInputs(inputs, { now });
    const parallel = await scanParallel(inputs, { jobs: 3, scan: {}, now });
    expect(parallel.flows.length).toBe(serial.flows.length);
    expect(parallel.flows.length).toBeGreaterThan(80);
    expect(JSON.parse(JSON.stringify(comparable(parallel)))).toEqual(JSON.parse(JSON.stringify(comparable(serial))));
  });
});
