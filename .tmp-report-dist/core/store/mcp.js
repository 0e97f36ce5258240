import { microsToIso } from './time.js';
function s(v) {
    return typeof v === 'string' ? v : null;
}
function n(v) {
    if (typeof v === 'number')
        return v;
    if (typeof v === 'bigint')
        return Number(v);
    return null;
}
function j(v) {
    if (typeof v !== 'string')
        return null;
    try {
        return JSON.parse(v);
    }
    catch {
        return null;
    }
}
/** MCP message records of a flow, by seq; empty when the scan or flow has none. */
export async function listMcpMessages(conn, scanId, flowId) {
    const r = await conn.runAndReadAll(`SELECT seq, epoch_us(ts) AS ts_us, dir, jsonrpc_id, method, kind, tool, uri, size, status, session
       FROM mcp_messages WHERE scan_id = $scan AND flow_id = $flow ORDER BY seq`, { scan: scanId, flow: BigInt(Math.trunc(flowId)) });
    return r.getRowObjectsJS().map((row) => {
        const us = row['ts_us'];
        return {
            seq: n(row['seq']) ?? 0,
            ts: typeof us === 'bigint' ? microsToIso(us) : typeof us === 'number' ? microsToIso(BigInt(us)) : null,
            dir: row['dir'] === 's2c' ? 's2c' : 'c2s',
            jsonrpcId: s(row['jsonrpc_id']),
            method: s(row['method']),
            kind: s(row['kind']) ?? '',
            tool: s(row['tool']),
            uri: s(row['uri']),
            size: n(row['size']),
            status: n(row['status']),
            session: s(row['session']),
        };
    });
}
/** Opt-in payload rows of a flow (empty unless the scan was stored with payloads). */
export async function listMcpPayloads(conn, scanId, flowId) {
    const r = await conn.runAndReadAll(`SELECT seq, params, result, error FROM mcp_payloads WHERE scan_id = $scan AND flow_id = $flow ORDER BY seq`, { scan: scanId, flow: BigInt(Math.trunc(flowId)) });
    return r.getRowObjectsJS().map((row) => ({
        seq: n(row['seq']) ?? 0,
        params: j(row['params']),
        result: j(row['result']),
        error: j(row['error']),
    }));
}
//# sourceMappingURL=mcp.js.map