/**
 * One call for the scan pipeline: link MCP sessions across connections (./link.ts), build the
 * inventory (./inventory.ts) into `report.mcpInventory`, and, with a policy (./policy.ts),
 * append the HNDL007/008/009 findings of ./audit.ts to `report.findings`.
 */
import type { ScanReport } from '../report/model.js';
import { auditMcp } from './audit.js';
import { buildMcpInventory } from './inventory.js';
import type { McpInventory } from './inventory.js';
import { linkMcpSessions } from './link.js';
import type { McpPolicy } from './policy.js';

export function analyzeMcp(report: ScanReport, policy: McpPolicy | null = null): McpInventory {
  linkMcpSessions(report);
  const inventory = buildMcpInventory(report, policy);
  report.mcpInventory = inventory;
  if (policy !== null) report.findings = [...(report.findings ?? []), ...auditMcp(report, inventory, policy)];
  return inventory;
}
