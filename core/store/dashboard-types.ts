/**
 * Result shapes of the dashboard read queries (core/store/dashboard.ts), served as JSON by
 * server/dashboard-routes.ts. Risk fields are null when the flows were not assessed.
 */
import type { FlowReport, RiskLevel } from '../report/model.js';
import type { KexClass } from '../tls/types.js';

export type { KexClass, RiskLevel };

export interface Overview {
  scan: { id: string; startedAt: string | null; finishedAt: string | null; durationMs: number | null; packets: number; inputs: number };
  flows: number;
  bytes: number;
  servers: number;
  clients: number;
  classes: { class: KexClass; flows: number; bytes: number; flowShare: number; byteShare: number; offered: number }[];
  /** payload bytes of flows negotiated plaintext or classical (recordable now, readable later or now) */
  bytesAtRisk: number;
  flowsAtRisk: number;
  bytesUnknown: number;
  /** payload bytes of flows assessed high or critical */
  bytesHighRisk: number;
  offeredHybridNegotiatedClassical: number;
  mcpFlows: number;
  mcpPlaintextFlows: number;
  risk: { assessed: number; notAssessed: number; levels: { level: RiskLevel; flows: number; bytes: number }[] };
  topFindings: {
    ruleId: string;
    level: RiskLevel | null;
    findings: number;
    flows: number;
    message: string | null;
    recommendation: string | null;
    servers: string[];
  }[];
  topServers: {
    server: string;
    flows: number;
    bytes: number;
    bytesAtRisk: number;
    worstClass: KexClass;
    maxScore: number | null;
    level: RiskLevel | null;
  }[];
}

export interface HeatCell {
  server: string;
  flows: number;
  bytes: number;
  maxScore: number | null;
  level: RiskLevel | null;
  worstClass: KexClass;
}

export interface CategoryHeatmap {
  /** rows, most at risk first (capped) */
  servers: string[];
  categories: string[];
  totalServers: number;
  cells: (HeatCell & { category: string })[];
}

export interface TimeHeatmap {
  start: string | null;
  end: string | null;
  bucketMicros: number;
  buckets: { index: number; start: string; end: string }[];
  servers: string[];
  totalServers: number;
  cells: (HeatCell & { bucket: number })[];
}

export type McpServerStatus = 'registered' | 'shadow' | 'unknown';

export interface McpInventoryView {
  servers: {
    server: string;
    names: string[];
    versions: string[];
    transports: string[];
    protocolVersions: string[];
    flows: number;
    bytes: number;
    clients: number;
    worstClass: KexClass;
    status: McpServerStatus;
  }[];
  clients: { client: string; names: string[]; versions: string[]; flows: number; servers: number; worstClass: KexClass }[];
  tools: { server: string; tool: string; calls: number; flows: number; clients: number; worstClass: KexClass }[];
}

export interface FindingRow {
  ruleId: string;
  level: RiskLevel | null;
  message: string;
  server: string | null;
  client: string | null;
  flowIds: number[];
  recommendation: string | null;
}

export interface FlowDetail {
  flow: FlowReport;
  serverLabel: string;
  findings: FindingRow[];
}

export interface CompareSide {
  flows: number;
  pqFlows: number;
  worstClass: KexClass;
}

export interface CompareResult {
  a: string;
  b: string;
  flows: { a: number; b: number };
  /** share of flows negotiated hybrid or pq */
  pqShare: { a: number; b: number; delta: number };
  pqAdoptionUp: boolean;
  classes: { class: KexClass; a: number; b: number; bytesA: number; bytesB: number }[];
  serverChanges: { servers: number; improved: number; regressed: number; new: number; gone: number };
  servers: { server: string; change: 'improved' | 'regressed' | 'same' | 'new' | 'gone'; a: CompareSide | null; b: CompareSide | null }[];
}
