/**
 * End to end through the built CLI: the --fail-on gate at every level, the MCP inventory audit
 * (--inventory), sensitivity found from synthetic secrets in MCP tool calls without the values
 * ever reaching an output or the database, and --store-payloads as the explicit opt-in.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/cli/main.js');
const S = (n: string): string => join(ROOT, 'samples', n);
const tmp = mkdtempSync(join(tmpdir(), 'hndl-gate-'));

/** the synthetic secrets the MCP samples carry (samples/mcp/mcp-client.mjs, mcp-server.mjs) */
const SECRETS = ['4111111111111111', 'AKIAIOSFODNN7EXAMPLE', 'jane.doe@example.com'];

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function dbText(path: string): Promise<string> {
  const inst = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const conn = await inst.connect();
  let all = '';
  for (const t of ['scans', 'inputs', 'flows', 'mcp_messages', 'findings', 'mcp_payloads']) {
    const r = await conn.runAndReadAll(`SELECT * FROM ${t}`);
    all += JSON.stringify(r.getRowsJson());
  }
  conn.closeSync();
  inst.closeSync();
  return all;
}

describe('--fail-on gate', () => {
  // tls13-hybrid: nothing above none; hybrid-offered-classical: a medium finding; plain-http: critical
  const cases: [string, string, number][] = [
    ['tls13-hybrid.pcap', 'low', 0],
    ['tls13-hybrid.pcap', 'none', 0],
    ['hybrid-offered-classical.pcap', 'critical', 0],
    ['hybrid-offered-classical.pcap', 'high', 0],
    ['hybrid-offered-classical.pcap', 'medium', 1],
    ['hybrid-offered-classical.pcap', 'low', 1],
    ['hybrid-offered-classical.pcap', 'none', 0],
    ['plain-http.pcap', 'critical', 1],
    ['plain-http.pcap', 'high', 1],
    ['mcp-streamable-json.pcap', 'critical', 1],
  ];
  for (const [file, level, code] of cases) {
    it(`${file} --fail-on ${level} → ${code}`, () => {
      const r = run([S(file), '--fail-on', level, '--format', 'json']);
      expect(r.code, r.stderr).toBe(code);
      const report = JSON.parse(r.stdout) as { findings: { level: string }[] };
      expect(report.findings.length).toBeGreaterThan(0);
    });
  }
  it('defaults to high', () => {
    expect(run([S('hybrid-offered-classical.pcap')]).code).toBe(0);
    expect(run([S('plain-http.pcap')]).code).toBe(1);
  });
});

describe('MCP sensitivity without copying the secrets', () => {
  it('finds the categories, prints and stores no value', async () => {
    const db = join(tmp, 'mcp.duckdb');
    const outs: string[] = [];
    const args = [S('mcp-streamable-json.pcap'), S('mcp-legacy-sse.pcap'), S('mcp-ndjson-tcp.pcap'), '--db', db, '--fail-on', 'none'];
    for (const f of ['json', 'ndjson', 'sarif', 'cbom', 'markdown', 'table']) {
      const out = join(tmp, `r.${f}`);
      args.push('--format', f, '--out', out);
      outs.push(out);
    }
    const r = run(args);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(tmp, 'r.json'), 'utf8')) as {
      flows: { mcp: { tools: string[] } | null; sensitivity: { category: string; lifetimeYears: number; evidence: { detector: string; location: string }[] } }[];
    };
    const withCall = report.flows.filter((f) => f.mcp?.tools.includes('lookup_customer'));
    expect(withCall.length).toBeGreaterThanOrEqual(3);
    for (const f of withCall) {
      expect(f.sensitivity.category).toBe('secret-keys');
      expect(f.sensitivity.lifetimeYears).toBe(10);
      expect(f.sensitivity.evidence.some((e) => e.detector === 'aws-access-key-id')).toBe(true);
    }
    // the card travels in the tools/call request: every flow that carried a request shows it
    // (the legacy SSE stream carries only responses)
    const cards = withCall.filter((f) => f.sensitivity.evidence.some((e) => e.detector === 'credit-card'));
    expect(cards.length).toBe(3);
    for (const o of outs) {
      const text = readFileSync(o, 'utf8');
      for (const s of SECRETS) expect(text.includes(s), `${o} leaks ${s}`).toBe(false);
    }
    for (const s of SECRETS) expect(r.stdout + r.stderr).not.toContain(s);
    const stored = await dbText(db);
    expect(stored.length).toBeGreaterThan(1000);
    for (const s of SECRETS) expect(stored.includes(s), `database leaks ${s}`).toBe(false);
  });

  it('--store-payloads keeps the values, on request only', async () => {
    const db = join(tmp, 'payloads.duckdb');
    const r = run([S('mcp-streamable-json.pcap'), '--db', db, '--store-payloads', '--fail-on', 'none', '--format', 'json', '--out', join(tmp, 'p.json')]);
    expect(r.code, r.stderr).toBe(0);
    const stored = await dbText(db);
    expect(stored).toContain('AKIAIOSFODNN7EXAMPLE');
    expect(readFileSync(join(tmp, 'p.json'), 'utf8')).toContain('4111111111111111');
  });
});

describe('--inventory', () => {
  it('flags the unregistered MCP server, and not once it is registered', () => {
    const shadow = join(tmp, 'inv-empty.yaml');
    writeFileSync(shadow, 'servers:\n  - name: other\n    owner: nobody\n    ip: 10.9.9.9\n    port: 1\n');
    const r1 = run([S('mcp-streamable-json.pcap'), '--inventory', shadow, '--format', 'json', '--fail-on', 'none']);
    expect(r1.code, r1.stderr).toBe(0);
    const f1 = (JSON.parse(r1.stdout) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId);
    expect(f1).toContain('HNDL007');

    const reg = join(tmp, 'inv-reg.yaml');
    writeFileSync(reg, 'servers:\n  - name: crm\n    owner: sales\n    ip: 127.0.0.1\n    port: 8931\n    tls: false\ntoolPolicy:\n  - server: crm\n    deny: [lookup_*]\n');
    const r2 = run([S('mcp-streamable-json.pcap'), '--inventory', reg, '--format', 'json', '--fail-on', 'none']);
    const f2 = (JSON.parse(r2.stdout) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId);
    expect(f2).not.toContain('HNDL007');
    expect(f2).not.toContain('HNDL008');
    expect(f2).toContain('HNDL009');
  });

  it('a bad inventory file is one line and exit 2', () => {
    const bad = join(tmp, 'inv-bad.yaml');
    writeFileSync(bad, 'servers:\n  - name: x\n    owner: y\n    url: 42\n');
    const r = run([S('mcp-streamable-json.pcap'), '--inventory', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/inv-bad\.yaml: servers\[0\]\.url/);
    expect(readdirSync(tmp).length).toBeGreaterThan(0);
  });
});
