import { groupInfo } from '../tls/groups.js';
import { scanJson } from './detectors.js';
import { httpHints, mcpHints } from './hints.js';
import { assessFlow } from './score.js';
/** evidence items kept per flow from payload detectors */
const MAX_PAYLOAD_EVIDENCE = 64;
/** flows with pending payload evidence at once */
const MAX_FLOWS_WITH_EVIDENCE = 100_000;
/** Collects detector evidence from MCP payloads while the scan runs (values are not retained). */
export class PayloadEvidence {
    byFlow = new Map();
    dropped = 0;
    onPayload = (flow, msg) => {
        let list = this.byFlow.get(flow);
        if (!list) {
            if (this.byFlow.size >= MAX_FLOWS_WITH_EVIDENCE) {
                this.dropped++;
                return;
            }
            list = [];
            this.byFlow.set(flow, list);
        }
        if (list.length >= MAX_PAYLOAD_EVIDENCE)
            return;
        const where = `mcp.${msg.method ?? 'response'}${msg.tool ? `(${msg.tool})` : ''}`;
        const found = [];
        if (msg.params !== undefined)
            scanJson(msg.params, `${where}.params`, found);
        if (msg.result !== undefined)
            scanJson(msg.result, `${where}.result`, found);
        for (const e of found) {
            if (list.length >= MAX_PAYLOAD_EVIDENCE)
                break;
            // one item per detector and location is enough
            if (!list.some((x) => x.detector === e.detector && x.location === e.location))
                list.push(e);
        }
    };
    take(flow) {
        const e = this.byFlow.get(flow) ?? [];
        this.byFlow.delete(flow);
        return e;
    }
}
/** Evidence from what the flow's metadata shows (MCP names, HTTP paths and headers). */
export function metadataEvidence(flow) {
    const out = [];
    const mcp = flow.ext['mcp'];
    if (mcp) {
        mcpHints({
            tools: [...mcp.toolsCalled, ...mcp.toolsListed],
            resources: mcp.resourcesRead,
            prompts: mcp.promptsGot,
            serverName: mcp.server?.name ?? null,
        }, 'mcp', out);
    }
    const http = flow.ext['http'];
    if (http) {
        for (const r of http.requests.slice(0, 16)) {
            const headers = [];
            if (r.authScheme)
                headers.push(['authorization', r.authScheme]);
            if (r.contentType)
                headers.push(['content-type', r.contentType]);
            httpHints({ path: r.path, headers }, 'http.request', out);
        }
    }
    return out;
}
/** Fill report.sensitivity and report.risk for one flow. */
export function assessReport(flow, report, evidence, policy, now) {
    const selected = report.tls?.selectedGroup ?? null;
    const info = selected !== null ? groupInfo(selected) : undefined;
    const sv = report.tls?.shareValidation ?? null;
    const a = assessFlow({
        kexNegotiated: report.kex.negotiated,
        kexOffered: report.kex.offered,
        kexGroup: report.kex.group,
        legacyDraft: info?.legacy === true,
        malformedShare: sv === 'length-mismatch' || sv === 'mlkem-key-invalid',
        captureTimeMicros: flow.firstTsMicros,
        now,
        evidence: [...evidence, ...metadataEvidence(flow)],
        serverKey: { ip: report.server.ip, port: report.server.port, sni: report.tls?.sni ?? null },
        app: report.app,
        isMcp: report.mcp !== null,
        transport: report.transport,
    }, policy);
    report.sensitivity = { ...a.sensitivity };
    report.risk = { ...a.risk };
}
//# sourceMappingURL=flow-evidence.js.map