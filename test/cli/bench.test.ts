/**
 * `npm run bench` end to end on a bundled sample (the built dist/cli/bench.js as a child
 * process): the figures it prints and its answer to a bad flag. Times are not asserted.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const BENCH = join(ROOT, 'dist/cli/bench.js');
const SAMPLE = join(ROOT, 'samples/mixed.pcapng');

function bench(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BENCH, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run bench', () => {
  it('prints throughput and peak RSS of one scan', () => {
    const r = bench([SAMPLE, '--no-tshark']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^throughput {2}\d+ MB\/s, [\d.]+ M packets\/s, [\d.]+ k flows\/s$/m);
    expect(r.stdout).toMatch(/^peak RSS {4}\d+ MB$/m);
  });

  it('--compare-tls --runs 2 compares medians of alternating runs with and without TLS', () => {
    const r = bench([SAMPLE, '--no-tshark', '--compare-tls', '--runs', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^with TLS {4}2 runs: median \d+ ms \(min \d+\), CPU \d+ ms, peak RSS \d+ MB$/m);
    expect(r.stdout).toMatch(/^without TLS 2 runs: median \d+ ms/m);
    expect(r.stdout).toMatch(/^TLS costs {3}[+-]\d+ % scan time, [+-]\d+ % CPU \(medians/m);
    // a profiled run attributes main-thread CPU samples to the TLS code; its parts add up to at most the whole
    const prof = /^TLS code {4}(\d+) ms of (\d+) ms main-thread CPU samples \(([\d.]+) %\): decoding (\d+) ms, classification, JA4 and report fields (\d+) ms; garbage collection (\d+) ms \([\d.]+ %\) not attributed$/m.exec(r.stdout);
    expect(prof, r.stdout).not.toBeNull();
    const [tls, all, , dec, cls] = (prof ?? []).slice(1).map(Number) as [number, number, number, number, number];
    expect(all).toBeGreaterThan(0);
    expect(tls).toBeLessThanOrEqual(all);
    expect(dec + cls).toBeLessThanOrEqual(tls + 1);
  });

  it('--stages times the pipeline cut after each stage; each stage did its work', () => {
    const r = bench([SAMPLE, '--no-tshark', '--stages', '--runs', '2']);
    expect(r.code).toBe(0);
    const packets = /^packets {5}(\d+) {3}flows (\d+)/m.exec(r.stdout);
    expect(packets).not.toBeNull();
    const stage = (name: string): number => {
      const m = new RegExp(`^${name} .* median +\\d+ ms.* CPU \\d+ ms, peak RSS \\d+ MB, count (\\d+)$`, 'm').exec(r.stdout);
      expect(m, name).not.toBeNull();
      return Number(m?.[1]);
    };
    // the reader delivers every record, the flow table ends every flow the scan reports
    expect(stage('read')).toBe(Number(packets?.[1]));
    expect(stage('decode')).toBeGreaterThan(0);
    expect(stage('decode')).toBeLessThanOrEqual(stage('read'));
    expect(stage('flows')).toBe(Number(packets?.[2]));
    expect(stage('scan')).toBe(Number(packets?.[2]));
    expect(r.stdout).toMatch(/^decode .*\(\+-?\d+ ms\)/m);
  });

  it('a bad --stage is one line and exit 2', () => {
    const r = bench([SAMPLE, '--stage', 'everything']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual(['bench: --stage takes one of read, decode, flows, scan']);
  });

  it('a bad --runs is one line and exit 2, before any scan', () => {
    const r = bench([SAMPLE, '--compare-tls', '--runs', 'many']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual(['bench: --runs takes a whole number from 1 to 100']);
  });
});
