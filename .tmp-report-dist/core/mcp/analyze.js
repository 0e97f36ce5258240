import { auditMcp } from './audit.js';
import { buildMcpInventory } from './inventory.js';
import { linkMcpSessions } from './link.js';
export function analyzeMcp(report, policy = null) {
    linkMcpSessions(report);
    const inventory = buildMcpInventory(report, policy);
    report.mcpInventory = inventory;
    if (policy !== null)
        report.findings = [...(report.findings ?? []), ...auditMcp(report, inventory, policy)];
    return inventory;
}
//# sourceMappingURL=analyze.js.map