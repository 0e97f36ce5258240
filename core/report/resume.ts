/**
 * TLS resumption linking over reports (RFC 5246 §7.4.1.2 session IDs, RFC 5077 tickets): a
 * TLS ≤ 1.2 abbreviated handshake (or TLS 1.3 psk_ke resumption) has no key exchange of its own
 * and inherits the one of the full handshake that issued its session. Keys are sha-256 digests of
 * the session id / ticket (tls.sessionKeys), never the values. Pure over FlowReport[], so the
 * serial scan and the merge of parallel scans link the same way.
 */
import { hash } from 'node:crypto';
import type { FlowReport } from './model.js';
import { ambiguousIssue } from './ambiguity.js';

/** remembered sessions at most (the table is per scan) */
export const MAX_SESSIONS = 200_000;

/** digest of a session key ('sid:…' / 'tkt:…'), 16 hex digits */
export function sessionKeyDigest(k: string): string {
  return hash('sha256', k, 'hex').slice(0, 16);
}

export interface SessionKeys {
  offers?: string[];
  provides?: string[];
}

/** Link resumed flows to their origin; returns the flows whose kex changed. */
export function linkResumptions(flows: FlowReport[]): FlowReport[] {
  const origin = new Map<string, FlowReport>();
  // one pass over all flows (each costs cache misses): origins by key, and the resumed flows,
  // which are linked once every origin is known
  const resumed: FlowReport[] = [];
  for (const f of flows) {
    const keys = f.tls?.sessionKeys as SessionKeys | undefined;
    if (!keys || f.kex.resumedFromFlow !== undefined) continue;
    // a flow whose stream was ambiguous neither inherits a class nor passes one on: which
    // session it offered or issued is as uncertain as the rest of its handshake
    if (ambiguousIssue(f.issues) !== null) continue;
    if (f.kex.reason === 'resumed' && keys.offers) resumed.push(f);
    if (!keys.provides || f.kex.negotiated === 'unknown') continue;
    for (const k of keys.provides) {
      if (origin.size >= MAX_SESSIONS) break;
      if (!origin.has(k)) origin.set(k, f);
    }
  }
  const changed: FlowReport[] = [];
  for (const f of resumed) {
    const keys = f.tls?.sessionKeys as SessionKeys;
    if (!keys.offers) continue;
    const o = keys.offers.map((k) => origin.get(k)).find((x) => x !== undefined && x !== f);
    if (!o) continue;
    f.kex.negotiated = o.kex.negotiated;
    f.kex.group = o.kex.group;
    f.kex.resumedFromFlow = o.id;
    if (f.tls && o.tls) f.tls.selectedGroup = o.tls.selectedGroup;
    changed.push(f);
  }
  return changed;
}
