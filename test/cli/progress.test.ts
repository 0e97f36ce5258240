/**
 * The progress bar appears on an interactive terminal only: run the CLI inside a pseudo-terminal
 * (util-linux `script`) and see it draw and clear its line; with CI set, or without a terminal,
 * stderr stays empty (the plain-pipe case is covered in cli.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/cli/main.js');
const SAMPLE = join(ROOT, 'samples/mixed.pcapng');

function inPty(extraEnv: Record<string, string | undefined>): string {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...extraEnv })) if (v !== undefined) env[k] = v;
  const cmd = `${process.execPath} ${CLI} ${SAMPLE} --format json --out /dev/null --fail-on none`;
  const r = spawnSync('script', ['-qfec', cmd, '/dev/null'], { env, encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stdout;
}

describe.skipIf(!existsSync('/usr/bin/script'))('progress bar', () => {
  it('draws bytes, percentage and ETA on a terminal, then clears the line', () => {
    const out = inPty({ CI: undefined });
    expect(out).toMatch(/\r\[[#.]{24}\]\s+\d+%/);
    expect(out).toContain('ETA');
    expect(out.endsWith('\r\x1b[K')).toBe(true);
  });

  it('stays silent under CI and with --quiet', () => {
    expect(inPty({ CI: 'true' })).toBe('');
    const env = { ...process.env };
    delete env['CI'];
    const cmd = `${process.execPath} ${CLI} ${SAMPLE} --quiet --format json --out /dev/null --fail-on none`;
    const r = spawnSync('script', ['-qfec', cmd, '/dev/null'], { env, encoding: 'utf8' });
    expect(r.stdout).toBe('');
  });
});
