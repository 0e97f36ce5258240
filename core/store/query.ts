/**
 * SQL for listFlows: whitelisted sort expressions, filters as named parameters (never
 * interpolated), and limit/offset clamping.
 */
import type { DuckDBValue } from '@duckdb/node-api';
import { FLOW_SORT_KEYS, StoreError } from './types.js';
import type { FlowSortKey, ListFlowsOptions } from './types.js';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/** class order for sorting: most exposed first */
const CLASS_RANK = (col: string): string =>
  `CASE ${col} WHEN 'plaintext' THEN 0 WHEN 'classical' THEN 1 WHEN 'unknown' THEN 2 WHEN 'hybrid' THEN 3 WHEN 'pq' THEN 4 ELSE 5 END`;

const SORT_SQL: Record<FlowSortKey, string> = {
  id: 'flow_id',
  firstSeen: 'first_seen',
  lastSeen: 'last_seen',
  bytes: '(bytes_c2s + bytes_s2c)',
  packets: '(pkts_c2s + pkts_s2c)',
  client: 'client_ip',
  server: 'server_ip',
  serverPort: 'server_port',
  sni: 'sni',
  transport: 'transport',
  app: 'app',
  offered: CLASS_RANK('kex_offered'),
  negotiated: CLASS_RANK('kex_negotiated'),
  group: 'kex_group',
  risk: 'risk_score',
};

const KEX_CLASSES = new Set(['plaintext', 'classical', 'hybrid', 'pq', 'unknown']);
const RISK_LEVELS = new Set(['none', 'low', 'medium', 'high', 'critical']);

/** a flow's server label in SQL: SNI, else ip:port ([v6]:port), as core/risk/aggregate.ts serverKeyOf */
export const SERVER_LABEL_SQL = `coalesce(nullif(sni, ''), CASE WHEN contains(server_ip, ':') THEN '[' || server_ip || ']:' ELSE server_ip || ':' END || server_port::VARCHAR)`;

/** filter value meaning "no assessment" (risk level or sensitivity category NULL) */
export const UNASSESSED = 'unassessed';

/** sub-millisecond digits of an ISO time (Date.parse keeps milliseconds only) */
function microsOf(iso: string): number {
  const m = /\.\d{3}(\d{1,3})/.exec(iso);
  return m?.[1] !== undefined ? Number.parseInt(m[1].padEnd(3, '0'), 10) : 0;
}

export interface FlowQuery {
  where: string;
  orderBy: string;
  params: Record<string, DuckDBValue>;
  limit: number;
  offset: number;
}

export function buildFlowQuery(scanId: string, opts: ListFlowsOptions): FlowQuery {
  const sort = opts.sort ?? 'id';
  if (!(FLOW_SORT_KEYS as readonly string[]).includes(sort)) {
    throw new StoreError('BAD_QUERY', `unknown sort key: ${String(sort)}`);
  }
  const order = opts.order ?? 'asc';
  if (order !== 'asc' && order !== 'desc') throw new StoreError('BAD_QUERY', `unknown order: ${String(order)}`);
  const limitIn = opts.limit ?? DEFAULT_LIMIT;
  const offsetIn = opts.offset ?? 0;
  if (!Number.isInteger(limitIn) || limitIn < 0) throw new StoreError('BAD_QUERY', 'limit must be a non-negative integer');
  if (!Number.isInteger(offsetIn) || offsetIn < 0) throw new StoreError('BAD_QUERY', 'offset must be a non-negative integer');
  const params: Record<string, DuckDBValue> = { scan: scanId };
  const conds = ['scan_id = $scan'];
  if (opts.kexNegotiated !== undefined) {
    if (!KEX_CLASSES.has(opts.kexNegotiated)) throw new StoreError('BAD_QUERY', `unknown class: ${String(opts.kexNegotiated)}`);
    conds.push('kex_negotiated = $kex');
    params['kex'] = opts.kexNegotiated;
  }
  if (opts.server !== undefined && opts.server !== '') {
    conds.push(`(server_ip = $server OR contains(lower(coalesce(sni, '')), lower($server)))`);
    params['server'] = opts.server;
  }
  if (opts.kexOffered !== undefined) {
    if (!KEX_CLASSES.has(opts.kexOffered)) throw new StoreError('BAD_QUERY', `unknown class: ${String(opts.kexOffered)}`);
    conds.push('kex_offered = $offered');
    params['offered'] = opts.kexOffered;
  }
  if (opts.serverLabel !== undefined) {
    conds.push(`${SERVER_LABEL_SQL} = $label`);
    params['label'] = opts.serverLabel;
  }
  if (opts.riskLevel !== undefined) {
    if (opts.riskLevel === UNASSESSED) conds.push('risk_level IS NULL');
    else {
      if (!RISK_LEVELS.has(opts.riskLevel)) throw new StoreError('BAD_QUERY', `unknown risk level: ${String(opts.riskLevel)}`);
      conds.push('risk_level = $level');
      params['level'] = opts.riskLevel;
    }
  }
  if (opts.category !== undefined) {
    if (opts.category === UNASSESSED) conds.push('sensitivity_category IS NULL');
    else {
      conds.push('sensitivity_category = $category');
      params['category'] = opts.category;
    }
  }
  if (opts.mcp !== undefined) conds.push(opts.mcp ? 'mcp IS NOT NULL' : 'mcp IS NULL');
  if (opts.search !== undefined && opts.search.trim() !== '') {
    conds.push(`(contains(lower(coalesce(sni, '')), $q) OR contains(server_ip, $q) OR contains(client_ip, $q)
      OR contains(lower(coalesce(app, '')), $q) OR contains(lower(coalesce(kex_group, '')), $q)
      OR contains(lower(coalesce(json_extract_string(mcp, '$.server.name'), '')), $q)
      OR contains(lower(coalesce(CAST(json_extract(mcp, '$.tools') AS VARCHAR), '')), $q))`);
    params['q'] = opts.search.trim().toLowerCase();
  }
  for (const [key, op] of [['from', '>='], ['to', '<']] as const) {
    const v = opts[key];
    if (v === undefined) continue;
    const ms = Date.parse(v);
    if (!Number.isFinite(ms)) throw new StoreError('BAD_QUERY', `invalid ${key} time: ${v}`);
    conds.push(`epoch_us(first_seen) ${op} $${key}`);
    params[key] = BigInt(ms) * 1000n + BigInt(microsOf(v));
  }
  const dir = order === 'desc' ? 'DESC' : 'ASC';
  const tie = sort === 'id' ? '' : `, flow_id ${dir}`;
  return {
    where: conds.join(' AND '),
    orderBy: `${SORT_SQL[sort]} ${dir} NULLS LAST${tie}`,
    params,
    limit: Math.min(limitIn, MAX_LIMIT),
    offset: offsetIn,
  };
}
