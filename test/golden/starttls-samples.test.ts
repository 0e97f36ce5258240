/**
 * Golden tests on the STARTTLS samples in samples/starttls/ (made by
 * samples/make-starttls-samples.sh with real clients and servers: Python's smtplib, imaplib,
 * poplib and ftplib, psql against PostgreSQL 15, the MariaDB 10.11 client and server, Dovecot
 * 2.3, OpenLDAP 2.5's ldapsearch and slapd, FreeRDP 2.11 against xrdp 0.9.21, sendxmpp against
 * Prosody 0.12, a Node 22 SMTP client, curl through an HTTP CONNECT proxy): every conversation's payload bytes and every TLS handshake after
 * the in-band upgrade against the tshark truth in samples/starttls/truth/ (tshark follows
 * STARTTLS on these protocols' standard ports), plus the class each sample was made to show and
 * what the upgrade looked like.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scanInputs } from '../../core/scan.js';
import type { StartTlsInfo } from '../../core/app/starttls.js';
import type { ConnectInfo } from '../../core/app/http-connect.js';
import { renderTable } from '../../core/report/table.js';
import { expectSampleFolder, expectTlsTruth, findFlow } from './helpers.js';
import type { TruthConv, TruthTlsFlow } from './helpers.js';

const DIR = new URL('../../samples/starttls/', import.meta.url).pathname;

interface Truth {
  capture: string;
  sha256: string;
  packets: number;
  conversations: TruthConv[];
  tls_flows: TruthTlsFlow[];
}

const truthOf = (name: string): Truth => JSON.parse(readFileSync(`${DIR}truth/${name}.truth.json`, 'utf8')) as Truth;

/** what each sample was made to show: app, [offered, negotiated, group], and the STARTTLS record */
const EXPECTED: Record<
  string,
  { app: string; kex: [string, string, string | null]; starttls: Partial<StartTlsInfo>; reason?: string; issues?: string[]; connect?: ConnectInfo }
> = {
  'smtp-starttls-hybrid.pcap': {
    app: 'tls',
    kex: ['hybrid', 'hybrid', 'X25519MLKEM768'],
    starttls: { protocol: 'smtp', request: 'STARTTLS', answer: 'accepted', upgraded: true, plaintext: false },
  },
  'smtp-starttls.pcap': {
    app: 'tls',
    kex: ['classical', 'classical', 'x25519'],
    starttls: { protocol: 'smtp', request: 'STARTTLS', answer: 'accepted', upgraded: true, plaintext: false },
  },
  'smtp-plain.pcap': {
    app: 'smtp',
    kex: ['plaintext', 'plaintext', null],
    starttls: { protocol: 'smtp', request: null, upgraded: false, plaintext: true, plaintextCommand: 'MAIL' },
  },
  'imap-starttls.pcap': {
    app: 'tls',
    kex: ['classical', 'classical', 'x25519'],
    starttls: { protocol: 'imap', request: 'STARTTLS', answer: 'accepted', upgraded: true, plaintext: false },
  },
  'pop3-stls.pcap': {
    app: 'tls',
    kex: ['classical', 'classical', 'x25519'],
    starttls: { protocol: 'pop3', request: 'STLS', answer: 'accepted', upgraded: true, plaintext: false },
  },
  'ftp-auth-tls.pcap': {
    app: 'tls',
    kex: ['classical', 'classical', 'x25519'],
    starttls: { protocol: 'ftp', request: 'AUTH TLS', answer: 'accepted', upgraded: true, plaintext: false },
  },
  // PostgreSQL's default ssl_ecdh_curve is prime256v1
  'postgresql-ssl.pcap': {
    app: 'tls',
    kex: ['classical', 'classical', 'secp256r1'],
    starttls: { protocol: 'postgresql', request: 'SSLRequest', answer: 'accepted', upgraded: true, plaintext: false },
  },
  'postgresql-plain.pcap': {
    app: 'postgresql',
    kex: ['plaintext', 'plaintext', null],
    starttls: { protocol: 'postgresql', request: null, upgraded: false, plaintext: true, plaintextCommand: 'StartupMessage' },
  },
  'mysql-ssl.pcap': {
    app: 'tls',
    kex: ['classical', 'classical', 'x25519'],
    starttls: { protocol: 'mysql', request: 'SSLRequest', answer: 'accepted', upgraded: true, plaintext: false },
  },
  // OpenLDAP's ldapsearch over GnuTLS 3.7
  'ldap-starttls.pcap': {
    app: 'tls',
    kex: ['classical', 'classical', 'secp256r1'],
    starttls: { protocol: 'ldap', request: 'StartTLS', answer: 'accepted', upgraded: true, plaintext: false },
  },
  'ldap-plain.pcap': {
    app: 'ldap',
    kex: ['plaintext', 'plaintext', null],
    starttls: { protocol: 'ldap', request: null, upgraded: false, plaintext: true, plaintextCommand: 'BindRequest' },
  },
  // FreeRDP 2.11 (OpenSSL 3.0) against xrdp 0.9.21 with security_layer=tls; FreeRDP sends the IP address as SNI
  'rdp-tls.pcap': {
    app: 'tls',
    kex: ['classical', 'classical', 'x25519'],
    starttls: { protocol: 'rdp', request: 'RDP_NEG_REQ SSL', answer: 'accepted', upgraded: true, plaintext: false },
  },
  // /sec:rdp against security_layer=rdp: no negotiation, Standard RDP Security (RC4 and RSA inside MCS)
  'rdp-standard.pcap': {
    app: 'unknown',
    kex: ['unknown', 'unknown', null],
    reason: 'rdp-standard-security',
    issues: ['starttls.rdp_standard_security'],
    starttls: { protocol: 'rdp', request: null, upgraded: false, plaintext: false },
  },
  // sendxmpp 1.24 (Perl, IO::Socket::SSL over OpenSSL 3.0) against Prosody 0.12
  'xmpp-starttls.pcap': {
    app: 'tls',
    kex: ['classical', 'classical', 'x25519'],
    starttls: { protocol: 'xmpp', request: 'starttls', answer: 'accepted', upgraded: true, plaintext: false },
  },
  'xmpp-plain.pcap': {
    app: 'xmpp',
    kex: ['plaintext', 'plaintext', null],
    starttls: { protocol: 'xmpp', request: null, upgraded: false, plaintext: true, plaintextCommand: 'auth' },
  },
  // curl 7.88 (OpenSSL 3.0) through a forward proxy that answers 407 first, to a Node 22 TLS server
  'http-connect.pcap': {
    app: 'tls',
    kex: ['classical', 'classical', 'x25519'],
    starttls: {},
    connect: { target: '127.0.0.1:4443', status: 200, requests: 2 },
  },
  'mysql-plain.pcap': {
    app: 'mysql',
    kex: ['plaintext', 'plaintext', null],
    starttls: { protocol: 'mysql', request: null, upgraded: false, plaintext: true, plaintextCommand: 'HandshakeResponse' },
  },
};
const CAPTURES = Object.keys(EXPECTED).sort();
/**
 * Payload bytes tshark counts twice because a segment was retransmitted (we count them once):
 * [client → server, server → client]. rdp-tls: frame 65 repeats frame 64 (246 bytes, seq 3693).
 */
const RETRANSMITTED: Record<string, [number, number]> = { 'rdp-tls.pcap': [0, 246] };

describe('samples/starttls/ against their tshark truth', () => {
  it('has the captures, each matching its truth file, under 120 KB in total', () => {
    expectSampleFolder(DIR, CAPTURES, 120 * 1024);
    // a TLS handshake in the truth exactly when the sample was made to upgrade
    for (const name of CAPTURES) {
      const want = EXPECTED[name];
      expect(truthOf(name).tls_flows.length, name).toBe(want?.starttls.upgraded === true || want?.connect !== undefined ? 1 : 0);
    }
  });

  for (const name of CAPTURES) {
    it(name, async () => {
      const truth = truthOf(name);
      const want = EXPECTED[name];
      if (!want) throw new Error(`no expectation for ${name}`);
      const report = await scanInputs([`${DIR}${name}`]);
      expect(report.scan.inputs[0]?.packets).toBe(truth.packets);
      expect(report.flows.length).toBe(truth.conversations.length);
      for (const c of truth.conversations) {
        const hit = findFlow(report.flows, c.transport, c.client, c.server);
        expect(hit, `${c.transport} ${c.client} → ${c.server}`).not.toBeNull();
        if (!hit) continue;
        expect(hit.reversed).toBe(false);
        const [rc, rs] = RETRANSMITTED[name] ?? [0, 0];
        expect(hit.flow.bytes.clientToServer).toBe(c.bytes_c2s - rc);
        expect(hit.flow.bytes.serverToClient).toBe(c.bytes_s2c - rs);
        const f = hit.flow;
        expect(f.app).toBe(want.app);
        expect([f.kex.offered, f.kex.negotiated, f.kex.group]).toEqual(want.kex);
        if (want.connect !== undefined) {
          // a proxy tunnel, not an in-band upgrade
          expect(f['connect']).toEqual(want.connect);
          expect(f['starttls']).toBeUndefined();
        } else expect(f['starttls']).toMatchObject(want.starttls);
        expect(f.issues).toEqual(want.issues ?? []);
        if (want.reason !== undefined) expect(f.kex.reason).toBe(want.reason);
      }
      for (const t of truth.tls_flows) {
        const hit = findFlow(report.flows, 'tcp', t.client, t.server);
        expect(hit, `${t.client} → ${t.server}`).not.toBeNull();
        if (hit) expectTlsTruth(hit.flow, t);
      }
    });
  }

  it('the plaintext samples are the scan\'s plaintext findings, the upgraded ones are not', async () => {
    const report = await scanInputs(CAPTURES.map((n) => `${DIR}${n}`));
    const plaintext = report.flows.filter((f) => f.kex.negotiated === 'plaintext').map((f) => f.app).sort();
    expect(plaintext).toEqual(['ldap', 'mysql', 'postgresql', 'smtp', 'xmpp']);
    const plainFindings = (report.findings ?? []).filter((f) => f.ruleId === 'HNDL002');
    const ports = new Set(plainFindings.map((f) => f.server));
    // the fix names the upgrade the protocol already has
    expect(plainFindings.find((f) => f.server === '127.0.0.1:25')?.recommendation).toBe(
      'On 127.0.0.1:25, require STARTTLS (RFC 3207), or implicit TLS for submission (RFC 8314), with TLS 1.3 and X25519MLKEM768.',
    );
    expect(plainFindings.find((f) => f.server === '127.0.0.1:5432')?.recommendation).toMatch(/^On 127\.0\.0\.1:5432, require TLS \(hostssl in pg_hba\.conf/);
    expect([...ports].sort()).toEqual(['127.0.0.1:25', '127.0.0.1:3306', '127.0.0.1:389', '127.0.0.1:5222', '127.0.0.1:5432']);
    // the table names the protocol of an upgraded session without SNI
    const table = renderTable(report, { color: false, width: 200 });
    for (const label of ['smtp+tls', 'imap+tls', 'pop3+tls', 'ftp+tls', 'postgresql+tls', 'mysql+tls', 'ldap+tls', 'xmpp+tls']) expect(table).toContain(label);
    expect(table).toContain('127.0.0.1 '); // RDP's SNI (FreeRDP sends the address)
  });
});
