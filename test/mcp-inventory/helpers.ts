/**
 * Shared fixtures for the MCP inventory tests: real scans of the official-SDK sample captures
 * (samples/mcp/README.md), cached per file set.
 */
import { scanInputs } from '../../core/scan.js';
import type { ScanReport } from '../../core/report/model.js';

export const SAMPLES = new URL('../../samples/', import.meta.url).pathname;

export const MCP_SAMPLES = {
  json: 'mcp-streamable-json.pcap',
  sse: 'mcp-streamable-sse.pcap',
  stateless: 'mcp-stateless.pcap',
  legacy: 'mcp-legacy-sse.pcap',
  ndjson: 'mcp-ndjson-tcp.pcap',
} as const;

/** ports of the sample servers (samples/mcp/make-mcp-samples.sh) */
export const PORTS = { json: 8931, sse: 8932, stateless: 8933, legacy: 8934, ndjson: 8935 } as const;

export const SERVER = { name: 'hndl-sample-server', version: '1.4.2' };
export const CLIENT = { name: 'hndl-sample-client', version: '0.9.1' };
export const TOOLS_CALLED = ['lookup_customer', 'get_weather', 'no_such_tool'];
/** synthetic secrets in the lookup_customer arguments: must never reach findings or the store */
export const SECRETS = ['jane.doe@example.com', '4111111111111111', 'AKIAIOSFODNN7EXAMPLE', 'Lisbon', 'ACME'];

export async function scan(...files: string[]): Promise<ScanReport> {
  return scanInputs(files.map((f) => SAMPLES + f));
}

export function totalMessages(r: ScanReport): number {
  let n = 0;
  for (const f of r.flows) {
    const m = f.mcp?.['messages'];
    if (Array.isArray(m)) n += m.length;
  }
  return n;
}
