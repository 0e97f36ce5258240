/**
 * Real captures (/work/shared/captures/public) through the flow table, checked against tshark's
 * truth files: conversations, client/server endpoints, frames and payload bytes per direction,
 * and that the reassembled streams start with the TLS handshake records.
 */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { harness } from './helpers.js';
import { decodedPackets } from '../support/packets.js';

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
  'zeek__tls1.2',
  'zeek__google-cert-repeat',
  'ndpi__tls_verylong_certificate',
  'zeek__ecdhe',
  'zeek__hrr',
  'zeek__ssh_kex_mlkem',
  'zeek__dhe',
  'zeek__ssl-v2',
  'zeek__chrome-1250-tls-x25519-kyber',
  'zeek__tls-13draft19-early-data',
  'zeek__quicv2-http3-443',
  'zeek__quic-39264-rand',
  'zeek__chromium-115.0.5790.110-google-de-fragmented',
  'ja4__tls12',
  'ja4__socks-https-example',
  'ja4__CVE-2018-6794',
  'ja4__badcurveball',
  'suricata__tls',
];

/** retransmitted payload bytes per direction (checked with tcpdump): ecdhe resends 368:421 with its FIN, dhe 315:384 inside 315:437 */
const RETRANSMITTED: Record<string, [number, number]> = { zeek__ecdhe: [53, 0], zeek__dhe: [69, 0] };
/** streams that do not open with a TLS record: an SSLv2 hello, a SOCKS handshake before TLS */
const NOT_TLS_FIRST = new Set(['zeek__ssl-v2', 'ja4__socks-https-example']);

describe('real captures', () => {
  for (const name of CAPTURES) {
    it(name, () => {
      const truth = JSON.parse(readFileSync(path.join(PUB, 'truth', `${name}.truth.json`), 'utf8')) as Truth;
      const h = harness({ streamBytes: 1 << 20, maxOooBytesPerDir: 1 << 20 });
      for (const { p, tsMicros } of decodedPackets(path.join(PUB, `${name}.pcap`))) h.table.packet(p, tsMicros);
      h.table.flush();
      const ep = (ip: string, port: number): string => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
      const conv = h.ended.map((f) => `${f.transport} ${ep(f.clientIp, f.clientPort)} ${ep(f.serverIp, f.serverPort)}`);
      expect(conv.sort()).toEqual(truth.conversations.map((c) => `${c.transport} ${c.client} ${c.server}`).sort());
      for (const t of truth.tls_flows) {
        const f = h.ended.find((x) => ep(x.clientIp, x.clientPort) === t.client && ep(x.serverIp, x.serverPort) === t.server);
        expect(f, t.client).toBeDefined();
        if (!f) continue;
        expect(f.packets).toEqual([t.bytes.client_to_server.frames, t.bytes.server_to_client.frames]);
        // tshark counts retransmitted payload again; the flow table counts it once
        const retrans = RETRANSMITTED[name] ?? [0, 0];
        expect(f.bytes).toEqual([
          t.bytes.client_to_server.payload_bytes - retrans[0],
          t.bytes.server_to_client.payload_bytes - retrans[1],
        ]);
        if (f.transport !== 'tcp') continue;
        const a = h.factory.analyzers.get(f.id)!;
        for (const d of [0, 1] as const) {
          // everything captured in each direction was reassembled, without holes
          expect(a.text[d].length).toBe(f.bytes[d]);
          // a TLS handshake record (content type 22, RFC 8446 §5.1) opens each direction
          if (f.bytes[d] > 0 && !NOT_TLS_FIRST.has(name)) expect(a.text[d].charCodeAt(0)).toBe(22);
        }
        expect(a.events.some((e) => e.t === 'gap')).toBe(false);
        // single-packet ja4__tls12 starts mid-stream; nothing else is anomalous
        expect(f.issues).toEqual(name === 'ja4__tls12' ? ['tcp.midstream'] : []);
      }
    });
  }
});
