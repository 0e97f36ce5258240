/**
 * Upload jobs: one per POST /api/uploads. A job records its progress events (upload bytes,
 * queued, scan bytes / flows, done with the scan id, error) for the SSE stream
 * GET /api/uploads/:id/events, which replays them to late subscribers. Consecutive progress
 * events of one kind are coalesced so the history stays small. Scans run in worker threads
 * (core/worker scanInWorker) behind a small concurrency limit; the report is written to the
 * store and the temp files deleted whatever happens. Finished jobs are forgotten after a while.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { Store } from '../core/store/index.js';
import { CaptureInputError } from '../core/capture/source.js';
import { scanInWorker } from '../core/worker/index.js';
import type { ScanProgress } from '../core/worker/index.js';

export type JobState = 'receiving' | 'queued' | 'scanning' | 'done' | 'error';

export type JobEvent =
  | { type: 'upload'; bytes: number; files: number }
  | { type: 'queued'; position: number }
  | { type: 'scan'; input: number; inputs: number; bytesDone: number; totalBytes: number | null; flows: number }
  | { type: 'done'; scanId: string; flows: number }
  | { type: 'error'; code: string; message: string };

export interface SequencedEvent {
  seq: number;
  event: JobEvent;
}

export interface UploadedFile {
  /** temp file path (server-chosen name) */
  path: string;
  /** client file name, cleaned: shown in the report's inputs */
  name: string;
  bytes: number;
}

export interface Job {
  id: string;
  state: JobState;
  createdAt: number;
  files: UploadedFile[];
  events: SequencedEvent[];
  scanId: string | null;
  error: { code: string; message: string } | null;
}

type Listener = (e: SequencedEvent) => void;

export interface UploadJobsOptions {
  /** scans run at once (default 1) */
  concurrency?: number;
  /** jobs waiting for a worker before uploads are refused (default 16) */
  maxQueued?: number;
  /** finished jobs are kept this long for late subscribers (default 1 h) */
  keepMs?: number;
  /** worker heap cap, MiB */
  workerHeapMb?: number;
}

const MAX_JOBS = 1000;

export function isTerminal(e: JobEvent): boolean {
  return e.type === 'done' || e.type === 'error';
}

/** a client file name made safe for display: base name, no control characters, ≤ 200 chars */
export function cleanFileName(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '').trim().slice(0, 200);
  return clean === '' ? 'upload' : clean;
}

export class UploadJobs {
  private readonly jobs = new Map<string, Job>();
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly queue: Job[] = [];
  private readonly aborts = new Set<AbortController>();
  private readonly active = new Set<Promise<void>>();
  private running = 0;
  private closed = false;
  private readonly concurrency: number;
  private readonly maxQueued: number;
  private readonly keepMs: number;

  constructor(
    private readonly store: Store,
    private readonly opts: UploadJobsOptions = {},
  ) {
    this.concurrency = Math.max(1, opts.concurrency ?? 1);
    this.maxQueued = Math.max(0, opts.maxQueued ?? 16);
    this.keepMs = opts.keepMs ?? 3_600_000;
  }

  /** false when the scan queue is full */
  canAccept(): boolean {
    return !this.closed && this.queue.length < this.maxQueued;
  }

  create(): Job {
    this.expire();
    const job: Job = { id: randomUUID(), state: 'receiving', createdAt: Date.now(), files: [], events: [], scanId: null, error: null };
    this.jobs.set(job.id, job);
    return job;
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  /** record an event (coalescing consecutive progress of the same type) and tell subscribers */
  emit(job: Job, event: JobEvent): void {
    const last = job.events[job.events.length - 1];
    const seq = (last?.seq ?? 0) + 1;
    const se = { seq, event };
    if (last !== undefined && last.event.type === event.type && (event.type === 'upload' || event.type === 'scan')) {
      job.events[job.events.length - 1] = se;
    } else {
      job.events.push(se);
    }
    if (event.type === 'done') job.state = 'done';
    if (event.type === 'error') {
      job.state = 'error';
      job.error = { code: event.code, message: event.message };
    }
    for (const l of this.listeners.get(job.id) ?? []) l(se);
    if (isTerminal(event)) this.listeners.delete(job.id);
  }

  /** subscribe to a job's future events; returns the unsubscribe function */
  subscribe(id: string, l: Listener): () => void {
    let set = this.listeners.get(id);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(id, set);
    }
    set.add(l);
    return () => {
      set.delete(l);
    };
  }

  /** the upload failed before scanning: remove its files and report the error */
  async fail(job: Job, code: string, message: string): Promise<void> {
    await this.removeFiles(job);
    this.emit(job, { type: 'error', code, message });
  }

  /** upload complete: queue the scan */
  enqueue(job: Job): void {
    job.state = 'queued';
    this.queue.push(job);
    this.emit(job, { type: 'queued', position: this.queue.length });
    this.pump();
  }

  private pump(): void {
    while (!this.closed && this.running < this.concurrency && this.queue.length > 0) {
      const job = this.queue.shift();
      if (job === undefined) break;
      this.running++;
      const p: Promise<void> = this.run(job).finally(() => {
        this.running--;
        this.active.delete(p);
        this.pump();
      });
      this.active.add(p);
    }
  }

  private async run(job: Job): Promise<void> {
    job.state = 'scanning';
    const ac = new AbortController();
    this.aborts.add(ac);
    try {
      const report = await scanInWorker(
        job.files.map((f) => f.path),
        { hash: true, signal: ac.signal, ...(this.opts.workerHeapMb !== undefined ? { maxOldGenerationSizeMb: this.opts.workerHeapMb } : {}) },
        (p: ScanProgress) => {
          this.emit(job, { type: 'scan', input: p.input, inputs: p.inputs, bytesDone: p.bytesDone, totalBytes: p.totalBytes, flows: p.flows });
        },
      );
      report.scan.inputs.forEach((input, i) => {
        input.path = job.files[i]?.name ?? input.path;
      });
      report.scan.options = { ...(report.scan.options ?? {}), source: 'upload' };
      await this.store.writeScan(report);
      job.scanId = report.scan.id;
      this.emit(job, { type: 'done', scanId: report.scan.id, flows: report.flows.length });
    } catch (err) {
      if (err instanceof CaptureInputError) this.emit(job, { type: 'error', code: err.code, message: err.message });
      else if (this.closed) this.emit(job, { type: 'error', code: 'SHUTDOWN', message: 'the server stopped before the scan finished' });
      else this.emit(job, { type: 'error', code: 'SCAN_FAILED', message: 'the scan failed' });
    } finally {
      this.aborts.delete(ac);
      await this.removeFiles(job);
    }
  }

  async removeFiles(job: Job): Promise<void> {
    await Promise.all(job.files.map((f) => rm(f.path, { force: true }).catch(() => undefined)));
  }

  private expire(): void {
    const now = Date.now();
    for (const [id, job] of this.jobs) {
      const over = this.jobs.size > MAX_JOBS;
      const finished = job.state === 'done' || job.state === 'error';
      if (finished && (over || now - job.createdAt > this.keepMs)) {
        this.jobs.delete(id);
        this.listeners.delete(id);
      }
    }
  }

  /** stop: abort running scans, drop queued ones (their files are deleted) */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) await this.fail(job, 'SHUTDOWN', 'the server stopped before the scan started');
    for (const ac of this.aborts) ac.abort(new Error('server closing'));
    await Promise.allSettled([...this.active]);
    for (const [id, job] of this.jobs) {
      if (job.state === 'receiving') this.emit(job, { type: 'error', code: 'SHUTDOWN', message: 'the server stopped' });
      this.listeners.delete(id);
    }
  }
}
