/**
 * MCP (Model Context Protocol spec 2024-11-05 … 2026-07-28) and JSON-RPC 2.0 recognition:
 * public surface for the lead / app factory.
 */
export { HttpAnalyzer, DEFAULT_HTTP_MAX_BYTES_PER_DIR } from '../http/analyzer.js';
export { sniffHttp } from '../http/sniff.js';
export { NdjsonRpcAnalyzer, sniffNdjsonRpc } from './ndjson.js';
export { parseEndpointUri } from './legacy.js';
export { mcpMethodEvidence, MCP_METHODS } from './methods.js';
export { toMcpReport } from './report.js';
//# sourceMappingURL=index.js.map