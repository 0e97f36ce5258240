/**
 * The scan pipeline: capture reader → frame decoder → flow table → analyzers, then the report.
 * One ScanSession may read several inputs; the flow table is flushed between inputs so a flow
 * never spans two files. Everything per packet is synchronous; the only awaits are per chunk
 * (gzip and stdin inputs).
 */
import { randomUUID } from 'node:crypto';
import { scanInput } from './capture/source.js';
import { decodeFrame } from './net/decode.js';
import { newDecodedPacket } from './net/packet.js';
import { FlowTable } from './flow/table.js';
import { createAppFactory } from './app/dispatch.js';
import { Weirds } from './util/weirds.js';
import { flowToReport, summarize } from './report/build.js';
import { resumptionKeys } from './tls/classify.js';
import { TOOL_NAME, TOOL_VERSION } from './version.js';
import { PayloadEvidence, assessReport } from './risk/flow-evidence.js';
import { defaultPolicy } from './risk/policy.js';
import { aggregate } from './risk/aggregate.js';
import { analyzeMcp } from './mcp/analyze.js';
import { deriveFindings } from './report/findings.js';
/** at most this many sessions / resumed flows are remembered for resumption linking */
const MAX_LINKS = 200_000;
/**
 * Flows that carried no payload at all (unanswered SYNs, scans) are reported one by one only up
 * to this many; beyond it they are counted, so a capture of a million SYNs keeps a bounded report.
 */
export const MAX_EMPTY_FLOW_REPORTS = 10_000;
export class ScanSession {
    opts;
    weirds = new Weirds();
    flows = [];
    inputs = [];
    startedAt = new Date();
    table;
    sink;
    packets = 0;
    flowsEvicted = 0;
    emptyFlows = 0;
    emptyFlowsDropped = 0;
    evidence = new PayloadEvidence();
    policy;
    now;
    /** session id / ticket → the full handshake that established it (for resumption linking) */
    sessions = new Map();
    /** resumed flows waiting to be linked at the end of the scan */
    resumed = [];
    constructor(opts = {}) {
        this.opts = opts;
        const pkt = newDecodedPacket();
        const weirds = this.weirds;
        this.policy = opts.policy ?? defaultPolicy();
        this.now = opts.now ?? new Date();
        this.table = new FlowTable({
            factory: createAppFactory({ httpBytesPerDir: opts.httpBytesPerDir, weirds, onMcpPayload: this.evidence.onPayload, ...opts.dispatch }),
            weirds,
            streamBytes: opts.streamBytes,
            maxFlows: opts.maxFlows,
            onFlowEnd: (flow) => this.endFlow(flow),
        });
        const table = this.table;
        this.sink = {
            packet(linkType, tsMicros, data, off, capLen) {
                if (decodeFrame(linkType, data, off, capLen, pkt, weirds))
                    table.packet(pkt, tsMicros);
            },
        };
    }
    endFlow(flow) {
        const evidence = this.evidence.take(flow);
        if (flow.bytes[0] === 0 && flow.bytes[1] === 0) {
            if (this.emptyFlows >= MAX_EMPTY_FLOW_REPORTS) {
                this.emptyFlowsDropped++;
                return;
            }
            this.emptyFlows++;
        }
        this.opts.onEngineFlow?.(flow);
        const r = flowToReport(flow);
        assessReport(flow, r, evidence, this.policy, this.now);
        if (flow.tls)
            this.noteSession(flow, r.kex.negotiated, r.kex.group, r.tls?.selectedGroup ?? null, r.kex.reason ?? null);
        this.flows.push(r);
        this.opts.onFlow?.(r);
    }
    /**
     * Resumption linking: a TLS 1.2 abbreviated handshake or TLS 1.3 psk_ke resumption inherits the
     * key exchange of the full handshake that issued its session id / ticket, when that handshake is
     * in the same scan. Both tables are capped.
     */
    noteSession(flow, negotiated, group, codepoint, reason) {
        if (!flow.tls)
            return;
        const keys = resumptionKeys(flow.tls);
        if (reason === 'resumed' && keys.offers.length > 0) {
            if (this.resumed.length < MAX_LINKS)
                this.resumed.push({ flow, index: this.flows.length, offers: keys.offers });
            else
                this.weirds.add('tls.resumption_links_capped');
        }
        else if (negotiated !== 'unknown') {
            for (const k of keys.provides) {
                if (this.sessions.size >= MAX_LINKS) {
                    this.weirds.add('tls.resumption_links_capped');
                    break;
                }
                if (!this.sessions.has(k))
                    this.sessions.set(k, { negotiated, group, codepoint, flowId: flow.id });
            }
        }
    }
    linkResumptions() {
        for (const p of this.resumed) {
            const origin = p.offers.map((k) => this.sessions.get(k)).find((x) => x !== undefined);
            if (!origin)
                continue;
            const r = flowToReport(p.flow, { resumedFrom: origin });
            r.kex.resumedFromFlow = origin.flowId;
            // a resumed TLS flow carries no payload evidence of its own: metadata and policy decide
            assessReport(p.flow, r, [], this.policy, this.now);
            this.flows[p.index] = r;
        }
        this.resumed.length = 0;
    }
    /** Scan one input (path or '-' for stdin). Throws CaptureInputError for user errors. */
    async addInput(path) {
        const res = await scanInput(path, {
            sink: this.sink,
            weirds: this.weirds,
            hash: this.opts.hash ?? false,
            ...(this.opts.chunkBytes ? { chunkBytes: this.opts.chunkBytes } : {}),
            ...(this.opts.onProgress ? { onProgress: this.opts.onProgress } : {}),
        });
        this.table.flush();
        this.packets += res.packets;
        this.inputs.push({
            path: res.path,
            format: res.format,
            compressed: res.compressed,
            packets: res.packets,
            bytes: res.bytes,
            truncated: res.truncated,
            error: res.error,
            sha256: res.sha256,
            linkTypes: res.linkTypes,
        });
        return res;
    }
    finish() {
        this.table.flush();
        this.linkResumptions();
        this.flowsEvicted = this.table.stats.flowsEvicted;
        const finishedAt = new Date();
        this.flows.sort((a, b) => a.id - b.id);
        const report = {
            tool: { name: TOOL_NAME, version: TOOL_VERSION },
            scan: {
                id: randomUUID(),
                startedAt: this.startedAt.toISOString(),
                finishedAt: finishedAt.toISOString(),
                durationMs: finishedAt.getTime() - this.startedAt.getTime(),
                inputs: this.inputs,
            },
            summary: {
                ...summarize(this.flows, {
                    packets: this.packets,
                    weirds: this.weirds.toJSON(),
                    flowsEvicted: this.flowsEvicted,
                }),
                emptyFlowsNotListed: this.emptyFlowsDropped,
            },
            flows: this.flows,
            aggregates: aggregate(this.flows, { now: this.now }),
        };
        // MCP sessions across connections, the inventory and the policy audit, then every finding
        analyzeMcp(report, this.opts.mcpPolicy ?? null);
        report.findings = deriveFindings(report, { extra: report.findings ?? [] });
        return report;
    }
}
/** Scan several inputs into one report. */
export async function scanInputs(paths, opts = {}) {
    const s = new ScanSession(opts);
    for (const p of paths)
        await s.addInput(p);
    return s.finish();
}
//# sourceMappingURL=scan.js.map