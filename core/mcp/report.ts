/**
 * McpFlowInfo (flow.ext.mcp) → the report's McpReport (core/report/model.ts): `methods` and
 * `tools` (tools called, else tools listed) plus the extra MCP fields, without per-message records.
 */
import type { McpReport } from '../report/model.js';
import type { McpFlowInfo } from './types.js';

export function toMcpReport(info: McpFlowInfo): McpReport {
  return {
    methods: [...info.methods],
    tools: [...(info.toolsCalled.length > 0 ? info.toolsCalled : info.toolsListed)],
    transport: info.transport,
    protocolVersion: info.protocolVersion,
    client: info.client,
    server: info.server,
    sessionIds: [...info.sessionIds],
    toolsCalled: [...info.toolsCalled],
    toolsListed: [...info.toolsListed],
    resourcesRead: [...info.resourcesRead],
    promptsGot: [...info.promptsGot],
    errors: info.errors,
    toolErrors: info.toolErrors,
    messageCount: info.messageCount,
    malformed: info.malformed,
    legacy: info.legacy,
  };
}
