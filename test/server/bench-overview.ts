/**
 * Benchmark (not a test): writes a 100 000-flow synthetic scan (test/store/synthetic.ts) into a
 * temp DuckDB and times the dashboard endpoints through app.inject(): overview, both heatmaps,
 * a sorted + filtered flows page deep in the table, the MCP inventory. Run:
 *   npx tsc --outDir node_modules/.cache/hndl-bench --rootDir . --module nodenext \
 *     --moduleResolution nodenext --target es2022 --strict --types node --skipLibCheck \
 *     test/server/bench-overview.ts
 *   node node_modules/.cache/hndl-bench/test/server/bench-overview.js [flows]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../core/store/index.js';
import { buildApp } from '../../server/app.js';
import { syntheticReport } from '../store/synthetic.js';

const RUNS = 15;

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'hndl-bench-'));
  try {
    const dbPath = join(dir, 'bench.duckdb');
    const report = syntheticReport('bench', n);
    const store = await openStore(dbPath);
    let t0 = process.hrtime.bigint();
    await store.writeScan(report);
    console.log(`write ${n} flows: ${ms(t0).toFixed(0)} ms`);
    await store.close();
    const app = await buildApp({ dbPath, webRoot: join(dir, 'none') });
    const urls = [
      '/api/scans/bench/overview',
      '/api/scans/bench/heatmap/category',
      '/api/scans/bench/heatmap/time',
      `/api/scans/bench/flows?sort=risk&order=desc&kex=classical&q=host1&offset=${Math.floor(n / 20)}&limit=100`,
      '/api/scans/bench/mcp',
    ];
    for (const url of urls) {
      const times: number[] = [];
      for (let i = 0; i < RUNS + 2; i++) {
        t0 = process.hrtime.bigint();
        const res = await app.inject({ url });
        const t = ms(t0);
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
        if (i >= 2) times.push(t);
      }
      times.sort((a, b) => a - b);
      const med = times[Math.floor(times.length / 2)] ?? 0;
      console.log(`${url.padEnd(100)} median ${med.toFixed(1)} ms  min ${(times[0] ?? 0).toFixed(1)} ms  max ${(times[times.length - 1] ?? 0).toFixed(1)} ms`);
    }
    await app.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
