/**
 * Dashboard API (server/dashboard-routes.ts over core/store/dashboard.ts) through app.inject()
 * on a real temp DuckDB filled with real scans of the samples (scanInputs + store.writeScan)
 * and a synthetic scan with sensitivity, risk and findings. SQL aggregates are checked against
 * the same numbers computed in JS from the reports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { scanInputs } from '../../core/scan.js';
import { openStore } from '../../core/store/index.js';
import type {
  CategoryHeatmap, CompareResult, FindingRow, McpInventoryView, Overview, TimeHeatmap,
} from '../../core/store/index.js';
import type { FlowReport, ScanReport } from '../../core/report/model.js';
import { buildApp } from '../../server/app.js';
import { syntheticReport } from '../store/synthetic.js';
import { tempDir } from './helpers.js';

const EVIL = '<img src=x onerror=alert(1)>';
let tmp: ReturnType<typeof tempDir>;
let app: FastifyInstance;
let mixed: ScanReport;
let mcp: ScanReport;
let synth: ScanReport;

const bytesOf = (f: FlowReport): number => f.bytes.clientToServer + f.bytes.serverToClient;
const labelOf = (f: FlowReport): string => f.tls?.sni ?? `${f.server.ip}:${f.server.port}`;

beforeAll(async () => {
  tmp = tempDir('hndl-dash-');
  const dbPath = `${tmp.dir}/scans.duckdb`;
  mixed = await scanInputs(['samples/mixed.pcapng']);
  mixed.scan.id = 'mixed';
  mcp = await scanInputs(['samples/mcp-streamable-json.pcap', 'samples/mcp-legacy-sse.pcap']);
  mcp.scan.id = 'mcp';
  synth = syntheticReport('synth', 400, '2025-02-01T00:00:00.000Z');
  const f3 = synth.flows[3];
  if (f3?.tls) f3.tls.sni = EVIL;
  synth.findings = [
    { ruleId: 'HNDL003', level: 'high', message: 'server not ready', server: 'host1.example.com', flowIds: [1, 3], recommendation: 'Enable X25519MLKEM768 on the server.' },
    { ruleId: 'HNDL002', level: 'medium', message: 'plaintext', server: '192.0.2.0:443', flowIds: [0, 5], recommendation: 'Use TLS 1.3.' },
    { ruleId: 'HNDL002', level: 'critical', message: 'plaintext again', server: '192.0.2.5:443', flowIds: [5], recommendation: 'Use TLS 1.3.' },
    { ruleId: 'HNDL007', level: 'medium', message: 'shadow MCP server', server: '192.0.2.0:443', flowIds: [0] },
  ];
  const store = await openStore(dbPath);
  try {
    for (const r of [mixed, mcp, synth]) await store.writeScan(r);
  } finally {
    await store.close();
  }
  app = await buildApp({ dbPath, webRoot: `${tmp.dir}/no-web` });
});

afterAll(async () => {
  await app?.close();
  tmp?.cleanup();
});

async function get<T>(url: string, status = 200): Promise<T> {
  const res = await app.inject({ url });
  expect(res.statusCode, `${url}: ${res.body}`).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  return res.json<T>();
}

describe('overview', () => {
  it('aggregates the mixed sample in SQL like the report does in JS', async () => {
    const o = await get<Overview>('/api/scans/mixed/overview');
    expect(o.flows).toBe(mixed.flows.length);
    expect(o.bytes).toBe(mixed.flows.reduce((s, f) => s + bytesOf(f), 0));
    for (const c of o.classes) {
      expect(c.flows, c.class).toBe(mixed.summary.byNegotiated[c.class] ?? 0);
      expect(c.offered, c.class).toBe(mixed.summary.byOffered[c.class] ?? 0);
    }
    const exposed = mixed.flows.filter((f) => f.kex.negotiated === 'plaintext' || f.kex.negotiated === 'classical');
    expect(o.bytesAtRisk).toBe(exposed.reduce((s, f) => s + bytesOf(f), 0));
    expect(o.flowsAtRisk).toBe(exposed.length);
    expect(o.offeredHybridNegotiatedClassical).toBe(2);
    expect(o.risk.assessed + o.risk.notAssessed).toBe(o.flows);
    expect(o.scan).toMatchObject({ id: 'mixed', inputs: 1, packets: 141 });
    expect(o.classes.reduce((s, c) => s + c.flowShare, 0)).toBeCloseTo(1, 9);
  });

  it('ranks findings by level with their recommended action', async () => {
    const o = await get<Overview>('/api/scans/synth/overview?top=5');
    expect(o.topFindings.map((f) => f.ruleId)).toEqual(['HNDL002', 'HNDL003', 'HNDL007']);
    expect(o.topFindings[0]).toMatchObject({ level: 'critical', findings: 2, flows: 3, recommendation: 'Use TLS 1.3.' });
    const assessed = synth.flows.filter((f) => f.risk !== undefined);
    expect(o.risk.assessed).toBe(assessed.length);
    expect(o.risk.levels.find((l) => l.level === 'high')?.flows).toBe(assessed.length);
    expect(o.topServers.length).toBeLessThanOrEqual(5);
    expect(o.topServers[0]?.maxScore).toBe(72.5);
  });

  it('404 for a missing scan, 400 for a bad query', async () => {
    const e = await get<{ code: string; statusCode: number }>('/api/scans/nope/overview', 404);
    expect(e).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: 'no such scan' });
    await get('/api/scans/mixed/overview?top=0', 400);
  });

  it('400, not 500, for numbers that are not finite (Infinity, 1e400, -1e999) in any query', async () => {
    for (const v of ['Infinity', '-Infinity', '1e400', '-1e999', 'NaN']) {
      for (const url of [
        `/api/scans/mixed/overview?top=${v}`,
        `/api/scans/mixed/heatmap/category?servers=${v}`,
        `/api/scans/mixed/heatmap/time?buckets=${v}`,
        `/api/scans/mixed/findings?limit=${v}`,
        `/api/compare?a=mixed&b=synth&limit=${v}`,
        `/api/scans/mixed/flows?limit=${v}`,
      ]) {
        const e = await get<{ code: string }>(url, 400);
        expect(e.code).toBe('BAD_REQUEST');
      }
    }
  });
});

describe('heatmaps', () => {
  it('servers × category: max score, flows and bytes per cell; unassessed flows labelled', async () => {
    const h = await get<CategoryHeatmap>('/api/scans/synth/heatmap/category?servers=200');
    expect(h.categories).toEqual(['health', 'not assessed']);
    expect(h.servers.length).toBe(h.totalServers);
    const total = h.cells.reduce((s, c) => s + c.flows, 0);
    expect(total).toBe(400);
    const cell = h.cells.find((c) => c.server === '192.0.2.0:443' && c.category === 'health');
    const expected = synth.flows.filter((f) => labelOf(f) === '192.0.2.0:443' && f.sensitivity?.category === 'health');
    expect(cell).toMatchObject({ flows: expected.length, bytes: expected.reduce((s, f) => s + bytesOf(f), 0), maxScore: 72.5, level: 'high', worstClass: 'plaintext' });
    // most at risk first
    expect(h.cells[0]?.maxScore).toBe(72.5);
    const capped = await get<CategoryHeatmap>('/api/scans/synth/heatmap/category?servers=3');
    expect(capped.servers.length).toBe(3);
    expect(capped.totalServers).toBe(h.totalServers);
  });

  it('servers × time: buckets cover every flow and filter back to the same flows', async () => {
    const h = await get<TimeHeatmap>('/api/scans/synth/heatmap/time?buckets=10&servers=200');
    expect(h.buckets.length).toBe(10);
    expect(h.cells.reduce((s, c) => s + c.flows, 0)).toBe(400);
    const cell = h.cells[0];
    expect(cell).toBeDefined();
    if (cell === undefined) return;
    const b = h.buckets[cell.bucket];
    const qs = new URLSearchParams({ label: cell.server, from: b?.start ?? '', to: b?.end ?? '', limit: '1000' });
    const page = await get<{ total: number }>(`/api/scans/synth/flows?${qs.toString()}`);
    expect(page.total).toBe(cell.flows);
  });

  it('a clicked category cell filters the flows to exactly its count', async () => {
    const h = await get<CategoryHeatmap>('/api/scans/synth/heatmap/category');
    for (const cell of h.cells.slice(0, 6)) {
      const cat = cell.category === 'not assessed' ? 'unassessed' : cell.category;
      const qs = new URLSearchParams({ label: cell.server, category: cat });
      const page = await get<{ total: number }>(`/api/scans/synth/flows?${qs.toString()}`);
      expect(page.total, `${cell.server}/${cell.category}`).toBe(cell.flows);
    }
  });
});

describe('flows filters', () => {
  it('risk, mcp, search, offered filters run in SQL', async () => {
    const count = async (qs: string): Promise<number> => (await get<{ total: number }>(`/api/scans/synth/flows?${qs}`)).total;
    expect(await count('risk=high')).toBe(synth.flows.filter((f) => f.risk?.level === 'high').length);
    expect(await count('risk=unassessed')).toBe(synth.flows.filter((f) => f.risk === undefined).length);
    expect(await count('mcp=true')).toBe(synth.flows.filter((f) => f.mcp !== null).length);
    expect(await count('mcp=false')).toBe(synth.flows.filter((f) => f.mcp === null).length);
    expect(await count('q=HOST1.example')).toBe(synth.flows.filter((f) => (f.tls?.sni ?? '').includes('host1.example')).length);
    expect(await count('q=read_file')).toBe(synth.flows.filter((f) => f.mcp !== null).length);
    expect(await count('offered=hybrid&kex=classical')).toBe(
      synth.flows.filter((f) => f.kex.offered === 'hybrid' && f.kex.negotiated === 'classical').length,
    );
    expect(await count(`label=${encodeURIComponent(EVIL)}`)).toBe(1);
    await get('/api/scans/synth/flows?risk=severe', 400);
    await get('/api/scans/synth/flows?from=yesterday', 400);
  });
});

describe('flow detail', () => {
  it('returns the whole flow with group and suite names and the findings citing it', async () => {
    const idx = mixed.flows.findIndex((f) => f.kex.negotiated === 'hybrid');
    const flow = mixed.flows[idx];
    expect(flow).toBeDefined();
    const d = await get<{ flow: FlowReport; serverLabel: string; names: { groups: Record<string, string>; cipherSuite: string | null } }>(
      `/api/scans/mixed/flows/${flow?.id ?? -1}`,
    );
    expect(d.flow.tls?.sni).toBe(flow?.tls?.sni);
    expect(d.flow.kex).toMatchObject({ negotiated: 'hybrid', group: 'X25519MLKEM768' });
    expect(d.names.groups['4588']).toBe('X25519MLKEM768');
    expect(d.names.cipherSuite).toMatch(/^TLS_/);
    expect(d.serverLabel).toBe(flow?.tls?.sni);
    const s = await get<{ findings: FindingRow[] }>('/api/scans/synth/flows/5');
    expect(s.findings.map((f) => `${f.ruleId}/${f.level}`)).toEqual(['HNDL002/critical', 'HNDL002/medium']);
    await get('/api/scans/synth/flows/99999', 404);
    await get('/api/scans/synth/flows/abc', 400);
  });

  it('keeps MCP messages in order', async () => {
    const withMsgs = mcp.flows.find((f) => Array.isArray(f.mcp?.['messages']) && (f.mcp?.['messages'] as unknown[]).length > 2);
    expect(withMsgs).toBeDefined();
    const d = await get<{ flow: FlowReport }>(`/api/scans/mcp/flows/${withMsgs?.id ?? -1}`);
    expect(d.flow.mcp?.['messages']).toEqual(withMsgs?.mcp?.['messages']);
  });

  it('returns hostile captured strings as JSON data, never markup', async () => {
    const res = await app.inject({ url: '/api/scans/synth/flows/3' });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json<{ flow: FlowReport }>().flow.tls?.sni).toBe(EVIL);
  });
});

describe('mcp inventory', () => {
  it('lists servers, clients and tools from the flows', async () => {
    const inv = await get<McpInventoryView>('/api/scans/mcp/mcp');
    expect(inv.servers.length).toBeGreaterThan(0);
    const names = inv.servers.flatMap((s) => s.names);
    expect(names).toContain('hndl-sample-server');
    expect(inv.clients.flatMap((c) => c.names)).toContain('hndl-sample-client');
    const tool = inv.tools.find((t) => t.tool === 'lookup_customer');
    expect(tool?.calls).toBeGreaterThanOrEqual(1);
    expect(inv.servers.every((s) => s.worstClass === 'plaintext')).toBe(true);
    expect(inv.servers.flatMap((s) => s.transports).sort()).toEqual(expect.arrayContaining(['streamable-http']));
  });

  it('marks a server named by an unregistered-server finding as shadow', async () => {
    const inv = await get<McpInventoryView>('/api/scans/synth/mcp');
    expect(inv.servers.find((s) => s.server === '192.0.2.0:443')?.status).toBe('shadow');
    expect(inv.servers.filter((s) => s.status === 'shadow').length).toBe(1);
    expect(inv.tools[0]).toMatchObject({ tool: 'read_file' });
  });
});

describe('findings, compare, delete', () => {
  it('lists findings most severe first and filters them', async () => {
    const all = await get<{ total: number; findings: FindingRow[] }>('/api/scans/synth/findings');
    expect(all.total).toBe(4);
    expect(all.findings[0]).toMatchObject({ ruleId: 'HNDL002', level: 'critical', flowIds: [5] });
    const high = await get<{ total: number }>('/api/scans/synth/findings?level=high');
    expect(high.total).toBe(1);
    const none = await get<{ total: number; findings: FindingRow[] }>('/api/scans/mixed/findings');
    expect(none.total).toBe(mixed.findings?.length ?? 0);
  });

  it('compares two scans per class and per server', async () => {
    const c = await get<CompareResult>('/api/compare?a=mcp&b=mixed');
    expect(c.flows).toEqual({ a: mcp.flows.length, b: mixed.flows.length });
    expect(c.classes.find((x) => x.class === 'hybrid')).toMatchObject({ a: 0, b: 2 });
    expect(c.pqAdoptionUp).toBe(true);
    expect(c.pqShare.b).toBeCloseTo(2 / mixed.flows.length, 9);
    const same = await get<CompareResult>('/api/compare?a=mixed&b=mixed');
    expect(same.servers.every((s) => s.change === 'same')).toBe(true);
    expect(same.pqAdoptionUp).toBe(false);
    const rev = await get<CompareResult>('/api/compare?a=mixed&b=mcp');
    expect(rev.serverChanges.new + rev.serverChanges.gone).toBeGreaterThan(0);
    await get('/api/compare?a=mixed&b=nope', 404);
    await get('/api/compare?a=mixed', 400);
  });

  it('deletes a scan', async () => {
    const res = await app.inject({ method: 'DELETE', url: '/api/scans/mcp' });
    expect(res.statusCode).toBe(204);
    await get('/api/scans/mcp/overview', 404);
    const again = await app.inject({ method: 'DELETE', url: '/api/scans/mcp' });
    expect(again.statusCode).toBe(404);
  });
});
