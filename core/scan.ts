/**
 * The scan pipeline: capture reader → frame decoder → flow table → analyzers, then the report.
 * One ScanSession may read several inputs; the flow table is flushed between inputs so a flow
 * never spans two files. Everything per packet is synchronous; the only awaits are per chunk
 * (gzip and stdin inputs).
 */
import { randomUUID } from 'node:crypto';
import type { PacketSink } from './capture/types.js';
import { scanInput } from './capture/source.js';
import type { InputResult } from './capture/source.js';
import { decodeFrame } from './net/decode.js';
import { newDecodedPacket } from './net/packet.js';
import { FlowTable } from './flow/table.js';
import type { Flow } from './flow/types.js';
import { createAppFactory } from './app/dispatch.js';
import type { DispatchOptions } from './app/dispatch.js';
import { Weirds } from './util/weirds.js';
import { flowToReport, summarize, tlsPartOf, unclaimReport } from './report/build.js';
import type { TlsPart } from './report/build.js';
import type { FlowReport, InputReport, ScanReport } from './report/model.js';
import { TOOL_NAME, TOOL_VERSION } from './version.js';
import { microsToIso } from './util/time.js';
import { PayloadEvidence, assessFlowReport, assessReport } from './risk/flow-evidence.js';
import { linkResumptions } from './report/resume.js';
import { defaultPolicy } from './risk/policy.js';
import type { Policy } from './risk/policy.js';
import type { Sensitivity } from './risk/select.js';
import { aggregate } from './risk/aggregate.js';
import { analyzeMcp } from './mcp/analyze.js';
import type { McpPolicy } from './mcp/policy.js';
import { deriveFindings } from './report/findings.js';
import { serverLabel } from './report/format-util.js';

export interface ScanOptions {
  /** bytes of each TCP direction reassembled for handshake decoding (default 64 KiB) */
  streamBytes?: number;
  /** live flow-table cap (default 262144) */
  maxFlows?: number;
  /** bytes per direction followed in HTTP/MCP flows (default 8 MiB) */
  httpBytesPerDir?: number;
  /** compute sha256 of each input */
  hash?: boolean;
  /** read size for plain files */
  chunkBytes?: number;
  /** called with each finished flow's report, e.g. to stream NDJSON */
  onFlow?: (flow: FlowReport) => void;
  /**
   * called with a finished engine flow before it becomes a report (sensitivity hooks); flow.tls
   * is null by then when the TLS analyzer finished early (its part of the report is kept)
   */
  onEngineFlow?: (flow: Flow) => void;
  /** called per input chunk: raw bytes read of the current input and its size (null when unknown) */
  onProgress?: (bytesRead: number, totalBytes: number | null) => void;
  dispatch?: DispatchOptions;
  /** sensitivity and risk policy (default: the built-in categories and the GRI 2023 curve) */
  policy?: Policy;
  /** the time risk is assessed at (default: now) */
  now?: Date;
  /** registered MCP servers and tool-call policy (--inventory) */
  mcpPolicy?: McpPolicy | null;
  /** keep MCP argument and result values in the report (--store-payloads; off by default) */
  storePayloads?: boolean;
  /** flows listed in the report at most (default MAX_FLOW_REPORTS); later ones are counted */
  maxFlowReports?: number;
}

/**
 * Flows that carried no payload at all (unanswered SYNs, scans) are reported one by one only up
 * to this many; beyond it they are counted, so a capture of a million SYNs keeps a bounded report.
 */
export const MAX_EMPTY_FLOW_REPORTS = 10_000;

/**
 * Flows listed in the report at most, by default (the order of the live flow-table cap). The report is held until the end of the scan, and a listed flow costs ≈ 1.5 KB (36 k
 * flows: 54 MB live) up to ≈ 4 KB when every flow has a server of its own (its aggregate and
 * finding): without a cap, a 1.25 MB capture of 400 k one-packet DNS flows took 3.4 GB (found by
 * fuzzing), with this one 1.1 GB. Flows that end after the cap is reached are still decoded and
 * classified, and counted in the summary (flowsNotListed, flowsNotListedByNegotiated,
 * bytesNotListed), but neither listed nor part of the aggregates and findings;
 * `--max-flow-reports` raises the cap.
 */
export const MAX_FLOW_REPORTS = 250_000;

/** reports claiming hybrid or pq remembered for a later conflict (as many as the flow table remembers ended flows) */
const CLAIMED_MAX = 4096;

export class ScanSession {
  readonly weirds = new Weirds();
  readonly flows: FlowReport[] = [];
  readonly inputs: InputReport[] = [];
  readonly startedAt = new Date();
  private readonly table: FlowTable;
  private readonly sink: PacketSink;
  private packets = 0;
  private emptyFlows = 0;
  private emptyFlowsDropped = 0;
  private readonly maxFlowReports: number;
  private notListed = 0;
  private notListedBytes = 0;
  private readonly notListedByNegotiated: Record<string, number> = {};
  private readonly evidence: PayloadEvidence;
  /** TLS parts of reports taken when the analyzer was done, before the connection ended (by flow id) */
  private readonly tlsParts = new Map<number, TlsPart | null>();
  /** reports of connections closed by FIN/RST, waiting for the end of their linger period (by flow id: small-integer keys hash for free, flow objects would each get an identity hash) */
  private readonly early = new Map<number, FlowReport | null>();
  private readonly policy: Policy;
  /** reports that claim hybrid or pq, by flow id, for conflict() */
  private readonly claimed = new Map<number, { report: FlowReport; listed: boolean }>();
  private readonly now: Date;
  constructor(private readonly opts: ScanOptions = {}) {
    const pkt = newDecodedPacket();
    const weirds = this.weirds;
    this.policy = opts.policy ?? defaultPolicy();
    this.evidence = new PayloadEvidence(opts.storePayloads === true);
    this.now = opts.now ?? new Date();
    this.maxFlowReports = Math.max(0, Math.floor(opts.maxFlowReports ?? MAX_FLOW_REPORTS));
    this.table = new FlowTable({
      factory: createAppFactory({ httpBytesPerDir: opts.httpBytesPerDir, weirds, onMcpPayload: this.evidence.onPayload, ...opts.dispatch }),
      weirds,
      streamBytes: opts.streamBytes,
      maxFlows: opts.maxFlows,
      onFlowEnd: (flow) => this.endFlow(flow),
      onFlowClose: (flow) => this.closeFlow(flow),
      onFlowDone: (flow) => this.doneFlow(flow),
      onFlowConflict: (id) => this.conflict(id),
    });
    const table = this.table;
    this.sink = {
      packet(linkType: number, tsMicros: number, data: Buffer, off: number, capLen: number): void {
        if (decodeFrame(linkType, data, off, capLen, pkt, weirds)) table.packet(pkt, tsMicros);
      },
    };
  }

  /**
   * The analyzer is done with the flow (the TLS handshake is over): the TLS part of its report
   * is final, so it is taken now and the hello records are dropped instead of living as long as
   * the connection (most die young, before the next scavenge).
   */
  private doneFlow(flow: Flow): void {
    if (flow.tls === null || this.tlsParts.has(flow.id)) return;
    this.tlsParts.set(flow.id, tlsPartOf(flow));
    flow.tls = null;
  }

  /**
   * A connection closed by FIN/RST: its analysis is complete, so its report is built now and the
   * engine flow drops its handshake and protocol records while the table lingers on it (only its
   * packet counters and last timestamp still change; endFlow patches them).
   */
  private closeFlow(flow: Flow): void {
    if (this.early.has(flow.id)) return;
    const r = this.toReport(flow);
    this.early.set(flow.id, r);
    flow.tls = null;
    flow.ext = {};
  }

  private endFlow(flow: Flow): void {
    const early = this.early.get(flow.id);
    let r: FlowReport | null;
    if (early !== undefined) {
      this.early.delete(flow.id);
      r = early;
      if (r !== null) {
        // the report's own counter objects, updated in place (nothing has seen the report yet)
        r.packets.clientToServer = flow.packets[0];
        r.packets.serverToClient = flow.packets[1];
        r.bytes.clientToServer = flow.bytes[0];
        r.bytes.serverToClient = flow.bytes[1];
        r.lastSeen = microsToIso(flow.lastTsMicros);
        r.endReason = flow.endReason;
        r.issues = flow.issues;
        // a conflicting copy of handshake bytes seen while the connection lingered: no hybrid or
        // pq claim, and the risk follows (the flow's sensitivity stands)
        if (unclaimReport(r)) {
          assessFlowReport(r, [], this.policy, this.now, flow.firstTsMicros, r.sensitivity as Sensitivity | undefined);
        }
      }
    } else {
      r = this.toReport(flow);
    }
    if (r === null) return;
    this.opts.onFlow?.(r);
    if (this.flows.length >= this.maxFlowReports) {
      this.notListed++;
      this.notListedBytes += r.bytes.clientToServer + r.bytes.serverToClient;
      const k = r.kex.negotiated;
      this.notListedByNegotiated[k] = (this.notListedByNegotiated[k] ?? 0) + 1;
      this.rememberClaim(r, false);
      return;
    }
    this.flows.push(r);
    this.rememberClaim(r, true);
  }

  /**
   * A new flow started inside the delivered range of an ended one (core/flow/table.ts
   * checkRecent): the bytes the ended flow's report was built from may be forged copies whose
   * real ones came later, so no hybrid or pq claim (its risk follows; a report past the listing
   * cap moves in the not-listed counts). Only reports that made such a claim are remembered.
   */
  private conflict(id: number): void {
    const c = this.claimed.get(id);
    if (c === undefined) return;
    this.claimed.delete(id);
    const r = c.report;
    if (!r.issues.includes('tcp.isn_conflict')) r.issues = [...r.issues, 'tcp.isn_conflict'];
    const before = r.kex.negotiated;
    if (!unclaimReport(r)) return;
    if (c.listed) {
      assessFlowReport(r, [], this.policy, this.now, undefined, r.sensitivity as Sensitivity | undefined);
    } else if (r.kex.negotiated !== before) {
      const by = this.notListedByNegotiated;
      by[before] = (by[before] ?? 1) - 1;
      by[r.kex.negotiated] = (by[r.kex.negotiated] ?? 0) + 1;
    }
  }

  /** a TCP flow's report that claims hybrid or pq, kept for conflict() (the most recent CLAIMED_MAX) */
  private rememberClaim(r: FlowReport, listed: boolean): void {
    if (r.transport !== 'tcp') return;
    const k = r.kex;
    if (k.offered !== 'hybrid' && k.offered !== 'pq' && k.negotiated !== 'hybrid' && k.negotiated !== 'pq') return;
    this.claimed.set(r.id, { report: r, listed });
    if (this.claimed.size > CLAIMED_MAX) {
      const oldest = this.claimed.keys().next();
      if (oldest.done !== true) this.claimed.delete(oldest.value);
    }
  }

  /** the report of a finished flow, or null when it is a payload-less flow beyond the listing cap */
  private toReport(flow: Flow): FlowReport | null {
    const part = this.tlsParts.get(flow.id);
    if (part !== undefined) this.tlsParts.delete(flow.id);
    const evidence = this.evidence.take(flow);
    const payloads = this.evidence.takePayloads(flow);
    if (flow.bytes[0] === 0 && flow.bytes[1] === 0) {
      if (this.emptyFlows >= MAX_EMPTY_FLOW_REPORTS) {
        this.emptyFlowsDropped++;
        return null;
      }
      this.emptyFlows++;
    }
    this.opts.onEngineFlow?.(flow);
    const r = flowToReport(flow, part);
    if (payloads !== null && r.mcp) r.mcp.payloads = payloads;
    assessReport(flow, r, evidence, this.policy, this.now);
    return r;
  }

  /** Scan one input (path or '-' for stdin). Throws CaptureInputError for user errors. */
  async addInput(path: string): Promise<InputResult> {
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

  /**
   * The report of everything scanned. `raw: true` skips the report-level steps (resumption
   * linking, MCP sessions and inventory, aggregates, findings): a parallel scan merges raw
   * reports and finalizes once, so it gives the same report as a serial scan.
   */
  finish(opts: { raw?: boolean } = {}): ScanReport {
    this.table.flush();
    const finishedAt = new Date();
    this.flows.sort((a, b) => a.id - b.id);
    const report: ScanReport = {
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      scan: {
        id: randomUUID(),
        startedAt: this.startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        durationMs: finishedAt.getTime() - this.startedAt.getTime(),
        inputs: this.inputs,
      },
      summary: {
        // finalizeReport counts the flows again after resumption linking; only a raw report (merged
        // later) needs its counts now. Summarising no flows still gives the fields in their order.
        ...summarize(opts.raw === true ? this.flows : [], {
          packets: this.packets,
          weirds: this.weirds.toJSON(),
          flowsEvicted: this.table.stats.flowsEvicted,
        }),
        emptyFlowsNotListed: this.emptyFlowsDropped,
        ...notListedSummary(this.notListed, this.notListedByNegotiated, this.notListedBytes),
        flowsCreated: this.table.stats.flowsCreated,
      },
      flows: this.flows,
    };
    if (opts.raw === true) return report;
    return finalizeReport(report, { policy: this.policy, now: this.now, mcpPolicy: this.opts.mcpPolicy ?? null });
  }
}

/** the summary fields of flows beyond the listing cap; none when every flow is listed */
export function notListedSummary(n: number, byNegotiated: Record<string, number>, bytes: number): Record<string, unknown> {
  return n === 0 ? {} : { flowsNotListed: n, flowsNotListedByNegotiated: byNegotiated, bytesNotListed: bytes };
}

export interface FinalizeOptions {
  policy?: Policy;
  now?: Date;
  mcpPolicy?: McpPolicy | null;
}

/**
 * Report-level analysis over all flows: TLS resumption linking (and re-assessment of the flows it
 * changed), the summary, aggregates per server/client/capture, MCP sessions across connections,
 * the MCP inventory and policy audit, and every finding.
 */
export function finalizeReport(report: ScanReport, opts: FinalizeOptions = {}): ScanReport {
  const policy = opts.policy ?? defaultPolicy();
  const now = opts.now ?? new Date();
  for (const f of linkResumptions(report.flows)) assessFlowReport(f, [], policy, now);
  const s = report.summary;
  report.summary = {
    ...s,
    ...summarize(report.flows, { packets: s.packets, weirds: s.weirds, flowsEvicted: s.flowsEvicted }),
  };
  // the server label of every flow, once for the aggregates and the findings
  const serverKeys = report.flows.map(serverLabel);
  report.aggregates = aggregate(report.flows, { now, serverKeys });
  analyzeMcp(report, opts.mcpPolicy ?? null);
  report.findings = deriveFindings(report, { extra: report.findings ?? [], serverKeys });
  return report;
}

/** Scan several inputs into one report. */
export async function scanInputs(paths: string[], opts: ScanOptions = {}): Promise<ScanReport> {
  const s = new ScanSession(opts);
  for (const p of paths) await s.addInput(p);
  return s.finish();
}
