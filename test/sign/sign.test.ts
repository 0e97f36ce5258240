/**
 * Report signing (core/sign, cli/sign-commands.ts; issue "Reports and CI gate"): ML-DSA-65
 * (FIPS 204) keygen → sign → verify, tampering, wrong key, malformed and wrong-size files,
 * key-file modes, and the keygen/sign/verify commands through commander.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Command } from 'commander';
import {
  PUBLIC_KEY_BYTES, SECRET_KEY_BYTES, SIGNATURE_BYTES, SignError, armor, dearmor, loadPublicKey, loadSecretKey,
  loadSignature, signReport, verifyReportFiles, writeKeyPair, writeReportSignature,
} from '../../core/sign/index.js';
import { registerSignCommands } from '../../cli/sign-commands.js';
import { runKeygen, runVerify } from '../../cli/sign-run.js';
import { UsageError } from '../../cli/errors.js';
import { scanInputs } from '../../core/scan.js';

let dir: string;
let report: string;
let reportBytes: Uint8Array;
const p = (name: string): string => join(dir, name);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hndl-sign-'));
  const r = await scanInputs(['samples/tls13-hybrid.pcap']);
  report = p('report.json');
  writeFileSync(report, `${JSON.stringify(r, null, 2)}\n`);
  reportBytes = new Uint8Array(readFileSync(report));
  writeKeyPair(p('alice'));
  writeKeyPair(p('bob'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function signError(fn: () => unknown): SignError {
  try {
    fn();
  } catch (e: unknown) {
    if (e instanceof SignError) return e;
    throw e;
  }
  throw new Error('expected a SignError');
}

describe('keys', () => {
  it('writes FIPS 204 sized keys, the secret key with mode 0600', () => {
    expect(statSync(p('alice.key')).mode & 0o777).toBe(0o600);
    const { secretKey, publicKey } = loadSecretKey(p('alice.key'));
    expect(secretKey.length).toBe(SECRET_KEY_BYTES);
    expect(publicKey.length).toBe(PUBLIC_KEY_BYTES);
    expect(Buffer.from(loadPublicKey(p('alice.pub')))).toEqual(Buffer.from(publicKey));
    expect(readFileSync(p('alice.key'), 'utf8')).toContain('-----BEGIN HNDL-SCAN ML-DSA-65 SECRET KEY-----');
  });

  it('refuses to overwrite existing keys unless forced, and forcing restores mode 0600', () => {
    const before = readFileSync(p('alice.key'), 'utf8');
    expect(signError(() => writeKeyPair(p('alice'))).code).toBe('EXISTS');
    expect(readFileSync(p('alice.key'), 'utf8')).toBe(before);
    writeKeyPair(p('carol'));
    chmodSync(p('carol.key'), 0o644);
    writeKeyPair(p('carol'), { force: true });
    expect(statSync(p('carol.key')).mode & 0o777).toBe(0o600);
  });

  it('is deterministic from a seed (same seed, same public key)', () => {
    const seed = new Uint8Array(32).fill(7);
    writeKeyPair(p('s1'), { seed });
    writeKeyPair(p('s2'), { seed });
    expect(readFileSync(p('s1.pub'), 'utf8')).toBe(readFileSync(p('s2.pub'), 'utf8'));
  });
});

describe('sign and verify', () => {
  it('a signature made with the secret key verifies with the public key', () => {
    const sigPath = writeReportSignature(report, reportBytes, p('alice.key'));
    expect(sigPath).toBe(`${report}.sig`);
    expect(loadSignature(sigPath).length).toBe(SIGNATURE_BYTES);
    expect(verifyReportFiles(report, sigPath, p('alice.pub')).valid).toBe(true);
  });

  it('one changed report byte makes it invalid', () => {
    const { sigText } = signReport(reportBytes, p('alice.key'));
    writeFileSync(p('t.sig'), sigText);
    const tampered = Buffer.from(reportBytes);
    const i = tampered.indexOf('hybrid');
    expect(i).toBeGreaterThan(0);
    tampered[i] = 'H'.charCodeAt(0);
    writeFileSync(p('tampered.json'), tampered);
    expect(verifyReportFiles(p('tampered.json'), p('t.sig'), p('alice.pub')).valid).toBe(false);
    // one appended byte too
    writeFileSync(p('appended.json'), Buffer.concat([Buffer.from(reportBytes), Buffer.from('\n')]));
    expect(verifyReportFiles(p('appended.json'), p('t.sig'), p('alice.pub')).valid).toBe(false);
  });

  it('another key makes it invalid', () => {
    const { sigText } = signReport(reportBytes, p('alice.key'));
    writeFileSync(p('w.sig'), sigText);
    expect(verifyReportFiles(report, p('w.sig'), p('bob.pub')).valid).toBe(false);
  });

  it('a flipped signature bit makes it invalid (not an error)', () => {
    const { signature } = signReport(reportBytes, p('alice.key'));
    const bad = Uint8Array.from(signature);
    bad[100] = (bad[100] ?? 0) ^ 1;
    writeFileSync(p('flip.sig'), armor('SIGNATURE', bad));
    expect(verifyReportFiles(report, p('flip.sig'), p('alice.pub')).valid).toBe(false);
  });
});

describe('malformed files', () => {
  it('wrong sizes are reported with the FIPS 204 size', () => {
    writeFileSync(p('short.pub'), armor('PUBLIC KEY', new Uint8Array(100)));
    expect(signError(() => loadPublicKey(p('short.pub'))).message).toMatch(/1952 bytes, this one is 100/);
    writeFileSync(p('short.sig'), armor('SIGNATURE', new Uint8Array(3308)));
    expect(signError(() => loadSignature(p('short.sig'))).message).toMatch(/3309 bytes, this one is 3308/);
    writeFileSync(p('short.key'), armor('SECRET KEY', new Uint8Array(32)));
    expect(signError(() => loadSecretKey(p('short.key'))).message).toMatch(/4032 bytes/);
  });

  it('a corrupted secret key is refused before signing', () => {
    const sk = Uint8Array.from(loadSecretKey(p('alice.key')).secretKey);
    sk[70] = (sk[70] ?? 0) ^ 0xff; // inside tr = H(pk)
    writeFileSync(p('corrupt.key'), armor('SECRET KEY', sk));
    expect(signError(() => signReport(reportBytes, p('corrupt.key'))).message).toMatch(/corrupted/);
  });

  it('wrong armour, bad base64, missing END and missing files are clear errors', () => {
    expect(signError(() => verifyReportFiles(report, p('alice.pub'), p('alice.pub'))).message)
      .toMatch(/not a HNDL-SCAN ML-DSA-65 SIGNATURE file .*found '-----BEGIN HNDL-SCAN ML-DSA-65 PUBLIC KEY-----'/);
    expect(() => dearmor('SIGNATURE', '-----BEGIN HNDL-SCAN ML-DSA-65 SIGNATURE-----\nab$d\n-----END HNDL-SCAN ML-DSA-65 SIGNATURE-----\n', 'x'))
      .toThrow(/invalid base64/);
    expect(() => dearmor('SIGNATURE', '-----BEGIN HNDL-SCAN ML-DSA-65 SIGNATURE-----\nabcd\n', 'x')).toThrow(/without/);
    expect(() => dearmor('SIGNATURE', 'garbage', 'x')).toThrow(/no armour found/);
    const e = signError(() => verifyReportFiles(p('missing.json'), `${report}.sig`, p('alice.pub')));
    expect(e.code).toBe('UNREADABLE');
    expect(e.message).toMatch(/missing\.json: no such file/);
  });

  it('armour round-trips and ignores explanatory text around the block', () => {
    const bytes = Uint8Array.from({ length: 200 }, (_, i) => i);
    const text = `note before\n${armor('PUBLIC KEY', bytes, ['comment'])}trailing words\n`;
    expect(Buffer.from(dearmor('PUBLIC KEY', text, 'x'))).toEqual(Buffer.from(bytes));
  });
});

describe('commands', () => {
  const sink = (): { out: (s: string) => void; text: () => string } => {
    let acc = '';
    return { out: (s) => { acc += s; }, text: () => acc };
  };

  it('runVerify: exit 0 "valid", exit 1 "INVALID", UsageError (exit 2) on malformed files', () => {
    writeReportSignature(report, reportBytes, p('alice.key'));
    const ok = sink();
    expect(runVerify(report, `${report}.sig`, p('alice.pub'), ok.out)).toBe(0);
    expect(ok.text()).toMatch(/^valid/);
    const bad = sink();
    expect(runVerify(report, `${report}.sig`, p('bob.pub'), bad.out)).toBe(1);
    expect(bad.text()).toMatch(/^INVALID/);
    expect(() => runVerify(report, p('alice.pub'), p('alice.pub'), bad.out)).toThrow(UsageError);
    expect(() => runKeygen({ out: p('alice') }, bad.out)).toThrow(UsageError);
  });

  it('keygen, sign and verify through commander', async () => {
    const program = new Command().name('hndl-scan').enablePositionalOptions().option('-o, --out <file>');
    registerSignCommands(program);
    program.exitOverride();
    const prev = process.exitCode;
    const out = p('cli');
    try {
      await program.parseAsync(['node', 'hndl-scan', 'keygen', '--out', out]);
      expect(existsSync(`${out}.key`) && existsSync(`${out}.pub`)).toBe(true);
      await program.parseAsync(['node', 'hndl-scan', 'sign', report, '--key', `${out}.key`, '--out', p('cli.sig')]);
      process.exitCode = undefined;
      await program.parseAsync(['node', 'hndl-scan', 'verify', report, p('cli.sig'), `${out}.pub`]);
      expect(process.exitCode).toBe(0);
      await program.parseAsync(['node', 'hndl-scan', 'verify', report, p('cli.sig'), p('bob.pub')]);
      expect(process.exitCode).toBe(1);
    } finally {
      process.exitCode = prev;
    }
  });
});

// End to end through the built CLI, once the lead has registered the commands in cli/main.ts.
const main = 'dist/cli/main.js';

describe('built CLI', () => {
  const run = (...args: string[]): { status: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  it('keygen → scan --sign → verify; tampered → 1; malformed → 2', () => {
    expect(run('keygen', '--out', p('e2e')).status).toBe(0);
    const scan = run('--format', 'json', '--out', p('e2e.json'), '--sign', p('e2e.key'), '--fail-on', 'none', '-q', 'samples/tls13-hybrid.pcap');
    expect(scan.status, scan.stderr).toBe(0);
    const ok = run('verify', p('e2e.json'), p('e2e.json.sig'), p('e2e.pub'));
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^valid/);
    writeFileSync(p('e2e.json'), `${readFileSync(p('e2e.json'), 'utf8')} `);
    const bad = run('verify', p('e2e.json'), p('e2e.json.sig'), p('e2e.pub'));
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^INVALID/);
    const mal = run('verify', p('e2e.json'), p('e2e.pub'), p('e2e.pub'));
    expect(mal.status).toBe(2);
    expect(mal.stderr.trim().split('\n')).toHaveLength(1);
  });
});
