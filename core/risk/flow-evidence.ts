/**
 * Adapter between the engine and the risk model: gathers the evidence of one flow (content
 * detectors over MCP argument/result values seen in memory, MCP names and URIs, plaintext HTTP
 * paths and headers) and assesses it. Matched values never leave the detectors: evidence names
 * the detector, the category and the location only.
 */
import type { Flow } from '../flow/types.js';
import type { FlowReport, McpPayloadReport } from '../report/model.js';
import type { HttpFlowInfo } from '../http/types.js';
import type { McpFlowInfo, McpPayload } from '../mcp/types.js';
import { groupInfo } from '../tls/groups.js';
import { scanJson } from './detectors.js';
import { httpHints, mcpHints } from './hints.js';
import { assessFlow } from './score.js';
import type { Policy } from './policy.js';
import type { Sensitivity } from './select.js';
import type { Evidence, JsonValue } from './types.js';

/** evidence items kept per flow from payload detectors */
const MAX_PAYLOAD_EVIDENCE = 64;
/** flows with pending payload evidence at once */
const MAX_FLOWS_WITH_EVIDENCE = 100_000;

/** JSON text kept per flow with --store-payloads (beyond it payloads are counted, not kept) */
const MAX_PAYLOAD_BYTES_PER_FLOW = 1 << 20;

/**
 * Collects detector evidence from MCP payloads while the scan runs. Values are not retained —
 * unless the user opted in with --store-payloads, then they are kept (bounded) for the store.
 */
export class PayloadEvidence {
  /** by flow id (ids are unique within a scan; integer keys need no identity hash per flow) */
  private readonly byFlow = new Map<number, Evidence[]>();
  private readonly payloads = new Map<number, { list: McpPayloadReport[]; bytes: number; seq: number }>();
  dropped = 0;

  constructor(private readonly keepPayloads = false) {}

  private keep(flow: Flow, msg: McpPayload): void {
    let p = this.payloads.get(flow.id);
    if (!p) {
      if (this.payloads.size >= MAX_FLOWS_WITH_EVIDENCE) return;
      p = { list: [], bytes: 0, seq: 0 };
      this.payloads.set(flow.id, p);
    }
    const seq = p.seq++;
    if (msg.params === undefined && msg.result === undefined && msg.error === undefined) return;
    const entry: McpPayloadReport = { seq };
    if (msg.params !== undefined) entry.params = msg.params;
    if (msg.result !== undefined) entry.result = msg.result;
    if (msg.error !== undefined) entry.error = msg.error;
    const size = JSON.stringify(entry).length;
    if (p.bytes + size > MAX_PAYLOAD_BYTES_PER_FLOW) return;
    p.bytes += size;
    p.list.push(entry);
  }

  /** payload values of a flow (only with keepPayloads) */
  takePayloads(flow: Flow): McpPayloadReport[] | null {
    if (this.payloads.size === 0) return null;
    const p = this.payloads.get(flow.id);
    this.payloads.delete(flow.id);
    return p ? p.list : null;
  }

  readonly onPayload = (flow: Flow, msg: McpPayload): void => {
    if (this.keepPayloads) this.keep(flow, msg);
    let list = this.byFlow.get(flow.id);
    if (!list) {
      if (this.byFlow.size >= MAX_FLOWS_WITH_EVIDENCE) {
        this.dropped++;
        return;
      }
      list = [];
      this.byFlow.set(flow.id, list);
    }
    if (list.length >= MAX_PAYLOAD_EVIDENCE) return;
    const where = `mcp.${msg.method ?? 'response'}${msg.tool ? `(${msg.tool})` : ''}`;
    const found: Evidence[] = [];
    if (msg.params !== undefined) scanJson(msg.params as JsonValue, `${where}.params`, found);
    if (msg.result !== undefined) scanJson(msg.result as JsonValue, `${where}.result`, found);
    for (const e of found) {
      if (list.length >= MAX_PAYLOAD_EVIDENCE) break;
      // one item per detector and location is enough
      if (!list.some((x) => x.detector === e.detector && x.location === e.location)) list.push(e);
    }
  };

  take(flow: Flow): Evidence[] {
    if (this.byFlow.size === 0) return [];
    const e = this.byFlow.get(flow.id) ?? [];
    this.byFlow.delete(flow.id);
    return e;
  }
}

/** Evidence from what the flow's metadata shows (MCP names, HTTP paths and headers). */
export function metadataEvidence(flow: Flow): Evidence[] {
  const out: Evidence[] = [];
  const mcp = flow.ext['mcp'] as McpFlowInfo | undefined;
  if (mcp) {
    mcpHints(
      {
        tools: [...mcp.toolsCalled, ...mcp.toolsListed],
        resources: mcp.resourcesRead,
        prompts: mcp.promptsGot,
        serverName: mcp.server?.name ?? null,
      },
      'mcp',
      out,
    );
  }
  const http = flow.ext['http'] as HttpFlowInfo | undefined;
  if (http) {
    for (const r of http.requests.slice(0, 16)) {
      const headers: [string, string][] = [];
      if (r.authScheme) headers.push(['authorization', r.authScheme]);
      if (r.contentType) headers.push(['content-type', r.contentType]);
      httpHints({ path: r.path, headers }, 'http.request', out);
    }
  }
  return out;
}

/** Fill report.sensitivity and report.risk for one flow. */
export function assessReport(flow: Flow, report: FlowReport, evidence: Evidence[], policy: Policy, now: Date): void {
  assessFlowReport(report, [...evidence, ...metadataEvidence(flow)], policy, now, flow.firstTsMicros);
}

/**
 * Sensitivity verdicts of flows without evidence of their own, by what the verdict depends on
 * then (server address, port and SNI for declarations and hints, transport, app, MCP): flows to
 * the same server read alike. One table per policy, capped.
 */
const SENSITIVITY_BY_SERVER = new WeakMap<Policy, ServerVerdicts>();

/**
 * Verdicts by server address, then SNI (flows without one have their own table), then port /
 * transport / app / MCP packed in one number: each level is keyed by a string the report already
 * holds (its hash is cached in the string) or a number, so a lookup builds no key text per flow.
 */
class ServerVerdicts {
  /** flows without SNI: by server address */
  private readonly noSni = new Map<string, Map<number, Sensitivity>>();
  /** flows with SNI: by server address, then SNI (any string, hostile ones included) */
  private readonly bySni = new Map<string, Map<string, Map<number, Sensitivity>>>();
  size = 0;

  private static rest(report: FlowReport, app: number): number {
    // port < 2^16; app index < 2^5; transport and MCP one bit each
    return ((report.server.port * 32 + app) * 2 + (report.transport === 'udp' ? 1 : 0)) * 2 + (report.mcp !== null ? 1 : 0);
  }

  /** the leaf table of the report's server, created when `create` */
  private leaf(report: FlowReport, create: boolean): Map<number, Sensitivity> | undefined {
    const sni = report.tls?.sni;
    const ip = report.server.ip;
    let parent: Map<string, Map<number, Sensitivity>> | undefined;
    let key: string;
    if (sni === null || sni === undefined) {
      parent = this.noSni;
      key = ip;
    } else {
      parent = this.bySni.get(ip);
      if (parent === undefined) {
        if (!create) return undefined;
        parent = new Map();
        this.bySni.set(ip, parent);
      }
      key = sni;
    }
    let leaf = parent.get(key);
    if (leaf === undefined && create) {
      leaf = new Map();
      parent.set(key, leaf);
    }
    return leaf;
  }

  get(report: FlowReport): Sensitivity | undefined {
    const app = APP_INDEX.get(report.app);
    if (app === undefined) return undefined;
    return this.leaf(report, false)?.get(ServerVerdicts.rest(report, app));
  }

  set(report: FlowReport, s: Sensitivity): void {
    const app = APP_INDEX.get(report.app);
    if (this.size >= INTERN_MAX || app === undefined) return;
    const leaf = this.leaf(report, true);
    if (leaf === undefined) return;
    const k = ServerVerdicts.rest(report, app);
    if (!leaf.has(k)) this.size++;
    leaf.set(k, s);
  }
}

/** the engine's application protocols (AppProto); other values are not cached */
const APP_INDEX: ReadonlyMap<string, number> = new Map(
  ['unknown', 'tls', 'ssh', 'quic', 'http', 'mcp', 'dns', 'smtp', 'ftp', 'pop3', 'imap', 'nntp', 'postgresql', 'mysql', 'ldap', 'xmpp'].map((a, i) => [a, i]),
);

/** The same from the report alone (re-assessment after resumption linking). */
export function assessFlowReport(
  report: FlowReport,
  evidence: Evidence[],
  policy: Policy,
  now: Date,
  captureTimeMicros?: number,
  /** the flow's sensitivity, already assessed (only the risk is assessed again) */
  sensitivity?: Sensitivity | null,
): void {
  const selected = report.tls?.selectedGroup ?? null;
  const info = selected !== null ? groupInfo(selected) : undefined;
  const sv = report.tls?.shareValidation ?? null;
  let table: ServerVerdicts | undefined;
  let known: Sensitivity | undefined = sensitivity ?? undefined;
  if (known === undefined && evidence.length === 0) {
    table = SENSITIVITY_BY_SERVER.get(policy);
    if (table === undefined) {
      table = new ServerVerdicts();
      SENSITIVITY_BY_SERVER.set(policy, table);
    }
    known = table.get(report);
  }
  const a = assessFlow(
    {
      kexNegotiated: report.kex.negotiated,
      kexOffered: report.kex.offered,
      kexGroup: report.kex.group,
      legacyDraft: info?.legacy === true,
      malformedShare: sv === 'length-mismatch' || sv === 'mlkem-key-invalid',
      captureTimeMicros: captureTimeMicros ?? Date.parse(report.firstSeen) * 1000,
      now,
      evidence,
      serverKey: { ip: report.server.ip, port: report.server.port, sni: report.tls?.sni ?? null },
      app: report.app,
      isMcp: report.mcp !== null,
      transport: report.transport,
      payloadBytes: report.bytes.clientToServer + report.bytes.serverToClient,
      sensitivity: known,
    },
    policy,
  );
  let sens = known;
  if (sens === undefined) {
    sens = internSensitivity(a.sensitivity);
    table?.set(report, sens);
  }
  report.sensitivity = sens as Sensitivity & Record<string, unknown>;
  report.risk = { ...a.risk, reasons: a.risk.reasons.map(internText) };
}

/*
 * Reports of a capture repeat the same reasons and evidence thousands of times (every classical
 * x25519 flow to servers of unknown content reads alike): identical strings and evidence records
 * are shared instead of kept once per flow. Read-only once in a report; capped tables.
 */
const INTERN_MAX = 16_384;
const TEXT = new Map<string, string>();
const EVIDENCE = new Map<string, Evidence>();

function internText(s: string): string {
  const hit = TEXT.get(s);
  if (hit !== undefined) return hit;
  if (TEXT.size < INTERN_MAX) TEXT.set(s, s);
  return s;
}

/** interned evidence records and their numbers, which key the interned sensitivity objects */
const EVIDENCE_NO = new WeakMap<Evidence, number>();
const SENSITIVITY = new Map<string, Sensitivity>();

function internEvidence(e: Evidence): Evidence {
  const key = `${e.detector}\u0000${e.category}\u0000${e.location}\u0000${e.confidence}\u0000${e.source}\u0000${e.count ?? ''}`;
  const hit = EVIDENCE.get(key);
  if (hit !== undefined && Object.keys(hit).length === Object.keys(e).length) return hit;
  if (EVIDENCE.size < INTERN_MAX) {
    EVIDENCE.set(key, e);
    EVIDENCE_NO.set(e, EVIDENCE.size);
  }
  return e;
}

/**
 * A sensitivity verdict shared by every flow that reads alike (most flows of a capture carry
 * one of a handful): a copy with interned evidence, or the identical copy made before. Keyed by
 * the scalar fields and the numbers of the interned evidence records; not interned when one of
 * them is not (tables full) or the object has fields beyond the four known ones.
 */
function internSensitivity(s: Sensitivity): Sensitivity {
  const evidence = s.evidence.map(internEvidence);
  const copy: Sensitivity = { ...s, evidence };
  if (Object.keys(s).length !== 4) return copy;
  let key = `${s.category}\u0000${s.lifetimeYears}\u0000${s.confidence}`;
  for (const e of evidence) {
    const no = EVIDENCE_NO.get(e);
    if (no === undefined) return copy;
    key += `\u0000${no}`;
  }
  const hit = SENSITIVITY.get(key);
  if (hit !== undefined) return hit;
  if (SENSITIVITY.size < INTERN_MAX) SENSITIVITY.set(key, copy);
  return copy;
}
