/**
 * Capture timestamps with no RFC 3339 form (found by fuzzing): beyond what a Date can hold (a
 * pcapng interface offset of ±2^62 s) the scan ended with "Invalid time value"; in years
 * 10000 and later (or before year 0) flows showed "+011476-08-15T05:13.992128Z" and `--db`
 * refused the scan. Now the scan with an MCP tool policy completes, flows and tool-call
 * occurrences show the Unix epoch in their usual forms, the reader counts
 * pcapng.timestamp_out_of_range, and the store keeps the scan with NULL message times.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LINKTYPE } from '../../core/capture/types.js';
import { parseMcpPolicy } from '../../core/mcp/policy.js';
import { openStore } from '../../core/store/index.js';
import { scanInputs } from '../../core/scan.js';
import { epb, idb, shb } from '../capture/helpers.js';
import { readFrames } from '../support/packets.js';
import { MCP_SAMPLES, SAMPLES } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'hndl-hostile-time-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** the frames of an MCP sample in a pcapng whose interface adds `offsetSeconds` to every time */
function withOffset(offsetSeconds: bigint): string {
  const frames = readFrames(SAMPLES + MCP_SAMPLES.ndjson);
  expect(frames.length).toBeGreaterThan(10);
  const blocks = [shb(true), idb(true, frames[0]?.linkType ?? LINKTYPE.ETHERNET, 0, { tsoffset: offsetSeconds })];
  for (const f of frames) blocks.push(epb(true, 0, BigInt(f.tsMicros), f.data, f.origLen));
  const path = join(dir, `offset-${offsetSeconds}.pcapng`);
  writeFileSync(path, Buffer.concat(blocks));
  return path;
}

describe('timestamps outside years 0000–9999', () => {
  const policy = parseMcpPolicy('toolPolicy:\n  - server: "*"\n    deny: [lookup_customer]\n', 'inline');

  // ±2^62 s: past a Date; 3e11 s: year 11476; -1e11 s: year -1199; 253 402 300 800 s: year 10000
  for (const offset of [1n << 62n, -(1n << 62n), 300_000_000_000n, -100_000_000_000n, 253_402_300_800n]) {
    it(`interface offset ${offset} s: flows and tool-call occurrences show the epoch`, async () => {
      const report = await scanInputs([withOffset(offset)], { mcpPolicy: policy, now: new Date('2026-11-25T00:00:00Z') });
      expect(report.flows.length).toBeGreaterThan(0);
      expect(report.summary.weirds['pcapng.timestamp_out_of_range']).toBeGreaterThan(10);
      for (const f of report.flows) {
        expect(f.firstSeen).toBe('1970-01-01T00:00:00.000000Z');
        expect(f.lastSeen).toBe('1970-01-01T00:00:00.000000Z');
      }
      const denied = (report.findings ?? []).filter((x) => x.ruleId === 'HNDL009');
      expect(denied.length).toBeGreaterThan(0);
      const times = denied.flatMap((x) => {
        const occ = x.evidence?.['occurrences'];
        return Array.isArray(occ) ? occ.map((o: { time?: unknown }) => o.time) : [];
      });
      expect(times.length).toBeGreaterThan(0);
      for (const t of times) expect(t).toBe('1970-01-01T00:00:00.000Z');
      // and the scan can be stored: message times no timestamp can hold are NULL
      const store = await openStore(join(dir, `offset-${offset}.duckdb`));
      try {
        await store.writeScan(report);
        const rows = await store.read((q) => q('SELECT count(*)::INTEGER AS n, count(ts)::INTEGER AS with_time FROM mcp_messages'));
        expect(rows[0]?.['n']).toBeGreaterThan(0);
        expect(rows[0]?.['with_time']).toBe(0);
        expect((await store.listScans()).length).toBe(1);
      } finally {
        await store.close();
      }
    });
  }

  it('the last second of year 9999 and the first of year 0000 still have their own form', async () => {
    const { microsToIso, isoRepresentable } = await import('../../core/util/time.js');
    // (doubles this large are 32 µs apart: whole seconds are exact)
    expect(microsToIso(253_402_300_799_000_000)).toBe('9999-12-31T23:59:59.000000Z');
    expect(isoRepresentable(253_402_300_800_000_000)).toBe(false);
    expect(microsToIso(253_402_300_800_000_000)).toBe('1970-01-01T00:00:00.000000Z');
    expect(microsToIso(-62_167_219_200_000_000)).toBe('0000-01-01T00:00:00.000000Z');
    expect(microsToIso(-62_167_219_201_000_000)).toBe('1970-01-01T00:00:00.000000Z');
    expect(microsToIso(Number.NaN)).toBe('1970-01-01T00:00:00.000000Z');
  });
});
