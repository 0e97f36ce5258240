/**
 * Public types of the DuckDB store: the Store interface, query options, row shapes returned
 * to callers (the server and the CLI) and the StoreError codes.
 */
import type { DuckDBValue, JS } from '@duckdb/node-api';
import type { KexClass } from '../tls/types.js';
import type { FlowReport, InputReport, RiskLevel, ScanReport } from '../report/model.js';

export type StoreErrorCode =
  | 'SCHEMA_TOO_NEW'
  | 'NOT_HNDL_DB'
  | 'NEEDS_MIGRATION'
  | 'SCAN_EXISTS'
  | 'INVALID_REPORT'
  | 'BAD_QUERY'
  | 'READ_ONLY'
  | 'CLOSED';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}

export interface OpenStoreOptions {
  readOnly?: boolean;
}

export interface WriteScanOptions {
  /** replace an existing scan with the same id (default: fail with SCAN_EXISTS) */
  replace?: boolean;
}

/** Sort keys accepted by listFlows (whitelisted; mapped to SQL in query.ts). */
export const FLOW_SORT_KEYS = [
  'id', 'firstSeen', 'lastSeen', 'bytes', 'packets', 'client', 'server', 'serverPort', 'sni',
  'transport', 'app', 'offered', 'negotiated', 'group', 'risk',
] as const;
export type FlowSortKey = (typeof FLOW_SORT_KEYS)[number];

export interface ListFlowsOptions {
  limit?: number;
  offset?: number;
  sort?: FlowSortKey;
  order?: 'asc' | 'desc';
  /** only flows whose negotiated class is this one */
  kexNegotiated?: KexClass;
  /** server IP (exact) or SNI (case-insensitive substring) */
  server?: string;
  /** only flows whose offered class is this one */
  kexOffered?: KexClass;
  /** exact server label: SNI, else ip:port ([v6]:port) — the dashboard's heatmap rows */
  serverLabel?: string;
  /** risk level; 'unassessed' = flows without a risk assessment */
  riskLevel?: RiskLevel | 'unassessed';
  /** sensitivity category; 'unassessed' = flows without one */
  category?: string;
  /** true: only flows with MCP; false: only flows without */
  mcp?: boolean;
  /** case-insensitive substring of SNI, server/client IP, app, group or MCP server/tool names */
  search?: string;
  /** first_seen >= from and < to (ISO 8601) */
  from?: string;
  to?: string;
}

/** a result row of a read query (JS-converted DuckDB values) */
export type QueryRow = Record<string, JS>;
/** run one SQL statement with named parameters ($name) and read all rows */
export type QueryFn = (sql: string, params?: Record<string, DuckDBValue>) => Promise<QueryRow[]>;

export interface FlowPage {
  /** flows matching the filters, before paging */
  total: number;
  limit: number;
  offset: number;
  flows: FlowReport[];
}

/** One scan without its flows. */
export interface ScanRecord {
  id: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  tool: { name: string; version: string };
  flows: number;
  packets: number;
  bytes: number;
  summary: ScanReport['summary'];
  inputs: InputReport[];
  options: Record<string, unknown> | null;
  storedAt: string;
}

/** A scan as listed: counts and the negotiated-class histogram. */
export interface ScanListItem {
  id: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  toolVersion: string;
  flows: number;
  packets: number;
  bytes: number;
  inputs: number;
  byNegotiated: Record<string, number>;
  storedAt: string;
}

export interface Store {
  readonly path: string;
  readonly readOnly: boolean;
  /** write a whole report (scan, inputs, flows) in one transaction; nothing is kept on failure */
  writeScan(report: ScanReport, opts?: WriteScanOptions): Promise<void>;
  /** newest first */
  listScans(): Promise<ScanListItem[]>;
  getScan(id: string): Promise<ScanRecord | null>;
  /** null when the scan does not exist */
  listFlows(scanId: string, opts?: ListFlowsOptions): Promise<FlowPage | null>;
  /** the report rebuilt from the store (flows by id), null when the scan does not exist */
  getReport(id: string): Promise<ScanReport | null>;
  /** true when a scan was deleted */
  deleteScan(id: string): Promise<boolean>;
  /** run read queries serialised with the store's other operations (used by dashboard.ts) */
  read<T>(fn: (query: QueryFn) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
