/** Metadata hints: MCP names, HTTP paths and headers, SNI table, ports. */
import { describe, expect, it } from 'vitest';
import { httpHints, lookupHost, mcpHints, portHints, sniHints } from '../../core/risk/hints.js';
import { inCidr, parseCidr, parseIp } from '../../core/risk/match.js';
import type { Evidence } from '../../core/risk/types.js';

const cats = (f: (out: Evidence[]) => void): string[] => {
  const out: Evidence[] = [];
  f(out);
  return [...new Set(out.map((e) => e.category))].sort();
};

describe('MCP metadata', () => {
  it('maps tool, resource and prompt names', () => {
    expect(cats((o) => mcpHints({ tools: ['get_patient_record'] }, 'mcp', o))).toEqual(['health']);
    expect(cats((o) => mcpHints({ tools: ['createCharge', 'list_fhir_observations'] }, 'mcp', o))).toEqual(['health', 'payment']);
    expect(cats((o) => mcpHints({ tools: ['git_status', 'read_file'] }, 'mcp', o))).toEqual(['source-code']);
    expect(cats((o) => mcpHints({ tools: ['run_sql_query'] }, 'mcp', o))).toEqual(['personal']);
    expect(cats((o) => mcpHints({ resources: ['file:///src/app/main.ts'] }, 'mcp', o))).toEqual(['source-code']);
    expect(cats((o) => mcpHints({ tools: ['get_weather', 'add', 'echo'], prompts: ['summarize'] }, 'mcp', o))).toEqual([]);
    const out: Evidence[] = [];
    mcpHints({ tools: ['get_patient_record'] }, 'mcp', out);
    expect(out[0]).toMatchObject({ source: 'mcp', location: 'mcp.tool', confidence: 'medium' });
  });
});

describe('HTTP', () => {
  it('maps paths and header names, never header values', () => {
    const out: Evidence[] = [];
    httpHints({ path: '/fhir/r4/Patient?name=secretname', headers: { Authorization: 'Bearer abc.def', 'Content-Type': 'application/fhir+json' } }, 'http', out);
    expect(out.map((e) => `${e.category}@${e.location}`)).toEqual(expect.arrayContaining(['health@http.path', 'credentials@http.headers.authorization', 'health@http.headers.content-type']));
    expect(JSON.stringify(out)).not.toContain('abc.def');
    expect(JSON.stringify(out)).not.toContain('secretname');
    expect(cats((o) => httpHints({ headers: [['authorization', 'Basic dXNlcjpwYXNz']] }, 'h', o))).toEqual(['secret-keys']);
    expect(cats((o) => httpHints({ path: '/v1/payments/123' }, 'h', o))).toEqual(['payment']);
    expect(cats((o) => httpHints({ path: '/static/app.css', headers: { accept: '*/*' } }, 'h', o))).toEqual([]);
  });
});

describe('SNI and ports', () => {
  it('knows well-known services', () => {
    expect(lookupHost('api.openai.com')?.category).toBe('agent-context');
    expect(lookupHost('API.Anthropic.com.')?.category).toBe('agent-context');
    expect(lookupHost('fhir.epic.com')?.category).toBe('health');
    expect(lookupHost('fhir.hospital.org')?.category).toBe('health');
    expect(lookupHost('api-m.paypal.com')?.category).toBe('payment');
    expect(lookupHost('dev-123.okta.com')?.category).toBe('credentials');
    expect(lookupHost('github.com')?.category).toBe('source-code');
    expect(lookupHost('notgithub.com')).toBeNull();
    expect(lookupHost('epic.com.evil.net')).toBeNull();
    expect(cats((o) => sniHints('login.microsoftonline.com', 'tls.sni', o))).toEqual(['credentials']);
  });
  it('maps ports', () => {
    expect(cats((o) => portHints(5432, 'tcp', 'p', o))).toEqual(['personal']);
    expect(cats((o) => portHints(636, 'tcp', 'p', o))).toEqual(['secret-keys']);
    expect(cats((o) => portHints(88, 'udp', 'p', o))).toEqual(['credentials']);
    expect(cats((o) => portHints(8443, 'tcp', 'p', o))).toEqual([]);
  });
  it('parses IPs and CIDRs (v4 and v6)', () => {
    expect(Array.from(parseIp('::ffff:1.2.3.4') ?? [])).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 1, 2, 3, 4]);
    expect(Array.from(parseIp('2001:db8::1') ?? []).slice(0, 4)).toEqual([0x20, 0x01, 0x0d, 0xb8]);
    const c6 = parseCidr('2001:db8::/32');
    expect(c6 !== null && inCidr('2001:db8:ffff::5', c6)).toBe(true);
    expect(c6 !== null && inCidr('2001:db9::5', c6)).toBe(false);
    const c4 = parseCidr('192.168.1.0/25');
    expect(c4 !== null && inCidr('192.168.1.127', c4)).toBe(true);
    expect(c4 !== null && inCidr('192.168.1.128', c4)).toBe(false);
    expect(parseCidr('1.2.3.4/33')).toBeNull();
  });
});
