/**
 * HTTP/1.1 stream analyzer (RFC 9112) with MCP recognition (MCP spec 2024-11-05 … 2026-07-28:
 * Streamable HTTP with JSON or SSE responses, legacy HTTP+SSE, 2026-07-28 header-only).
 * Requests are parsed on the client→server direction, responses on server→client, paired FIFO
 * (pipelining). JSON bodies, and SSE `data:` payloads of text/event-stream responses, are fed to
 * the JSON-RPC / MCP tracker. Writes `flow.ext.http` (HttpFlowInfo), `flow.ext.jsonrpc` and, once
 * MCP is recognised, `flow.ext.mcp` (McpFlowInfo) with `flow.app = 'mcp'`. Never throws.
 */
import { addFlowIssue, Want } from '../flow/types.js';
import type { Dir, Flow, StreamAnalyzer } from '../flow/types.js';
import { decodeUtf8 } from '../mcp/json.js';
import { parseEndpointUri, queryKeys, targetPath } from '../mcp/legacy.js';
import { RpcFlowTracker } from '../mcp/tracker.js';
import type { OnPayload } from '../mcp/types.js';
import { HttpParser } from './parser.js';
import type { BodyMode, HttpParserSink } from './parser.js';
import { SseParser } from './sse.js';
import type { SseEvent } from './sse.js';
import { header, mediaType, sparseRecord } from './types.js';
import type { HttpFlowInfo, HttpHead, HttpMessage, HttpRequestSummary } from './types.js';

export interface HttpAnalyzerOptions {
  /** stream bytes per direction followed (default 8 MiB: MCP sessions run past the handshake budget) */
  maxBytesPerDir?: number;
  /** buffered body cap per message (default 1 MiB) */
  bodyCap?: number;
  /** header block cap (default 64 KiB) */
  headerCap?: number;
  /** request summaries kept in flow.ext.http.requests (default 50) */
  maxRequests?: number;
  /** MCP message records kept per flow (default 10 000) */
  maxMessages?: number;
  /** stop following a flow after this many bytes (both directions) if no JSON-RPC was seen (default 1 MiB) */
  plainHttpBudget?: number;
  /** in-memory hook for a sensitivity engine: sees params / results, which are never stored */
  onPayload?: OnPayload;
}

export const DEFAULT_HTTP_MAX_BYTES_PER_DIR = 8 * 1024 * 1024;
const MAX_QUEUE = 1024;

interface PendingRequest {
  summary: HttpRequestSummary | null;
  method: string;
}

interface State {
  req: HttpParser;
  res: HttpParser;
  http: HttpFlowInfo;
  tracker: RpcFlowTracker;
  queue: PendingRequest[];
  ts: number;
  sse: SseParser | null;
  sseStatus: number | null;
  fed: number;
  attached: boolean;
  /** summary of the request whose body is being read */
  curReq: HttpRequestSummary | null;
}

function isJsonType(mt: string | null): boolean {
  return mt !== null && (mt === 'application/json' || mt.endsWith('+json') || mt === 'application/json-rpc');
}

/** first non-whitespace byte of a body is `{` or `[` */
function looksJson(b: Uint8Array): boolean {
  for (let i = 0; i < b.length && i < 1024; i++) {
    const c = b[i];
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    if (i === 0 && c === 0xef) return b[1] === 0xbb && b[2] === 0xbf && looksJson(b.subarray(3));
    return c === 0x7b || c === 0x5b;
  }
  return false;
}

function looksJsonText(s: string): boolean {
  const t = s.trimStart();
  return t.startsWith('{') || t.startsWith('[');
}

export class HttpAnalyzer implements StreamAnalyzer {
  readonly name = 'http';
  readonly maxBytesPerDir: number;
  private readonly opts: HttpAnalyzerOptions;
  private readonly states = new WeakMap<Flow, State>();

  constructor(opts?: HttpAnalyzerOptions | OnPayload) {
    this.opts = typeof opts === 'function' ? { onPayload: opts } : (opts ?? {});
    this.maxBytesPerDir = this.opts.maxBytesPerDir ?? DEFAULT_HTTP_MAX_BYTES_PER_DIR;
  }

  /** the per-flow state, created on first use */
  private state(flow: Flow): State {
    const got = this.states.get(flow);
    if (got) return got;
    const o = this.opts;
    const trackerOpts: { maxMessages?: number; onPayload?: OnPayload } = {};
    if (o.maxMessages !== undefined) trackerOpts.maxMessages = o.maxMessages;
    if (o.onPayload !== undefined) trackerOpts.onPayload = o.onPayload;
    const tracker = new RpcFlowTracker(flow, 'streamable-http', trackerOpts);
    const http: HttpFlowInfo = { requests: [], requestCount: 0, responseCount: 0, statusCounts: sparseRecord(), sseEvents: 0, bodiesCapped: 0, upgraded: false };
    const popts = { bodyCap: o.bodyCap ?? 1024 * 1024, headerCap: o.headerCap ?? 64 * 1024 };
    const st: State = {
      req: undefined as unknown as HttpParser,
      res: undefined as unknown as HttpParser,
      http,
      tracker,
      queue: [],
      ts: 0,
      sse: null,
      sseStatus: null,
      fed: 0,
      attached: false,
      curReq: null,
    };
    st.req = new HttpParser('request', this.sink(flow, st, 0), popts);
    st.res = new HttpParser('response', this.sink(flow, st, 1), popts);
    this.states.set(flow, st);
    return st;
  }

  private sink(flow: Flow, st: State, dir: Dir): HttpParserSink {
    return {
      onHead: (head, ts) => (dir === 0 ? this.onRequestHead(flow, st, head, ts) : this.onResponseHead(flow, st, head)),
      onBodyChunk: (_head, chunk) => {
        st.sse?.push(chunk);
      },
      onMessage: (msg, ts) => this.onMessage(flow, st, msg, ts),
      onIssue: (code) => {
        addFlowIssue(flow, code);
        if (code === 'http.body_capped') st.http.bodiesCapped++;
      },
    };
  }

  private attach(flow: Flow, st: State): void {
    if (st.attached) return;
    st.attached = true;
    flow.ext['http'] = st.http;
    if (flow.app !== 'mcp') flow.app = 'http';
  }

  /** MCP headers (Streamable HTTP 2025-03-26+, 2026-07-28 Mcp-Method / Mcp-Name) */
  private noteMcpHeaders(st: State, head: HttpHead): void {
    const t = st.tracker;
    const sid = header(head, 'mcp-session-id');
    if (sid !== null && sid.length > 0) {
      t.addSessionId(sid);
      t.markMcp('header:mcp-session-id');
    }
    const pv = header(head, 'mcp-protocol-version');
    if (pv !== null && /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(pv)) {
      t.setProtocolVersion(pv);
      t.markMcp('header:mcp-protocol-version');
    }
    const meth = header(head, 'mcp-method');
    if (meth !== null && meth.length > 0) {
      t.noteMethodHint(meth, header(head, 'mcp-name'));
      t.markMcp('header:mcp-method');
    }
  }

  private onRequestHead(flow: Flow, st: State, head: HttpHead, ts: number): BodyMode {
    this.attach(flow, st);
    const http = st.http;
    const method = head.method ?? '';
    http.requestCount++;
    const auth = header(head, 'authorization');
    const ct = mediaType(head);
    const qk = queryKeys(head.target);
    const summary: HttpRequestSummary | null =
      http.requests.length < (this.opts.maxRequests ?? 50)
        ? {
            tsMicros: ts,
            method: method.slice(0, 32),
            path: targetPath(head.target),
            queryKeys: qk,
            host: header(head, 'host')?.slice(0, 256) ?? null,
            contentType: ct,
            authScheme: auth === null ? null : (auth.split(' ')[0] ?? '').toLowerCase().slice(0, 16),
            bodyBytes: 0,
            status: null,
            responseContentType: null,
          }
        : null;
    if (summary) http.requests.push(summary);
    st.curReq = summary;
    if (st.queue.length < MAX_QUEUE) st.queue.push({ summary, method });
    st.res.enqueueRequestMethod(method);
    this.noteMcpHeaders(st, head);
    // legacy HTTP+SSE POST: the endpoint carries ?sessionId=, Streamable HTTP uses the header
    if (method === 'POST' && header(head, 'mcp-session-id') === null && (qk.includes('sessionId') || qk.includes('session_id'))) {
      const ep = parseEndpointUri(head.target);
      if (ep) {
        const info = st.tracker.info;
        info.transport = 'sse-legacy';
        if (info.legacy === null) info.legacy = { endpoint: null, endpointPath: ep.path, sessionId: ep.sessionId };
        if (ep.sessionId !== null) st.tracker.addSessionId(ep.sessionId);
      }
    }
    return ct === null || isJsonType(ct) || ct === 'text/plain' ? 'buffer' : 'skip';
  }

  private onResponseHead(flow: Flow, st: State, head: HttpHead): BodyMode {
    this.attach(flow, st);
    const final = head.status >= 200 || head.status === 101;
    const ct = mediaType(head);
    if (final) {
      const http = st.http;
      http.responseCount++;
      const k = String(head.status);
      if (http.statusCounts[k] !== undefined || Object.keys(http.statusCounts).length < 64) http.statusCounts[k] = (http.statusCounts[k] ?? 0) + 1;
      const p = st.queue.shift();
      if (p?.summary) {
        p.summary.status = head.status;
        p.summary.responseContentType = ct;
      }
      if (head.status === 101 || (head.method === 'CONNECT' && head.status < 300)) {
        http.upgraded = true;
        addFlowIssue(flow, 'http.upgrade');
      }
    }
    this.noteMcpHeaders(st, head);
    if (ct === 'text/event-stream') {
      st.sseStatus = head.status;
      st.sse = new SseParser(
        (ev) => this.onSseEvent(flow, st, ev),
        (code) => addFlowIssue(flow, code),
      );
      return 'stream';
    }
    return ct === null || isJsonType(ct) ? 'buffer' : 'skip';
  }

  private onSseEvent(_flow: Flow, st: State, ev: SseEvent): void {
    st.http.sseEvents++;
    const t = st.tracker;
    if (ev.capped) {
      if (t.engaged) t.noteMalformed('sse.event_capped');
      return;
    }
    if (ev.event === 'endpoint') {
      const ep = parseEndpointUri(ev.data);
      if (ep) {
        t.info.transport = 'sse-legacy';
        t.info.legacy = { endpoint: ev.data.trim().slice(0, 1024), endpointPath: ep.path, sessionId: ep.sessionId };
        if (ep.sessionId !== null) t.addSessionId(ep.sessionId);
        t.markMcp('sse:endpoint-event');
      }
      return;
    }
    if (looksJsonText(ev.data)) t.onJsonText(ev.data, 's2c', st.ts, st.sseStatus, false);
  }

  private onMessage(_flow: Flow, st: State, msg: HttpMessage, ts: number): void {
    const req = msg.head.kind === 'request';
    if (req && st.curReq) {
      st.curReq.bodyBytes = msg.bodyBytes;
      st.curReq = null;
    }
    if (!req && st.sse) {
      st.sse.end();
      st.sse = null;
      st.sseStatus = null;
      return;
    }
    const body = msg.body;
    if (body === null || body.length === 0) return;
    const t = st.tracker;
    const jsonCt = isJsonType(mediaType(msg.head));
    if (msg.capped) {
      if (jsonCt || t.engaged) t.noteMalformed('jsonrpc.body_capped');
      return;
    }
    if (!jsonCt && !looksJson(body)) return;
    t.onJsonText(decodeUtf8(body), req ? 'c2s' : 's2c', ts, req ? null : msg.head.status, false);
  }

  private want(st: State, dir: Dir): Want {
    if (!st.req.alive && !st.res.alive) return Want.DoneFlow;
    if (st.http.upgraded) return Want.DoneFlow;
    const budget = this.opts.plainHttpBudget ?? 1024 * 1024;
    if (st.fed > budget && !st.tracker.engaged) return Want.DoneFlow;
    const p = dir === 0 ? st.req : st.res;
    return p.alive ? Want.More : Want.DoneDir;
  }

  onData(flow: Flow, dir: Dir, chunk: Uint8Array, tsMicros: number): Want {
    try {
      const st = this.state(flow);
      st.ts = tsMicros;
      st.fed += chunk.length;
      (dir === 0 ? st.req : st.res).push(chunk, tsMicros);
      return this.want(st, dir);
    } catch {
      addFlowIssue(flow, 'http.internal_error');
      return Want.DoneFlow;
    }
  }

  onGap(flow: Flow, dir: Dir, _len: number): Want {
    try {
      const st = this.state(flow);
      (dir === 0 ? st.req : st.res).gap();
      if (dir === 1 && st.sse && !st.res.alive) st.sse = null;
      return this.want(st, dir);
    } catch {
      addFlowIssue(flow, 'http.internal_error');
      return Want.DoneFlow;
    }
  }

  onEnd(flow: Flow): void {
    const st = this.states.get(flow);
    if (!st) return;
    try {
      st.req.end(st.ts);
      st.res.end(st.ts);
      st.sse?.end();
      st.sse = null;
    } catch {
      addFlowIssue(flow, 'http.internal_error');
    }
  }
}
