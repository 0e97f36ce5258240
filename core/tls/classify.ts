/**
 * Pure key-exchange classification of one TLS handshake for HNDL exposure.
 * Rules: /work/shared/captures/public/GROUPS.md "Flow-level rules"; RFC 8446 §4.1.3–§4.2.8
 * (TLS 1.3 key_share, HelloRetryRequest, psk_ke / psk_dhe_ke), RFC 5246 §7.3–§7.4.3
 * (TLS 1.2 key exchange, abbreviated handshake), RFC 8701 (GREASE ignored).
 */
import type { ClientHello, KexClass, KeyShareEntry, ServerHello, TlsInfo } from './types.js';
import { groupClass, groupInfo, groupName, hex4, isGrease, strongerClass } from './groups.js';
import { EXT } from './hello.js';
import { hexOf } from '../util/bytes.js';
import { alertName, cipherSuiteName, isTls13Version, suiteKex, versionName } from './suites.js';

export type HandshakeState = 'negotiated' | 'resumed' | 'failed' | 'incomplete' | 'server_only' | 'none';
export type Resumption = 'tls13-psk_dhe_ke' | 'tls13-psk_ke' | 'tls12-abbreviated';

export interface TlsKexVerdict {
  /** strongest class among the first ClientHello's supported_groups and key_share groups */
  offered: KexClass;
  /** strongest class among the key_share groups only; null when the client sent no key share */
  offeredKeyShare: KexClass | null;
  negotiated: KexClass;
  /** negotiated group name; 'rsa' for RSA key transport, 'dhe-NNNN' for explicit-prime DHE */
  group: string | null;
  codepoint: number | null;
  /**
   * why negotiated is unknown: no-handshake, no-server-hello, handshake-failed, resumed,
   * decode-error, unknown-group, psk-only, inconsistent (the ServerHello contradicts the
   * ClientHello, see inconsistency()), no-client-hello (a hybrid or pq
   * group selected with no ClientHello to confirm the client offered it), ambiguous-stream (a
   * hybrid or pq choice read from a stream with conflicting copies of its bytes)
   */
  reason: string | null;
  /** 'key_share' | 'ECDHE' | 'DHE (explicit N-bit prime)' | 'RSA key transport' | 'static DH' | 'static ECDH' | 'resumed (key exchange not in this flow)' */
  mechanism: string | null;
  /** human-readable explanation for unknown results (wording of expected/*.json) */
  detail: string | null;
  handshake: HandshakeState;
  resumption: Resumption | null;
  version: string | null;
  helloRetryRequest: boolean;
  /** hybrid/pq shares: 'ok' | 'length-mismatch' | 'mlkem-key-invalid'; null when there were none */
  shareValidation: string | null;
  cipherSuite: string | null;
}

/** The verdict with the client's offer by name, for readers of one handshake (the golden and unit tests). */
export interface TlsClassification extends TlsKexVerdict {
  tls13Offered: boolean;
  hrrGroup: string | null;
  /** non-GREASE names, client order */
  offeredGroups: string[];
  keyShareGroups: string[];
}

export interface ClassifyHints {
  /** the classification inherited from the linked original full handshake (see resumptionKeys) */
  resumedFrom?: { negotiated: KexClass; group: string | null; codepoint?: number | null } | null;
  /**
   * the stream that carried the handshake had two different copies of the same bytes (named by
   * the flow issue, e.g. tcp.overlap_mismatch): which copy an endpoint read depends on its stack
   * (Ptacek & Newsham 1998, §3.3), so no hybrid or pq claim is made from the copy decoded here
   */
  ambiguousStream?: string | null;
}

const RESUMED_MECH = 'resumed (key exchange not in this flow)';

/** share length / ML-KEM verdict for one client share: null = not a checked hybrid/pq share */
function clientShareVerdict(e: KeyShareEntry): 'ok' | 'length-mismatch' | 'mlkem-key-invalid' | null {
  const g = groupInfo(e.group);
  if (g === undefined || g.class === 'classical' || g.clientShareLen === undefined) return null;
  // a colliding private-use codepoint (requireLength) of another length is some other group: not checked
  if (e.length !== g.clientShareLen) return g.requireLength === true ? null : 'length-mismatch';
  if (e.mlkemKeyValid === false) return 'mlkem-key-invalid';
  return 'ok';
}

function worse(a: string | null, b: string | null): string | null {
  const rank = (x: string | null): number => (x === null ? 0 : x === 'ok' ? 1 : x === 'mlkem-key-invalid' ? 2 : 3);
  return rank(b) > rank(a) ? b : a;
}

/** groups whose client share failed validation (null: none, the usual case) */
type BadGroups = Set<number> | null;

function offeredClasses(ch: ClientHello, bad: BadGroups): { offered: KexClass; keyShare: KexClass | null } {
  let offered: KexClass = 'unknown';
  let keyShare: KexClass | null = null;
  let sawGroup = false;
  for (const g of ch.supportedGroups) {
    if (isGrease(g)) continue;
    sawGroup = true;
    if (bad === null || !bad.has(g)) offered = strongerClass(offered, groupClass(g));
  }
  for (const e of ch.keyShares) {
    if (isGrease(e.group)) continue;
    sawGroup = true;
    const cls = bad !== null && bad.has(e.group) ? 'unknown' : groupClass(e.group, e.length);
    offered = strongerClass(offered, cls);
    keyShare = strongerClass(keyShare ?? 'unknown', cls);
  }
  // GROUPS.md: a ClientHello without supported_groups (TLS ≤ 1.2 RSA/DHE-only client) is classical
  if (!sawGroup) offered = 'classical';
  return { offered, keyShare };
}

/** share validation over the client shares of one ClientHello, into `out`; returns the bad groups */
function validateShares(ch: ClientHello | null, out: TlsKexVerdict, bad: BadGroups): BadGroups {
  if (ch === null) return bad;
  for (const e of ch.keyShares) {
    const v = clientShareVerdict(e);
    if (v === null) continue;
    if (v !== 'ok') (bad ??= new Set<number>()).add(e.group);
    out.shareValidation = worse(out.shareValidation, v);
  }
  return bad;
}

/**
 * The handshake's classification with the client's offer by name: classifyTlsKex plus
 * offeredGroups / keyShareGroups (non-GREASE names, client order), tls13Offered and hrrGroup.
 */
export function classifyTls(tls: TlsInfo | null, hints?: ClassifyHints): TlsClassification {
  const v = classifyTlsKex(tls, hints);
  const ch = tls?.clientHello ?? null;
  const hrr = tls?.helloRetryRequest ?? null;
  return {
    ...v,
    tls13Offered: ch !== null && ch.supportedVersions.includes(0x0304),
    hrrGroup: hrr !== null && hrr.keyShareGroup >= 0 ? groupName(hrr.keyShareGroup) : null,
    offeredGroups: ch !== null ? ch.supportedGroups.filter((g) => !isGrease(g)).map(groupName) : [],
    keyShareGroups: ch !== null ? ch.keyShares.filter((e) => !isGrease(e.group)).map((e) => groupName(e.group)) : [],
  };
}

/**
 * Key-exchange verdict of one handshake: what the client offered, what was negotiated, why
 * unknown. Pure; builds no per-group name lists (the scan calls it once per TLS flow).
 */
export function classifyTlsKex(tls: TlsInfo | null, hints?: ClassifyHints): TlsKexVerdict {
  const out = classifyHandshake(tls, hints);
  const why = hints?.ambiguousStream;
  if (why !== undefined && why !== null) unclaim(out, why);
  return out;
}

const isPqClass = (c: KexClass | null): boolean => c === 'hybrid' || c === 'pq';

/** an ambiguous stream: hybrid and pq claims become unknown (classical ones stand: the cautious side) */
function unclaim(out: TlsKexVerdict, why: string): void {
  if (isPqClass(out.offered)) out.offered = 'unknown';
  if (isPqClass(out.offeredKeyShare)) out.offeredKeyShare = 'unknown';
  if (isPqClass(out.negotiated)) {
    out.negotiated = 'unknown';
    out.reason = 'ambiguous-stream';
    out.detail = `the handshake arrived in two different copies of the same bytes (${why}): which one the endpoints read is unknown, so the choice of ${out.group ?? 'a post-quantum group'} is not counted`;
  }
}

function classifyHandshake(tls: TlsInfo | null, hints: ClassifyHints | undefined): TlsKexVerdict {
  const out: TlsKexVerdict = {
    offered: 'unknown',
    offeredKeyShare: null,
    negotiated: 'unknown',
    group: null,
    codepoint: null,
    reason: 'no-handshake',
    mechanism: null,
    detail: 'no TLS handshake in capture',
    handshake: 'none',
    resumption: null,
    version: null,
    helloRetryRequest: false,
    shareValidation: null,
    cipherSuite: null,
  };
  if (tls === null) return out;
  const ch = tls.clientHello;
  const sh = tls.serverHello;
  const hrr = tls.helloRetryRequest;

  // share validation over every client share (both ClientHellos)
  const bad = validateShares(tls.clientHello2, out, validateShares(ch, out, null));
  if (ch !== null) {
    const o = offeredClasses(ch, bad);
    out.offered = o.offered;
    out.offeredKeyShare = o.keyShare;
  }
  if (hrr !== null) out.helloRetryRequest = true;

  if (sh === null) {
    out.reason = null;
    if (ch === null && hrr === null) {
      out.reason = tls.errors.length > 0 ? 'decode-error' : 'no-handshake';
      out.detail = tls.errors.length > 0 ? `decode error: ${tls.errors[0] ?? ''}` : 'no TLS handshake in capture';
      out.handshake = 'none';
    } else if (tls.alert !== -1) {
      out.reason = 'handshake-failed';
      out.detail = `no ServerHello; alert ${alertName(tls.alert)}`;
      out.handshake = 'failed';
    } else if (tls.errors.length > 0) {
      out.reason = 'decode-error';
      out.detail = `decode error: ${tls.errors[0] ?? ''}`;
      out.handshake = 'incomplete';
    } else {
      out.reason = 'no-server-hello';
      out.detail = 'no ServerHello in capture';
      out.handshake = 'incomplete';
    }
    return out;
  }

  out.handshake = ch === null ? 'server_only' : 'negotiated';
  out.reason = null;
  out.detail = null;
  if (sh.sslv2 === true) {
    // SSL 2.0: every cipher kind uses RSA key transport (SSL 2.0 spec §2.5)
    out.version = versionName(0x0002);
    return setRsa(out);
  }
  const ver = sh.selectedVersion !== 0 ? sh.selectedVersion : sh.legacyVersion;
  out.version = versionName(ver);
  out.cipherSuite = cipherSuiteName(sh.cipherSuite);

  if (isTls13Version(ver)) {
    if (sh.keyShareGroup >= 0) {
      out.mechanism = 'key_share';
      out.codepoint = sh.keyShareGroup;
      out.group = groupName(sh.keyShareGroup);
      if (sh.pskSelected) out.resumption = 'tls13-psk_dhe_ke';
      const g = groupInfo(sh.keyShareGroup);
      const cls = groupClass(sh.keyShareGroup, sh.keyShareLength);
      const why = inconsistency(tls, sh, ver);
      if (g !== undefined && g.class !== 'classical' && g.serverShareLen !== undefined && sh.keyShareLength !== g.serverShareLen) {
        out.shareValidation = 'length-mismatch';
        out.negotiated = 'unknown';
        out.reason = 'unknown-group';
        out.detail = `server share of ${sh.keyShareLength} bytes does not match ${g.name} (${g.serverShareLen})`;
      } else if (bad !== null && bad.has(sh.keyShareGroup)) {
        out.negotiated = 'unknown';
        out.reason = 'unknown-group';
        out.detail = `client share for ${g?.name ?? out.group} failed validation (${out.shareValidation ?? ''})`;
      } else if (sh.warnings?.includes('tls.duplicate_extension') === true || sh.warnings?.includes('tls.ext_key_share_malformed') === true) {
        out.negotiated = 'unknown';
        out.reason = 'decode-error';
        out.detail = `ServerHello key_share not read unambiguously (${sh.warnings.join(', ')})`;
      } else if (finalClientHello(tls)?.warnings?.includes('tls.duplicate_extension') === true) {
        // RFC 8446 §4.2: one extension of a type per message; which key_share a server read is unknown
        out.negotiated = 'unknown';
        out.reason = 'decode-error';
        out.detail = 'the ClientHello repeats an extension (tls.duplicate_extension)';
      } else if (why !== null) {
        out.negotiated = 'unknown';
        out.reason = 'inconsistent';
        out.detail = why;
      } else if ((cls === 'hybrid' || cls === 'pq') && finalClientHello(tls) === null) {
        out.negotiated = 'unknown';
        out.reason = 'no-client-hello';
        out.detail = `the ServerHello selected ${out.group}, but no ClientHello was decoded to confirm the client offered it${tls.errors.length > 0 ? ` (${tls.errors[0] ?? ''})` : ''}`;
      } else {
        out.negotiated = cls;
        if (cls === 'unknown') {
          out.reason = 'unknown-group';
          out.detail = `group ${out.group} is not in the codepoint table`;
        }
      }
      return out;
    }
    if (sh.pskSelected) {
      out.resumption = 'tls13-psk_ke';
      return setResumed(out, hints);
    }
    out.reason = 'decode-error';
    out.detail = 'TLS 1.3 ServerHello without key_share or pre_shared_key';
    return out;
  }

  // TLS ≤ 1.2
  const abbreviated =
    tls.abbreviated === true ||
    (tls.serverKeyExchange === null &&
      tls.certificate === null &&
      tls.serverHelloDone !== true &&
      ch !== null &&
      ch.sessionId.length > 0 &&
      sameBytes(ch.sessionId, sh.sessionId));
  if (abbreviated) {
    out.resumption = 'tls12-abbreviated';
    return setResumed(out, hints);
  }
  const kex = suiteKex(sh.cipherSuite);
  const ske = tls.serverKeyExchange;
  if (kex === 'rsa') return setRsa(out);
  if (kex === 'ecdhe' || (kex === 'unknown' && ske !== null && ske.kind === 'ecdhe')) {
    out.mechanism = 'ECDHE';
    if (ske !== null && ske.namedCurve >= 0) {
      out.codepoint = ske.namedCurve;
      out.group = groupName(ske.namedCurve);
      out.negotiated = groupClass(ske.namedCurve);
      if (out.negotiated === 'hybrid' || out.negotiated === 'pq') {
        // hybrid and ML-KEM groups are defined for TLS 1.3 key_share only (draft-ietf-tls-ecdhe-mlkem §3)
        out.negotiated = 'unknown';
        out.reason = 'inconsistent';
        out.detail = `a TLS ≤ 1.2 ServerKeyExchange names ${out.group}, which is defined for TLS 1.3 only`;
      } else if (out.negotiated === 'unknown') {
        out.reason = 'unknown-group';
        out.detail = `curve ${out.group} is not in the codepoint table`;
      }
    } else {
      // TLS 1.2 ECDHE curves are all classical (no PQ group is defined for TLS ≤ 1.2)
      out.negotiated = 'classical';
      out.detail = 'ServerKeyExchange not in capture';
    }
    return out;
  }
  if (kex === 'dhe' || (kex === 'unknown' && ske !== null && ske.kind === 'dhe')) {
    out.negotiated = 'classical';
    if (ske !== null && ske.dhPrimeBits > 0) {
      out.mechanism = `DHE (explicit ${ske.dhPrimeBits}-bit prime)`;
      out.group = `dhe-${ske.dhPrimeBits}`;
    } else {
      out.mechanism = 'DHE';
      out.detail = 'ServerKeyExchange not in capture';
    }
    return out;
  }
  if (kex === 'dh' || kex === 'ecdh') {
    out.negotiated = 'classical';
    out.mechanism = kex === 'dh' ? 'static DH' : 'static ECDH';
    return out;
  }
  if (kex === 'psk') {
    out.reason = 'psk-only';
    out.mechanism = 'PSK';
    out.detail = 'pre-shared key only: no public-key exchange in this flow';
    return out;
  }
  out.reason = 'decode-error';
  out.detail = `cipher suite ${out.cipherSuite} has no known key exchange`;
  return out;
}

/** the ClientHello a TLS 1.3 ServerHello answers: the second one after a HelloRetryRequest */
function finalClientHello(tls: TlsInfo): ClientHello | null {
  return tls.helloRetryRequest !== null ? tls.clientHello2 : tls.clientHello;
}

/**
 * Why a TLS 1.3 ServerHello contradicts the ClientHello it answers (the second one after a
 * HelloRetryRequest), or null. A client aborts such a handshake: no key is agreed.
 * - RFC 8446 §4.2.8: the selected group is one the client sent exactly one key share for, and
 *   after a HelloRetryRequest the one it asked for; key_share is extension 51 (40 only in drafts
 *   before -23, draft-ietf-tls-tls13-22 §4.2.8);
 * - §4.2.1: TLS 1.3 is negotiated in supported_versions only, and the selected version is one the
 *   client offered there (absent, empty or unreadable is no offer);
 * - §4.1.3: the cipher suite is one the client offered, and a TLS 1.3 suite for TLS 1.3;
 * - §4.3: TLS 1.3 has no ServerKeyExchange;
 * - a private-use codepoint counts only with its group's share length (groups.ts requireLength).
 */
function inconsistency(tls: TlsInfo, sh: ServerHello, version: number): string | null {
  const group = sh.keyShareGroup;
  const hrr = tls.helloRetryRequest;
  if (hrr !== null && hrr.keyShareGroup >= 0 && hrr.keyShareGroup !== group) {
    return `the ServerHello selected ${groupName(group)} after a HelloRetryRequest for ${groupName(hrr.keyShareGroup)}`;
  }
  if (version === 0x0304 && sh.selectedVersion === 0) return 'TLS 1.3 selected in legacy_version, not in supported_versions';
  if (version === 0x0304 && !sh.extensionTypes.includes(EXT.keyShare)) return 'a TLS 1.3 ServerHello key share under the draft extension number 40';
  if (version === 0x0304 && suiteKex(sh.cipherSuite) !== 'tls13') return `a TLS 1.3 ServerHello with the TLS ≤ 1.2 suite ${cipherSuiteName(sh.cipherSuite)}`;
  if (tls.serverKeyExchange !== null) return 'a ServerKeyExchange (TLS ≤ 1.2 only) after a TLS 1.3 ServerHello';
  const ch = finalClientHello(tls);
  if (ch === null) return null;
  let share: KeyShareEntry | undefined;
  let shares = 0;
  for (const e of ch.keyShares) {
    if (e.group !== group) continue;
    share = e;
    shares++;
  }
  if (share === undefined) {
    return `the ServerHello selected ${groupName(group)}, for which the ClientHello sent no key share`;
  }
  if (shares > 1) return `the ClientHello sent ${shares} key shares for ${groupName(group)}`;
  if (!ch.supportedGroups.includes(group)) return `the ClientHello's key share for ${groupName(group)} is not in its supported_groups`;
  if (version === 0x0304 && !ch.extensionTypes.includes(EXT.keyShare)) return 'a TLS 1.3 ClientHello key share under the draft extension number 40';
  if (!ch.supportedVersions.includes(version)) {
    return `the ServerHello selected ${versionName(version)}, which the ClientHello did not offer`;
  }
  if (!ch.cipherSuites.includes(sh.cipherSuite)) {
    return `the ServerHello selected ${cipherSuiteName(sh.cipherSuite)}, which the ClientHello did not offer`;
  }
  const g = groupInfo(group);
  if (g?.requireLength === true && share.length !== g.clientShareLen) {
    return `the ClientHello's ${share.length}-byte share for codepoint ${hex4(group)} is not a ${g.name} share (${g.clientShareLen ?? 0} bytes)`;
  }
  return null;
}

function setRsa(out: TlsKexVerdict): TlsKexVerdict {
  out.negotiated = 'classical';
  out.group = 'rsa';
  out.mechanism = 'RSA key transport';
  return out;
}

function setResumed(out: TlsKexVerdict, hints: ClassifyHints | undefined): TlsKexVerdict {
  out.handshake = 'resumed';
  out.mechanism = RESUMED_MECH;
  out.reason = 'resumed';
  const from = hints?.resumedFrom;
  if (from !== undefined && from !== null) {
    out.negotiated = from.negotiated;
    out.group = from.group;
    out.codepoint = from.codepoint ?? null;
    out.detail = 'resumed session: class inherited from the original handshake';
  } else {
    out.negotiated = 'unknown';
    out.detail = 'resumed session: key exchange happened in an earlier connection';
  }
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Keys for linking TLS ≤ 1.2 resumptions (RFC 5246 §7.4.1.2 session IDs, RFC 5077 tickets):
 * `offers` = what this flow tries to resume with; `provides` = what a later flow could resume.
 * TLS 1.3 tickets travel encrypted and cannot be linked passively.
 */
export function resumptionKeys(tls: TlsInfo | null): { offers: string[]; provides: string[] } {
  const offers: string[] = [];
  const provides: string[] = [];
  if (tls === null) return { offers, provides };
  const ch = tls.clientHello;
  const sh = tls.serverHello;
  if (ch !== null) {
    if (ch.sessionId.length > 0) offers.push('sid:' + hexOf(ch.sessionId));
    if (ch.sessionTicketKey !== undefined && ch.sessionTicketKey !== null) offers.push('tkt:' + ch.sessionTicketKey);
  }
  const tls13 = sh !== null && isTls13Version(sh.selectedVersion !== 0 ? sh.selectedVersion : sh.legacyVersion);
  if (sh !== null && !tls13 && sh.sslv2 !== true) {
    if (sh.sessionId.length > 0) provides.push('sid:' + hexOf(sh.sessionId));
    if (tls.issuedTicketKey !== undefined && tls.issuedTicketKey !== null) provides.push('tkt:' + tls.issuedTicketKey);
  }
  return { offers, provides };
}
