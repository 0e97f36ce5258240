/**
 * Engine flow → report flow, and the scan summary. Classification itself lives with each
 * protocol (tls/classify.ts, ssh/kex.ts) as pure functions; this file only routes and shapes.
 */
import type { Flow } from '../flow/types.js';
import type { KexClass, KeyShareEntry, TlsInfo } from '../tls/types.js';
import { KEX_CLASSES, KEX_INDEX, kexIndex } from '../tls/types.js';
import { classifyTlsKex, resumptionKeys } from '../tls/classify.js';
import type { ClassifyHints } from '../tls/classify.js';
import { sessionKeyDigest } from './resume.js';
import { ambiguousIssue } from './ambiguity.js';
import { ja4 } from '../tls/ja4.js';
import { isGrease } from '../tls/groups.js';
import { versionName } from '../tls/suites.js';
import { classifySsh } from '../ssh/kex.js';
import type { SshInfo } from '../ssh/types.js';
import { toMcpReport } from '../mcp/report.js';
import type { McpFlowInfo } from '../mcp/types.js';
import type { HttpFlowInfo } from '../http/types.js';
import type { StartTlsInfo } from '../app/starttls.js';
import { microsToIso } from '../util/time.js';
import type { FlowReport, KexReport, ScanReport, TlsReport } from './model.js';

const PLAINTEXT_APPS = new Set(['http', 'mcp', 'dns']);


/*
 * Clients repeat the same hello: the group, ALPN and signature lists of the reports are shared
 * between flows instead of copied per flow (reports are read-only once built; tables capped).
 */
const INTERN_MAX = 16_384;
const STRING_LISTS = new Map<string, string[]>();
const EMPTY_NUMBERS: number[] = [];

/** interned number lists by a hash of their items; each bucket holds lists with that hash */
const NUMBER_BUCKETS = new Map<number, number[][]>();
let numberListCount = 0;

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** a list's items without GREASE values equal `l` */
function sameNonGrease(l: readonly number[], xs: readonly number[]): boolean {
  let j = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] ?? 0;
    if (isGrease(x)) continue;
    if (j >= l.length || l[j] !== x) return false;
    j++;
  }
  return j === l.length;
}

function sameShareGroups(l: readonly number[], shares: readonly KeyShareEntry[]): boolean {
  let j = 0;
  for (let i = 0; i < shares.length; i++) {
    const g = shares[i]?.group ?? 0;
    if (isGrease(g)) continue;
    if (j >= l.length || l[j] !== g) return false;
    j++;
  }
  return j === l.length;
}

/** FNV-1a step over one item (16-bit codepoints mostly) */
function fnv(h: number, x: number): number {
  return Math.imul(h ^ (x | 0), 0x01000193);
}

const FNV_START = 0x811c9dc5;

/**
 * Lists kept per hash: FNV-1a is not keyed, and lists chosen to share a hash (a long common
 * prefix and a few chosen last items) made every lookup walk them all (an audit: 17.6 MB of such
 * ClientHellos took 54 s); past this many a list is used as it is, not interned.
 */
const BUCKET_MAX = 4;

/** the interned list in bucket `h` that `same` accepts, or the one `make` builds (interned while there is room) */
function internBy(h: number, same: (l: readonly number[]) => boolean, make: () => number[]): number[] {
  const bucket = NUMBER_BUCKETS.get(h);
  if (bucket !== undefined) {
    for (const l of bucket) if (same(l)) return l;
  }
  const xs = make();
  if (xs.length === 0) return EMPTY_NUMBERS;
  if (numberListCount >= INTERN_MAX) return xs;
  if (bucket === undefined) NUMBER_BUCKETS.set(h, [xs]);
  else if (bucket.length < BUCKET_MAX) bucket.push(xs);
  else return xs;
  numberListCount++;
  return xs;
}

/** `xs` as it is, shared with every equal list */
function internNumbers(xs: number[]): number[] {
  if (xs.length === 0) return EMPTY_NUMBERS;
  let h = FNV_START;
  for (let i = 0; i < xs.length; i++) h = fnv(h, xs[i] ?? 0);
  return internBy(h ^ xs.length, (l) => sameNumbers(l, xs), () => xs);
}

/** `xs` without GREASE values, shared with every equal list (no copy when one is interned) */
function internNoGrease(xs: readonly number[]): number[] {
  let h = FNV_START;
  let n = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] ?? 0;
    if (isGrease(x)) continue;
    h = fnv(h, x);
    n++;
  }
  if (n === 0) return EMPTY_NUMBERS;
  return internBy(h ^ n, (l) => sameNonGrease(l, xs), () => xs.filter((x) => !isGrease(x)));
}

/** the non-GREASE groups of the client's key shares, interned like internNoGrease */
function internShareGroups(shares: readonly KeyShareEntry[]): number[] {
  let h = FNV_START;
  let n = 0;
  for (let i = 0; i < shares.length; i++) {
    const g = shares[i]?.group ?? 0;
    if (isGrease(g)) continue;
    h = fnv(h, g);
    n++;
  }
  if (n === 0) return EMPTY_NUMBERS;
  return internBy(h ^ n, (l) => sameShareGroups(l, shares), () => shares.map((e) => e.group).filter((g) => !isGrease(g)));
}

function internStrings(xs: string[]): string[] {
  // the join of one item is the item itself: skip the builtin call for the usual one-ALPN list
  const key = xs.length === 1 ? (xs[0] ?? '') : xs.join('\u0000');
  const hit = STRING_LISTS.get(key);
  if (hit !== undefined) return hit;
  if (STRING_LISTS.size < INTERN_MAX) STRING_LISTS.set(key, xs);
  return xs;
}

function tlsReport(flow: Flow, t: TlsInfo, shareValidation: string | null): TlsReport {
  const ch = t.clientHello;
  const sh = t.serverHello;
  const version = sh ? versionName(sh.selectedVersion || sh.legacyVersion) : null;
  return {
    version,
    sni: ch?.sni ?? null,
    offeredGroups: ch ? internNoGrease(ch.supportedGroups) : EMPTY_NUMBERS,
    keyShareGroups: ch ? internShareGroups(ch.keyShares) : EMPTY_NUMBERS,
    selectedGroup:
      sh && sh.keyShareGroup >= 0 ? sh.keyShareGroup : t.serverKeyExchange && t.serverKeyExchange.namedCurve >= 0 ? t.serverKeyExchange.namedCurve : null,
    helloRetryRequest: t.helloRetryRequest !== null,
    cipherSuite: sh ? sh.cipherSuite : null,
    alpn: internStrings(ch?.alpn ?? []),
    ja4: ch ? ja4(ch, flow.app === 'quic' ? 'quic' : 'tcp') : null,
    signatureAlgorithms: ch ? internNumbers(ch.signatureAlgorithms) : EMPTY_NUMBERS,
    ech: ch?.ech ?? false,
    certificate: t.certificate
      ? {
          signatureAlgorithm: t.certificate.signatureAlgorithmOid,
          publicKeyAlgorithm: t.certificate.publicKeyAlgorithmOid,
          publicKeyBits: t.certificate.publicKeyBits,
        }
      : null,
    shareValidation,
  };
}

/** The TLS (or QUIC-carried TLS) part of a flow's report: its key exchange and handshake fields. */
export interface TlsPart {
  kex: KexReport;
  tls: TlsReport;
}

/** the classification hint for a flow whose stream was ambiguous, else undefined */
function ambiguityOf(flow: Flow): ClassifyHints | undefined {
  const hit = ambiguousIssue(flow.issues);
  return hit === null ? undefined : { ambiguousStream: hit };
}

/**
 * The report-level form of classify.ts's rule for ambiguous streams, for a TLS part taken before
 * the conflicting copy arrived: hybrid and pq claims become unknown (reason ambiguous-stream).
 * True when something changed.
 */
export function unclaimKex(kex: KexReport): boolean {
  let changed = false;
  if (kex.offered === 'hybrid' || kex.offered === 'pq') {
    kex.offered = 'unknown';
    changed = true;
  }
  if (kex.negotiated === 'hybrid' || kex.negotiated === 'pq') {
    kex.negotiated = 'unknown';
    kex.reason = 'ambiguous-stream';
    changed = true;
  }
  return changed;
}

/**
 * A finished report whose stream turned out ambiguous after it was built (a connection's report
 * is built when it closes; a conflicting copy can follow while it lingers): no hybrid or pq
 * claim, for TLS/QUIC and SSH alike. True when something changed.
 */
export function unclaimReport(r: FlowReport): boolean {
  const why = ambiguousIssue(r.issues);
  if (why === null) return false;
  if (r.tls !== null) return unclaimKex(r.kex);
  const ssh = r['ssh'] as SshInfo | undefined;
  if (ssh === undefined) return false;
  const negotiatedBefore = r.kex.negotiated;
  const changed = unclaimSshKex(r.kex, why);
  if (r.kex.negotiated !== negotiatedBefore) r['ssh'] = { ...ssh, negotiatedKex: null };
  return changed;
}

/** the SSH form of unclaimKex: the reason says why in words. True when something changed. */
function unclaimSshKex(k: KexReport, why: string): boolean {
  let changed = false;
  if (k.offered === 'hybrid' || k.offered === 'pq') {
    k.offered = 'unknown';
    changed = true;
  }
  if (k.negotiated === 'hybrid' || k.negotiated === 'pq') {
    k.negotiated = 'unknown';
    k.reason = sshAmbiguityReason(why, k.group);
    changed = true;
  }
  return changed;
}

function sshAmbiguityReason(why: string, group: string | null): string {
  return `the KEXINITs arrived in two different copies of the same bytes (${why}): which one the endpoints read is unknown, so ${group ?? 'the kex'} is not counted`;
}

/**
 * The TLS part of the report from the flow's handshake records (flow.tls), or null when the flow
 * has none. A pure function of flow.tls and flow.app: the scan calls it as soon as the analyzer
 * is done with the flow, so the hello records can be dropped long before the connection closes.
 */
export function tlsPartOf(flow: Flow): TlsPart | null {
  const t = flow.tls;
  if (!t) return null;
  const c = classifyTlsKex(t, ambiguityOf(flow));
  const kex: KexReport = { offered: c.offered, negotiated: c.negotiated, group: c.group, reason: c.reason, mechanism: c.mechanism };
  const tls = tlsReport(flow, t, c.shareValidation);
  // only what linking needs: offers of resumed flows, provides of TLS ≤ 1.2 full handshakes
  // (TLS 1.3 tickets are encrypted, so a TLS 1.3 flow never provides a key)
  const linkable = kex.reason === 'resumed' || (kex.negotiated !== 'unknown' && !(tls.version ?? '').startsWith('TLS 1.3'));
  if (linkable) {
    const keys = resumptionKeys(t);
    if (kex.reason === 'resumed' && keys.offers.length > 0) tls.sessionKeys = { offers: keys.offers.map(sessionKeyDigest) };
    else if (kex.negotiated !== 'unknown' && keys.provides.length > 0) tls.sessionKeys = { provides: keys.provides.map(sessionKeyDigest) };
  }
  return { kex, tls };
}

/** why a STARTTLS-capable session without a TLS handshake or plaintext verdict is unknown */
function startTlsReason(issues: readonly string[]): string {
  if (issues.includes('starttls.rdp_standard_security')) return 'rdp-standard-security';
  if (issues.includes('starttls.postgresql_gssenc')) return 'gssapi-encryption';
  if (issues.includes('starttls.sasl_auth')) return 'sasl-auth';
  return 'no-handshake-in-capture';
}

function kexFor(flow: Flow): KexReport {
  const ssh = flow.ext['ssh'] as SshInfo | undefined;
  if (ssh) {
    const c = classifySsh(ssh);
    const k: KexReport = { offered: c.offered, negotiated: c.negotiated, group: c.group, reason: c.reason, mechanism: 'ssh-kexinit' };
    // as for TLS: no hybrid or pq claim from KEXINITs read off a stream with conflicting copies
    const amb = ambiguityOf(flow)?.ambiguousStream;
    if (amb !== undefined && amb !== null) unclaimSshKex(k, amb);
    return k;
  }
  const starttls = flow.ext['starttls'] as StartTlsInfo | undefined;
  if (PLAINTEXT_APPS.has(flow.app) || starttls?.plaintext === true) {
    return { offered: 'plaintext', negotiated: 'plaintext', group: null, reason: null, mechanism: 'none' };
  }
  // a protocol that upgrades in-band whose TLS handshake (or plaintext session) is not in the
  // capture, or that chose a protection of its own that is not decoded here
  if (starttls !== undefined) return { offered: 'unknown', negotiated: 'unknown', group: null, reason: startTlsReason(flow.issues), mechanism: null };
  const payload = flow.bytes[0] + flow.bytes[1];
  const reason = payload === 0 ? 'no-payload' : flow.issues.includes('tcp.midstream') ? 'no-handshake-in-capture' : 'unrecognised-protocol';
  return { offered: 'unknown', negotiated: 'unknown', group: null, reason, mechanism: null };
}

/**
 * The report of an engine flow. `tlsPart` is the flow's TLS part when it was taken early
 * (tlsPartOf at analyzer done, after which flow.tls was dropped); otherwise it comes from flow.tls.
 */
export function flowToReport(flow: Flow, tlsPart?: TlsPart | null): FlowReport {
  const part = tlsPart ?? tlsPartOf(flow);
  // a session whose client sent its content in the clear is plaintext whatever TLS-looking bytes
  // its server sent (they cannot protect what was already on the wire)
  const plainFirst = (flow.ext['starttls'] as StartTlsInfo | undefined)?.plaintext === true;
  const kex = part !== null && !plainFirst ? part.kex : kexFor(flow);
  // a TLS part taken when the analyzer was done may predate the conflicting copy
  if (part !== null && !plainFirst && ambiguousIssue(flow.issues) !== null) unclaimKex(kex);
  const tls = part !== null ? part.tls : null;
  const mcpInfo = flow.ext['mcp'] as McpFlowInfo | undefined;
  const r: FlowReport = {
    id: flow.id,
    transport: flow.transport,
    client: { ip: flow.clientIp, port: flow.clientPort },
    server: { ip: flow.serverIp, port: flow.serverPort },
    app: flow.app,
    firstSeen: microsToIso(flow.firstTsMicros),
    lastSeen: microsToIso(flow.lastTsMicros),
    packets: { clientToServer: flow.packets[0], serverToClient: flow.packets[1] },
    bytes: { clientToServer: flow.bytes[0], serverToClient: flow.bytes[1] },
    endReason: flow.endReason,
    tls,
    kex,
    mcp: mcpInfo ? { ...toMcpReport(mcpInfo), messages: mcpInfo.messages } : null,
    // the engine flow is done with: its issue list becomes the report's (no copy)
    issues: flow.issues,
  };
  if (flow.vlan) r.vlan = flow.vlan;
  if (flow.tunnelId >= 0) r.tunnelId = flow.tunnelId;
  const ssh = flow.ext['ssh'] as SshInfo | undefined;
  // the SSH part names no kex the classification does not count (an ambiguous stream's)
  if (ssh) r['ssh'] = kex.negotiated === 'unknown' && ssh.negotiatedKex !== null && ambiguityOf(flow) !== undefined ? { ...ssh, negotiatedKex: null } : ssh;
  if (flow.ext['socks']) r['socks'] = flow.ext['socks'];
  if (flow.ext['starttls']) r['starttls'] = flow.ext['starttls'];
  if (flow.ext['connect']) r['connect'] = flow.ext['connect'];
  const http = flow.ext['http'] as HttpFlowInfo | undefined;
  if (http) {
    // request lines without query values (HttpRequestSummary never keeps them)
    r['http'] = {
      requestCount: http.requestCount,
      responseCount: http.responseCount,
      statusCounts: http.statusCounts,
      requests: http.requests.slice(0, 16).map((q) => ({
        method: q.method,
        path: q.path,
        host: q.host,
        contentType: q.contentType,
        status: q.status,
        authScheme: q.authScheme,
      })),
    };
  }
  if (flow.ext['quic']) r['quic'] = flow.ext['quic'];
  return r;
}

export function summarize(
  flows: FlowReport[],
  extra: { packets: number; weirds: Record<string, number>; flowsEvicted: number },
): ScanReport['summary'] {
  // counts per class index; the objects get their keys in order of first appearance, as before
  const neg = [0, 0, 0, 0, 0];
  const off = [0, 0, 0, 0, 0];
  const negBytes = [0, 0, 0, 0, 0];
  const negOrder: number[] = [];
  const offOrder: number[] = [];
  let bytes = 0;
  let ready = 0;
  for (const f of flows) {
    const b = f.bytes.clientToServer + f.bytes.serverToClient;
    bytes += b;
    const n = kexIndex(f.kex.negotiated);
    const o = kexIndex(f.kex.offered);
    if (neg[n] === 0) negOrder.push(n);
    if (off[o] === 0) offOrder.push(o);
    neg[n] = (neg[n] ?? 0) + 1;
    off[o] = (off[o] ?? 0) + 1;
    negBytes[n] = (negBytes[n] ?? 0) + b;
    if ((o === KEX_INDEX.hybrid || o === KEX_INDEX.pq) && n === KEX_INDEX.classical) ready++;
  }
  const byNegotiated: Record<string, number> = {};
  const bytesByNegotiated: Record<string, number> = {};
  for (const i of negOrder) {
    const k = KEX_CLASSES[i] as KexClass;
    byNegotiated[k] = neg[i] ?? 0;
    bytesByNegotiated[k] = negBytes[i] ?? 0;
  }
  const byOffered: Record<string, number> = {};
  for (const i of offOrder) byOffered[KEX_CLASSES[i] as KexClass] = off[i] ?? 0;
  return {
    flows: flows.length,
    packets: extra.packets,
    bytes,
    byNegotiated,
    byOffered,
    bytesByNegotiated,
    offeredHybridNegotiatedClassical: ready,
    weirds: extra.weirds,
    flowsEvicted: extra.flowsEvicted,
  };
}
