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
