/**
 * `hndl-scan serve` as a user runs it: the built CLI starts Fastify on loopback (port 0 = any
 * free port), announces its URL on stderr, answers the API and the dashboard, and refuses to
 * listen beyond loopback without a token (one line, exit 2).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/cli/main.js');
const tmp = mkdtempSync(join(tmpdir(), 'hndl-serve-'));

describe('hndl-scan serve', () => {
  it('serves the API and the dashboard on 127.0.0.1', async () => {
    const db = join(tmp, 's.duckdb');
    const scan = spawnSync(process.execPath, [CLI, join(ROOT, 'samples/mixed.pcapng'), '--db', db, '--fail-on', 'none', '--format', 'json', '--out', join(tmp, 'r.json')]);
    expect(scan.status).toBe(0);
    const child = spawn(process.execPath, [CLI, 'serve', '--db', db, '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let err = '';
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
      const scans = (await (await fetch(`${url}/api/scans`)).json()) as { scans: { flows: number }[] };
      expect(scans.scans.length).toBe(1);
      expect(scans.scans[0]?.flows).toBe(10);
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await page.text()).toContain('hndl-scan');
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('refuses a non-loopback address without a token', () => {
    const r = spawnSync(process.execPath, [CLI, 'serve', '--db', join(tmp, 'x.duckdb'), '--host', '0.0.0.0', '--port', '0'], { encoding: 'utf8', env: { ...process.env, HNDL_TOKEN: '' } });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/refusing to listen on 0\.0\.0\.0 without a token/);
  });
});
