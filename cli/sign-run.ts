/**
 * What `hndl-scan keygen`, `sign` and `verify` do (cli/sign-commands.ts registers them and loads
 * this module only when one of them runs: ML-DSA from @noble/post-quantum costs ≈ 16 ms to load,
 * which every other command would pay for nothing).
 */
import { writeFileSync } from 'node:fs';
import {
  SignError, readBytes, signReport, signatureFileFor, verifyReportFiles, writeKeyPair,
} from '../core/sign/index.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './errors.js';

/** Run fn, turning SignError (a user's file problem) into UsageError (exit 2). */
function userErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e: unknown) {
    if (e instanceof SignError) throw new UsageError(e.message);
    throw e;
  }
}

export function runKeygen(opts: { out: string; force?: boolean }, out: (s: string) => void = (s) => process.stdout.write(s)): number {
  const r = userErrors(() => writeKeyPair(opts.out, { force: opts.force === true }));
  out(`wrote ${r.secretKeyFile} (secret key, mode 0600) and ${r.publicKeyFile} (public key), key id ${r.keyId}\n`);
  return EXIT_OK;
}

export function runSign(report: string, opts: { key: string; out?: string }, out: (s: string) => void = (s) => process.stdout.write(s)): number {
  const sigPath = opts.out ?? signatureFileFor(report);
  userErrors(() => {
    const { sigText } = signReport(readBytes(report), opts.key);
    try {
      writeFileSync(sigPath, sigText);
    } catch (e: unknown) {
      throw new SignError('WRITE_FAILED', `cannot write ${sigPath}: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  out(`wrote ${sigPath}\n`);
  return EXIT_OK;
}

export function runVerify(report: string, sig: string, pub: string, out: (s: string) => void = (s) => process.stdout.write(s)): number {
  const r = userErrors(() => verifyReportFiles(report, sig, pub));
  if (r.valid) {
    out(`valid (ML-DSA-65, key id ${r.keyId})\n`);
    return EXIT_OK;
  }
  out(`INVALID: ${sig} is not a signature of ${report} by key ${r.keyId}\n`);
  return EXIT_FINDINGS;
}
