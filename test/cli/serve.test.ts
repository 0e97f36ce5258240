/**
 * `hndl-scan serve` as a user runs it: the built CLI starts Fastify on loopback (port 0 = any
 * free port), announces its URL on stderr, answers the API and the dashboard, and refuses to
 * listen beyond loopback without a token (one line, exit 2).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/cli/main.js');
const tmp = mkdtempSync(join(tmpdir(), 'hndl-serve-'));

/** starts `hndl-scan serve ARGS` on a free loopback port; resolves its URL and the child */
async function startServe(args: string[]): Promise<{ url: string; stop: () => void; banner: string }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL announced: ${err}`)), 20_000);
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${String(code)}: ${err}`)));
  });
  return { url, stop: () => child.kill('SIGTERM'), banner: err };
}

/** a valid pcap (raw IPv4 link type) of `records` records of 60 000 zero bytes each */
function bigPcap(records: number): Buffer {
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(65535, 16);
  head.writeUInt32LE(228, 20);
  const parts = [head];
  for (let i = 0; i < records; i++) {
    const rec = Buffer.alloc(16 + 60_000);
    rec.writeUInt32LE(1_700_000_000 + i, 0);
    rec.writeUInt32LE(60_000, 8);
    rec.writeUInt32LE(60_000, 12);
    parts.push(rec);
  }
  return Buffer.concat(parts);
}

async function upload(url: string, name: string, bytes: Buffer): Promise<number> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  const res = await fetch(`${url}/api/uploads`, { method: 'POST', body: form });
  await res.arrayBuffer();
  return res.status;
}

describe('hndl-scan serve', () => {
  it('--max-upload sets the upload limit in MiB: a larger capture gets 413, a smaller one is taken', async () => {
    const { url, stop, banner } = await startServe(['--db', join(tmp, 'u.duckdb'), '--max-upload', '1']);
    try {
      expect(banner).toMatch(/uploads up to 1 MiB/);
      const limits = (await (await fetch(`${url}/api/uploads/limits`)).json()) as { maxUploadBytes: number };
      expect(limits.maxUploadBytes).toBe(1024 * 1024);
      expect(await upload(url, 'big.pcap', bigPcap(20))).toBe(413);
      expect(await upload(url, 'mixed.pcapng', readFileSync(join(ROOT, 'samples/mixed.pcapng')))).toBe(202);
    } finally {
      stop();
    }
    const bad = spawnSync(process.execPath, [CLI, 'serve', '--max-upload', '0'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('serves the API and the dashboard on 127.0.0.1', async () => {
    const db = join(tmp, 's.duckdb');
    const scan = spawnSync(process.execPath, [CLI, join(ROOT, 'samples/mixed.pcapng'), '--db', db, '--fail-on', 'none', '--format', 'json', '--out', join(tmp, 'r.json')]);
    expect(scan.status).toBe(0);
    const { url, stop } = await startServe(['--db', db]);
    try {
      const scans = (await (await fetch(`${url}/api/scans`)).json()) as { scans: { flows: number }[] };
      expect(scans.scans.length).toBe(1);
      expect(scans.scans[0]?.flows).toBe(10);
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await page.text()).toContain('hndl-scan');
    } finally {
      stop();
    }
  });

  // found by fuzzing: these were "internal error" lines, or (--db '') an in-memory database that lost every upload
  const serveErrors: [string, string[], RegExp][] = [
    ['--db a directory', ['--db', tmp], /cannot open the database .*; give --db a DuckDB file made by hndl-scan, or a new path$/],
    ['--db a text file', ['--db', join(ROOT, 'README.md')], /README\.md: cannot open the database/],
    ['--db empty', ['--db', ''], /--db needs a file path, got ''/],
    ['--db :memory:', ['--db', ':memory:'], /--db needs a file path/],
    ['--host unknown', ['--db', join(tmp, 'h.duckdb'), '--host', 'no-such-host.invalid', '--token', 'x'], /--host no-such-host\.invalid: no such host/],
  ];
  for (const [what, args, msg] of serveErrors) {
    it(`user error: ${what} → one line, exit 2, no "internal error"`, () => {
      const r = spawnSync(process.execPath, [CLI, 'serve', '--port', '0', ...args], { encoding: 'utf8', timeout: 20_000 });
      expect(r.status).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^hndl-scan: /);
      expect(lines[0]).not.toMatch(/internal error/);
      expect(lines[0]).toMatch(msg);
    });
  }

  it('refuses a non-loopback address without a token', () => {
    const r = spawnSync(process.execPath, [CLI, 'serve', '--db', join(tmp, 'x.duckdb'), '--host', '0.0.0.0', '--port', '0'], { encoding: 'utf8', env: { ...process.env, HNDL_TOKEN: '' } });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/refusing to listen on 0\.0\.0\.0 without a token/);
  });
});
