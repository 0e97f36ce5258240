/**
 * Golden tests on the SSH / QUIC / Chromium samples in samples/quic-ssh/ (made with real
 * OpenSSH 9.2, Chromium and ngtcp2 by samples/make-quic-ssh-samples.sh): every conversation's
 * payload bytes, every TLS-over-TCP and TLS-in-QUIC handshake and every SSH KEXINIT pair against
 * the tshark truth in samples/quic-ssh/truth/, plus the key-exchange class each was made to show.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scanInputs } from '../../core/scan.js';
import type { FlowReport } from '../../core/report/model.js';
import { expectSampleFolder, expectTlsTruth, findFlow } from './helpers.js';
import type { TruthConv, TruthTlsFlow } from './helpers.js';

const DIR = new URL('../../samples/quic-ssh/', import.meta.url).pathname;

type Conv = TruthConv;
interface TlsFlow extends TruthTlsFlow {
  key_share_lengths: number[];
  // QUIC only
  quic_version?: number;
  alpn?: string[];
  client_extensions?: number[];
}
interface SshFlow {
  client: string;
  server: string;
  client_banner: string | null;
  server_banner: string | null;
  client_kex: string[] | null;
  server_kex: string[] | null;
  negotiated_kex: string | null;
}
interface Truth {
  capture: string;
  sha256: string;
  packets: number;
  conversations: Conv[];
  tls_flows: TlsFlow[];
  quic_flows?: TlsFlow[];
  ssh_flows?: SshFlow[];
}
interface SshView {
  clientBanner: string | null;
  serverBanner: string | null;
  clientKex: string[];
  serverKex: string[];
  negotiatedKex: string | null;
}
interface QuicView {
  version: number;
  initialsDecrypted: number[];
}

const CAPTURES = ['quic-chromium-h3.pcap', 'quic-chromium.pcap', 'ssh-classical.pcap', 'ssh-hybrid.pcap', 'tls13-chromium.pcap'];

/** What each TLS/QUIC sample was made to show: SNI → [offered, negotiated, group, reason]. */
const TLS_CLASSES: Record<string, [string, string, string | null, string | null]> = {
  'quic.hndl.test': ['hybrid', 'unknown', null, 'no-server-hello'], // client Initials only
  'h3.hndl.test': ['hybrid', 'classical', 'x25519', null], // GnuTLS 3.7 server has no ML-KEM
  'tls.hndl.test': ['hybrid', 'hybrid', 'X25519MLKEM768', null],
};
/** SSH samples: file → [offered, negotiated, negotiated kex]. */
const SSH_CLASSES: Record<string, [string, string, string]> = {
  'ssh-hybrid.pcap': ['hybrid', 'hybrid', 'sntrup761x25519-sha512'],
  'ssh-classical.pcap': ['classical', 'classical', 'curve25519-sha256'],
};

const truthOf = (name: string): Truth => JSON.parse(readFileSync(`${DIR}truth/${name}.truth.json`, 'utf8')) as Truth;

function checkTls(f: FlowReport, t: TlsFlow): void {
  expectTlsTruth(f, t);
  if (!f.tls) return;
  const want = t.sni ? TLS_CLASSES[t.sni] : undefined;
  expect(want, `class table covers ${t.sni}`).toBeDefined();
  if (!want) return;
  expect([f.kex.offered, f.kex.negotiated, f.kex.group]).toEqual(want.slice(0, 3));
  if (want[3]) expect(f.kex.reason).toBe(want[3]);
}

describe('samples/quic-ssh/ against their tshark truth', () => {
  it('has the captures, each matching its truth file, under 300 KB in total', () => {
    expectSampleFolder(DIR, CAPTURES, 300 * 1024);
  });

  for (const name of CAPTURES) {
    it(name, async () => {
      const truth = truthOf(name);
      const report = await scanInputs([`${DIR}${name}`]);
      expect(report.scan.inputs[0]?.packets).toBe(truth.packets);
      expect(report.flows.length).toBe(truth.conversations.length);
      for (const c of truth.conversations) {
        const hit = findFlow(report.flows, c.transport, c.client, c.server);
        expect(hit, `${c.transport} ${c.client} → ${c.server}`).not.toBeNull();
        if (!hit) continue;
        expect(hit.reversed).toBe(false);
        expect(hit.flow.bytes.clientToServer).toBe(c.bytes_c2s);
        expect(hit.flow.bytes.serverToClient).toBe(c.bytes_s2c);
        expect(hit.flow.packets.clientToServer).toBeLessThanOrEqual(c.packets_c2s);
        expect(hit.flow.packets.clientToServer).toBeGreaterThanOrEqual(c.packets_c2s - 2);
        expect(hit.flow.packets.serverToClient).toBeLessThanOrEqual(c.packets_s2c);
      }
      for (const t of truth.tls_flows) {
        const hit = findFlow(report.flows, 'tcp', t.client, t.server);
        expect(hit?.flow.app).toBe('tls');
        if (hit) checkTls(hit.flow, t);
      }
      for (const t of truth.quic_flows ?? []) {
        const hit = findFlow(report.flows, 'udp', t.client, t.server);
        expect(hit?.flow.app).toBe('quic');
        if (!hit) continue;
        checkTls(hit.flow, t);
        const quic = hit.flow.quic as QuicView | undefined;
        expect(quic?.version).toBe(t.quic_version);
        expect(hit.flow.tls?.alpn).toEqual(t.alpn);
        expect(hit.flow.tls?.ech).toBe(t.client_extensions?.includes(0xfe0d));
      }
      for (const t of truth.ssh_flows ?? []) {
        const hit = findFlow(report.flows, 'tcp', t.client, t.server);
        expect(hit?.flow.app).toBe('ssh');
        const ssh = hit?.flow.ssh as SshView | undefined;
        expect(ssh, `${t.client} has SSH facts`).toBeTruthy();
        if (!hit || !ssh) continue;
        expect(ssh.clientBanner).toBe(t.client_banner);
        expect(ssh.serverBanner).toBe(t.server_banner);
        expect(ssh.clientKex).toEqual(t.client_kex);
        expect(ssh.serverKex).toEqual(t.server_kex);
        expect(ssh.negotiatedKex).toBe(t.negotiated_kex);
        const want = SSH_CLASSES[name];
        expect(want, `class table covers ${name}`).toBeDefined();
        if (!want) continue;
        expect([hit.flow.kex.offered, hit.flow.kex.negotiated, ssh.negotiatedKex]).toEqual(want);
        expect(hit.flow.kex.group).toBe(want[2]);
      }
    });
  }

  it('truth says what each capture claims', () => {
    const [sshH] = truthOf('ssh-hybrid.pcap').ssh_flows ?? [];
    expect(sshH?.negotiated_kex).toBe('sntrup761x25519-sha512');
    expect(sshH?.client_banner).toMatch(/^SSH-2\.0-OpenSSH_9\.2/);
    const [sshC] = truthOf('ssh-classical.pcap').ssh_flows ?? [];
    expect(sshC?.client_kex?.filter((a) => !/^(ext-info|kex-strict)/.test(a))).toEqual(['curve25519-sha256']);
    expect(sshC?.negotiated_kex).toBe('curve25519-sha256');

    // Chromium's Initials only (nothing answers): X25519MLKEM768 share (1216 B) split over Initials
    const q = truthOf('quic-chromium.pcap');
    expect(q.conversations.map((c) => c.packets_s2c)).toEqual([0]);
    const [qi] = q.quic_flows ?? [];
    expect([qi?.sni, qi?.version, qi?.selected_group]).toEqual(['quic.hndl.test', null, null]);
    expect(qi?.key_share_groups).toContain(0x11ec);
    expect(qi?.key_share_lengths[qi.key_share_groups.indexOf(0x11ec)]).toBe(1216);

    // full HTTP/3 handshake with ngtcp2 (GnuTLS): hybrid offered, x25519 chosen
    const [h3] = truthOf('quic-chromium-h3.pcap').quic_flows ?? [];
    expect([h3?.sni, h3?.version, h3?.selected_group, h3?.alpn]).toEqual(['h3.hndl.test', 'TLS 1.3', 0x001d, ['h3']]);
    expect(h3?.offered_groups).toContain(0x11ec);

    // Chromium over TCP to Node 22 (OpenSSL 3.5): X25519MLKEM768 negotiated on every connection
    const tcp = truthOf('tls13-chromium.pcap').tls_flows;
    expect(tcp.length).toBeGreaterThanOrEqual(1);
    for (const f of tcp) expect([f.sni, f.version, f.selected_group]).toEqual(['tls.hndl.test', 'TLS 1.3', 0x11ec]);
  });
});
