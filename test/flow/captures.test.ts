/**
 * Real captures (/work/shared/captures/public) through the flow table, checked against tshark's
 * truth files: conversations, client/server endpoints, frames and payload bytes per direction,
 * and that the reassembled streams start with the TLS handshake records.
 */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { harness } from './helpers.js';
import { readPcap } from './minipcap.js';

const PUB = path.resolve(__dirname, '../../../shared/captures/public');

interface Dir {
  frames: number;
  payload_bytes: number;
}
interface Truth {
  tls_flows: { client: string; server: string; bytes: { client_to_server: Dir; server_to_client: Dir } }[];
  conversations: { transport: string; client: string; server: string }[];
}

const CAPTURES = [
  'suricata__tls',
  'zeek__tls1.2',
  'zeek__google-cert-repeat',
  'ndpi__tls_verylong_certificate',
  'zeek__ecdhe',
  'zeek__hrr',
  'zeek__ssh_kex_mlkem',
];

describe('real captures', () => {
  for (const name of CAPTURES) {
    it(name, () => {
      const truth = JSON.parse(readFileSync(path.join(PUB, 'truth', `${name}.truth.json`), 'utf8')) as Truth;
      const h = harness({ streamBytes: 1 << 20, maxOooBytesPerDir: 1 << 20 });
      for (const { p, ts } of readPcap(path.join(PUB, `${name}.pcap`))) h.table.packet(p, ts);
      h.table.flush();
      const ep = (ip: string, port: number): string => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
      const conv = h.ended.map((f) => `${f.transport} ${ep(f.clientIp, f.clientPort)} ${ep(f.serverIp, f.serverPort)}`);
      expect(conv.sort()).toEqual(truth.conversations.map((c) => `${c.transport} ${c.client} ${c.server}`).sort());
      for (const t of truth.tls_flows) {
        const f = h.ended.find((x) => ep(x.clientIp, x.clientPort) === t.client && ep(x.serverIp, x.serverPort) === t.server);
        expect(f, t.client).toBeDefined();
        if (!f) continue;
        expect(f.packets).toEqual([t.bytes.client_to_server.frames, t.bytes.server_to_client.frames]);
        expect(f.bytes).toEqual([t.bytes.client_to_server.payload_bytes, t.bytes.server_to_client.payload_bytes]);
        const a = h.factory.analyzers.get(f.id)!;
        // TLS handshake record (content type 22, RFC 8446 §5.1) opens both directions
        expect(a.text[0].charCodeAt(0)).toBe(22);
        expect(a.text[1].charCodeAt(0)).toBe(22);
        expect(a.text[0].length).toBe(f.bytes[0]);
        expect(a.text[0]).not.toContain('?');
      }
    });
  }
});
