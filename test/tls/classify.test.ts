/** Tables (groups / versions) and classifyTls edge cases. */
import { describe, expect, it } from 'vitest';
import { groupClass, groupName, isGrease } from '../../core/tls/groups.js';
import { cipherSuiteName, suiteKex, versionName, signatureSchemeName } from '../../core/tls/suites.js';
import { classifyTls } from '../../core/tls/classify.js';
import { decodeClientHello, decodeServerHello } from '../../core/tls/hello.js';
import { newTlsInfo } from '../../core/tls/types.js';
import type { TlsInfo } from '../../core/tls/types.js';
import { HRR_RANDOM, clientHelloBody, ext, fill, groups, keyShares, selectedVersion, serverHelloBody, serverKeyShare, u16, versions } from './helpers.js';

function info(chExts: number[][], shExts: number[][] | null, suite = 0x1301): TlsInfo {
  const tls = newTlsInfo();
  const c = decodeClientHello(Uint8Array.from(clientHelloBody({ exts: chExts })), 0x0303);
  tls.clientHello = c.ok ? c.value : null;
  if (shExts !== null) {
    const s = decodeServerHello(Uint8Array.from(serverHelloBody({ suite, exts: shExts })));
    tls.serverHello = s.ok ? s.value : null;
  }
  return tls;
}

describe('tables', () => {
  it('GREASE (RFC 8701)', () => {
    for (let i = 0; i < 16; i++) expect(isGrease(i * 0x1010 + 0x0a0a)).toBe(true);
    expect(isGrease(0x0a1a)).toBe(false);
    expect(isGrease(0x001d)).toBe(false);
    expect(isGrease(0x0b0b)).toBe(false);
  });
  it('group names and classes', () => {
    expect(groupName(0x11ec)).toBe('X25519MLKEM768');
    expect(groupName(0x6399)).toBe('X25519Kyber768Draft00');
    expect(groupName(0x2f3a)).toBe('unknown-0x2f3a');
    expect(groupClass(0x2f3a)).toBe('unknown');
    expect(groupClass(0x0201)).toBe('pq');
    expect(groupClass(0x11eb)).toBe('hybrid');
    expect(groupClass(0x0100)).toBe('classical');
    expect(groupClass(0xfe31)).toBe('unknown');
    expect(groupClass(0xfe31, 1216)).toBe('hybrid');
    expect(groupClass(0xfe31, 1000)).toBe('unknown');
  });
  it('versions, suites, signature schemes', () => {
    expect(versionName(0x0304)).toBe('TLS 1.3');
    expect(versionName(0x7f13)).toBe('TLS 1.3 (draft 19)');
    expect(versionName(0xfb1a)).toBe('TLS 1.3 (experimental 0xfb1a)');
    expect(versionName(0x0002)).toBe('SSL 2.0');
    expect(versionName(0x1234)).toBe('unknown-0x1234');
    expect(cipherSuiteName(0x0088)).toBe('TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA');
    expect(suiteKex(0x0005)).toBe('rsa');
    expect(suiteKex(0x0088)).toBe('dhe');
    expect(suiteKex(0xc02f)).toBe('ecdhe');
    expect(suiteKex(0xc00e)).toBe('ecdh');
    expect(suiteKex(0x1302)).toBe('tls13');
    expect(signatureSchemeName(0x0905)).toBe('mldsa65');
  });
});

describe('classifyTls', () => {
  it('null / empty', () => {
    expect(classifyTls(null)).toMatchObject({ offered: 'unknown', negotiated: 'unknown', reason: 'no-handshake' });
  });
  it('hybrid offered, hybrid negotiated', () => {
    const k = classifyTls(info([groups([0x11ec, 0x001d]), keyShares([[0x11ec, fill(1216, 0)]]), versions([0x0304])], [selectedVersion(0x0304), serverKeyShare(0x11ec, 1120)]));
    expect(k).toMatchObject({ offered: 'hybrid', offeredKeyShare: 'hybrid', negotiated: 'hybrid', group: 'X25519MLKEM768', codepoint: 0x11ec, shareValidation: 'ok' });
  });
  it('an ambiguous stream: hybrid and pq claims become unknown, classical ones stand', () => {
    const hybrid = info([groups([0x11ec, 0x001d]), keyShares([[0x11ec, fill(1216, 0)]]), versions([0x0304])], [selectedVersion(0x0304), serverKeyShare(0x11ec, 1120)]);
    const k = classifyTls(hybrid, { ambiguousStream: 'tcp.overlap_mismatch' });
    expect(k).toMatchObject({ offered: 'unknown', offeredKeyShare: 'unknown', negotiated: 'unknown', reason: 'ambiguous-stream', group: 'X25519MLKEM768' });
    expect(k.detail).toContain('tcp.overlap_mismatch');
    expect(classifyTls(hybrid, { ambiguousStream: null })).toMatchObject({ negotiated: 'hybrid' });
    const classical = info([groups([0x001d]), keyShares([[0x001d, fill(32)]]), versions([0x0304])], [selectedVersion(0x0304), serverKeyShare(0x001d, 32)]);
    expect(classifyTls(classical, { ambiguousStream: 'tcp.overlap_mismatch' })).toEqual(classifyTls(classical));
    // a hybrid offer answered with a classical group: the offer is not claimed, the choice stands
    const hybridOffer = info([groups([0x11ec, 0x001d]), keyShares([[0x11ec, fill(1216, 0)], [0x001d, fill(32)]]), versions([0x0304])], [selectedVersion(0x0304), serverKeyShare(0x001d, 32)]);
    expect(classifyTls(hybridOffer, { ambiguousStream: 'quic.crypto_overlap_mismatch' })).toMatchObject({ offered: 'unknown', negotiated: 'classical', reason: null });
  });
  it('client share length mismatch: no hybrid credit', () => {
    const k = classifyTls(info([groups([0x11ec, 0x001d]), keyShares([[0x11ec, fill(1000)], [0x001d, fill(32)]])], null));
    expect(k.shareValidation).toBe('length-mismatch');
    expect(k.offered).toBe('classical');
    expect(k.offeredKeyShare).toBe('classical');
    expect(k.reason).toBe('no-server-hello');
    expect(k.handshake).toBe('incomplete');
  });
  it('server share length mismatch → unknown', () => {
    const k = classifyTls(info([groups([0x11ec])], [selectedVersion(0x0304), serverKeyShare(0x11ec, 32)]));
    expect(k).toMatchObject({ negotiated: 'unknown', reason: 'unknown-group', shareValidation: 'length-mismatch' });
  });
  it('GREASE-only key share and GREASE groups are ignored', () => {
    const k = classifyTls(info([groups([0x0a0a]), keyShares([[0x0a0a, [0]]])], null));
    expect(k.offered).toBe('classical'); // no real groups at all: TLS ≤ 1.2-style client
    expect(k.offeredKeyShare).toBeNull();
    expect(k.offeredGroups).toEqual([]);
  });
  it('unknown private codepoint is never PQ', () => {
    const k = classifyTls(info([groups([0x2f3a]), keyShares([[0x2f3a, fill(900)]]), versions([0x0304])], [selectedVersion(0x0304), serverKeyShare(0x2f3a, 900)]));
    expect(k).toMatchObject({ offered: 'unknown', negotiated: 'unknown', reason: 'unknown-group', group: 'unknown-0x2f3a' });
  });
  it('TLS 1.3 psk_ke resumption without key share', () => {
    const k = classifyTls(info([groups([0x001d])], [selectedVersion(0x0304), ext(41, u16(0))]));
    expect(k).toMatchObject({ negotiated: 'unknown', reason: 'resumed', resumption: 'tls13-psk_ke', mechanism: 'resumed (key exchange not in this flow)' });
    const linked = classifyTls(info([groups([0x001d])], [selectedVersion(0x0304), ext(41, u16(0))]), { resumedFrom: { negotiated: 'hybrid', group: 'X25519MLKEM768', codepoint: 0x11ec } });
    expect(linked).toMatchObject({ negotiated: 'hybrid', group: 'X25519MLKEM768', reason: 'resumed' });
  });
  it('TLS 1.3 psk_dhe_ke', () => {
    const k = classifyTls(info([groups([0x001d]), keyShares([[0x001d, fill(32)]]), versions([0x0304])], [selectedVersion(0x0304), serverKeyShare(0x001d, 32), ext(41, u16(0))]));
    expect(k).toMatchObject({ negotiated: 'classical', resumption: 'tls13-psk_dhe_ke', mechanism: 'key_share' });
  });
  it('TLS 1.2 RSA key transport', () => {
    const k = classifyTls(info([], [], 0x0035));
    expect(k).toMatchObject({ offered: 'classical', negotiated: 'classical', group: 'rsa', mechanism: 'RSA key transport', version: 'TLS 1.2' });
  });
  it('decode errors without a ServerHello', () => {
    const tls = newTlsInfo();
    tls.errors.push('tls.bad_record_header');
    expect(classifyTls(tls).reason).toBe('decode-error');
  });

  // found by a structure-aware fuzz of real handshakes: none of these may claim hybrid or pq
  describe('a ServerHello that contradicts the ClientHello is never hybrid or pq', () => {
    const v13 = selectedVersion(0x0304);
    const hybridCh = [groups([0x11ec, 0x001d]), keyShares([[0x11ec, fill(1216, 0)], [0x001d, fill(32)]]), ext(43, [4, 0x03, 0x04, 0x03, 0x03])];
    it('a group the client sent no key share for (RFC 8446 §4.2.8)', () => {
      const onlyX25519 = [groups([0x001d]), keyShares([[0x001d, fill(32)]])];
      const k = classifyTls(info(onlyX25519, [v13, serverKeyShare(0x11ec, 1120)]));
      expect(k).toMatchObject({ negotiated: 'unknown', reason: 'inconsistent', group: 'X25519MLKEM768' });
      expect(k.detail).toMatch(/for which the ClientHello sent no key share/);
      // MLKEM768 selected while the client sent X25519MLKEM768 and x25519 shares
      expect(classifyTls(info(hybridCh, [v13, serverKeyShare(0x0201, 1088)]))).toMatchObject({ negotiated: 'unknown', reason: 'inconsistent' });
      // a classical choice the client did not offer is no key exchange either
      expect(classifyTls(info(hybridCh, [v13, serverKeyShare(0x0017, 65)]))).toMatchObject({ negotiated: 'unknown', reason: 'inconsistent' });
    });
    it('a version the client did not offer (RFC 8446 §4.2.1)', () => {
      const k = classifyTls(info(hybridCh, [selectedVersion(0x7f12), serverKeyShare(0x11ec, 1120)]));
      expect(k).toMatchObject({ negotiated: 'unknown', reason: 'inconsistent' });
      expect(k.detail).toMatch(/did not offer/);
      // TLS 1.3 with no supported_versions at all, or an empty one: the client offered at most TLS 1.2
      const shares = [groups([0x11ec]), keyShares([[0x11ec, fill(1216, 0)]])];
      for (const chExts of [shares, [...shares, ext(43, [0])]]) {
        expect(classifyTls(info(chExts, [v13, serverKeyShare(0x11ec, 1120)]))).toMatchObject({ negotiated: 'unknown', reason: 'inconsistent' });
      }
      expect(classifyTls(info(hybridCh, [v13, serverKeyShare(0x11ec, 1120)]))).toMatchObject({ negotiated: 'hybrid', reason: null });
    });
    it('a ServerHello with two key_share extensions', () => {
      const k = classifyTls(info(hybridCh, [v13, serverKeyShare(0x001d, 32), serverKeyShare(0x11ec, 1120)]));
      expect(k).toMatchObject({ negotiated: 'unknown', reason: 'decode-error' });
    });
    it('a final group other than the one the HelloRetryRequest asked for', () => {
      const tls = info(hybridCh, [v13, serverKeyShare(0x11ec, 1120)]);
      const hrr = decodeServerHello(Uint8Array.from(serverHelloBody({ random: [...HRR_RANDOM], exts: [v13, ext(51, u16(0x0017))] })));
      tls.helloRetryRequest = hrr.ok ? hrr.value : null;
      tls.clientHello2 = tls.clientHello;
      expect(tls.helloRetryRequest?.isHelloRetryRequest).toBe(true);
      expect(classifyTls(tls)).toMatchObject({ negotiated: 'unknown', reason: 'inconsistent', helloRetryRequest: true });
    });
    it('no ClientHello to confirm a hybrid choice; a classical one is still reported', () => {
      const tls = info([], [v13, serverKeyShare(0x11ec, 1120)]);
      tls.clientHello = null;
      tls.errors.push('tls.client_hello_bad_extensions_length');
      const k = classifyTls(tls);
      expect(k).toMatchObject({ negotiated: 'unknown', reason: 'no-client-hello', handshake: 'server_only' });
      expect(k.detail).toMatch(/tls\.client_hello_bad_extensions_length/);
      const classical = info([], [v13, serverKeyShare(0x001d, 32)]);
      classical.clientHello = null;
      expect(classifyTls(classical)).toMatchObject({ negotiated: 'classical', handshake: 'server_only' });
    });
    it('two shares for one group, a repeated extension, a suite not offered or not TLS 1.3, TLS 1.3 outside supported_versions, draft extension 40', () => {
      const sh13 = [v13, serverKeyShare(0x11ec, 1120)];
      const twoShares = [groups([0x11ec]), keyShares([[0x11ec, fill(1216, 0)], [0x11ec, fill(1216, 0)]]), versions([0x0304])];
      expect(classifyTls(info(twoShares, sh13))).toMatchObject({ negotiated: 'unknown', reason: 'inconsistent' });
      const twoExts = [groups([0x11ec]), keyShares([[0x001d, fill(32)]]), keyShares([[0x11ec, fill(1216, 0)]]), versions([0x0304])];
      expect(classifyTls(info(twoExts, sh13))).toMatchObject({ negotiated: 'unknown', reason: 'decode-error' });
      // the client's suites are 0x1301, 0x1302, 0xc02f (helpers.ts)
      expect(classifyTls(info(hybridCh, sh13, 0x1303))).toMatchObject({ negotiated: 'unknown', reason: 'inconsistent' });
      expect(classifyTls(info(hybridCh, sh13, 0xc02f))).toMatchObject({ negotiated: 'unknown', reason: 'inconsistent' });
      expect(classifyTls(info(hybridCh, sh13, 0x1302))).toMatchObject({ negotiated: 'hybrid' });
      const legacy13 = decodeServerHello(Uint8Array.from(serverHelloBody({ version: 0x0304, exts: [serverKeyShare(0x11ec, 1120)] })));
      const tls = info(hybridCh, null);
      tls.serverHello = legacy13.ok ? legacy13.value : null;
      expect(classifyTls(tls)).toMatchObject({ negotiated: 'unknown', reason: 'inconsistent' });
      const ext40Ch = [groups([0x11ec]), ext(40, [...u16(1222), ...u16(0x11ec), ...u16(1216), ...fill(1216, 0)]), versions([0x0304])];
      expect(classifyTls(info(ext40Ch, sh13))).toMatchObject({ negotiated: 'unknown', reason: 'inconsistent' });
      expect(classifyTls(info(hybridCh, [v13, ext(40, [...u16(0x11ec), ...u16(1120), ...fill(1120, 0x22)])]))).toMatchObject({ negotiated: 'unknown', reason: 'inconsistent' });
      // a key share outside supported_groups (RFC 8446 §4.2.8), a ServerKeyExchange in TLS 1.3
      const notListed = [groups([0x001d]), keyShares([[0x11ec, fill(1216, 0)]]), versions([0x0304])];
      expect(classifyTls(info(notListed, sh13))).toMatchObject({ negotiated: 'unknown', reason: 'inconsistent' });
      const withSke = info(hybridCh, sh13);
      withSke.serverKeyExchange = { kind: 'ecdhe', namedCurve: 0x001d, dhPrimeBits: 0 };
      expect(classifyTls(withSke)).toMatchObject({ negotiated: 'unknown', reason: 'inconsistent' });
    });
    it('a private-use codepoint whose client share is not that group\'s length', () => {
      for (const len of [1215, 32]) {
        const k = classifyTls(info([groups([0xfe31]), keyShares([[0xfe31, fill(len)]]), versions([0x0304])], [v13, serverKeyShare(0xfe31, 1120)]));
        expect(k, String(len)).toMatchObject({ negotiated: 'unknown', reason: 'inconsistent' });
      }
      const good = classifyTls(info([groups([0xfe31]), keyShares([[0xfe31, fill(1216, 0)]]), versions([0x0304])], [v13, serverKeyShare(0xfe31, 1120)]));
      expect(good).toMatchObject({ negotiated: 'hybrid', shareValidation: 'ok' });
    });
    it('an X25519Kyber768Draft00Old share of the right length that fails the FIPS 203 check', () => {
      const share = fill(1216, 0xff); // every coefficient 0xfff ≥ q: not a valid encapsulation key
      const k = classifyTls(info([groups([0xfe31]), keyShares([[0xfe31, share]])], [v13, serverKeyShare(0xfe31, 1120)]));
      expect(k).toMatchObject({ shareValidation: 'mlkem-key-invalid', negotiated: 'unknown' });
    });
    it('CECPQ2 shares of any other length than 32 + 1138 bytes', () => {
      const ok = classifyTls(info([groups([0x4138]), keyShares([[0x4138, fill(1170)]]), versions([0x0304])], [v13, serverKeyShare(0x4138, 1170)]));
      expect(ok).toMatchObject({ negotiated: 'hybrid', shareValidation: 'ok' });
      const tiny = classifyTls(info([groups([0x4138]), keyShares([[0x4138, fill(1)]])], [v13, serverKeyShare(0x4138, 1)]));
      expect(tiny).toMatchObject({ negotiated: 'unknown', shareValidation: 'length-mismatch' });
    });
    it('TLS 1.2 ServerKeyExchange naming a hybrid or ML-KEM group', () => {
      for (const curve of [0x11ec, 0x0201]) {
        const tls = info([groups([0x001d, curve])], [], 0xc02f);
        tls.serverKeyExchange = { kind: 'ecdhe', namedCurve: curve, dhPrimeBits: 0 };
        expect(classifyTls(tls)).toMatchObject({ version: 'TLS 1.2', negotiated: 'unknown', reason: 'inconsistent' });
      }
    });
  });
});
