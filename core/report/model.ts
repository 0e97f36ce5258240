/**
 * The scan report: the stable shape of `hndl-scan --format json`
 * (../shared/contract/report.schema.json). Every output format, the DuckDB store and the
 * dashboard read this model, never the engine's internal flow records.
 */
import type { KexClass } from '../tls/types.js';
import type { McpInventory } from '../mcp/inventory.js';

export type RiskLevel = 'none' | 'low' | 'medium' | 'high' | 'critical';

export interface EndpointReport {
  ip: string;
  port: number;
}

export interface TlsReport {
  version: string | null;
  sni: string | null;
  offeredGroups: number[];
  keyShareGroups: number[];
  selectedGroup: number | null;
  helloRetryRequest: boolean;
  cipherSuite: number | null;
  alpn?: string[];
  ja4?: string | null;
  signatureAlgorithms?: number[];
  ech?: boolean;
  certificate?: { signatureAlgorithm: string | null; publicKeyAlgorithm: string | null; publicKeyBits: number | null } | null;
  shareValidation?: string | null;
  /** sha-256 digests (16 hex) of the session id / ticket this flow resumes with or issues, for linking */
  sessionKeys?: { offers?: string[]; provides?: string[] };
}

export interface KexReport {
  offered: KexClass;
  negotiated: KexClass;
  group: string | null;
  /** why a class is unknown: no-handshake, resumed, handshake-failed, decode-error, unknown-group, inconsistent, no-client-hello, ambiguous-stream */
  reason?: string | null;
  mechanism?: string | null;
  /** id of the full handshake a resumed flow inherited its class from */
  resumedFromFlow?: number;
}

export interface McpReport {
  methods: string[];
  tools: string[];
  /** session key shared by every flow of one MCP session (core/mcp/link.ts), when linked */
  session?: string;
  /**
   * Opt-in argument / result values (a future --store-payloads; never produced by default),
   * stored in the mcp_payloads table. `seq` is the index of the message in `messages`.
   */
  payloads?: McpPayloadReport[];
  [k: string]: unknown;
}

export interface McpPayloadReport {
  seq: number;
  params?: unknown;
  result?: unknown;
  error?: unknown;
}

export interface FlowReport {
  id: number;
  transport: 'tcp' | 'udp';
  client: EndpointReport;
  server: EndpointReport;
  vlan?: number;
  tunnelId?: number;
  app: string;
  firstSeen: string;
  lastSeen: string;
  packets: { clientToServer: number; serverToClient: number };
  bytes: { clientToServer: number; serverToClient: number };
  endReason: string | null;
  tls: TlsReport | null;
  kex: KexReport;
  mcp: McpReport | null;
  sensitivity?: { category: string; lifetimeYears: number; [k: string]: unknown };
  risk?: { score: number; level: RiskLevel; [k: string]: unknown };
  issues: string[];
  [k: string]: unknown;
}

export interface InputReport {
  path: string;
  format: 'pcap' | 'pcapng';
  compressed?: boolean;
  packets: number;
  bytes: number;
  truncated: boolean;
  error?: string | null;
  sha256?: string | null;
  linkTypes?: number[];
}

export interface ScanReport {
  tool: { name: 'hndl-scan'; version: string };
  scan: {
    id: string;
    startedAt: string;
    finishedAt: string;
    durationMs: number;
    inputs: InputReport[];
    options?: Record<string, unknown>;
  };
  summary: {
    flows: number;
    packets: number;
    bytes: number;
    byNegotiated: Record<string, number>;
    byOffered: Record<string, number>;
    bytesByNegotiated: Record<string, number>;
    offeredHybridNegotiatedClassical: number;
    weirds: Record<string, number>;
    flowsEvicted: number;
    [k: string]: unknown;
  };
  flows: FlowReport[];
  findings?: Finding[];
  /** MCP servers, clients, tools seen across the capture (core/mcp/inventory.ts) */
  mcpInventory?: McpInventory;
  [k: string]: unknown;
}

/** One finding: a rule from core/report/rules.ts applied to evidence in the scan. */
export interface Finding {
  /** stable rule id from the catalogue, e.g. HNDL002 */
  ruleId: string;
  level: RiskLevel;
  /** one sentence naming the thing and the problem */
  message: string;
  /** server label (SNI or ip:port) and client ip the finding is about, when it is about one */
  server?: string | null;
  client?: string | null;
  /** flows that carry the evidence (capped) */
  flowIds: number[];
  /** what to do, in plain words */
  recommendation?: string;
  /** structured evidence: never a captured secret value */
  evidence?: Record<string, unknown>;
}
