/**
 * QUIC analyzer against real captures: SNI, offered groups, key-share groups and the selected
 * group must match the tshark-derived truth (truth/*.truth.json).
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { QuicAnalyzer, sniffQuic } from '../../core/quic/analyzer.js';
import type { QuicInfo } from '../../core/quic/analyzer.js';
import { Want } from '../../core/flow/types.js';
import type { Flow } from '../../core/flow/types.js';
import { Weirds } from '../../core/util/weirds.js';
import { CAPTURES, loadJson, udpConversations } from './helpers.js';

interface TruthFlow {
  transport: string;
  client: string;
  server: string;
  sni: string | null;
  client_hello: { supported_groups: string[]; key_share_groups: string[]; alpn: string[] | null; cipher_suites_count: number } | null;
  server_hello: { key_share_group: string | null; cipher_suite: string } | null;
  hello_retry_request: boolean;
}
interface Truth {
  tls_flows: TruthFlow[];
}

const h4 = (n: number): string => '0x' + n.toString(16).padStart(4, '0');

function endpoint(ip: string, port: number, v: 4 | 6): string {
  if (v === 4) return `${ip}:${port}`;
  // compress like tshark ([a:b::c]:port)
  const parts = ip.split(':');
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < parts.length; ) {
    if (parts[i] === '0') {
      let j = i;
      while (j < parts.length && parts[j] === '0') j++;
      if (j - i > bestLen && j - i > 1) {
        best = i;
        bestLen = j - i;
      }
      i = j;
    } else i++;
  }
  const s = best < 0 ? parts.join(':') : `${parts.slice(0, best).join(':')}::${parts.slice(best + bestLen).join(':')}`;
  return `[${s}]:${port}`;
}

interface Run {
  flow: Flow;
  want: Want;
  fed: number;
  weirds: Weirds;
}

function run(capture: string): Run[] {
  const out: Run[] = [];
  for (const conv of udpConversations(join(CAPTURES, capture))) {
    if (!conv.datagrams.slice(0, 4).some((d) => sniffQuic(d.payload))) continue;
    const weirds = new Weirds();
    const a = new QuicAnalyzer(weirds);
    let want: Want = Want.More;
    let fed = 0;
    for (const d of conv.datagrams) {
      fed++;
      want = a.onDatagram(conv.flow, d.dir, d.payload, d.ts);
      if (want === Want.DoneFlow) break;
    }
    a.onEnd(conv.flow);
    out.push({ flow: conv.flow, want, fed, weirds });
  }
  return out;
}

const CASES: Array<{ file: string; mlkemSplit?: boolean }> = [
  { file: 'zeek__chromium-115.0.5790.110-google-de-fragmented.pcap' },
  { file: 'zeek__quicv2-http3-443.pcap' },
  { file: 'zeek__retry.pcap' },
  { file: 'zeek__quic-39264-rand.pcap', mlkemSplit: true },
  { file: 'zeek__quic-decrypt-fail-google-de-51833.pcap', mlkemSplit: true },
  { file: 'ndpi__quic_frags_ch_in_multiple_packets.pcapng' },
  { file: 'ja4__quic-with-several-tls-frames.pcapng' },
  { file: 'ja4__chrome-cloudflare-quic-with-secrets.pcapng' },
  { file: 'ja4__tls-handshake.pcapng' },
  { file: 'ja4__tls3.pcapng' },
  { file: 'ndpi__sites.pcapng' },
];

describe('QUIC captures vs tshark truth', () => {
  for (const c of CASES) {
    it(c.file, () => {
      const truth = loadJson(join(CAPTURES, 'truth', c.file.replace(/\.pcap(ng)?$/, '.truth.json'))) as Truth;
      const expFlows = truth.tls_flows.filter((f) => f.transport === 'udp');
      const runs = run(c.file);
      expect(runs.length).toBe(expFlows.length);
      for (const e of expFlows) {
        const r = runs.find((x) => {
          const a = endpoint(x.flow.clientIp, x.flow.clientPort, x.flow.ipVersion);
          const b = endpoint(x.flow.serverIp, x.flow.serverPort, x.flow.ipVersion);
          return (a === e.client && b === e.server) || (a === e.server && b === e.client);
        });
        expect(r, `flow ${e.client} → ${e.server}`).toBeDefined();
        if (r === undefined) continue;
        const tls = r.flow.tls;
        expect(r.flow.app).toBe('quic');
        const ch = tls?.clientHello ?? null;
        expect(ch).not.toBeNull();
        if (ch === null || e.client_hello === null) continue;
        expect(ch.sni).toBe(e.sni === null ? null : e.sni);
        expect(ch.supportedGroups.map(h4)).toEqual(e.client_hello.supported_groups);
        expect(ch.keyShares.map((k) => h4(k.group))).toEqual(e.client_hello.key_share_groups);
        expect(ch.cipherSuites.length).toBe(e.client_hello.cipher_suites_count);
        if (e.client_hello.alpn !== null) expect(ch.alpn).toEqual(e.client_hello.alpn);
        const sh = tls?.serverHello ?? null;
        if (e.server_hello === null) {
          expect(sh).toBeNull();
        } else {
          expect(sh).not.toBeNull();
          expect(h4(sh?.keyShareGroup ?? -1)).toBe(e.server_hello.key_share_group);
          expect(h4(sh?.cipherSuite ?? -1)).toBe(e.server_hello.cipher_suite);
          // done, or still reading the datagrams after the hellos that check for conflicting copies
          expect([Want.DoneFlow, Want.More]).toContain(r.want);
          expect(r.flow.issues).not.toContain('quic.crypto_overlap_mismatch');
        }
        expect(tls?.helloRetryRequest !== null).toBe(e.hello_retry_request);
        const q = r.flow.ext['quic'] as QuicInfo;
        expect(q.initialAuthFailed).toBe(0);
        if (c.mlkemSplit) {
          // the X25519MLKEM768 share (1216 bytes) cannot fit one Initial: it spans several
          expect(q.initialsDecrypted[0]).toBeGreaterThan(1);
          const mlkem = ch.keyShares.find((k) => k.group === 0x11ec);
          expect(mlkem?.length).toBe(1216);
          expect(mlkem?.mlkemKeyValid).toBe(true);
        }
        if (c.file === 'zeek__retry.pcap') expect(q.retries).toBe(1);
        if (c.file === 'zeek__quicv2-http3-443.pcap') expect(q.version).toBe(0x6b3343cf);
      }
    });
  }

  it('ndpi__quic-fuzz-overflow.pcapng: not sniffed, and fed anyway: no TLS, no throw', () => {
    expect(run('ndpi__quic-fuzz-overflow.pcapng').length).toBe(0);
    for (const conv of udpConversations(join(CAPTURES, 'ndpi__quic-fuzz-overflow.pcapng'))) {
      const a = new QuicAnalyzer();
      for (const d of conv.datagrams) expect(() => a.onDatagram(conv.flow, d.dir, d.payload, d.ts)).not.toThrow();
      expect(conv.flow.tls?.clientHello ?? null).toBeNull();
      expect(conv.flow.issues).toContain('quic.unsupported_version');
    }
  });
});
