/** Content detectors: true and false positives, bounds, and that no matched value leaks into evidence. */
import { describe, expect, it } from 'vitest';
import { isValidIban, isValidSsn, luhnValid } from '../../core/risk/checks.js';
import { scanJson, scanText } from '../../core/risk/detectors.js';
import type { Evidence } from '../../core/risk/types.js';

function detect(text: string): Evidence[] {
  const out: Evidence[] = [];
  scanText(text, 'body', out);
  return out;
}
const names = (text: string): string[] => detect(text).map((e) => e.detector);
const hit = (text: string, d: string): Evidence | undefined => detect(text).find((e) => e.detector === d);

const SECRETS = {
  card: '4111 1111 1111 1111',
  ssn: '536-22-1234',
  iban: 'DE89 3704 0044 0532 0130 00',
  email: 'alice.smith@corp-mail.io',
  phone: '+1 415 555 2671',
  akia: 'AKIAIOSFODNN7EXAMPLE',
  asia: 'ASIAY34FZKBOKMUTVV7A',
  awsSecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  ghp: 'ghp_' + 'aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A',
  gho: 'gho_' + 'Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2Jh1Gf0EdCbA9',
  githubPat: 'github_pat_11ABCDEFG0123456789abc_' + 'x'.repeat(59),
  slack: 'xoxb-123456789012-abcdefghijklmnop',
  jwt: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXZhbHVl',
};

describe('credit cards', () => {
  it('detects Luhn-valid numbers in issuer ranges, with or without separators', () => {
    expect(hit(`card ${SECRETS.card}`, 'credit-card')?.confidence).toBe('high');
    expect(hit('x 5555555555554444 y', 'credit-card')?.category).toBe('payment');
    expect(names('amex 3782-822463-10005')).toContain('credit-card');
  });
  it('rejects a Luhn-invalid 16-digit number, an unknown issuer range and repeated digits', () => {
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(names('order 4111111111111112 shipped')).not.toContain('credit-card');
    expect(luhnValid('9123456789012348')).toBe(true);
    expect(names('id 9123456789012348')).not.toContain('credit-card');
    expect(names('0000000000000000')).not.toContain('credit-card');
    expect(names('pi 3.4111111111111111')).not.toContain('credit-card');
  });
});

describe('US SSN', () => {
  it('detects a valid SSN, with high confidence next to "SSN"', () => {
    expect(hit(`SSN: ${SECRETS.ssn}`, 'us-ssn')?.confidence).toBe('high');
    expect(hit(`ref ${SECRETS.ssn}`, 'us-ssn')?.confidence).toBe('medium');
  });
  it('rejects area 000, 666, 9xx, group 00, serial 0000 and known invalid numbers', () => {
    for (const s of ['000-12-3456', '666-12-3456', '912-34-5678', '536-00-1234', '536-22-0000', '078-05-1120', '219-09-9999']) {
      expect(names(`SSN ${s}`), s).not.toContain('us-ssn');
    }
    expect(isValidSsn('536', '22', '1234')).toBe(true);
    expect(names('SSN 536-22-12345')).not.toContain('us-ssn');
  });
});

describe('IBAN', () => {
  it('detects valid IBANs (grouped and compact)', () => {
    expect(names(`IBAN ${SECRETS.iban} please`)).toContain('iban');
    expect(names('to GB82WEST12345698765432.')).toContain('iban');
    expect(names('GB82 WEST 1234 5698 7654 32 THEN')).toContain('iban');
  });
  it('rejects a bad checksum and a wrong country length', () => {
    expect(isValidIban('DE88370400440532013000')).toBe(false);
    expect(names('IBAN DE88 3704 0044 0532 0130 00')).not.toContain('iban');
    expect(isValidIban('DE8937040044053201300')).toBe(false);
    expect(isValidIban('GB82WEST12345698765432')).toBe(true);
  });
});

describe('e-mail and phone', () => {
  it('detects addresses, ignores example domains and git@', () => {
    expect(names(`from ${SECRETS.email}`)).toContain('email');
    expect(names('bob@example.com')).not.toContain('email');
    expect(names('git@github.com:org/repo.git')).not.toContain('email');
  });
  it('detects +E.164 numbers only', () => {
    expect(hit(`phone: ${SECRETS.phone}`, 'phone')?.confidence).toBe('medium');
    expect(hit('+14155552671', 'phone')?.confidence).toBe('low');
    expect(names('call 4155552671 or 12345678')).not.toContain('phone');
    expect(names('+12345')).not.toContain('phone');
  });
});

describe('keys and tokens', () => {
  it('detects AWS key ids, and secret-like strings only next to an AWS keyword', () => {
    expect(hit(SECRETS.akia, 'aws-access-key-id')?.category).toBe('secret-keys');
    expect(hit(SECRETS.asia, 'aws-sts-key-id')?.category).toBe('credentials');
    expect(names(`aws_secret_access_key = ${SECRETS.awsSecret}`)).toContain('aws-secret-like');
    expect(names(`checksum ${SECRETS.awsSecret}`)).not.toContain('aws-secret-like');
    expect(names('AKIAIOSFODNN7EXAMPL')).not.toContain('aws-access-key-id');
  });
  it('detects GitHub, Slack tokens and private keys', () => {
    expect(hit(SECRETS.ghp, 'github-pat')?.category).toBe('secret-keys');
    expect(names(SECRETS.githubPat)).toContain('github-pat');
    expect(hit(SECRETS.gho, 'github-oauth')?.category).toBe('credentials');
    expect(names('ghp_short')).not.toContain('github-pat');
    expect(names(`token ${SECRETS.slack}`)).toContain('slack-token');
    expect(names('xoxz-123456789012-abc')).not.toContain('slack-token');
    expect(names('-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----')).toContain('private-key');
    expect(names('-----BEGIN PRIVATE KEY-----')).toContain('private-key');
    expect(names('-----BEGIN PUBLIC KEY-----')).not.toContain('private-key');
  });
  it('detects JWTs whose header is JSON with alg, not other eyJ strings', () => {
    expect(hit(`Bearer ${SECRETS.jwt}`, 'jwt')?.category).toBe('credentials');
    expect(names('eyJmb28iOiJiYXIifQ.eyJzdWIiOiIxIn0.sig')).not.toContain('jwt');
    expect(names('eyJ!!!.abc.def')).not.toContain('jwt');
    // at the start of a token only (it matched after every '-' inside one and backtracked)
    expect(names(`{"token":"${SECRETS.jwt}"}`)).toContain('jwt');
    expect(names(`x-${SECRETS.jwt}`)).not.toContain('jwt');
  });
  it('a long run of "-eyJ" is no JWT (it was read with a backtracking attempt per "-eyJ")', () => {
    expect(names('-eyJ'.repeat(65_536))).not.toContain('jwt');
    expect(names(`${'-eyJ'.repeat(1000)} ${SECRETS.jwt}`)).toContain('jwt');
  });
});

describe('health and source code', () => {
  it('detects ICD-10 codes only with a clinical context word', () => {
    expect(names('Patient diagnosis: E11.9 (type 2)')).toContain('icd10-code');
    expect(names('Order E11 shipped in box B12')).not.toContain('icd10-code');
  });
  it('needs three distinct medical words', () => {
    expect(names('patient was prescribed metformin for diabetes')).toContain('medical-terms');
    expect(names('the patient patient patient')).not.toContain('medical-terms');
  });
  it('detects code by lines, not prose', () => {
    const code = "import fs from 'node:fs';\nexport function read(p) {\n  const x = fs.readFileSync(p);\n  return x;\n}\n";
    expect(names(code)).toContain('source-code');
    expect(names('def f(x):\n    return x\nclass A:\n    pass\n')).toContain('source-code');
    expect(names('Dear team;\nthe meeting is at 10.\nBring notes {optional}.\n')).not.toContain('source-code');
    expect(names('function f() { return 1; }')).not.toContain('source-code');
  });
});

describe('bounds and secrecy of evidence', () => {
  it('never returns a matched value', () => {
    const text = Object.values(SECRETS).join(' \n ') + '\naws secret ' + SECRETS.awsSecret;
    const out: Evidence[] = [];
    scanText(text, 'mcp.tools/call.arguments.text', out);
    scanJson({ card_number: SECRETS.card, nested: { [SECRETS.email]: SECRETS.iban, list: [SECRETS.jwt, SECRETS.akia] } }, 'mcp.args', out);
    expect(out.length).toBeGreaterThan(10);
    const json = JSON.stringify(out);
    for (const [k, v] of Object.entries(SECRETS)) {
      expect(json.includes(v), k).toBe(false);
      expect(json.includes(v.replace(/ /g, '')), k).toBe(false);
    }
  });
  it('scans at most maxChars and counts at most maxMatches', () => {
    const far = `${'a'.repeat(300 * 1024)} ${SECRETS.akia}`;
    expect(names(far)).not.toContain('aws-access-key-id');
    const many = Array.from({ length: 200 }, () => SECRETS.akia).join(' ');
    const out: Evidence[] = [];
    scanText(many, 'x', out, { maxMatches: 7 });
    expect(out.find((e) => e.detector === 'aws-access-key-id')?.count).toBe(7);
  });
});

describe('scanJson', () => {
  it('walks keys and values, uses key-name hints, skips LLM token counts', () => {
    const out: Evidence[] = [];
    scanJson({
      name: 'charge', arguments: { card_number: '4111111111111111', max_tokens: 100, input_tokens: 5, user: { dob: '1980-01-01', password: 'hunter2' } },
      empty: { ssn: '' },
    }, 'mcp.tools/call', out);
    const at = (loc: string): string[] => out.filter((e) => e.location === loc).map((e) => `${e.detector}:${e.category}`);
    expect(at('mcp.tools/call.arguments.card_number')).toEqual(expect.arrayContaining(['key-name:payment', 'credit-card:payment']));
    expect(at('mcp.tools/call.arguments.user.dob')).toEqual(['key-name:personal']);
    expect(at('mcp.tools/call.arguments.user.password')).toEqual(['key-name:secret-keys']);
    expect(at('mcp.tools/call.arguments.max_tokens')).toEqual([]);
    expect(at('mcp.tools/call.empty.ssn')).toEqual([]);
  });
  it('hides keys that are themselves data and reads JSON inside strings', () => {
    const out: Evidence[] = [];
    scanJson({ 'alice.smith@corp-mail.io': 1, content: [{ type: 'text', text: JSON.stringify({ iban: 'DE89370400440532013000' }) }] }, 'r', out);
    expect(out.some((e) => e.location === 'r.[key]' && e.detector === 'email')).toBe(true);
    expect(out.some((e) => e.location === 'r.content[0].text<json>.iban' && e.detector === 'iban')).toBe(true);
  });
  it('is bounded on deep and large values', () => {
    let deep: import('../../core/risk/types.js').JsonValue = 'AKIAIOSFODNN7EXAMPLE';
    for (let i = 0; i < 200; i++) deep = { a: deep };
    const out: Evidence[] = [];
    scanJson(deep, 'd', out);
    expect(out).toEqual([]);
    const big = Array.from({ length: 50_000 }, () => 'AKIAIOSFODNN7EXAMPLE');
    const out2: Evidence[] = [];
    scanJson(big, 'b', out2, { maxNodes: 100 });
    expect(out2.length).toBeLessThanOrEqual(100);
  });
});
