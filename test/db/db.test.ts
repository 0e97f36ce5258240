/**
 * `db list|query|export|diff` (core/store/admin.ts, cli/db-commands.ts; issue "Reports and CI
 * gate") on a real DuckDB file populated by scanning samples: read-only queries (writes refused
 * by the engine), Parquet export read back by DuckDB, scans of the same capture recognised by
 * input SHA-256, and per-class / per-server diffs.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { DuckDBInstance } from '@duckdb/node-api';
import { scanInputs } from '../../core/scan.js';
import { openStore } from '../../core/store/index.js';
import type { ScanReport } from '../../core/report/model.js';
import {
  AdminError, classifyServerChange, diffScans, exportParquet, latestRepeatedPair, listScanCaptures, openAdminDb,
  readOnlyQuery, resolveScanId,
} from '../../core/store/admin.js';
import { registerDbCommands, runDbDiff, runDbExport, runDbList, runDbQuery } from '../../cli/db-commands.js';
import { UsageError } from '../../cli/errors.js';

let dir: string;
let dbPath: string;
const ids: Record<string, string> = {};
const SERVER_UP = 'mcp.internal.test'; // classical in mixed.pcapng, made hybrid in the later scan
const SERVER_DOWN = 'api.hybrid.test'; // hybrid in mixed.pcapng, made classical in the later scan

function sink(): { out: (s: string) => void; text: () => string } {
  let acc = '';
  return { out: (s) => { acc += s; }, text: () => acc };
}

async function adminError(p: Promise<unknown>): Promise<AdminError> {
  try {
    await p;
  } catch (e: unknown) {
    if (e instanceof AdminError) return e;
    throw e;
  }
  throw new Error('expected an AdminError');
}

/** the later scan of mixed.pcapng: one server upgraded to hybrid, one downgraded to classical */
function evolve(r: ScanReport): ScanReport {
  let up = 0;
  let down = 0;
  for (const f of r.flows) {
    if (f.tls?.sni === SERVER_UP) {
      f.kex = { ...f.kex, negotiated: 'hybrid', group: 'X25519MLKEM768' };
      up++;
    }
    if (f.tls?.sni === SERVER_DOWN) {
      f.kex = { ...f.kex, negotiated: 'classical', group: 'x25519' };
      down++;
    }
  }
  if (up === 0 || down === 0) throw new Error('sample servers not found: update SERVER_UP / SERVER_DOWN');
  return r;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hndl-db-'));
  dbPath = join(dir, 'scans.duckdb');
  const store = await openStore(dbPath);
  try {
    const first = await scanInputs(['samples/mixed.pcapng'], { hash: true });
    await store.writeScan(first);
    ids['first'] = first.scan.id;
    await new Promise((r) => setTimeout(r, 5));
    const other = await scanInputs(['samples/tls13-classical.pcap'], { hash: true });
    await store.writeScan(other);
    ids['other'] = other.scan.id;
    await new Promise((r) => setTimeout(r, 5));
    const later = evolve(await scanInputs(['samples/mixed.pcapng'], { hash: true }));
    await store.writeScan(later);
    ids['later'] = later.scan.id;
  } finally {
    await store.close();
  }
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('list', () => {
  it('lists scans oldest first with inputs digests and marks repeated captures', async () => {
    const db = await openAdminDb(dbPath);
    try {
      const scans = await listScanCaptures(db);
      expect(scans.map((s) => s.id)).toEqual([ids['first'], ids['other'], ids['later']]);
      const [a, b, c] = scans;
      expect(a?.inputs[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(a?.captureId).toBe(a?.inputs[0]?.sha256);
      expect(a?.captureId).toBe(c?.captureId);
      expect(b?.captureId).not.toBe(a?.captureId);
      expect([a?.captureScan, a?.captureScans, c?.captureScan, c?.captureScans, b?.captureScans]).toEqual([1, 2, 2, 2, 1]);
      expect(a?.byNegotiated['hybrid']).toBeGreaterThan(0);
      expect(a?.flows).toBe(Object.values(a?.byNegotiated ?? {}).reduce((x, y) => x + y, 0));
    } finally {
      db.close();
    }
  });

  it('db list prints a table with the repeat marks, and JSON', async () => {
    const t = sink();
    expect(await runDbList({ db: dbPath }, t.out)).toBe(0);
    expect(t.text()).toContain(ids['first']?.slice(0, 8));
    expect(t.text()).toMatch(/\(1\/2\)/);
    expect(t.text()).toMatch(/\(2\/2\)/);
    const j = sink();
    await runDbList({ db: dbPath, json: true }, j.out);
    const parsed: unknown = JSON.parse(j.text());
    expect(Array.isArray(parsed) && parsed.length === 3).toBe(true);
  });

  it('a missing or non-DuckDB file is one UsageError line', async () => {
    await expect(runDbList({ db: join(dir, 'nope.duckdb') }, sink().out)).rejects.toThrow(/nope\.duckdb: no such database file/);
    const junk = join(dir, 'junk.duckdb');
    writeFileSync(junk, 'not a database');
    await expect(runDbList({ db: junk }, sink().out)).rejects.toBeInstanceOf(UsageError);
  });
});

describe('query', () => {
  it('runs a SELECT and returns JSON-safe rows', async () => {
    const db = await openAdminDb(dbPath);
    try {
      const r = await readOnlyQuery(db, `SELECT scan_id, count(*) AS n FROM flows GROUP BY scan_id ORDER BY scan_id`);
      expect(r.columns).toEqual(['scan_id', 'n']);
      expect(r.rows).toHaveLength(3);
      expect(typeof r.rows[0]?.[1]).toBe('number');
    } finally {
      db.close();
    }
  });

  it('refuses writes at the engine level, file access and several statements', async () => {
    const db = await openAdminDb(dbPath);
    try {
      expect((await adminError(readOnlyQuery(db, 'DELETE FROM flows'))).message).toMatch(/read-only/);
      expect((await adminError(readOnlyQuery(db, `UPDATE scans SET flows = 0`))).code).toBe('BAD_QUERY');
      expect((await adminError(readOnlyQuery(db, `COPY scans TO '${join(dir, 'leak.csv')}'`))).code).toBe('BAD_QUERY');
      expect((await adminError(readOnlyQuery(db, `ATTACH '${join(dir, 'other.duckdb')}' AS o`))).code).toBe('BAD_QUERY');
      expect((await adminError(readOnlyQuery(db, 'SET enable_external_access = true'))).code).toBe('BAD_QUERY');
      expect((await adminError(readOnlyQuery(db, 'SELECT 1; DELETE FROM flows'))).message).toMatch(/exactly one/);
    } finally {
      db.close();
    }
    expect(existsSync(join(dir, 'leak.csv'))).toBe(false);
    expect(existsSync(join(dir, 'other.duckdb'))).toBe(false);
    const t = sink();
    await runDbQuery('SELECT count(*) AS n FROM flows', { db: dbPath, json: true }, t.out);
    const rows = JSON.parse(t.text()) as { n: number }[];
    expect(rows[0]?.n).toBeGreaterThan(0);
    await expect(runDbQuery('DELETE FROM flows', { db: dbPath }, sink().out)).rejects.toBeInstanceOf(UsageError);
    const after = sink();
    await runDbQuery('SELECT count(*) AS n FROM flows', { db: dbPath, json: true }, after.out);
    expect(after.text()).toBe(t.text());
  });
});

describe('export', () => {
  it('writes one readable Parquet file per table', async () => {
    const out = join(dir, 'parquet');
    const t = sink();
    expect(await runDbExport({ db: dbPath, parquet: out }, t.out)).toBe(0);
    const inst = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
    const conn = await inst.connect();
    try {
      for (const table of ['scans', 'inputs', 'flows', 'meta']) {
        const file = join(out, `${table}.parquet`);
        expect(existsSync(file)).toBe(true);
        const r = await conn.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM '${file}'`);
        const n = r.getRowObjectsJS()[0]?.['n'];
        const src = await openAdminDb(dbPath);
        const expected = (await readOnlyQuery(src, `SELECT count(*)::INTEGER FROM ${table}`)).rows[0]?.[0];
        src.close();
        expect(n).toBe(expected);
        expect(n).toBeGreaterThan(0);
      }
      const flows = await conn.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM '${join(out, 'flows.parquet')}' WHERE kex_negotiated = 'hybrid'`);
      expect(flows.getRowObjectsJS()[0]?.['n']).toBeGreaterThan(0);
    } finally {
      conn.closeSync();
      inst.closeSync();
    }
  });

  it('works on a database with no extensions installed and reports unwritable targets', async () => {
    const db = await openAdminDb(dbPath, { files: true });
    try {
      const loaded = await readOnlyQuery(db, `SELECT count(*)::INTEGER FROM duckdb_extensions() WHERE installed AND install_mode NOT IN ('STATICALLY_LINKED')`);
      expect(loaded.rows[0]?.[0]).toBe(0);
      writeFileSync(join(dir, 'afile'), 'x');
      expect((await adminError(exportParquet(db, join(dir, 'afile', 'sub')))).code).toBe('EXPORT_FAILED');
    } finally {
      db.close();
    }
  });
});

describe('diff', () => {
  it('classifies server changes', () => {
    expect(classifyServerChange({ classical: 2 }, { hybrid: 2 })).toBe('improved');
    expect(classifyServerChange({ hybrid: 1 }, { classical: 1 })).toBe('regressed');
    expect(classifyServerChange({ plaintext: 1 }, { classical: 1 })).toBe('improved');
    expect(classifyServerChange(null, { classical: 1 })).toBe('new');
    expect(classifyServerChange({ pq: 1 }, null)).toBe('gone');
    expect(classifyServerChange({ classical: 1 }, { classical: 4 })).toBe('unchanged');
    expect(classifyServerChange({ classical: 1 }, { classical: 1 }, false)).toBe('changed');
    expect(classifyServerChange({ unknown: 1 }, { unknown: 2, classical: 0 })).toBe('unchanged');
  });

  it('without ids compares the last two scans of the same capture, per class and per server', async () => {
    const db = await openAdminDb(dbPath);
    try {
      const scans = await listScanCaptures(db);
      const [a, b] = latestRepeatedPair(scans);
      expect([a.id, b.id]).toEqual([ids['first'], ids['later']]);
      const d = await diffScans(db, a, b);
      expect(d.sameCapture).toBe(true);
      const cls = Object.fromEntries(d.byNegotiated.map((c) => [c.kex, c]));
      expect(cls['hybrid']?.a).toBe(a.byNegotiated['hybrid']);
      expect((cls['hybrid']?.delta ?? 0) + (cls['classical']?.delta ?? 0)).toBe(0);
      const up = d.servers.find((s) => s.server === SERVER_UP);
      const down = d.servers.find((s) => s.server === SERVER_DOWN);
      expect(up?.change).toBe('improved');
      expect(up?.groupsB).toEqual(['X25519MLKEM768']);
      expect(down?.change).toBe('regressed');
      expect(d.servers[0]?.change).toBe('regressed');
      expect(d.servers.filter((s) => s.change === 'unchanged').length).toBe(d.servers.length - 2);
    } finally {
      db.close();
    }
  });

  it('db diff prints the comparison; --fail-on-regression exits 1; ids may be prefixes', async () => {
    const t = sink();
    expect(await runDbDiff([], { db: dbPath }, t.out)).toBe(0);
    expect(t.text()).toMatch(/same capture/);
    expect(t.text()).toMatch(/2 of \d+ server\(s\) changed/);
    expect(t.text()).toContain(SERVER_UP);
    expect(await runDbDiff([], { db: dbPath, failOnRegression: true }, sink().out)).toBe(1);
    const other = ids['other'] ?? '';
    const first = ids['first'] ?? '';
    const j = sink();
    expect(await runDbDiff([other.slice(0, 8), first], { db: dbPath, json: true, failOnRegression: true }, j.out)).toBe(0);
    const d = JSON.parse(j.text()) as { sameCapture: boolean; pqAdoption: string; a: { id: string } };
    expect(d.a.id).toBe(other);
    expect(d.sameCapture).toBe(false);
    expect(d.pqAdoption).toBe('up');
    await expect(runDbDiff(['zzzzzzzz', first], { db: dbPath }, sink().out)).rejects.toThrow(/no scan 'zzzzzzzz'/);
    await expect(runDbDiff([first], { db: dbPath }, sink().out)).rejects.toBeInstanceOf(UsageError);
  });

  it('needs a repeated capture when no ids are given', async () => {
    const path = join(dir, 'single.duckdb');
    const store = await openStore(path);
    await store.writeScan(await scanInputs(['samples/tls13-hybrid.pcap'], { hash: true }));
    await store.close();
    await expect(runDbDiff([], { db: path }, sink().out)).rejects.toThrow(/no capture was scanned twice/);
    const db = await openAdminDb(path);
    try {
      const scans = await listScanCaptures(db);
      expect(() => resolveScanId(scans, 'ab')).toThrow(AdminError);
    } finally {
      db.close();
    }
  });
});

describe('commander registration', () => {
  it('db query --json and db list through the registered commands', async () => {
    const program = new Command().name('hndl-scan').enablePositionalOptions().option('--db <path>');
    registerDbCommands(program);
    program.exitOverride();
    const prev = process.exitCode;
    try {
      process.exitCode = undefined;
      await program.parseAsync(['node', 'hndl-scan', 'db', 'export', '--db', dbPath, '--parquet', join(dir, 'pq2')]);
      expect(process.exitCode).toBe(0);
      expect(existsSync(join(dir, 'pq2', 'flows.parquet'))).toBe(true);
      await expect(program.parseAsync(['node', 'hndl-scan', 'db', 'query', '--db', join(dir, 'missing.duckdb'), 'SELECT 1']))
        .rejects.toThrow(/no such database file/);
    } finally {
      process.exitCode = prev;
    }
  });
});

const main = 'dist/cli/main.js';

describe('built CLI', () => {
  const run = (...args: string[]): { status: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  it('db list / query / diff exit codes', () => {
    expect(run('db', 'list', '--db', dbPath).status).toBe(0);
    const del = run('db', 'query', '--db', dbPath, 'DELETE FROM flows');
    expect(del.status).toBe(2);
    expect(del.stderr.trim().split('\n')).toHaveLength(1);
    const missing = run('db', 'list', '--db', join(dir, 'missing.duckdb'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/no such database file/);
    expect(run('db', 'diff', '--db', dbPath, '--fail-on-regression').status).toBe(1);
  });
});
