/**
 * Per-flow MCP results written to `flow.ext.mcp` (Model Context Protocol specification
 * 2024-11-05 … 2026-07-28) and JSON-RPC 2.0 results written to `flow.ext.jsonrpc`.
 * Argument and result VALUES are never stored here: only names, URIs, ids and sizes.
 */
import type { Flow } from '../flow/types.js';
import type { JsonValue } from './json.js';
import type { RpcKind } from './jsonrpc.js';

export type McpTransport = 'streamable-http' | 'sse-legacy' | 'ndjson';
export type McpDir = 'c2s' | 's2c';

export interface McpMessageRecord {
  tsMicros: number;
  dir: McpDir;
  id: string | null;
  /** for responses/errors: the method of the request they answer (paired by id), else null if unpaired */
  method: string | null;
  kind: RpcKind;
  /** tools/call params.name (also on the paired response) */
  tool: string | null;
  /** resources/read / subscribe params.uri (also on the paired response) */
  uri: string | null;
  /** bytes of the message's JSON text */
  size: number;
  /** HTTP status of the response that carried this message (s2c over HTTP), else null */
  status: number | null;
}

export interface PeerInfo {
  name: string | null;
  version: string | null;
}

export interface McpFlowInfo {
  transport: McpTransport;
  protocolVersion: string | null;
  client: PeerInfo | null;
  server: PeerInfo | null;
  sessionIds: string[];
  /** unique methods of requests/notifications in first-seen order (also from Mcp-Method headers) */
  methods: string[];
  toolsCalled: string[];
  toolsListed: string[];
  resourcesRead: string[];
  resourcesListed: string[];
  promptsGot: string[];
  promptsListed: string[];
  /** JSON-RPC error responses */
  errors: number;
  /** tools/call results with `isError: true` (tool-level failures) */
  toolErrors: number;
  /** JSON-RPC messages seen (including those beyond the `messages` cap) */
  messageCount: number;
  /** bodies / lines / SSE data that were not JSON or not JSON-RPC 2.0 */
  malformed: number;
  messages: McpMessageRecord[];
  /** why the flow was called MCP (first few evidence codes) */
  evidence: string[];
  /**
   * Legacy HTTP+SSE (2024-11-05) linking: on the GET stream, the POST endpoint announced by the
   * `endpoint` event; on a POST flow, the path posted to. `sessionId` is the endpoint's
   * `sessionId` query parameter in both cases, so the lead can join stream and POST flows.
   */
  legacy: { endpoint: string | null; endpointPath: string | null; sessionId: string | null } | null;
}

export interface JsonRpcFlowInfo {
  kind: 'mcp' | 'jsonrpc-non-mcp';
  messages: number;
  malformed: number;
  /** unique methods (first 64) */
  methods: string[];
}

/** What the sensitivity hook sees, in memory only (values are not retained by the analyzer). */
export interface McpPayload {
  method: string | null;
  tool: string | null;
  uri: string | null;
  dir: McpDir;
  id: string | null;
  kind: RpcKind;
  /** true once the flow is recognised as MCP (JSON-RPC that is not MCP is passed too) */
  mcp: boolean;
  params?: JsonValue;
  result?: JsonValue;
  error?: { code: number | null; message: string | null };
}

export type OnPayload = (flow: Flow, msg: McpPayload) => void;

export interface RpcTrackerOptions {
  /** message records kept per flow (default 10 000) */
  maxMessages?: number;
  onPayload?: OnPayload;
}
