#!/usr/bin/env node
/**
 * `npm run bench -- FILE [--db]`: scans FILE once and prints MB/s, packets/s, flows/s and peak RSS;
 * when tshark is installed, times the equivalent tshark field extraction on the same file in
 * the same run and prints the ratio. A benchmark, not a test: figures go in the notes.
 */
import { spawnSync } from 'node:child_process';
import { statSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanInputs } from '../core/scan.js';

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const withDb = args.includes('--db');
  const noTshark = args.includes('--no-tshark');
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    process.stderr.write('usage: npm run bench -- FILE [--db] [--no-tshark]\n');
    process.exit(2);
  }
  const size = statSync(file).size;
  const t0 = process.hrtime.bigint();
  const report = await scanInputs([file], {});
  const t1 = process.hrtime.bigint();
  let dbMs = 0;
  if (withDb) {
    const dir = mkdtempSync(join(tmpdir(), 'hndl-bench-'));
    const { openStore } = await import('../core/store/index.js');
    const store = await openStore(join(dir, 'bench.duckdb'));
    const d0 = process.hrtime.bigint();
    await store.writeScan(report);
    dbMs = Number(process.hrtime.bigint() - d0) / 1e6;
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const scanMs = Number(t1 - t0) / 1e6;
  const totalMs = scanMs + dbMs;
  const rssMb = process.resourceUsage().maxRSS / 1024;
  const pk = report.summary.packets;
  const fl = report.summary.flows;
  const out: string[] = [];
  out.push(`file        ${file} (${(size / 1e6).toFixed(1)} MB)`);
  out.push(`scan        ${scanMs.toFixed(0)} ms${withDb ? ` + DuckDB write ${dbMs.toFixed(0)} ms = ${totalMs.toFixed(0)} ms` : ''}`);
  out.push(`throughput  ${(size / 1e6 / (totalMs / 1000)).toFixed(0)} MB/s, ${(pk / (totalMs / 1000) / 1e6).toFixed(2)} M packets/s, ${(fl / (totalMs / 1000) / 1e3).toFixed(1)} k flows/s`);
  out.push(`packets     ${pk}   flows ${fl}   evicted ${report.summary.flowsEvicted}`);
  out.push(`negotiated  ${JSON.stringify(report.summary.byNegotiated)}`);
  out.push(`peak RSS    ${rssMb.toFixed(0)} MB`);
  if (!noTshark && has('tshark')) {
    const timeBin = has('/usr/bin/time') ? ['/usr/bin/time', '-f', '%M'] : [];
    const tsArgs = ['-r', file, '-Y', 'tls.handshake.type==1 || tls.handshake.type==2', '-T', 'fields', '-e', 'tcp.stream', '-e', 'tls.handshake.extensions_supported_group'];
    const s0 = process.hrtime.bigint();
    const r = timeBin.length
      ? spawnSync(timeBin[0] ?? '', [...timeBin.slice(1), 'tshark', ...tsArgs], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 })
      : spawnSync('tshark', tsArgs, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
    const tsMs = Number(process.hrtime.bigint() - s0) / 1e6;
    const lastLine = r.stderr?.toString().trim().split('\n').pop() ?? '';
    const kb = Number(lastLine);
    out.push(`tshark      ${tsMs.toFixed(0)} ms${Number.isFinite(kb) && kb > 0 ? `, peak RSS ${(kb / 1024).toFixed(0)} MB` : ''} (exit ${r.status})`);
    out.push(`ratio       hndl-scan is ${(tsMs / totalMs).toFixed(1)}x faster than tshark`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
});
