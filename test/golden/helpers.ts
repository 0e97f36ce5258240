/** Shared helpers for golden tests: endpoint text as tshark prints it, flow lookup. */
import type { FlowReport } from '../../core/report/model.js';

export const SHARED = new URL('../../../shared/', import.meta.url).pathname;
export const PUBLIC = `${SHARED}captures/public/`;

export function ep(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** Find the flow between two "ip:port" endpoints, in either orientation. */
export function findFlow(flows: FlowReport[], transport: string, a: string, b: string): { flow: FlowReport; reversed: boolean } | null {
  for (const f of flows) {
    if (f.transport !== transport) continue;
    const c = ep(f.client.ip, f.client.port);
    const s = ep(f.server.ip, f.server.port);
    if (c === a && s === b) return { flow: f, reversed: false };
    if (c === b && s === a) return { flow: f, reversed: true };
  }
  return null;
}

/** a conversation row of the tshark truth files (samples/truth, samples/quic-ssh/truth) */
export interface TruthConv {
  transport: string;
  client: string;
  server: string;
  packets_c2s: number;
  packets_s2c: number;
  bytes_c2s: number;
  bytes_s2c: number;
}

/** a TLS handshake row of the tshark truth files */
export interface TruthTlsFlow {
  client: string;
  server: string;
  sni: string | null;
  version: string | null;
  offered_groups: number[];
  key_share_groups: number[];
  selected_group: number | null;
  hrr: boolean;
  cipher_suite: number | null;
}

export function hex(n: number): string {
  return `0x${n.toString(16).padStart(4, '0')}`;
}
