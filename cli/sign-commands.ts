/**
 * `hndl-scan keygen`, `hndl-scan sign` and `hndl-scan verify` (issue "Reports and CI gate"):
 * ML-DSA-65 (FIPS 204) keys and detached report signatures, file formats in core/sign/files.ts.
 * verify exits 0 and prints "valid", or exits 1 and prints "INVALID"; unreadable or malformed
 * files are one line on stderr and exit 2 (../shared/contract/README.md). The commands' work is
 * in cli/sign-run.ts, loaded when one of them runs.
 */
import type { Command } from 'commander';

export const DEFAULT_KEY_PREFIX = 'hndl-scan';

/** Register keygen, sign and verify on the root program. */
export function registerSignCommands(program: Command): void {
  program
    .command('keygen')
    .description('create an ML-DSA-65 (FIPS 204) key pair for signing reports: PREFIX.key (mode 0600) and PREFIX.pub')
    .option('-o, --out <prefix>', 'path prefix of the key files', DEFAULT_KEY_PREFIX)
    .option('--force', 'overwrite existing key files')
    .action(async (opts: { out: string; force?: boolean }) => {
      const { runKeygen } = await import('./sign-run.js');
      process.exitCode = runKeygen(opts);
    });

  program
    .command('sign')
    .description('sign an existing report file: writes a detached ML-DSA-65 signature REPORT.sig')
    .argument('<report>', 'report file (its exact bytes are signed)')
    .requiredOption('-k, --key <keyfile>', 'secret key file written by keygen')
    .option('-o, --out <file>', 'signature file (default REPORT.sig)')
    .action(async (report: string, opts: { key: string; out?: string }) => {
      const { runSign } = await import('./sign-run.js');
      process.exitCode = runSign(report, opts);
    });

  program
    .command('verify')
    .description('check a detached report signature: exit 0 "valid", exit 1 "INVALID", exit 2 unreadable or malformed files')
    .argument('<report>', 'report file')
    .argument('<sig>', 'signature file (REPORT.sig)')
    .argument('<pubkey>', 'public key file written by keygen')
    .action(async (report: string, sig: string, pub: string) => {
      const { runVerify } = await import('./sign-run.js');
      process.exitCode = runVerify(report, sig, pub);
    });
}
