/**
 * The chunked flows writer (core/store/chunks.ts) and the timestamp parser it uses: column specs
 * in table order, the fast ISO path equal to the general one, invalid values named, and more
 * rows than one data chunk holds written exactly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHUNK_ROWS, FLUSH_CHUNKS } from '../../core/store/chunks.js';
import { FLOW_COLUMNS, openStore } from '../../core/store/index.js';
import { isoToMicros, isoToMicrosNumber, microsToIso } from '../../core/store/time.js';
import { flowColumns } from '../../core/store/write.js';
import { syntheticReport } from './synthetic.js';

const dir = mkdtempSync(join(tmpdir(), 'hndl-chunks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('flows writer', () => {
  it('lists every flows column in table order', () => {
    expect(flowColumns('x').map((c) => c.name)).toEqual(FLOW_COLUMNS);
  });

  it('writes more rows than one chunk, values and nulls intact', async () => {
    const n = CHUNK_ROWS * 2 + 17;
    const report = syntheticReport('chunks-1', n);
    const store = await openStore(join(dir, 'c.duckdb'));
    await store.writeScan(report);
    const page = await store.listFlows('chunks-1', { limit: 500, offset: CHUNK_ROWS * 2 - 200, sort: 'id', order: 'asc' });
    await store.close();
    expect(page?.total).toBe(n);
    expect(page?.flows.length).toBe(217);
    for (const got of page?.flows ?? []) {
      const want = report.flows.find((f) => f.id === got.id);
      expect(got.firstSeen).toBe(want?.firstSeen);
      expect(got.tls).toEqual(want?.tls ?? null);
      expect(got.kex).toEqual(want?.kex);
      expect(got.sensitivity).toEqual(want?.sensitivity);
      expect(got.risk).toEqual(want?.risk);
      expect(got.bytes).toEqual(want?.bytes);
    }
  });

  it('strings round-trip at the inline boundary, non-ASCII, with NUL, and nulls in one chunk only', async () => {
    // 12 bytes is the longest inlined duckdb_string_t; 13 and non-ASCII go through the string heap
    const texts = ['', 'a', 'abcdefghijkl', 'abcdefghijklm', 'é', 'ü.example', 'a\u0000b', '\u0000', '💥', 'x'.repeat(300)];
    const n = CHUNK_ROWS * 2 + 5;
    const report = syntheticReport('chunks-str', n);
    report.flows.forEach((f, i) => {
      if (!f.tls) return;
      // the first chunk has null SNIs, the later ones none: a reset chunk must not keep them
      f.tls.sni = i < CHUNK_ROWS && i % 3 === 0 ? null : (texts[i % texts.length] ?? null);
      f.kex.reason = texts[(i + 3) % texts.length] ?? null;
    });
    const store = await openStore(join(dir, 's.duckdb'));
    await store.writeScan(report);
    const got = [];
    for (let off = 0; off < n; off += 500) {
      const page = await store.listFlows('chunks-str', { limit: 500, offset: off, sort: 'id', order: 'asc' });
      got.push(...(page?.flows ?? []));
    }
    await store.close();
    expect(got.length).toBe(n);
    for (const g of got) {
      const want = report.flows.find((f) => f.id === g.id);
      expect(g.tls?.sni ?? null).toBe(want?.tls?.sni ?? null);
      expect(g.kex.reason).toBe(want?.kex.reason);
    }
  });

  it('names the flow and field of an invalid value in a later chunk and stores nothing', async () => {
    const report = syntheticReport('chunks-bad', CHUNK_ROWS + 10);
    const f = report.flows[CHUNK_ROWS + 3];
    if (f) f.client.port = 1.5;
    const store = await openStore(join(dir, 'bad.duckdb'));
    await expect(store.writeScan(report)).rejects.toMatchObject({
      code: 'INVALID_REPORT',
      message: `flow ${String(f?.id)}: invalid client.port: 1.5`,
    });
    expect(await store.listScans()).toEqual([]);
    await store.close();
  });

  it('rolls back rows already flushed from the Appender into the transaction', async () => {
    const flushed = CHUNK_ROWS * FLUSH_CHUNKS;
    // an invalid value in the chunk after the first flush
    const bad = syntheticReport('chunks-flushed-bad', flushed + 10);
    const f = bad.flows[flushed + 3];
    if (f) f.server.port = 1.5;
    // a value only the table's CHECK constraint rejects, when its chunk is flushed
    const check = syntheticReport('chunks-flushed-check', flushed * 2 + 1);
    const h = check.flows[flushed + 1];
    if (h) h.server.port = 70_000;
    // a duplicate flow id: the primary key rejects it when its chunk is flushed
    const dup = syntheticReport('chunks-flushed-dup', flushed * 2 + 1);
    const g = dup.flows[flushed + 1];
    if (g) g.id = dup.flows[0]?.id ?? 0;
    const store = await openStore(join(dir, 'flushed.duckdb'));
    await expect(store.writeScan(bad)).rejects.toMatchObject({ code: 'INVALID_REPORT', message: `flow ${String(f?.id)}: invalid server.port: 1.5` });
    await expect(store.writeScan(check)).rejects.toMatchObject({ code: 'INVALID_REPORT', message: expect.stringMatching(/CHECK constraint/) });
    await expect(store.writeScan(dup)).rejects.toThrow(/duplicate key|constraint/i);
    expect(await store.listScans()).toEqual([]);
    // nothing half-written is left behind: the same scan ids can be stored afterwards
    const good = syntheticReport('chunks-flushed-bad', flushed + 10);
    await store.writeScan(good);
    const page = await store.listFlows('chunks-flushed-bad', { limit: 1, offset: 0, sort: 'id', order: 'asc' });
    expect(page?.total).toBe(flushed + 10);
    expect(await store.read((q) => q('SELECT count(*)::INTEGER AS n FROM flows'))).toEqual([{ n: flushed + 10 }]);
    await store.close();
  });
});

describe('isoToMicros', () => {
  it('fast path agrees with the general parser and round-trips', () => {
    const samples = [
      '2024-03-01T12:34:56.000001Z', '2024-03-01T12:34:56.999999Z', '2024-03-01T12:34:57.000000Z',
      '1970-01-01T00:00:00.000000Z', '2038-01-19T03:14:08.123456Z',
    ];
    for (const s of samples) {
      const us = isoToMicros(s);
      expect(us).not.toBeNull();
      // the same instant in a form the fast path does not take
      expect(isoToMicros(s.replace('Z', '+00:00'))).toBe(us);
      expect(microsToIso(us ?? 0n).replace(/(\.\d{3})Z$/, '$1000Z')).toBe(s);
    }
  });

  it('rejects what looks like the fast form but is not a time', () => {
    for (const s of ['2024-13-01T12:34:56.000001Z', '2024-03-01T12:34:5x.000001Z', '2024-03-01T12:34:56.00000aZ', 'abcd-03-01T12:34:56.000001Z']) {
      expect(isoToMicros(s)).toBeNull();
    }
  });

  it('isoToMicrosNumber is isoToMicros as a number while that is exact, else null', () => {
    for (const s of ['2024-03-01T12:34:56.000001Z', '1969-12-31T23:59:59.999999Z', '1700-01-01T00:00:00.5Z', '2200-06-30T12:00:00+02:00']) {
      expect(isoToMicrosNumber(s)).toBe(Number(isoToMicros(s)));
    }
    expect(isoToMicrosNumber('1500-01-01T00:00:00.000001Z')).toBeNull();
    expect(isoToMicrosNumber('9999-12-31T23:59:59.999999Z')).toBeNull();
    expect(isoToMicrosNumber('not a time')).toBeNull();
  });
});

describe('fixed-width columns written as bytes', () => {
  it('timestamps far from today, negative and large integers round-trip exactly', async () => {
    const report = syntheticReport('chunks-wide', 4);
    const stamps = ['1500-01-01T00:00:00.000001Z', '9999-12-31T23:59:59.999999Z', '1969-12-31T23:59:59.999999Z', '2024-03-01T12:34:56.123456Z'];
    report.flows.forEach((f, i) => {
      f.firstSeen = stamps[i] ?? f.firstSeen;
      f.lastSeen = stamps[i] ?? f.lastSeen;
      f.bytes.clientToServer = [Number.MAX_SAFE_INTEGER, 2 ** 32, 2 ** 32 - 1, 0][i] ?? 0;
      f.tunnelId = [-1, -(2 ** 40), 2 ** 31, 7][i] ?? 0;
      f.vlan = [2 ** 31 - 1, -(2 ** 31), 4095, -1][i] ?? 0;
    });
    const store = await openStore(join(dir, 'w.duckdb'));
    await store.writeScan(report);
    const page = await store.listFlows('chunks-wide', { limit: 10, sort: 'id', order: 'asc' });
    await store.close();
    expect(page?.flows.length).toBe(4);
    for (const got of page?.flows ?? []) {
      const want = report.flows.find((f) => f.id === got.id);
      expect(isoToMicros(got.firstSeen)).toBe(isoToMicros(want?.firstSeen ?? ''));
      expect(got.bytes.clientToServer).toBe(want?.bytes.clientToServer);
      expect(got.tunnelId).toBe(want?.tunnelId);
      expect(got.vlan).toBe(want?.vlan);
    }
  });
});
