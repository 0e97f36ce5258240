/**
 * SSH key-exchange algorithm classification and negotiation (pure functions).
 * Negotiation: RFC 4253 §7.1 — the chosen algorithm is the first on the client's list that the
 * server also supports. Every table row cites the document that defines the algorithm name.
 */
import type { KexClass } from '../tls/types.js';
import type { SshInfo } from './types.js';

export interface SshKexRow {
  /** exact name, or a prefix when `prefix` is true */
  name: string;
  prefix: boolean;
  kexClass: KexClass;
  source: string;
}

/** Checked in order; the first matching row wins. */
export const SSH_KEX_TABLE: readonly SshKexRow[] = [
  // hybrid post-quantum
  { name: 'mlkem768x25519-sha256', prefix: false, kexClass: 'hybrid', source: 'draft-ietf-sshm-mlkem-hybrid-kex (ML-KEM-768 + X25519; OpenSSH 10 default)' },
  { name: 'mlkem768nistp256-sha256', prefix: false, kexClass: 'hybrid', source: 'draft-ietf-sshm-mlkem-hybrid-kex (ML-KEM-768 + ECDH P-256)' },
  { name: 'mlkem1024nistp384-sha384', prefix: false, kexClass: 'hybrid', source: 'draft-ietf-sshm-mlkem-hybrid-kex (ML-KEM-1024 + ECDH P-384)' },
  { name: 'sntrup761x25519-sha512', prefix: false, kexClass: 'hybrid', source: 'draft-ietf-sshm-ntruprime-ssh (Streamlined NTRU Prime 761 + X25519)' },
  { name: 'sntrup761x25519-sha512@openssh.com', prefix: false, kexClass: 'hybrid', source: 'OpenSSH 9.0 release notes (default kex; same method as draft-ietf-sshm-ntruprime-ssh)' },
  { name: 'sntrup4591761x25519-sha512@tinyssh.org', prefix: false, kexClass: 'hybrid', source: 'OpenSSH 8.0 release notes (experimental NTRU Prime 4591^761 + X25519, removed in 8.5)' },
  // classical
  { name: 'curve25519-sha256', prefix: false, kexClass: 'classical', source: 'RFC 8731 §3' },
  { name: 'curve25519-sha256@libssh.org', prefix: false, kexClass: 'classical', source: 'RFC 8731 §3 (pre-standard name)' },
  { name: 'curve448-sha512', prefix: false, kexClass: 'classical', source: 'RFC 8731 §3' },
  { name: 'ecdh-sha2-', prefix: true, kexClass: 'classical', source: 'RFC 5656 §6.3 (ecdh-sha2-nistp256/384/521 and curve OIDs)' },
  { name: 'diffie-hellman-group-exchange-', prefix: true, kexClass: 'classical', source: 'RFC 4419 §4' },
  { name: 'diffie-hellman-group', prefix: true, kexClass: 'classical', source: 'RFC 4253 §8.1-§8.2, RFC 8268 §3 (group1/14/15/16/17/18)' },
  { name: 'rsa1024-sha1', prefix: false, kexClass: 'classical', source: 'RFC 4432 §5 (RSA key transport)' },
  { name: 'rsa2048-sha256', prefix: false, kexClass: 'classical', source: 'RFC 4432 §6 (RSA key transport)' },
  { name: 'gss-group', prefix: true, kexClass: 'classical', source: 'RFC 4462 §2.5, RFC 8732 §4 (GSS-API keyed finite-field DH)' },
  { name: 'gss-gex-', prefix: true, kexClass: 'classical', source: 'RFC 4462 §2.2 (GSS-API group exchange)' },
  { name: 'gss-nistp', prefix: true, kexClass: 'classical', source: 'RFC 8732 §5 (GSS-API ECDH)' },
  { name: 'gss-curve25519-sha256-', prefix: true, kexClass: 'classical', source: 'RFC 8732 §5' },
  { name: 'gss-curve448-sha512-', prefix: true, kexClass: 'classical', source: 'RFC 8732 §5' },
];

/**
 * Names that signal capabilities rather than key exchanges and are never negotiated:
 * ext-info-c / ext-info-s (RFC 8308 §2.1), kex-strict-c/s-v00@openssh.com (OpenSSH PROTOCOL,
 * "strict key exchange", CVE-2023-48795 countermeasure).
 */
export function isPseudoKex(name: string): boolean {
  return name === 'ext-info-c' || name === 'ext-info-s' || name.startsWith('ext-info-') || name.startsWith('kex-strict-');
}

export function sshKexClass(name: string): KexClass {
  for (const r of SSH_KEX_TABLE) {
    if (r.prefix ? name.startsWith(r.name) : name === r.name) return r.kexClass;
  }
  return 'unknown';
}

/** RFC 4253 §7.1: first client algorithm the server also lists; pseudo-algorithms skipped when asked. */
export function negotiate(client: readonly string[], server: readonly string[], skipPseudo: boolean): string | null {
  const s = new Set(server);
  for (const c of client) {
    if (skipPseudo && isPseudoKex(c)) continue;
    if (s.has(c)) return c;
  }
  return null;
}

const RANK: Record<KexClass, number> = { pq: 4, hybrid: 3, classical: 2, unknown: 1, plaintext: 0 };

export interface SshClassification {
  /** strongest class the client offered */
  offered: KexClass;
  /** class of the negotiated kex ('unknown' when it is not known) */
  negotiated: KexClass;
  /** negotiated kex algorithm name */
  group: string | null;
  /** why the negotiated class is unknown or weaker than offered; null otherwise */
  reason: string | null;
}

/**
 * KEXINIT decode problems after which a name-list may be cut short (core/ssh/kexinit.ts): the
 * algorithm RFC 4253 §7.1 picks from the whole lists cannot be told from what was read (the
 * server's real first match may be a name past the cut).
 */
const PARTIAL_KEXINIT = new Set(['ssh.truncated_kexinit', 'ssh.namelist_too_long', 'ssh.too_many_names']);

/** the first KEXINIT decode problem that may have cut a name-list short, or undefined */
export function partialKexinit(info: SshInfo): string | undefined {
  return info.errors.find((e) => PARTIAL_KEXINIT.has(e));
}

/** Pure classification of an SshInfo. */
export function classifySsh(info: SshInfo): SshClassification {
  let offered: KexClass = 'unknown';
  for (const n of info.clientKex) {
    if (isPseudoKex(n)) continue;
    const c = sshKexClass(n);
    if ((RANK[c] ?? 0) > (RANK[offered] ?? 0)) offered = c;
  }
  const partial = partialKexinit(info);
  if (partial !== undefined) {
    return { offered, negotiated: 'unknown', group: null, reason: `KEXINIT name-lists not read whole (${partial}): the negotiated kex cannot be told` };
  }
  const seenBoth = info.kexinitSeen[0] && info.kexinitSeen[1];
  const group = info.negotiatedKex ?? (seenBoth ? negotiate(info.clientKex, info.serverKex, true) : null);
  if (group === null) {
    let reason: string;
    if (!info.kexinitSeen[0] && !info.kexinitSeen[1]) reason = 'no KEXINIT seen';
    else if (!info.kexinitSeen[0]) reason = 'client KEXINIT not seen';
    else if (!info.kexinitSeen[1]) reason = 'server KEXINIT not seen';
    else reason = 'no kex algorithm in common';
    return { offered, negotiated: 'unknown', group: null, reason };
  }
  const negotiated = sshKexClass(group);
  let reason: string | null = null;
  if (negotiated === 'unknown') reason = `unrecognised kex algorithm ${group}`;
  else if ((offered === 'hybrid' || offered === 'pq') && negotiated === 'classical') reason = 'client offered post-quantum kex, server chose classical';
  return { offered, negotiated, group, reason };
}
