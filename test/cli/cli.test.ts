/**
 * The command line end to end: the built CLI (dist/, made by `npm run build` before the tests)
 * run as a child process — formats, the JSON contract, exit codes, user errors as one line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/cli/main.js');
const SAMPLES = join(ROOT, 'samples');
const CONTRACT = new URL('../../../shared/contract/report.schema.json', import.meta.url).pathname;

function run(args: string[], input?: Buffer): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'buffer', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

const tmp = mkdtempSync(join(tmpdir(), 'hndl-cli-'));

describe('hndl-scan CLI', () => {
  it('is built', () => expect(existsSync(CLI)).toBe(true));

  it('prints a table with the summary and the first finding', () => {
    const r = run([join(SAMPLES, 'mixed.pcapng'), '--fail-on', 'none']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('api.hybrid.test');
    expect(r.stdout).toMatch(/Negotiated: .*plaintext 3.*classical 5.*hybrid 2/);
    expect(r.stdout).toContain('Client ready, server not: 2 flow(s)');
    expect(r.stdout).toContain('mcp.internal.test');
    expect(r.stderr).toBe('');
  });

  it('writes the JSON contract, valid against report.schema.json', () => {
    const schema = JSON.parse(readFileSync(CONTRACT, 'utf8')) as object;
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(schema);
    for (const name of ['mixed.pcapng', 'mixed.pcap.gz', 'mcp-streamable-sse.pcap', 'tls13-hrr.pcap']) {
      const r = run(['--format', 'json', '--fail-on', 'none', join(SAMPLES, name)]);
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout) as { flows: unknown[] };
      const ok = validate(report);
      expect(ok, JSON.stringify(validate.errors)).toBe(true);
      expect(report.flows.length).toBeGreaterThan(0);
    }
  });

  it('reads standard input with -', () => {
    const r = run(['-', '--format', 'json', '--fail-on', 'none'], readFileSync(join(SAMPLES, 'tls13-hybrid.pcap')));
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { flows: { kex: { negotiated: string } }[] };
    expect(report.flows[0]?.kex.negotiated).toBe('hybrid');
  });

  it('reads gzip from standard input', () => {
    const gz = gzipSync(readFileSync(join(SAMPLES, 'tls13-classical.pcap')));
    const r = run(['-', '--format', 'json', '--fail-on', 'none'], gz);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { flows: { kex: { negotiated: string } }[] }).flows[0]?.kex.negotiated).toBe('classical');
  });

  it('writes several formats in one run', () => {
    const a = join(tmp, 'a.json');
    const b = join(tmp, 'b.txt');
    const r = run([join(SAMPLES, 'tls13-hybrid.pcap'), '--format', 'json', '--out', a, '--format', 'table', '--out', b, '--fail-on', 'none']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect((JSON.parse(readFileSync(a, 'utf8')) as { tool: { name: string } }).tool.name).toBe('hndl-scan');
    expect(readFileSync(b, 'utf8')).toContain('X25519MLKEM768');
  });

  it('stores the scan in DuckDB with --db', () => {
    const db = join(tmp, 'scans.duckdb');
    const r = run([join(SAMPLES, 'mixed.pcapng'), '--db', db, '--quiet', '--fail-on', 'none', '--format', 'json', '--out', join(tmp, 'x.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(db)).toBe(true);
  });

  it('marks a truncated capture, keeps what came before, warns once', () => {
    const whole = readFileSync(join(SAMPLES, 'tls13-hybrid.pcap'));
    const cut = join(tmp, 'cut.pcap');
    writeFileSync(cut, whole.subarray(0, whole.length - 37));
    const r = run([cut, '--format', 'json', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { scan: { inputs: { truncated: boolean; packets: number }[] } };
    expect(report.scan.inputs[0]?.truncated).toBe(true);
    expect(report.scan.inputs[0]?.packets).toBeGreaterThan(5);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('cut.pcap');
  });

  it('--max-flow-reports lists that many flows, counts the rest and warns once', () => {
    const r = run([join(SAMPLES, 'mixed.pcapng'), '--format', 'json', '--fail-on', 'none', '--max-flow-reports', '2']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { flows: unknown[]; summary: Record<string, unknown> };
    expect(report.flows).toHaveLength(2);
    expect(report.summary['flowsNotListed']).toBeGreaterThan(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(`hndl-scan: warning: ${String(report.summary['flowsNotListed'])} flows past --max-flow-reports 2 are counted in the summary but not listed, aggregated or assessed for findings`);
  });

  const userErrors: [string, string[], RegExp][] = [
    ['missing file', ['nope.pcap'], /nope\.pcap: no such file/],
    ['not a capture', [join(ROOT, 'README.md')], /README\.md: not a capture file/],
    ['unknown flag', ['--bogus', 'x.pcap'], /unknown option '--bogus'/],
    ['bad format', ['--format', 'xml', join(SAMPLES, 'tls13-hybrid.pcap')], /--format must be one of/],
    ['bad fail-on', ['--fail-on', 'extreme', join(SAMPLES, 'tls13-hybrid.pcap')], /fail-on/],
    ['bad number', ['--stream-bytes', 'lots', join(SAMPLES, 'tls13-hybrid.pcap')], /--stream-bytes must be an integer/],
    ['hex number', ['--max-flows', '0x10', join(SAMPLES, 'tls13-hybrid.pcap')], /--max-flows must be an integer .*, got '0x10'/],
    ['exponent', ['--max-flow-reports', '1e3', join(SAMPLES, 'tls13-hybrid.pcap')], /--max-flow-reports must be an integer/],
    ['empty number', ['--stream-bytes', '', join(SAMPLES, 'tls13-hybrid.pcap')], /--stream-bytes must be an integer/],
    ['bad report cap', ['--max-flow-reports', '0', join(SAMPLES, 'tls13-hybrid.pcap')], /--max-flow-reports must be/],
    ['no input', [], /no capture given/],
    ['a directory', [SAMPLES], /is a directory/],
    ['--db not a database', [join(SAMPLES, 'tls13-hybrid.pcap'), '--db', join(ROOT, 'README.md')], /README\.md: cannot open the database/],
    ['--db in a missing folder', [join(SAMPLES, 'tls13-hybrid.pcap'), '--db', '/nonexistent-dir/x.duckdb'], /cannot open the database/],
    ['bad policy file', [join(SAMPLES, 'tls13-hybrid.pcap'), '--policy', join(ROOT, 'package.json')], /package\.json: /],
    ['a capture as the policy', [join(SAMPLES, 'tls13-hybrid.pcap'), '--policy', join(SAMPLES, 'mixed.pcapng')], /mixed\.pcapng: cannot parse: binary content/],
    ['--db empty', [join(SAMPLES, 'tls13-hybrid.pcap'), '--db', ''], /--db needs a file path, got ''/],
    ['--db :memory:', [join(SAMPLES, 'tls13-hybrid.pcap'), '--db', ':memory:'], /--db needs a file path/],
    ['--out a directory', [join(SAMPLES, 'tls13-hybrid.pcap'), '--format', 'json', '--out', SAMPLES], /--out .*: is a directory/],
    ['--out in a missing folder', [join(SAMPLES, 'tls13-hybrid.pcap'), '--format', 'json', '--out', '/nonexistent-dir/r.json'], /--out .*: no such directory/],
  ];
  for (const [what, args, msg] of userErrors) {
    it(`user error: ${what} → one line, exit 2`, () => {
      const r = run(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^hndl-scan: /);
      expect(lines[0]).toMatch(msg);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('a bad --sign key stops before the scan is stored (it was stored, then exit 2)', () => {
    const db = join(tmp, 'sign-first.duckdb');
    const r = run([join(SAMPLES, 'tls13-hybrid.pcap'), '--db', db, '--format', 'json', '--out', join(tmp, 's.json'), '--sign', join(ROOT, 'README.md')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(db)).toBe(false);
    expect(existsSync(join(tmp, 's.json'))).toBe(false);
  });

  it('a policy with an unknown YAML tag: one line, exit 2, no YAML warning printed', () => {
    const pol = join(tmp, 'tag.yaml');
    writeFileSync(pol, 'categories: !foo {health: 1}\n');
    const r = run([join(SAMPLES, 'tls13-hybrid.pcap'), '--policy', pol, '-q']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown tag !foo at line 1/);
    expect(r.stderr).not.toMatch(/YAMLWarning|TAG_RESOLVE_FAILED/);
  });

  it('an empty file is a user error', () => {
    const empty = join(tmp, 'empty.pcap');
    writeFileSync(empty, '');
    const r = run([empty]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('--version and --help exit 0', () => {
    expect(run(['--version']).code).toBe(0);
    const h = run(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('--fail-on');
  });
});

describe('standard output closed early', () => {
  it('a reader that stops after the first bytes (| head) gets no stack trace; the exit code is the scan\'s', () => {
    // 20 inputs: ~800 KB of JSON, far more than a pipe buffer, so the writer meets EPIPE
    const inputs = Array.from({ length: 20 }, () => `"${join(SAMPLES, 'mixed.pcapng')}"`).join(' ');
    for (const format of ['json', 'ndjson']) {
      const sh = spawnSync('bash', ['-c', `set -o pipefail; node "${CLI}" ${inputs} --format ${format} --fail-on none | head -c 10 > /dev/null`], { encoding: 'utf8' });
      expect(sh.stderr).toBe('');
      expect(sh.status).toBe(0);
    }
  });
});
