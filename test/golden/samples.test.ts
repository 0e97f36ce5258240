/**
 * Golden tests on the project's own samples (samples/, made from real TLS stacks and the
 * official MCP SDK): every conversation's payload bytes and every TLS flow's handshake facts
 * against the tshark truth in samples/truth/, plus the key-exchange class each sample was made
 * to show.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scanInputs } from '../../core/scan.js';
import { findFlow } from './helpers.js';
import type { TruthConv, TruthTlsFlow } from './helpers.js';

const DIR = new URL('../../samples/', import.meta.url).pathname;

type Conv = TruthConv;
type TlsFlow = TruthTlsFlow;
interface Truth {
  packets: number;
  conversations: Conv[];
  tls_flows: TlsFlow[];
}

/** What each sample was made to show: SNI → [offered, negotiated, group]. */
const CLASSES: Record<string, [string, string, string]> = {
  'api.hybrid.test': ['hybrid', 'hybrid', 'X25519MLKEM768'],
  'legacy.classical.test': ['classical', 'classical', 'x25519'],
  'mcp.internal.test': ['hybrid', 'classical', 'x25519'],
  'hrr.retry.test': ['hybrid', 'classical', 'secp256r1'],
  'tls12.ecdhe.test': ['classical', 'classical', 'x25519'],
  'tls12.rsa.test': ['classical', 'classical', 'rsa'],
  'alt.port.test': ['hybrid', 'hybrid', 'X25519MLKEM768'],
};

const captures = readdirSync(DIR).filter((n) => /\.(pcap|pcapng|pcap\.gz)$/.test(n)).sort();

describe('samples against their tshark truth', () => {
  it('has samples', () => expect(captures.length).toBeGreaterThanOrEqual(9));
  for (const name of captures) {
    it(name, async () => {
      const truth = JSON.parse(readFileSync(`${DIR}truth/${name}.truth.json`, 'utf8')) as Truth;
      const report = await scanInputs([`${DIR}${name}`]);
      expect(report.scan.inputs[0]?.packets).toBe(truth.packets);
      expect(report.flows.length).toBe(truth.conversations.length);
      for (const c of truth.conversations) {
        const hit = findFlow(report.flows, c.transport, c.client, c.server);
        expect(hit, `${c.client} → ${c.server}`).not.toBeNull();
        if (!hit) continue;
        expect(hit.reversed).toBe(false);
        expect(hit.flow.bytes.clientToServer).toBe(c.bytes_c2s);
        expect(hit.flow.bytes.serverToClient).toBe(c.bytes_s2c);
        // packets of a connection already closed (the last ACK) are not part of the flow
        expect(hit.flow.packets.clientToServer).toBeLessThanOrEqual(c.packets_c2s);
        expect(hit.flow.packets.clientToServer).toBeGreaterThanOrEqual(c.packets_c2s - 2);
        expect(hit.flow.packets.serverToClient).toBeLessThanOrEqual(c.packets_s2c);
      }
      for (const t of truth.tls_flows) {
        const hit = findFlow(report.flows, 'tcp', t.client, t.server);
        const f = hit?.flow;
        expect(f?.tls, `${t.client}`).toBeTruthy();
        if (!f?.tls) continue;
        expect(f.tls.sni).toBe(t.sni);
        expect(f.tls.version).toBe(t.version);
        expect(f.tls.offeredGroups).toEqual(t.offered_groups);
        expect(f.tls.keyShareGroups).toEqual(t.key_share_groups);
        expect(f.tls.selectedGroup).toBe(t.selected_group);
        expect(f.tls.helloRetryRequest).toBe(t.hrr);
        expect(f.tls.cipherSuite).toBe(t.cipher_suite);
        const want = t.sni ? CLASSES[t.sni] : undefined;
        expect(want, `class table covers ${t.sni}`).toBeDefined();
        if (want) expect([f.kex.offered, f.kex.negotiated, f.kex.group]).toEqual(want);
      }
      // every flow that is not TLS in these samples is plaintext HTTP or MCP, or carried nothing
      for (const f of report.flows) {
        if (!f.tls && f.bytes.clientToServer + f.bytes.serverToClient === 0) expect(f.kex.reason).toBe('no-payload');
        else if (!f.tls) expect(f.kex.negotiated, `${f.client.port}→${f.server.port} ${f.app}`).toBe('plaintext');
      }
    });
  }

  it('recognises MCP in every MCP sample, over every transport', async () => {
    for (const name of captures.filter((n) => n.startsWith('mcp-'))) {
      const report = await scanInputs([`${DIR}${name}`]);
      const mcp = report.flows.filter((f) => f.mcp !== null);
      expect(mcp.length, name).toBeGreaterThanOrEqual(1);
      const methods = new Set(mcp.flatMap((f) => f.mcp?.methods ?? []));
      const tools = new Set(mcp.flatMap((f) => f.mcp?.tools ?? []));
      for (const m of ['tools/call', 'resources/read', 'prompts/get']) expect(methods.has(m), `${name} ${m}`).toBe(true);
      expect(tools.size, name).toBeGreaterThanOrEqual(1);
      for (const f of mcp) expect(f.kex.negotiated).toBe('plaintext');
    }
  });
});
