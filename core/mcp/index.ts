/**
 * MCP (Model Context Protocol spec 2024-11-05 … 2026-07-28) and JSON-RPC 2.0 recognition:
 * public surface for the lead / app factory.
 */
export { HttpAnalyzer, DEFAULT_HTTP_MAX_BYTES_PER_DIR } from '../http/analyzer.js';
export type { HttpAnalyzerOptions } from '../http/analyzer.js';
export { sniffHttp } from '../http/sniff.js';
export type { HttpFlowInfo, HttpRequestSummary } from '../http/types.js';
export { NdjsonRpcAnalyzer, sniffNdjsonRpc } from './ndjson.js';
export type { NdjsonAnalyzerOptions } from './ndjson.js';
export { parseEndpointUri } from './legacy.js';
export type { LegacyEndpoint } from './legacy.js';
export { mcpMethodEvidence, MCP_METHODS } from './methods.js';
export type { JsonValue, JsonObject } from './json.js';
export type { McpFlowInfo, McpMessageRecord, McpPayload, McpTransport, JsonRpcFlowInfo, OnPayload, PeerInfo } from './types.js';
export { toMcpReport } from './report.js';
