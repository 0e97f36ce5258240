#!/usr/bin/env node
/**
 * `npm run bench -- FILE [--db] [--compare-tls [--runs N]] [--no-tshark]`: scans FILE once and
 * prints MB/s, packets/s, flows/s and peak RSS. `--db` also hashes the input (sha256, as
 * `hndl-scan --db` does) and stores the scan in a fresh DuckDB file, and counts the whole store
 * step (open, write, close) in the total. `--compare-tls` scans the file again in a child
 * process with TLS analysis switched off and prints what TLS decoding, classification and JA4
 * add; with `--runs N` both scans run N times each in fresh processes, alternating, and the
 * medians are compared (one pair of runs is within the ±10 % these machines drift by).
 * `--stages [--runs N]` times the pipeline cut after each stage, each in fresh processes,
 * alternating: the capture reader alone, + frame decoding, + the flow table (no analyzers, no
 * reports), and the whole scan; what each stage adds is the difference of medians. When tshark is installed, times the equivalent tshark field extraction on
 * the same file in the same run and prints the ratio. A benchmark, not a test: figures go in the
 * notes.
 */
import { spawnSync } from 'node:child_process';
import { statSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanInputs } from '../core/scan.js';
import { scanInput } from '../core/capture/source.js';
import type { PacketSink } from '../core/capture/types.js';
import { decodeFrame } from '../core/net/decode.js';
import { newDecodedPacket } from '../core/net/packet.js';
import { FlowTable } from '../core/flow/table.js';
import { Weirds } from '../core/util/weirds.js';
import { Session } from 'node:inspector/promises';
import { attributeTls } from './tls-profile.js';
import type { TlsProfile } from './tls-profile.js';

interface BenchResult {
  scanMs: number;
  dbMs: number;
  dbParts: { open: number; write: number; close: number } | null;
  rssMb: number;
  /** CPU time of the whole process (user + system, all threads) at the end of the scan */
  cpuMs: number;
  packets: number;
  flows: number;
  evicted: number;
  byNegotiated: Record<string, number>;
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

const ms = (from: bigint): number => Number(process.hrtime.bigint() - from) / 1e6;

async function run(file: string, withDb: boolean, tls: boolean): Promise<BenchResult> {
  const t0 = process.hrtime.bigint();
  // like `hndl-scan FILE --db PATH`: a stored scan records each input's sha256
  const report = await scanInputs([file], { hash: withDb, ...(tls ? {} : { dispatch: { tls: false } }) });
  const scanMs = ms(t0);
  let dbParts: BenchResult['dbParts'] = null;
  if (withDb) {
    const dir = mkdtempSync(join(tmpdir(), 'hndl-bench-'));
    try {
      const d0 = process.hrtime.bigint();
      const { openStore } = await import('../core/store/index.js');
      const store = await openStore(join(dir, 'bench.duckdb'));
      const open = ms(d0);
      const d1 = process.hrtime.bigint();
      await store.writeScan(report);
      const write = ms(d1);
      const d2 = process.hrtime.bigint();
      await store.close();
      dbParts = { open, write, close: ms(d2) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return {
    scanMs,
    dbMs: dbParts === null ? 0 : dbParts.open + dbParts.write + dbParts.close,
    dbParts,
    rssMb: process.resourceUsage().maxRSS / 1024,
    cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    packets: report.summary.packets,
    flows: report.summary.flows,
    evicted: report.summary.flowsEvicted,
    byNegotiated: report.summary.byNegotiated,
  };
}

/** the pipeline cut after a stage (`--stages`); 'scan' is the whole scan */
const STAGES = ['read', 'decode', 'flows', 'scan'] as const;
type Stage = (typeof STAGES)[number];

interface StageResult {
  ms: number;
  cpuMs: number;
  rssMb: number;
  /** records read, frames decoded or flows ended: a check that the stage did its work */
  count: number;
}

/** runs `file` through the pipeline up to `stage` in this process */
async function runStage(file: string, stage: Stage): Promise<StageResult> {
  const t0 = process.hrtime.bigint();
  let count = 0;
  if (stage === 'scan') {
    count = (await scanInputs([file], {})).summary.flows;
  } else {
    const weirds = new Weirds();
    const pkt = newDecodedPacket();
    const table = new FlowTable({
      factory: { attachStream: () => null, attachDatagram: () => null },
      weirds,
      onFlowEnd: () => {
        count++;
      },
    });
    const sinks: Record<Exclude<Stage, 'scan'>, PacketSink> = {
      read: {
        packet(): void {
          count++;
        },
      },
      decode: {
        packet(linkType, _ts, data, off, capLen): void {
          if (decodeFrame(linkType, data, off, capLen, pkt, weirds)) count++;
        },
      },
      flows: {
        packet(linkType, ts, data, off, capLen): void {
          if (decodeFrame(linkType, data, off, capLen, pkt, weirds)) table.packet(pkt, ts);
        },
      },
    };
    await scanInput(file, { sink: sinks[stage], weirds });
    if (stage === 'flows') table.flush();
  }
  const u = process.cpuUsage();
  return { ms: ms(t0), cpuMs: (u.user + u.system) / 1000, rssMb: process.resourceUsage().maxRSS / 1024, count };
}

function runStageChild(file: string, stage: Stage): StageResult | string {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [...process.execArgv, self, file, '--stage', stage, '--json'], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) return `exit ${String(r.status)}: ${(r.stderr ?? '').trim().split('\n').pop() ?? ''}`;
  try {
    return JSON.parse(r.stdout) as StageResult;
  } catch {
    return 'unreadable output';
  }
}

/** `--stages`: each cut of the pipeline `runs` times in fresh processes, alternating */
function compareStages(file: string, runs: number, out: string[]): void {
  const res = new Map<Stage, StageResult[]>(STAGES.map((st) => [st, []]));
  for (let i = 0; i < runs; i++) {
    for (const st of STAGES) {
      const r = runStageChild(file, st);
      if (typeof r === 'string') {
        out.push(`stage ${st} failed: ${r}`);
        return;
      }
      res.get(st)?.push(r);
    }
  }
  const label: Record<Stage, string> = {
    read: 'read      capture reader (records)',
    decode: 'decode    + frame decoding',
    flows: 'flows     + flow table (flows ended)',
    scan: 'scan      + analyzers, reports, risk',
  };
  let prev = 0;
  for (const st of STAGES) {
    const rs = res.get(st) ?? [];
    const m = median(rs.map((r) => r.ms));
    const add = st === 'read' ? '' : `  (+${(m - prev).toFixed(0)} ms)`;
    out.push(
      `${label[st].padEnd(38)} median ${m.toFixed(0).padStart(5)} ms${add.padEnd(14)} CPU ${median(rs.map((r) => r.cpuMs)).toFixed(0)} ms, peak RSS ${Math.max(...rs.map((r) => r.rssMb)).toFixed(0)} MB, count ${String(rs[0]?.count ?? 0)}`,
    );
    prev = m;
  }
}

/** one scan (with or without TLS analysis) in a fresh process with this one's Node flags */
function runChild(file: string, tls: boolean): BenchResult | string {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [...process.execArgv, self, file, ...(tls ? [] : ['--no-tls']), '--json'], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) return `exit ${String(r.status)}: ${(r.stderr ?? '').trim().split('\n').pop() ?? ''}`;
  try {
    return JSON.parse(r.stdout) as BenchResult;
  } catch {
    return 'unreadable output';
  }
}

/**
 * Scans `file` under the V8 CPU profiler (100 µs samples) and attributes the main-thread
 * samples (cli/tls-profile.ts).
 */
async function profileTls(file: string): Promise<TlsProfile> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  await scanInputs([file], {});
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  return attributeTls(profile);
}

function runProfileChild(file: string): TlsProfile | string {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [...process.execArgv, self, file, '--tls-profile', '--json'], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) return `exit ${String(r.status)}: ${(r.stderr ?? '').trim().split('\n').pop() ?? ''}`;
  try {
    return JSON.parse(r.stdout) as TlsProfile;
  } catch {
    return 'unreadable output';
  }
}

/** the profile line of `--compare-tls`: what share of the scan's main-thread CPU the TLS code takes */
function tlsShare(file: string, out: string[]): void {
  const p = runProfileChild(file);
  if (typeof p === 'string') {
    out.push(`TLS profile run failed: ${p}`);
    return;
  }
  const pct = (x: number): string => `${((x / p.sampledMs) * 100).toFixed(1)} %`;
  out.push(
    `TLS code    ${p.tlsMs.toFixed(0)} ms of ${p.sampledMs.toFixed(0)} ms main-thread CPU samples (${pct(p.tlsMs)}): decoding ${p.decodeMs.toFixed(0)} ms, classification, JA4 and report fields ${p.classifyMs.toFixed(0)} ms; garbage collection ${p.gcMs.toFixed(0)} ms (${pct(p.gcMs)}) not attributed`,
  );
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

/** `--runs N` ≥ 2: N alternating pairs of child scans with and without TLS, compared by medians */
function compareTls(file: string, runs: number, out: string[]): void {
  const on: BenchResult[] = [];
  const off: BenchResult[] = [];
  for (let i = 0; i < runs; i++) {
    for (const [tls, into] of [[true, on], [false, off]] as const) {
      const r = runChild(file, tls);
      if (typeof r === 'string') {
        out.push(`${tls ? 'TLS' : 'no-TLS'} run failed: ${r}`);
        return;
      }
      into.push(r);
    }
  }
  const row = (rs: BenchResult[]): string => {
    const t = rs.map((r) => r.scanMs);
    return `median ${median(t).toFixed(0)} ms (min ${Math.min(...t).toFixed(0)}), CPU ${median(rs.map((r) => r.cpuMs)).toFixed(0)} ms, peak RSS ${Math.max(...rs.map((r) => r.rssMb)).toFixed(0)} MB`;
  };
  const pct = (a: number, b: number): string => `${a >= b ? '+' : ''}${(((a - b) / b) * 100).toFixed(0)} %`;
  out.push(`with TLS    ${runs} runs: ${row(on)}`);
  out.push(`without TLS ${runs} runs: ${row(off)}`);
  out.push(
    `TLS costs   ${pct(median(on.map((r) => r.scanMs)), median(off.map((r) => r.scanMs)))} scan time, ${pct(median(on.map((r) => r.cpuMs)), median(off.map((r) => r.cpuMs)))} CPU (medians; TLS decoding, classification and JA4, and the risk, findings and aggregates of the flows it classifies)`,
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const withDb = args.includes('--db');
  const noTshark = args.includes('--no-tshark');
  const noTls = args.includes('--no-tls');
  const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--runs' && args[i - 1] !== '--stage');
  if (!file) {
    process.stderr.write('usage: npm run bench -- FILE [--db] [--compare-tls | --stages] [--runs N] [--no-tshark]\n');
    process.exit(2);
  }
  const stageAt = args.indexOf('--stage');
  if (stageAt >= 0) {
    const stage = STAGES.find((st) => st === args[stageAt + 1]);
    if (stage === undefined) {
      process.stderr.write(`bench: --stage takes one of ${STAGES.join(', ')}\n`);
      process.exit(2);
    }
    process.stdout.write(`${JSON.stringify(await runStage(file, stage))}\n`);
    return;
  }
  if (args.includes('--tls-profile')) {
    process.stdout.write(`${JSON.stringify(await profileTls(file))}\n`);
    return;
  }
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 1;
  if (!Number.isInteger(runs) || runs < 1 || runs > 100) {
    process.stderr.write('bench: --runs takes a whole number from 1 to 100\n');
    process.exit(2);
  }
  const size = statSync(file).size;
  const res = await run(file, withDb, !noTls);
  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify(res)}\n`);
    return;
  }
  const totalMs = res.scanMs + res.dbMs;
  const out: string[] = [];
  out.push(`file        ${file} (${(size / 1e6).toFixed(1)} MB)`);
  const db = res.dbParts;
  out.push(`scan        ${res.scanMs.toFixed(0)} ms${db ? ` + DuckDB ${res.dbMs.toFixed(0)} ms (open ${db.open.toFixed(0)}, write ${db.write.toFixed(0)}, close ${db.close.toFixed(0)}) = ${totalMs.toFixed(0)} ms` : ''}`);
  out.push(`throughput  ${(size / 1e6 / (totalMs / 1000)).toFixed(0)} MB/s, ${(res.packets / (totalMs / 1000) / 1e6).toFixed(2)} M packets/s, ${(res.flows / (totalMs / 1000) / 1e3).toFixed(1)} k flows/s`);
  out.push(`packets     ${res.packets}   flows ${res.flows}   evicted ${res.evicted}`);
  out.push(`negotiated  ${JSON.stringify(res.byNegotiated)}`);
  out.push(`peak RSS    ${res.rssMb.toFixed(0)} MB`);
  if (args.includes('--stages')) compareStages(file, runs, out);
  if (args.includes('--compare-tls') && runs > 1) compareTls(file, runs, out);
  else if (args.includes('--compare-tls')) {
    const base = runChild(file, false);
    if (typeof base === 'string') out.push(`no-TLS run failed: ${base}`);
    else {
      const pct = ((res.scanMs - base.scanMs) / base.scanMs) * 100;
      out.push(`without TLS ${base.scanMs.toFixed(0)} ms scan (${JSON.stringify(base.byNegotiated)}), peak RSS ${base.rssMb.toFixed(0)} MB`);
      out.push(`TLS costs   ${pct >= 0 ? '+' : ''}${pct.toFixed(0)} % scan time (TLS decoding, classification and JA4, and the risk, findings and aggregates of the flows it classifies)`);
    }
  }
  if (args.includes('--compare-tls')) tlsShare(file, out);
  if (!noTshark && has('tshark')) {
    const timeBin = has('/usr/bin/time') ? ['/usr/bin/time', '-f', '%M'] : [];
    const tsArgs = ['-r', file, '-Y', 'tls.handshake.type==1 || tls.handshake.type==2', '-T', 'fields', '-e', 'tcp.stream', '-e', 'tls.handshake.extensions_supported_group'];
    const s0 = process.hrtime.bigint();
    const r = timeBin.length
      ? spawnSync(timeBin[0] ?? '', [...timeBin.slice(1), 'tshark', ...tsArgs], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 })
      : spawnSync('tshark', tsArgs, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
    const tsMs = ms(s0);
    const lastLine = r.stderr?.toString().trim().split('\n').pop() ?? '';
    const kb = Number(lastLine);
    out.push(`tshark      ${tsMs.toFixed(0)} ms${Number.isFinite(kb) && kb > 0 ? `, peak RSS ${(kb / 1024).toFixed(0)} MB` : ''} (exit ${String(r.status)})`);
    out.push(`ratio       hndl-scan is ${(tsMs / totalMs).toFixed(1)}x faster than tshark`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(2);
});
