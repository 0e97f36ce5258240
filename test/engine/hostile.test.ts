/**
 * Hostile input through the whole engine: mutated real captures never throw out of a scan, and
 * adversarial traffic (a flood of SYNs from random ports) cannot grow the flow table or the
 * report without bound.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScanSession, MAX_EMPTY_FLOW_REPORTS, scanInputs } from '../../core/scan.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const PUBLIC = new URL('../../../shared/captures/public/', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'hndl-hostile-'));

const seeds = [
  join(ROOT, 'samples/mixed.pcapng'),
  join(ROOT, 'samples/mcp-streamable-sse.pcap'),
  join(PUBLIC, 'zeek__quic-decrypt-fail-google-de-51833.pcap'),
  join(PUBLIC, 'ja4__gre-erspan-vxlan.pcap'),
  join(PUBLIC, 'zeek__ssh_kex_mlkem.pcap'),
  join(PUBLIC, 'ja4__socks-https-example.pcap'),
].map((p) => readFileSync(p));

describe('hostile captures', () => {
  it('mutated real captures never throw and keep the input header', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: seeds.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 64 }),
        fc.option(fc.nat(), { nil: undefined }),
        async (which, flips, cut) => {
          const seed = seeds[which];
          if (!seed) return;
          const buf = Buffer.from(seed);
          // keep the file header so the mutation reaches the records and the decoders
          for (const [pos, val] of flips) {
            const i = 32 + (pos % Math.max(1, buf.length - 32));
            buf[i] = val;
          }
          const data = cut === undefined ? buf : buf.subarray(0, 32 + (cut % Math.max(1, buf.length - 32)));
          const file = join(tmp, `m${n++}.cap`);
          writeFileSync(file, data);
          const report = await scanInputs([file]);
          expect(report.flows.length).toBeLessThanOrEqual(report.summary.packets + 1);
          JSON.stringify(report);
        },
      ),
      // HNDL_FUZZ_RUNS=3000 npx vitest run test/engine/hostile.test.ts for a longer run (3000 pass)
      { numRuns: Number(process.env['HNDL_FUZZ_RUNS'] ?? 120) },
    );
  });

  it('a flood of SYNs is bounded by the flow-table cap and the empty-flow report cap', async () => {
    const N = MAX_EMPTY_FLOW_REPORTS + 20_000;
    const rec = 16 + 54;
    const buf = Buffer.alloc(24 + N * rec);
    buf.writeUInt32LE(0xa1b2c3d4, 0);
    buf.writeUInt16LE(2, 4);
    buf.writeUInt16LE(4, 6);
    buf.writeUInt32LE(65535, 16);
    buf.writeUInt32LE(1, 20);
    let o = 24;
    for (let i = 0; i < N; i++) {
      buf.writeUInt32LE(1_700_000_000, o);
      buf.writeUInt32LE(i % 1_000_000, o + 4);
      buf.writeUInt32LE(54, o + 8);
      buf.writeUInt32LE(54, o + 12);
      const f = o + 16;
      buf.writeUInt16BE(0x0800, f + 12);
      buf[f + 14] = 0x45;
      buf.writeUInt16BE(40, f + 16);
      buf[f + 22] = 64;
      buf[f + 23] = 6;
      buf.writeUInt32BE(0x0a000000 + (i >>> 16), f + 26);
      buf.writeUInt32BE(0xc0a80001, f + 30);
      buf.writeUInt16BE(1024 + (i & 0xffff) % 60000, f + 34);
      buf.writeUInt16BE(443, f + 36);
      buf.writeUInt32BE(i * 7919, f + 38);
      buf[f + 46] = 0x50;
      buf[f + 47] = 0x02; // SYN
      o += rec;
    }
    const file = join(tmp, 'synflood.pcap');
    writeFileSync(file, buf);
    const s = new ScanSession({ maxFlows: 1000 });
    await s.addInput(file);
    const report = s.finish();
    expect(report.summary.packets).toBe(N);
    expect(report.summary.flowsEvicted).toBeGreaterThan(N - 2000);
    expect(report.flows.length).toBe(MAX_EMPTY_FLOW_REPORTS);
    expect(report.summary['emptyFlowsNotListed']).toBe(N - MAX_EMPTY_FLOW_REPORTS);
  });
});
