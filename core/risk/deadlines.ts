/**
 * Migration deadlines shown next to the risk (configurable through the policy file).
 * Sources: DOMAIN.md §5 — NIST IR 8547 (initial public draft, Nov 2024) and NSA CNSA 2.0
 * (Commercial National Security Algorithm Suite 2.0, Sept 2022 / FAQ).
 */
import type { KexClass } from '../tls/types.js';

export interface Deadline {
  id: string;
  /** YYYY-MM-DD: the first day the rule applies */
  date: string;
  title: string;
  source: string;
  /** negotiated key-exchange classes the rule bears on */
  appliesTo: KexClass[];
  /** negotiated groups that already satisfy the rule (e.g. ML-KEM-1024 for CNSA 2.0) */
  exemptGroups?: string[];
}

export const DEFAULT_DEADLINES: readonly Deadline[] = [
  {
    id: 'cnsa2-nss-acquisitions',
    date: '2027-01-01',
    title: 'CNSA 2.0: new national-security-system acquisitions must support CNSA 2.0 key establishment (ML-KEM-1024); X25519MLKEM768 is post-quantum but not CNSA 2.0 compliant',
    source: 'NSA, Announcing the Commercial National Security Algorithm Suite 2.0 (CSA, Sept 2022) and CNSA 2.0 FAQ',
    appliesTo: ['plaintext', 'classical', 'hybrid', 'pq'],
    // both carry ML-KEM-1024; whether NSA accepts the P-384 hybrid for a given system is for the system owner to confirm
    exemptGroups: ['MLKEM1024', 'SecP384r1MLKEM1024'],
  },
  {
    id: 'nist-ir-8547-deprecate-112',
    date: '2031-01-01',
    title: 'NIST IR 8547 (draft): 112-bit classical public-key algorithms (e.g. RSA-2048, ffdhe2048) deprecated after 2030',
    source: 'NIST IR 8547 ipd, Transition to Post-Quantum Cryptography Standards (Nov 2024), §4',
    appliesTo: ['classical'],
  },
  {
    id: 'nist-ir-8547-disallow',
    date: '2036-01-01',
    title: 'NIST IR 8547 (draft): all quantum-vulnerable public-key algorithms (RSA, ECDH, FFDH) disallowed after 2035',
    source: 'NIST IR 8547 ipd, Transition to Post-Quantum Cryptography Standards (Nov 2024), §4',
    appliesTo: ['classical'],
  },
];
