/**
 * Content detectors over an in-memory string. Each returns how many matches it found (capped)
 * and the best confidence — never the matched text. Patterns are deliberately conservative:
 * every match passes a structural check (Luhn, SSA rules, mod-97, JWT header) or needs context.
 */
import { isCardNumber, isValidIban, isValidSsn, IBAN_LENGTHS } from './checks.js';
import type { Confidence } from './types.js';

export interface DetectorHit { count: number; confidence: Confidence }

export interface TextDetector {
  name: string;
  category: string;
  basis: string;
  run(text: string, maxMatches: number): DetectorHit | null;
}

const RANK: Record<Confidence, number> = { low: 1, medium: 2, high: 3 };

/** collects matches of `re` (global) that `accept` rates, up to `max` */
function collect(text: string, re: RegExp, max: number, accept: (m: RegExpExecArray) => Confidence | null): DetectorHit | null {
  re.lastIndex = 0;
  let count = 0;
  let best: Confidence | null = null;
  for (let m = re.exec(text); m !== null && count < max; m = re.exec(text)) {
    if (m[0].length === 0) { re.lastIndex++; continue; }
    const c = accept(m);
    if (c === null) continue;
    count++;
    if (best === null || RANK[c] > RANK[best]) best = c;
  }
  return best === null ? null : { count, confidence: best };
}

/** true when `words` occurs within `radius` characters of the match */
function near(text: string, m: RegExpExecArray, words: RegExp, radius = 64): boolean {
  const from = Math.max(0, m.index - radius);
  return words.test(text.slice(from, m.index + m[0].length + radius));
}

const CARD_CONTEXT = /\b(?:card|cc|pan|visa|mastercard|amex|credit|debit|payment)/i;
const SSN_CONTEXT = /\b(?:ssn|social security|soc\.? sec|taxpayer)/i;
const PHONE_CONTEXT = /\b(?:phone|tel|mobile|cell|fax|whatsapp|sms)/i;
const AWS_CONTEXT = /(?:aws|secret[_ -]?access|secret[_ -]?key)/i;
const ICD_CONTEXT = /\b(?:diagnos\w*|patient|icd(?:-?10)?(?:-cm)?|dx|clinical|medical|mrn|admission|discharge)\b/i;

/** medical vocabulary for the conservative terms detector (>= 3 distinct words needed) */
const MEDICAL_WORDS = /\b(diagnos(?:is|es|ed)|prescri(?:ption|bed)|medication|dosage|symptoms?|chemotherapy|oncology|insulin|metformin|lisinopril|atorvastatin|hiv|hepatitis|diabetes|hypertension|schizophrenia|depression|biopsy|radiology|patient|clinician|comorbidit(?:y|ies)|pathology|icd-?10)\b/gi;

const CODE_LINE = /^\s*(?:(?:export\s+)?(?:async\s+)?function[\s*]|def\s+\w+\s*\(|class\s+\w|import\s|from\s+[\w.]+\s+import\s|#include\s*[<"]|package\s+[\w.]+;?\s*$|(?:public|private|protected|static)\s|(?:const|let|var)\s+\w+\s*[=:]|return\b|if\s*\(|for\s*\(|while\s*\(|fn\s+\w+|func\s+\w+|#!\/|using\s+[\w.]+;|namespace\s)/;

export const TEXT_DETECTORS: readonly TextDetector[] = [
  {
    name: 'credit-card', category: 'payment', basis: 'ISO/IEC 7812 PAN: 13-19 digits, Luhn, issuer range (checks.ts)',
    run: (t, max) => collect(t, /(?<![\d.,-])\d(?:[ -]?\d){12,18}(?![\d]|[.,]\d)/g, max, (m) => {
      const digits = m[0].replace(/[ -]/g, '');
      if (!isCardNumber(digits)) return null;
      const grouped = /^\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}$|^\d{4}([ -])\d{6}\2\d{5}$/.test(m[0]);
      return grouped || near(t, m, CARD_CONTEXT) ? 'high' : 'medium';
    }),
  },
  {
    name: 'us-ssn', category: 'personal', basis: 'SSA assignment rules (area not 000/666/9xx, group not 00, serial not 0000)',
    run: (t, max) => collect(t, /(?<![\d-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\d-])/g, max, (m) => {
      if (!isValidSsn(m[1] ?? '', m[3] ?? '', m[4] ?? '')) return null;
      return near(t, m, SSN_CONTEXT) ? 'high' : 'medium';
    }),
  },
  {
    name: 'iban', category: 'financial', basis: 'ISO 13616 IBAN: country length (SWIFT registry) and ISO 7064 mod-97',
    run: (t, max) => collect(t, /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g, max, (m) => {
      const compact = m[0].replace(/ /g, '');
      if (isValidIban(compact)) return 'high';
      // a following word may have been swallowed: cut at the country length on a space boundary
      const len = IBAN_LENGTHS[compact.slice(0, 2)];
      if (len === undefined || compact.length <= len) return null;
      let n = 0;
      let i = 0;
      for (; i < m[0].length && n < len; i++) if (m[0][i] !== ' ') n++;
      return m[0][i] === ' ' && isValidIban(compact.slice(0, len)) ? 'high' : null;
    }),
  },
  {
    name: 'email', category: 'personal', basis: 'RFC 5322 addr-spec (simplified); example/test domains and service mailboxes ignored',
    run: (t, max) => collect(t, /(?<![\w.%+-])([A-Za-z0-9._%+-]{1,64})@((?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24})(?![A-Za-z0-9-])/g, max, (m) => {
      const local = (m[1] ?? '').toLowerCase();
      const domain = (m[2] ?? '').toLowerCase();
      if (/(?:^|\.)(?:example\.(?:com|org|net)|test|invalid|localhost|local)$/.test(domain)) return null;
      if (/^(?:git|noreply|no-reply|donotreply)$/.test(local)) return null;
      return 'medium';
    }),
  },
  {
    name: 'phone', category: 'personal', basis: 'ITU-T E.164: "+", country code, at most 15 digits (only "+"-prefixed numbers, conservative)',
    run: (t, max) => collect(t, /(?<![\w+])\+[1-9](?:[ .-]?\d){7,14}(?![\d])/g, max, (m) => (near(t, m, PHONE_CONTEXT) ? 'medium' : 'low')),
  },
  {
    name: 'aws-access-key-id', category: 'secret-keys', basis: 'AWS IAM User Guide, unique ID prefixes: AKIA = long-term access key',
    run: (t, max) => collect(t, /\bAKIA[0-9A-Z]{16}\b/g, max, () => 'high'),
  },
  {
    name: 'aws-sts-key-id', category: 'credentials', basis: 'AWS IAM User Guide, unique ID prefixes: ASIA = temporary (STS) access key',
    run: (t, max) => collect(t, /\bASIA[0-9A-Z]{16}\b/g, max, () => 'high'),
  },
  {
    name: 'aws-secret-like', category: 'secret-keys', basis: 'AWS secret access key shape (40 base64 characters) next to an AWS/secret keyword',
    run: (t, max) => collect(t, /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g, max, (m) => {
      const s = m[0];
      if (!/[a-z]/.test(s) || !/[A-Z]/.test(s) || !/\d/.test(s)) return null;
      return near(t, m, AWS_CONTEXT, 80) ? 'medium' : null;
    }),
  },
  {
    name: 'github-pat', category: 'secret-keys', basis: 'GitHub token formats: ghp_ (classic PAT), github_pat_ (fine-grained PAT)',
    run: (t, max) => collect(t, /\b(?:ghp_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,244})\b/g, max, () => 'high'),
  },
  {
    name: 'github-oauth', category: 'credentials', basis: 'GitHub token formats: gho_ (OAuth), ghu_/ghs_ (app user/server), ghr_ (refresh)',
    run: (t, max) => collect(t, /\bgh[ousr]_[A-Za-z0-9]{36,251}\b/g, max, () => 'high'),
  },
  {
    name: 'slack-token', category: 'secret-keys', basis: 'Slack token prefixes xoxb/xoxa/xoxp/xoxr (bot/app/user/refresh); bot tokens do not expire by default',
    run: (t, max) => collect(t, /\bxox[abpr]-[A-Za-z0-9-]{10,250}/g, max, () => 'high'),
  },
  {
    name: 'private-key', category: 'secret-keys', basis: 'RFC 7468 PEM labels "PRIVATE KEY" / "ENCRYPTED PRIVATE KEY", OpenSSH and PGP armour',
    run: (t, max) => collect(t, /-----BEGIN (?:(?:RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY(?: BLOCK)?-----/g, max, () => 'high'),
  },
  {
    name: 'jwt', category: 'credentials', basis: 'RFC 7519 JWT / RFC 7515 JWS compact form: header is base64url JSON with "alg"',
    // only at the start of a base64url token: \b also matched after each '-' inside one, and
    // every such start backtracked up to 4 096 characters (an audit: 4.4 MB of "-eyJ" took 10 s)
    run: (t, max) => collect(t, /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{2,4096}\.[A-Za-z0-9_-]{2,16384}\.[A-Za-z0-9_-]{0,16384}/g, max, (m) => {
      const header = m[0].slice(0, m[0].indexOf('.'));
      try {
        const h: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
        return typeof h === 'object' && h !== null && typeof (h as Record<string, unknown>)['alg'] === 'string' ? 'high' : null;
      } catch {
        return null;
      }
    }),
  },
  {
    name: 'icd10-code', category: 'health', basis: 'ICD-10(-CM) code shape (letter, 2 characters, optional .suffix) next to a clinical context word',
    run: (t, max) => collect(t, /\b[A-TV-Z]\d[0-9AB](?:\.[0-9A-TV-Z]{1,4})?\b/g, max, (m) => (near(t, m, ICD_CONTEXT, 48) ? 'high' : null)),
  },
  {
    name: 'medical-terms', category: 'health', basis: 'three or more distinct clinical words (diagnosis, prescription, chemotherapy, ...)',
    run: (t) => {
      const seen = new Set<string>();
      MEDICAL_WORDS.lastIndex = 0;
      for (let m = MEDICAL_WORDS.exec(t); m !== null && seen.size < 32; m = MEDICAL_WORDS.exec(t)) seen.add(m[0].toLowerCase());
      return seen.size >= 3 ? { count: seen.size, confidence: 'medium' } : null;
    },
  },
  {
    name: 'source-code', category: 'source-code', basis: 'several lines starting with code keywords (function, def, import, #include, ...) or ending in ; { }',
    run: (t) => {
      if (t.indexOf('\n') < 0) return null;
      let nonEmpty = 0;
      let keyword = 0;
      let codeish = 0;
      for (const line of t.split('\n', 4096)) {
        if (line.trim().length === 0) continue;
        nonEmpty++;
        const kw = CODE_LINE.test(line);
        if (kw) keyword++;
        if (kw || /[;{}]\s*$/.test(line)) codeish++;
      }
      if (nonEmpty < 3 || keyword < 2 || codeish < 3 || codeish / nonEmpty < 0.4) return null;
      return { count: 1, confidence: keyword >= 5 ? 'high' : 'medium' };
    },
  },
];
