#!/usr/bin/env node
/**
 * hndl-scan command line. Parses arguments (commander), runs the engine, writes the reports and
 * maps the outcome to the exit codes of ../shared/contract/README.md. Every user error is one
 * line on stderr and exit 2.
 */
import { Command, CommanderError, Option } from 'commander';
import { CaptureInputError } from '../core/capture/source.js';
import { MAX_FLOW_REPORTS } from '../core/scan.js';
import { TOOL_VERSION } from '../core/version.js';
import { EXIT_USAGE, UsageError } from './errors.js';
import { runScan, type ScanCliOptions } from './scan-command.js';
import { registerDbCommands } from './db-commands.js';
import { registerSignCommands } from './sign-commands.js';
import { SignError } from '../core/sign/errors.js';
import { watchStdout } from './stdout.js';

function parseIntArg(name: string, min: number, max: number): (v: string) => number {
  return (v: string) => {
    // decimal digits only: Number() would take '' as 0, '0x10' as 16, ' 5' as 5 and '1e3' as 1000
    const n = /^-?[0-9]+$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name} must be an integer between ${min} and ${max}, got '${v}'`);
    return n;
  };
}

function collect(v: string, prev: string[] | undefined): string[] {
  return [...(prev ?? []), v];
}

export const FORMATS = ['table', 'json', 'ndjson', 'sarif', 'cbom', 'markdown'] as const;

function collectFormat(v: string, prev: string[] | undefined): string[] {
  if (!(FORMATS as readonly string[]).includes(v)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got '${v}'`);
  return [...(prev ?? []), v];
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('hndl-scan')
    .enablePositionalOptions()
    .description('Find traffic that can be recorded now and decrypted once a quantum computer exists (Harvest Now, Decrypt Later).')
    .version(TOOL_VERSION, '-V, --version')
    .argument('[inputs...]', 'capture files (pcap, pcapng, gzip of either) or - for stdin')
    .option('-f, --format <format>', `output format (${FORMATS.join('|')}, default table); repeatable, each paired with the --out after it`, collectFormat)
    .option('-o, --out <file>', 'write the report to FILE (repeatable, pairs with --format)', collect)
    .option('--db <path>', 'store the scan in this DuckDB file')
    .addOption(new Option('--fail-on <level>', 'exit 1 when a finding reaches this level').choices(['none', 'low', 'medium', 'high', 'critical']).default('high'))
    .option('--stream-bytes <n>', 'bytes of each TCP direction reassembled for handshakes', parseIntArg('--stream-bytes', 1024, 16 * 1024 * 1024), 65536)
    .option('--max-flows <n>', 'live flow-table cap', parseIntArg('--max-flows', 16, 50_000_000), 262144)
    .option('--max-flow-reports <n>', 'flows listed in the report at most (1.5–4 KB of memory each); later flows are counted in the summary, not listed or assessed', parseIntArg('--max-flow-reports', 1, 50_000_000), MAX_FLOW_REPORTS)
    .option('-j, --jobs <n>', 'worker threads for several large captures (default: one per core with 4+ cores, else 1)', parseIntArg('--jobs', 1, 256))
    .option('--policy <file>', 'sensitivity and risk policy (YAML or JSON): category lifetimes, declarations, CRQC curve, thresholds')
    .addOption(new Option('--cbom-version <v>', 'CycloneDX version of --format cbom').choices(['1.6', '1.7']).default('1.6'))
    .option('--inventory <file>', 'registered MCP servers and tool-call policy (YAML or JSON, see docs/inventory.md)')
    .option('--store-payloads', 'keep MCP argument and result values in the report and the database (off: the scanner must not copy the secrets it finds)')
    .option('--sign <keyfile>', 'sign each --out report with this ML-DSA-65 secret key (writes REPORT.sig; see keygen)')
    .option('-q, --quiet', 'print nothing but the report and errors')
    .showHelpAfterError(false)
    .action(async (inputs: string[], opts: ScanCliOptions) => {
      process.exitCode = await runScan(inputs, opts);
    });

  program
    .command('serve')
    .description('serve the dashboard and API on 127.0.0.1')
    .option('--db <path>', 'DuckDB file with stored scans', 'hndl-scan.duckdb')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port', parseIntArg('--port', 0, 65535), 8377)
    .option('--token <token>', 'API token (required when --host is not loopback; or HNDL_TOKEN)')
    .option('--max-upload <MiB>', 'largest capture upload accepted, in MiB (span-port captures of several GB need more than the default)', parseIntArg('--max-upload', 1, 1024 * 1024), 256)
    .action(async (opts: { db: string; host: string; port: number; token?: string; maxUpload: number }) => {
      // the server (and DuckDB) load only for this command
      const { runServe } = await import('./serve-command.js');
      await runServe(opts);
    });
  registerSignCommands(program);
  registerDbCommands(program);
  return program;
}

async function main(): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  program.configureOutput({
    writeErr: (s) => process.stderr.write(s),
    outputError: (s, write) => write(`hndl-scan: ${s.replace(/^error: /, '').trim()}\n`),
  });
  for (const sub of program.commands) {
    sub.exitOverride();
    sub.configureOutput({
      writeErr: (s) => process.stderr.write(s),
      outputError: (s, write) => write(`hndl-scan: ${s.replace(/^error: /, '').trim()}\n`),
    });
  }
  watchStdout();
  try {
    await program.parseAsync(process.argv);
  } catch (e: unknown) {
    if (e instanceof CommanderError) {
      // help and version exit 0; parse errors already printed their one line
      process.exitCode = e.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    if (e instanceof UsageError || e instanceof CaptureInputError || e instanceof SignError) {
      process.stderr.write(`hndl-scan: ${e.message}\n`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`hndl-scan: internal error: ${msg}\n`);
    if (process.env['HNDL_DEBUG'] && e instanceof Error) process.stderr.write(`${e.stack ?? ''}\n`);
    // the contract knows 0, 1 and 2: a scan that could not finish is "could not scan"
    process.exitCode = EXIT_USAGE;
  }
}

void main();
