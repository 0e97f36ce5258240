/** Shared helpers for golden tests: endpoint text as tshark prints it, flow lookup, handshake checks. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { expect } from 'vitest';
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

/** the flow's TLS facts equal the tshark truth row's: SNI, version, groups, selection, HRR, suite */
export function expectTlsTruth(f: FlowReport, t: TruthTlsFlow): void {
  const tls = f.tls;
  expect(tls, `${t.client} has TLS facts`).toBeTruthy();
  if (!tls) return;
  expect(tls.sni).toBe(t.sni);
  expect(tls.version).toBe(t.version);
  expect(tls.offeredGroups).toEqual(t.offered_groups);
  expect(tls.keyShareGroups).toEqual(t.key_share_groups);
  expect(tls.selectedGroup).toBe(t.selected_group);
  expect(tls.helloRetryRequest).toBe(t.hrr);
  expect(tls.cipherSuite).toBe(t.cipher_suite);
}

/**
 * A samples folder (with truth/ beside its captures) holds exactly `captures`, each matching the
 * sha256 its truth file records, `maxBytes` in all at most.
 */
export function expectSampleFolder(dir: string, captures: readonly string[], maxBytes: number): void {
  const found = readdirSync(dir).filter((n) => n.endsWith('.pcap')).sort();
  expect(found).toEqual([...captures].sort());
  for (const name of found) {
    const t = JSON.parse(readFileSync(`${dir}truth/${name}.truth.json`, 'utf8')) as { capture: string; sha256: string };
    expect(t.capture).toBe(name);
    expect(createHash('sha256').update(readFileSync(`${dir}${name}`)).digest('hex'), name).toBe(t.sha256);
  }
  expect(found.reduce((sum, n) => sum + statSync(`${dir}${n}`).size, 0)).toBeLessThan(maxBytes);
}
