/**
 * Progress on stderr for interactive runs: bytes done, throughput and ETA, redrawn at most
 * every 200 ms on one line. Silent when stderr is not a terminal (CI logs stay clean).
 */
import { formatBytes } from '../core/report/table.js';

export class Progress {
  private last = 0;
  private readonly started = Date.now();
  private shown = false;

  constructor(
    private readonly enabled: boolean,
    private readonly total: number | null,
  ) {}

  static forStderr(quiet: boolean, total: number | null): Progress {
    return new Progress(!quiet && process.stderr.isTTY === true && !process.env['CI'], total);
  }

  update(done: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 200) return;
    this.last = now;
    const secs = Math.max(0.001, (now - this.started) / 1000);
    const rate = done / secs;
    let line = `scanning ${formatBytes(done)}`;
    if (this.total !== null && this.total > 0) {
      const pct = Math.min(100, (100 * done) / this.total);
      const eta = rate > 0 ? Math.max(0, (this.total - done) / rate) : 0;
      const width = 24;
      const fill = Math.round((pct / 100) * width);
      line = `[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${pct.toFixed(0).padStart(3)}%  ${formatBytes(done)} / ${formatBytes(this.total)}  ${formatBytes(rate)}/s  ETA ${eta.toFixed(0)} s`;
    }
    process.stderr.write(`\r${line.slice(0, (process.stderr.columns ?? 100) - 1)}\x1b[K`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) process.stderr.write('\r\x1b[K');
  }
}
