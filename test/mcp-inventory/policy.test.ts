/**
 * MCP policy file loading (core/mcp/policy.ts: one-line McpPolicyError naming the bad key) and
 * the audit (core/mcp/audit.ts): HNDL007 unregistered server, HNDL008 registered server over
 * plaintext, HNDL009 tool call outside toolPolicy. Findings never carry argument values.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpPolicyError, auditMcp, loadMcpPolicy, parseMcpPolicy } from '../../core/mcp/policy.js';
import { analyzeMcp } from '../../core/mcp/analyze.js';
import { buildMcpInventory } from '../../core/mcp/inventory.js';
import { linkMcpSessions } from '../../core/mcp/link.js';
import { globMatch } from '../../core/mcp/match.js';
import type { Finding, ScanReport } from '../../core/report/model.js';
import { RULES } from '../../core/report/rules.js';
import { MCP_SAMPLES, PORTS, SECRETS, scan } from './helpers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hndl-mcp-policy-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function loadError(path: string): string {
  try {
    loadMcpPolicy(path);
  } catch (err) {
    expect(err).toBeInstanceOf(McpPolicyError);
    const msg = (err as Error).message;
    expect(msg).not.toContain('\n');
    return msg;
  }
  throw new Error('expected McpPolicyError');
}

const GOOD = `servers:
  - name: crm
    owner: sales-platform
    url: http://127.0.0.1:8931/mcp
  - name: weather
    owner: ops
    host: weather.internal
  - name: legacy
    owner: ops
    ip: 127.0.0.1
    port: 8934
    tls: false
toolPolicy:
  - server: crm
    deny: [delete_*]
  - server: "127.0.0.1:*"
    client: 10.0.0.0/8
    allow: [get_weather]
`;

describe('loadMcpPolicy', () => {
  it('reads YAML and JSON', () => {
    const p = loadMcpPolicy(file('good.yaml', GOOD));
    expect(p.servers?.map((s) => [s.name, s.ip, s.host, s.port, s.tls, s.path])).toEqual([
      ['crm', '127.0.0.1', null, 8931, true, '/mcp'],
      ['weather', null, 'weather.internal', null, true, null],
      ['legacy', '127.0.0.1', null, 8934, false, null],
    ]);
    expect(p.toolPolicy.map((r) => [r.index, r.server, r.client, r.allow, r.deny])).toEqual([
      [0, 'crm', null, null, ['delete_*']],
      [1, '127.0.0.1:*', '10.0.0.0/8', ['get_weather'], []],
    ]);
    const j = loadMcpPolicy(file('good.json', JSON.stringify({ servers: [{ name: 'a', owner: 'b', url: 'https://a.example/mcp' }] })));
    expect(j.servers?.[0]).toMatchObject({ host: 'a.example', port: 443, tls: true });
    expect(j.toolPolicy).toEqual([]);
    expect(loadMcpPolicy(file('rules-only.yaml', 'toolPolicy: [{server: "*", deny: [x]}]')).servers).toBeNull();
    const t = parseMcpPolicy('servers: [{name: a, owner: b, url: "tcp://[::1]:8935"}, {name: c, owner: d, url: "tcp://Stdio.Bridge:99"}]', 'x');
    expect(t.servers?.map((s) => [s.ip, s.host, s.port, s.path])).toEqual([['::1', null, 8935, null], [null, 'stdio.bridge', 99, null]]);
    expect(() => parseMcpPolicy('servers: [{name: a, owner: b, url: "tcp://h"}]', 'x')).toThrow('x: servers[0].url must name a port (tcp://host:port)');
    expect(() => parseMcpPolicy('servers: [{name: a, owner: b, url: "http://h", port: 1}]', 'x')).toThrow('x: servers[0] must give either url or host/ip (+ port), not both');
  });

  it('names the bad key in one line', () => {
    const bad = GOOD.replace('port: 8934', 'port: 8934\n  - name: x\n    owner: y\n    url: 12');
    const p = file('inventory.yaml', bad);
    expect(loadError(p)).toBe(`${p}: servers[3].url must be a string like http://host:port/path`);
    expect(loadError(file('a.yaml', 'servers:\n  - {name: a, owner: b, url: "ftp://x/"}'))).toMatch(/: servers\[0\]\.url must be a string like http:\/\/host:port\/path$/);
    expect(loadError(file('b.yaml', 'servers:\n  - {name: a, owner: b, url: "not a url"}'))).toMatch(/servers\[0\]\.url must be/);
    expect(loadError(file('c.yaml', 'servers:\n  - {name: a, owner: b, host: h, colour: red}'))).toMatch(/servers\[0\]\.colour is not a known key/);
    expect(loadError(file('d.yaml', 'server: []'))).toMatch(/: server is not a known key \(known: servers, toolPolicy\)$/);
    expect(loadError(file('e.yaml', 'servers:\n  - {owner: b, host: h}'))).toMatch(/servers\[0\]\.name is required/);
    expect(loadError(file('f.yaml', 'servers:\n  - {name: a, owner: b}'))).toMatch(/servers\[0\] needs url, host or ip$/);
    expect(loadError(file('g.yaml', 'servers:\n  - {name: a, owner: b, ip: 999.1.1.1}'))).toMatch(/servers\[0\]\.ip must be an IPv4 or IPv6 address/);
    expect(loadError(file('h.yaml', 'servers:\n  - {name: a, owner: b, ip: 1.2.3.4, port: 70000}'))).toMatch(/servers\[0\]\.port must be an integer 1\.\.65535$/);
    expect(loadError(file('i.yaml', 'servers:\n  - {name: a, owner: b, host: h, tls: "yes"}'))).toMatch(/servers\[0\]\.tls must be true or false$/);
    expect(loadError(file('j.yaml', 'servers:\n  - {name: a, owner: b, host: h}\n  - {name: A, owner: c, host: i}'))).toMatch(/servers\[1\]\.name "A" is registered twice$/);
    expect(loadError(file('k.yaml', 'toolPolicy:\n  - {server: a}'))).toMatch(/toolPolicy\[0\] needs allow and\/or deny$/);
    expect(loadError(file('l.yaml', 'toolPolicy:\n  - {server: a, deny: [x, 3]}'))).toMatch(/toolPolicy\[0\]\.deny\[1\] must be a non-empty string$/);
    expect(loadError(file('m.yaml', 'toolPolicy:\n  - {server: a, client: 10.0.0.0/99, deny: [x]}'))).toMatch(/toolPolicy\[0\]\.client must be .*CIDR/);
    expect(loadError(file('n.yaml', 'servers: {a: 1}'))).toMatch(/: servers must be a list$/);
    expect(loadError(file('o.yaml', `servers:\n  - {name: a, owner: b, host: h, "${'\u202e'.repeat(3)}${'k'.repeat(500)}": 1}`)).length).toBeLessThan(300);
    expect(loadError(file('o2.yaml', `servers:\n  - {name: a, owner: b, host: h, "\\u202ex\\u0007": 1}`))).toMatch(/servers\[0\]\.\?x\? is not a known key/);
  });

  it('rejects text that is not YAML, an empty file and a missing file, in one line', () => {
    expect(loadError(file('bad.yaml', 'servers: [unclosed\n  - {a: b'))).toMatch(/: not valid YAML or JSON: /);
    expect(loadError(file('tab.yaml', '{"servers": [}'))).toMatch(/not valid YAML or JSON/);
    expect(loadError(file('empty.yaml', ''))).toMatch(/: policy file is empty \(expected servers and\/or toolPolicy\)$/);
    expect(loadError(file('null.yaml', '~\n'))).toMatch(/must be a mapping with servers and\/or toolPolicy$/);
    expect(loadError(file('list.yaml', '- a\n- b\n'))).toMatch(/must be a mapping/);
    const missing = join(dir, 'nope.yaml');
    expect(loadError(missing)).toBe(`${missing}: cannot read policy file (no such file)`);
    expect(loadError(dir)).toMatch(/cannot read policy file \(is a directory\)$/);
    expect(() => parseMcpPolicy('a: &a [*a, *a]\n', 'x')).toThrow(McpPolicyError);
  });
});

describe('globMatch', () => {
  it('* and ? over whole strings; regex characters are literal', () => {
    expect(globMatch('lookup_*', 'lookup_customer')).toBe(true);
    expect(globMatch('lookup_*', 'xlookup_customer')).toBe(false);
    expect(globMatch('get_?eather', 'get_weather')).toBe(true);
    expect(globMatch('a.b', 'axb')).toBe(false);
    expect(globMatch('(x)+', '(x)+')).toBe(true);
    expect(globMatch('CRM', 'crm')).toBe(false);
    expect(globMatch('CRM', 'crm', true)).toBe(true);
  });
});

describe('auditMcp', () => {
  let report: ScanReport;
  beforeAll(async () => {
    report = await scan(...Object.values(MCP_SAMPLES));
    linkMcpSessions(report);
  });

  const audit = (yaml: string): Finding[] => {
    const policy = parseMcpPolicy(yaml, 'inv.yaml');
    return auditMcp(report, buildMcpInventory(report, policy), policy);
  };
  const noSecrets = (fs: Finding[]): void => {
    const text = JSON.stringify(fs);
    for (const s of SECRETS) expect(text).not.toContain(s);
  };

  it('HNDL007 for every server missing from the inventory, with clients and tools as evidence', () => {
    const fs = audit('servers:\n  - {name: other, owner: x, ip: 10.9.9.9, port: 8931}\n');
    expect(fs.map((f) => f.ruleId)).toEqual(Array(5).fill(RULES.unregisteredMcpServer.id));
    const f = fs.find((x) => x.server === `127.0.0.1:${PORTS.json}`);
    expect(f?.level).toBe('high');
    expect(f?.message).toContain('hndl-sample-server 1.4.2 at 127.0.0.1:8931');
    expect(f?.client).toBe('127.0.0.1');
    expect(f?.flowIds.length).toBe(3);
    expect(f?.evidence?.['clients']).toEqual([{ ip: '127.0.0.1', name: 'hndl-sample-client', version: '0.9.1', flows: 3 }]);
    const called = (f?.evidence?.['toolsCalled'] as { name: string }[]).map((t) => t.name).sort();
    expect(called).toEqual(['get_weather', 'lookup_customer', 'no_such_tool']);
    noSecrets(fs);
  });

  it('nothing when every server is registered with tls: false; no HNDL007 without a servers list', () => {
    expect(audit('servers:\n  - {name: all, owner: x, ip: 127.0.0.1, tls: false}\n')).toEqual([]);
    expect(audit('toolPolicy:\n  - {server: nobody, deny: ["*"]}\n')).toEqual([]);
  });

  it('HNDL008 when a registered server (tls expected) is reached over plaintext', () => {
    const fs = audit('servers:\n  - {name: crm, owner: sales, url: "http://127.0.0.1:8931/mcp"}\n  - {name: rest, owner: x, ip: 127.0.0.1, tls: false}\n');
    expect(fs.map((f) => f.ruleId)).toEqual([RULES.registeredMcpPlaintext.id]);
    expect(fs[0]?.message).toBe('Registered MCP server "crm" (owner sales) was reached over plaintext at 127.0.0.1:8931 in 3 flows.');
    expect(fs[0]?.evidence?.['registered']).toEqual({ name: 'crm', owner: 'sales', url: 'http://127.0.0.1:8931/mcp' });
  });

  it('HNDL009 when a tool is denied or outside an allow list, with flow, time, client and tool', () => {
    const fs = audit(
      'servers:\n  - {name: crm, owner: s, ip: 127.0.0.1, port: 8931, tls: false}\n  - {name: rest, owner: x, ip: 127.0.0.1, tls: false}\n' +
        'toolPolicy:\n  - {server: crm, client: hndl-sample-*, deny: [lookup_*]}\n',
    );
    expect(fs.map((f) => f.ruleId)).toEqual([RULES.toolCallOutsidePolicy.id]);
    const f = fs[0];
    expect(f?.message).toBe('Client hndl-sample-client at 127.0.0.1 called tool "lookup_customer" on MCP server "crm" (127.0.0.1:8931) 1 time: denied by toolPolicy[0].');
    const ev = f?.evidence ?? {};
    expect(ev['tool']).toBe('lookup_customer');
    expect(ev['client']).toEqual({ ip: '127.0.0.1', name: 'hndl-sample-client', version: '0.9.1' });
    const first = ev['firstCall'] as { flowId: number; time: string };
    expect(f?.flowIds).toEqual([first.flowId]);
    expect(first.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const flow = report.flows.find((x) => x.id === first.flowId);
    expect(flow?.server.port).toBe(8931);
    expect(flow?.mcp?.['toolsCalled']).toContain('lookup_customer');
    noSecrets(fs);

    const allow = audit('toolPolicy:\n  - {server: "127.0.0.1:8935", allow: [get_*]}\n');
    expect(allow.map((x) => x.evidence?.['tool']).sort()).toEqual(['lookup_customer', 'no_such_tool']);
    expect(allow.every((x) => x.evidence?.['reason'] === 'not-in-allow-list')).toBe(true);
    // the rule applies to other clients only: no finding
    expect(audit('toolPolicy:\n  - {server: "*", client: 10.0.0.0/8, deny: ["*"]}\n')).toEqual([]);
    // across all servers: one finding per server for the denied tool
    expect(audit('toolPolicy:\n  - {server: "*", client: 127.0.0.0/8, deny: [no_such_tool]}\n')).toHaveLength(5);
  });

  it('analyzeMcp appends the findings to the report', async () => {
    const r = await scan(MCP_SAMPLES.ndjson);
    r.findings = [{ ruleId: 'HNDL001', level: 'high', message: 'x', flowIds: [] }];
    analyzeMcp(r, parseMcpPolicy('servers: []', 'x'));
    expect(r.findings.map((f) => f.ruleId)).toEqual(['HNDL001', 'HNDL007']);
    expect(r.mcpInventory?.servers).toHaveLength(1);
  });
});
