/**
 * classifyTls over TlsInfo records rebuilt from every truth/*.truth.json flow (tshark 4.0.17
 * fields) must give the offered / key-share / negotiated class, codepoint, mechanism and
 * handshake state of the matching expected/*.json flow (TCP and QUIC alike).
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { classifyTls } from '../../core/tls/classify.js';
import { groupInfo, hex4 } from '../../core/tls/groups.js';
import { newTlsInfo } from '../../core/tls/types.js';
import type { ClientHello, ServerHello, TlsInfo } from '../../core/tls/types.js';

const PUB = path.resolve(__dirname, '../../../shared/captures/public');
const n = (h: string | null | undefined): number => (h === null || h === undefined ? -1 : parseInt(h, 16));

interface TruthFlow {
  client_hello: { legacy_version: string; supported_versions: string[]; supported_groups: string[]; key_share_groups: string[] } | null;
  hello_retry_request: boolean;
  hrr_selected_group: string | null;
  retry_client_hello: { supported_groups: string[]; key_share_groups: string[] } | null;
  server_hello: { legacy_version: string | null; supported_version: string | null; cipher_suite: string | null; key_share_group: string | null } | null;
  tls12_server_key_exchange: { server_named_curve: string | null; dh_p_len_bytes: number | null } | null;
  resumption: string | null;
  alerts: Array<{ description: number; level: number }>;
}

/**
 * A ClientHello as the truth fields describe it. tshark's truth has no client cipher list: the
 * suite the server chose stands for it (a handshake that completed had it offered), and the
 * extension numbers are those of the fields present (RFC 8446 §4.2: 10, 51, 43).
 */
function ch(groups: string[], shares: string[], legacy: string, versions: string[], suite: number): ClientHello {
  const extensionTypes: number[] = [];
  if (groups.length > 0) extensionTypes.push(10);
  if (shares.length > 0) extensionTypes.push(51);
  if (versions.length > 0) extensionTypes.push(43);
  return {
    legacyVersion: n(legacy),
    recordVersion: 0x0301,
    sslv2: legacy === '0x0002',
    sessionId: new Uint8Array(0),
    cipherSuites: suite >= 0 ? [suite] : [],
    compressionMethods: [0],
    extensionTypes,
    sni: null,
    supportedGroups: groups.map(n),
    keyShares: shares.map((g) => ({ group: n(g), length: groupInfo(n(g))?.clientShareLen ?? 32, mlkemKeyValid: true })),
    supportedVersions: versions.map(n),
    alpn: [],
    signatureAlgorithms: [],
    pskKeyExchangeModes: [],
    hasPreSharedKey: false,
    hasEarlyData: false,
    ech: false,
    sessionTicketLength: 0,
  };
}

function sh(legacy: number, selected: number, suite: number, group: number, hrr: boolean, psk: boolean): ServerHello {
  const extensionTypes: number[] = [];
  if (selected !== 0) extensionTypes.push(43);
  if (group >= 0) extensionTypes.push(51);
  return {
    legacyVersion: legacy,
    sessionId: new Uint8Array(0),
    cipherSuite: suite,
    compressionMethod: 0,
    extensionTypes,
    selectedVersion: selected,
    keyShareGroup: group,
    keyShareLength: group < 0 ? 0 : (groupInfo(group)?.serverShareLen ?? 32),
    isHelloRetryRequest: hrr,
    pskSelected: psk,
    alpn: null,
  };
}

function build(t: TruthFlow): TlsInfo {
  const tls = newTlsInfo();
  const suite = n(t.server_hello?.cipher_suite);
  const c = t.client_hello;
  if (c !== null) tls.clientHello = ch(c.supported_groups, c.key_share_groups, c.legacy_version, c.supported_versions, suite);
  const r = t.retry_client_hello;
  if (r !== null) tls.clientHello2 = ch(r.supported_groups, r.key_share_groups, '0x0303', ['0x0304'], suite);
  if (t.hello_retry_request) tls.helloRetryRequest = sh(0x0303, 0x0304, 0x1301, n(t.hrr_selected_group), true, false);
  const s = t.server_hello;
  if (s !== null) {
    if (s.legacy_version === null) {
      tls.serverHello = { ...sh(0x0002, 0, -1, -1, false, false), sslv2: true };
    } else {
      tls.serverHello = sh(n(s.legacy_version), s.supported_version === null ? 0 : n(s.supported_version), n(s.cipher_suite), n(s.key_share_group), false, (t.resumption ?? '').startsWith('tls13'));
    }
  }
  const k = t.tls12_server_key_exchange;
  if (k !== null) {
    tls.serverKeyExchange = k.server_named_curve !== null
      ? { kind: 'ecdhe', namedCurve: n(k.server_named_curve), dhPrimeBits: 0 }
      : { kind: 'dhe', namedCurve: -1, dhPrimeBits: (k.dh_p_len_bytes ?? 0) * 8 };
  }
  if (t.resumption === 'tls12-abbreviated') tls.abbreviated = true;
  const a = t.alerts[0];
  if (a !== undefined) tls.alert = a.description;
  return tls;
}

describe('classifyTls vs truth-derived expected results', () => {
  let checked = 0;
  for (const f of readdirSync(path.join(PUB, 'truth'))) {
    it(f, () => {
      const truth = JSON.parse(readFileSync(path.join(PUB, 'truth', f), 'utf8')) as { tls_flows: TruthFlow[] };
      const exp = JSON.parse(readFileSync(path.join(PUB, 'expected', f.replace('.truth.json', '.json')), 'utf8')) as {
        tls_flows: Array<{ handshake: string; offered: { class: string; key_share_class: string | null } | null; negotiated: { class: string; codepoint: string | null; mechanism: string | null } }>;
      };
      expect(exp.tls_flows.length).toBe(truth.tls_flows.length);
      truth.tls_flows.forEach((t, i) => {
        const e = exp.tls_flows[i];
        if (e === undefined) return;
        const k = classifyTls(build(t));
        const label = `${f}#${i}`;
        if (e.offered !== null) {
          expect(k.offered, label).toBe(e.offered.class);
          expect(k.offeredKeyShare, label).toBe(e.offered.key_share_class);
        }
        expect(k.negotiated, label).toBe(e.negotiated.class);
        expect(k.codepoint === null ? null : hex4(k.codepoint), label).toBe(e.negotiated.codepoint);
        expect(k.mechanism, label).toBe(e.negotiated.mechanism);
        expect(k.handshake === 'none' ? 'server_only' : k.handshake, label).toBe(e.handshake);
        checked++;
      });
    });
  }
  it('covered every expected flow', () => {
    expect(checked).toBeGreaterThan(180);
  });
});
