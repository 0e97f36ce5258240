/**
 * Engine flow → report flow, and the scan summary. Classification itself lives with each
 * protocol (tls/classify.ts, ssh/kex.ts) as pure functions; this file only routes and shapes.
 */
import type { Flow } from '../flow/types.js';
import type { KexClass } from '../tls/types.js';
import { classifyTls, resumptionKeys } from '../tls/classify.js';
import { sessionKeyDigest } from './resume.js';
import type { ClassifyHints } from '../tls/classify.js';
import { ja4 } from '../tls/ja4.js';
import { isGrease } from '../tls/groups.js';
import { versionName } from '../tls/suites.js';
import { classifySsh } from '../ssh/kex.js';
import type { SshInfo } from '../ssh/types.js';
import { toMcpReport } from '../mcp/report.js';
import type { McpFlowInfo } from '../mcp/types.js';
import type { HttpFlowInfo } from '../http/types.js';
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

function internNumbers(xs: number[]): number[] {
  if (xs.length === 0) return EMPTY_NUMBERS;
  // FNV-1a over the items (16-bit codepoints mostly): no key string per list
  let h = 0x811c9dc5 ^ xs.length;
  for (const x of xs) h = Math.imul(h ^ (x | 0), 0x01000193);
  const bucket = NUMBER_BUCKETS.get(h);
  if (bucket !== undefined) {
    for (const l of bucket) if (sameNumbers(l, xs)) return l;
  }
  if (numberListCount >= INTERN_MAX) return xs;
  numberListCount++;
  if (bucket === undefined) NUMBER_BUCKETS.set(h, [xs]);
  else bucket.push(xs);
  return xs;
}

function internStrings(xs: string[]): string[] {
  const key = xs.join('\u0000');
  const hit = STRING_LISTS.get(key);
  if (hit !== undefined) return hit;
  if (STRING_LISTS.size < INTERN_MAX) STRING_LISTS.set(key, xs);
  return xs;
}

function tlsReport(flow: Flow, shareValidation: string | null): TlsReport | null {
  const t = flow.tls;
  if (!t) return null;
  const ch = t.clientHello;
  const sh = t.serverHello;
  const version = sh ? versionName(sh.selectedVersion || sh.legacyVersion) : null;
  const noGrease = (xs: number[]): number[] => internNumbers(xs.some(isGrease) ? xs.filter((x) => !isGrease(x)) : xs);
  return {
    version,
    sni: ch?.sni ?? null,
    offeredGroups: ch ? noGrease(ch.supportedGroups) : EMPTY_NUMBERS,
    keyShareGroups: ch ? noGrease(ch.keyShares.map((k) => k.group)) : EMPTY_NUMBERS,
    selectedGroup:
      sh && sh.keyShareGroup >= 0 ? sh.keyShareGroup : t.serverKeyExchange && t.serverKeyExchange.namedCurve >= 0 ? t.serverKeyExchange.namedCurve : null,
    helloRetryRequest: t.helloRetryRequest !== null,
    cipherSuite: sh ? sh.cipherSuite : null,
    alpn: internStrings(ch?.alpn ?? []),
    ja4: ch ? ja4(ch, flow.app === 'quic' ? 'quic' : 'tcp') : null,
    signatureAlgorithms: internNumbers(ch?.signatureAlgorithms ?? []),
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

function kexFor(flow: Flow, hints?: ClassifyHints): { kex: KexReport; shareValidation: string | null } {
  if (flow.tls) {
    const c = classifyTls(flow.tls, hints);
    return {
      kex: { offered: c.offered, negotiated: c.negotiated, group: c.group, reason: c.reason, mechanism: c.mechanism },
      shareValidation: c.shareValidation,
    };
  }
  const ssh = flow.ext['ssh'] as SshInfo | undefined;
  if (ssh) {
    const c = classifySsh(ssh);
    return { kex: { offered: c.offered, negotiated: c.negotiated, group: c.group, reason: c.reason, mechanism: 'ssh-kexinit' }, shareValidation: null };
  }
  if (PLAINTEXT_APPS.has(flow.app)) {
    return { kex: { offered: 'plaintext', negotiated: 'plaintext', group: null, reason: null, mechanism: 'none' }, shareValidation: null };
  }
  const payload = flow.bytes[0] + flow.bytes[1];
  const reason = payload === 0 ? 'no-payload' : flow.issues.includes('tcp.midstream') ? 'no-handshake-in-capture' : 'unrecognised-protocol';
  return { kex: { offered: 'unknown', negotiated: 'unknown', group: null, reason, mechanism: null }, shareValidation: null };
}

export function flowToReport(flow: Flow, hints?: ClassifyHints): FlowReport {
  const { kex, shareValidation } = kexFor(flow, hints);
  const tls = tlsReport(flow, shareValidation);
  // only what linking needs: offers of resumed flows, provides of TLS ≤ 1.2 full handshakes
  // (TLS 1.3 tickets are encrypted, so a TLS 1.3 flow never provides a key)
  const linkable = kex.reason === 'resumed' || (kex.negotiated !== 'unknown' && !(tls?.version ?? '').startsWith('TLS 1.3'));
  if (tls && flow.tls && linkable) {
    const keys = resumptionKeys(flow.tls);
    if (kex.reason === 'resumed' && keys.offers.length > 0) tls.sessionKeys = { offers: keys.offers.map(sessionKeyDigest) };
    else if (kex.negotiated !== 'unknown' && keys.provides.length > 0) tls.sessionKeys = { provides: keys.provides.map(sessionKeyDigest) };
  }
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
    issues: [...flow.issues],
  };
  if (flow.vlan) r.vlan = flow.vlan;
  if (flow.tunnelId >= 0) r.tunnelId = flow.tunnelId;
  const ssh = flow.ext['ssh'] as SshInfo | undefined;
  if (ssh) r['ssh'] = ssh;
  if (flow.ext['socks']) r['socks'] = flow.ext['socks'];
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
  const byNegotiated: Record<string, number> = {};
  const byOffered: Record<string, number> = {};
  const bytesByNegotiated: Record<string, number> = {};
  let bytes = 0;
  let ready = 0;
  for (const f of flows) {
    const b = f.bytes.clientToServer + f.bytes.serverToClient;
    bytes += b;
    const n: KexClass = f.kex.negotiated;
    byNegotiated[n] = (byNegotiated[n] ?? 0) + 1;
    byOffered[f.kex.offered] = (byOffered[f.kex.offered] ?? 0) + 1;
    bytesByNegotiated[n] = (bytesByNegotiated[n] ?? 0) + b;
    if ((f.kex.offered === 'hybrid' || f.kex.offered === 'pq') && n === 'classical') ready++;
  }
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
