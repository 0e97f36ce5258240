/**
 * Per-flow JSON-RPC 2.0 / MCP state: extracts messages from JSON text, pairs requests and
 * responses by id, collects MCP facts (initialize clientInfo / serverInfo, tools, resources,
 * prompts) and decides by content whether the flow is MCP (MCP spec 2024-11-05 … 2026-07-28).
 * Bounded everywhere; never throws.
 */
import { addFlowIssue } from '../flow/types.js';
import { isObject, parseJson, str } from './json.js';
import { extractRpc } from './jsonrpc.js';
import { mcpMethodEvidence } from './methods.js';
export const DEFAULT_MAX_MESSAGES = 10_000;
const MAX_PENDING = 1024;
const MAX_NAMES = 256;
const MAX_LISTED = 1024;
const MAX_SESSIONS = 16;
const MAX_EVIDENCE = 8;
const MAX_RPC_METHODS = 64;
/** JSON text longer than this is not parsed (bodies are capped before this anyway) */
const MAX_JSON_TEXT = 16 * 1024 * 1024;
function pushUnique(list, v, cap) {
    if (list.length < cap && !list.includes(v))
        list.push(v);
}
function peer(v) {
    if (!isObject(v))
        return null;
    return { name: str(v, 'name', 256), version: str(v, 'version', 128) };
}
export function newMcpInfo(transport) {
    return {
        transport,
        protocolVersion: null,
        client: null,
        server: null,
        sessionIds: [],
        methods: [],
        toolsCalled: [],
        toolsListed: [],
        resourcesRead: [],
        resourcesListed: [],
        promptsGot: [],
        promptsListed: [],
        errors: 0,
        toolErrors: 0,
        messageCount: 0,
        malformed: 0,
        messages: [],
        evidence: [],
        legacy: null,
    };
}
export class RpcFlowTracker {
    flow;
    info;
    rpc = { kind: 'jsonrpc-non-mcp', messages: 0, malformed: 0, methods: [] };
    isMcp = false;
    pending = new Map();
    maxMessages;
    onPayload;
    constructor(flow, transport, opts = {}) {
        this.flow = flow;
        this.info = newMcpInfo(transport);
        this.maxMessages = opts.maxMessages ?? DEFAULT_MAX_MESSAGES;
        this.onPayload = opts.onPayload;
    }
    /** Called with MCP-specific evidence; the first call makes the flow MCP. */
    markMcp(reason) {
        pushUnique(this.info.evidence, reason, MAX_EVIDENCE);
        if (this.isMcp)
            return;
        this.isMcp = true;
        this.rpc.kind = 'mcp';
        this.flow.app = 'mcp';
        this.flow.ext['mcp'] = this.info;
    }
    setProtocolVersion(v) {
        if (this.info.protocolVersion === null)
            this.info.protocolVersion = v.slice(0, 64);
    }
    addSessionId(id) {
        pushUnique(this.info.sessionIds, id.slice(0, 256), MAX_SESSIONS);
    }
    /** Method named outside the body (2026-07-28 `Mcp-Method` / `Mcp-Name` headers). */
    noteMethodHint(method, name) {
        const m = method.slice(0, 256);
        pushUnique(this.info.methods, m, MAX_NAMES);
        if (name === null)
            return;
        if (m === 'tools/call')
            pushUnique(this.info.toolsCalled, name, MAX_NAMES);
        else if (m === 'resources/read')
            pushUnique(this.info.resourcesRead, name, MAX_NAMES);
        else if (m === 'prompts/get')
            pushUnique(this.info.promptsGot, name, MAX_NAMES);
    }
    noteMalformed(code) {
        this.info.malformed++;
        this.rpc.malformed++;
        addFlowIssue(this.flow, code);
    }
    /** true once JSON-RPC was seen or MCP recognised: then bad JSON counts as malformed */
    get engaged() {
        return this.isMcp || this.rpc.messages > 0;
    }
    /**
     * One JSON text (HTTP body, SSE data, NDJSON line). Returns the number of JSON-RPC messages
     * found. With `strict` (or once the flow is engaged) text that is not JSON / not JSON-RPC is
     * counted as malformed; otherwise (e.g. a JSON REST API) it is ignored. Never throws.
     */
    onJsonText(text, dir, tsMicros, status, strict = true) {
        const counts = strict || this.engaged;
        if (text.length > MAX_JSON_TEXT) {
            if (counts)
                this.noteMalformed('jsonrpc.too_large');
            return 0;
        }
        const p = parseJson(text);
        if (!p.ok) {
            if (counts)
                this.noteMalformed('jsonrpc.bad_json');
            return 0;
        }
        const ex = extractRpc(p.value, Buffer.byteLength(text, 'utf8'));
        if (ex.messages.length === 0 && !counts)
            return 0;
        if (ex.invalid > 0) {
            this.info.malformed += ex.invalid;
            this.rpc.malformed += ex.invalid;
            addFlowIssue(this.flow, 'jsonrpc.invalid_message');
        }
        if (ex.messages.length > 0 && this.flow.ext['jsonrpc'] === undefined)
            this.flow.ext['jsonrpc'] = this.rpc;
        for (const m of ex.messages)
            this.onMessage(m, dir, tsMicros, status);
        return ex.messages.length;
    }
    onMessage(m, dir, tsMicros, status) {
        const info = this.info;
        info.messageCount++;
        this.rpc.messages++;
        let method = m.method;
        let tool = null;
        let uri = null;
        if (m.kind === 'request' || m.kind === 'notification') {
            const meth = m.method ?? '';
            pushUnique(this.rpc.methods, meth, MAX_RPC_METHODS);
            const ev = mcpMethodEvidence(meth);
            const params = m.params;
            if (meth === 'initialize') {
                const pv = str(params, 'protocolVersion', 64);
                const ci = isObject(params) ? peer(params['clientInfo']) : null;
                if (ci)
                    info.client = ci;
                if (pv !== null && ci) {
                    this.setProtocolVersion(pv);
                    this.markMcp('initialize');
                }
            }
            else if (ev === 'strong') {
                this.markMcp('method:' + meth);
            }
            if (ev !== 'none' || this.isMcp)
                pushUnique(info.methods, meth, MAX_NAMES);
            if (meth === 'tools/call') {
                tool = str(params, 'name', 256);
                if (tool !== null)
                    pushUnique(info.toolsCalled, tool, MAX_NAMES);
            }
            else if (meth === 'resources/read' || meth === 'resources/subscribe' || meth === 'resources/unsubscribe') {
                uri = str(params, 'uri', 1024);
                if (uri !== null && meth === 'resources/read')
                    pushUnique(info.resourcesRead, uri, MAX_NAMES);
            }
            else if (meth === 'prompts/get') {
                const name = str(params, 'name', 256);
                if (name !== null)
                    pushUnique(info.promptsGot, name, MAX_NAMES);
            }
            if (m.kind === 'request' && m.idKey !== null) {
                if (this.pending.size >= MAX_PENDING) {
                    const first = this.pending.keys().next();
                    if (!first.done)
                        this.pending.delete(first.value);
                    addFlowIssue(this.flow, 'jsonrpc.pending_overflow');
                }
                this.pending.set(dir + '|' + m.idKey, { method: meth, tool, uri });
            }
        }
        else {
            const reqDir = dir === 'c2s' ? 's2c' : 'c2s';
            const key = m.idKey === null ? null : reqDir + '|' + m.idKey;
            const req = key === null ? undefined : this.pending.get(key);
            if (key !== null && req)
                this.pending.delete(key);
            method = req ? req.method : null;
            tool = req ? req.tool : null;
            uri = req ? req.uri : null;
            if (m.kind === 'error')
                info.errors++;
            else
                this.onResult(method, m.result);
        }
        if (info.messages.length < this.maxMessages) {
            info.messages.push({ tsMicros, dir, id: m.id, method, kind: m.kind, tool, uri, size: m.size, status });
        }
        else if (info.messages.length === this.maxMessages) {
            addFlowIssue(this.flow, 'mcp.messages_capped');
        }
        if (this.onPayload) {
            const pl = { method, tool, uri, dir, id: m.id, kind: m.kind, mcp: this.isMcp };
            if (m.params !== undefined)
                pl.params = m.params;
            if (m.result !== undefined)
                pl.result = m.result;
            if (m.error !== undefined)
                pl.error = m.error;
            try {
                this.onPayload(this.flow, pl);
            }
            catch {
                addFlowIssue(this.flow, 'mcp.on_payload_error');
            }
        }
    }
    onResult(method, result) {
        const info = this.info;
        if (!isObject(result))
            return;
        const si = peer(result['serverInfo']);
        const pv = str(result, 'protocolVersion', 64);
        // LSP's InitializeResult also has serverInfo, but never protocolVersion
        if (si && pv !== null) {
            info.server = si;
            if (pv !== null)
                info.protocolVersion = pv;
            this.markMcp('initialize-result');
        }
        // isError appears only in CallToolResult; an unpaired response (its request went over
        // another flow, e.g. legacy HTTP+SSE) is recognised by that shape
        if ((method === 'tools/call' || method === null) && result['isError'] === true)
            info.toolErrors++;
        let listName = method === 'tools/list' ? 'tools' : method === 'resources/list' ? 'resources' : method === 'prompts/list' ? 'prompts' : null;
        if (method === null) {
            if (Array.isArray(result['tools']))
                listName = 'tools';
            else if (Array.isArray(result['resources']))
                listName = 'resources';
            else if (Array.isArray(result['prompts']))
                listName = 'prompts';
        }
        if (listName === null)
            return;
        const arr = result[listName];
        if (!Array.isArray(arr))
            return;
        const target = listName === 'tools' ? info.toolsListed : listName === 'resources' ? info.resourcesListed : info.promptsListed;
        const field = listName === 'resources' ? 'uri' : 'name';
        const n = Math.min(arr.length, MAX_LISTED);
        for (let i = 0; i < n; i++) {
            const s = str(arr[i], field, 1024);
            if (s !== null)
                pushUnique(target, s, MAX_LISTED);
        }
    }
}
//# sourceMappingURL=tracker.js.map