import { writeFileSync } from 'node:fs';
import { SignError, readBytes, signReport, signatureFileFor, verifyReportFiles, writeKeyPair, } from '../core/sign/index.js';
import { EXIT_FINDINGS, EXIT_OK, UsageError } from './errors.js';
export const DEFAULT_KEY_PREFIX = 'hndl-scan';
/** Run fn, turning SignError (a user's file problem) into UsageError (exit 2). */
function userErrors(fn) {
    try {
        return fn();
    }
    catch (e) {
        if (e instanceof SignError)
            throw new UsageError(e.message);
        throw e;
    }
}
export function runKeygen(opts, out = (s) => process.stdout.write(s)) {
    const r = userErrors(() => writeKeyPair(opts.out, { force: opts.force === true }));
    out(`wrote ${r.secretKeyFile} (secret key, mode 0600) and ${r.publicKeyFile} (public key), key id ${r.keyId}\n`);
    return EXIT_OK;
}
export function runSign(report, opts, out = (s) => process.stdout.write(s)) {
    const sigPath = opts.out ?? signatureFileFor(report);
    userErrors(() => {
        const { sigText } = signReport(readBytes(report), opts.key);
        try {
            writeFileSync(sigPath, sigText);
        }
        catch (e) {
            throw new SignError('WRITE_FAILED', `cannot write ${sigPath}: ${e instanceof Error ? e.message : String(e)}`);
        }
    });
    out(`wrote ${sigPath}\n`);
    return EXIT_OK;
}
export function runVerify(report, sig, pub, out = (s) => process.stdout.write(s)) {
    const r = userErrors(() => verifyReportFiles(report, sig, pub));
    if (r.valid) {
        out(`valid (ML-DSA-65, key id ${r.keyId})\n`);
        return EXIT_OK;
    }
    out(`INVALID: ${sig} is not a signature of ${report} by key ${r.keyId}\n`);
    return EXIT_FINDINGS;
}
/** Register keygen, sign and verify on the root program. */
export function registerSignCommands(program) {
    program
        .command('keygen')
        .description('create an ML-DSA-65 (FIPS 204) key pair for signing reports: PREFIX.key (mode 0600) and PREFIX.pub')
        .option('-o, --out <prefix>', 'path prefix of the key files', DEFAULT_KEY_PREFIX)
        .option('--force', 'overwrite existing key files')
        .action((opts) => {
        process.exitCode = runKeygen(opts);
    });
    program
        .command('sign')
        .description('sign an existing report file: writes a detached ML-DSA-65 signature REPORT.sig')
        .argument('<report>', 'report file (its exact bytes are signed)')
        .requiredOption('-k, --key <keyfile>', 'secret key file written by keygen')
        .option('-o, --out <file>', 'signature file (default REPORT.sig)')
        .action((report, opts) => {
        process.exitCode = runSign(report, opts);
    });
    program
        .command('verify')
        .description('check a detached report signature: exit 0 "valid", exit 1 "INVALID", exit 2 unreadable or malformed files')
        .argument('<report>', 'report file')
        .argument('<sig>', 'signature file (REPORT.sig)')
        .argument('<pubkey>', 'public key file written by keygen')
        .action((report, sig, pub) => {
        process.exitCode = runVerify(report, sig, pub);
    });
}
//# sourceMappingURL=sign-commands.js.map