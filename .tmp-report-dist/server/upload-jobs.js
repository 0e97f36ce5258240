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
import { CaptureInputError } from '../core/capture/source.js';
import { scanInWorker } from '../core/worker/index.js';
const MAX_JOBS = 1000;
export function isTerminal(e) {
    return e.type === 'done' || e.type === 'error';
}
/** a client file name made safe for display: base name, no control characters, ≤ 200 chars */
export function cleanFileName(name) {
    const base = (name ?? '').split(/[\\/]/).pop() ?? '';
    const clean = base.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '').trim().slice(0, 200);
    return clean === '' ? 'upload' : clean;
}
export class UploadJobs {
    store;
    opts;
    jobs = new Map();
    listeners = new Map();
    queue = [];
    aborts = new Set();
    active = new Set();
    running = 0;
    closed = false;
    concurrency;
    maxQueued;
    keepMs;
    constructor(store, opts = {}) {
        this.store = store;
        this.opts = opts;
        this.concurrency = Math.max(1, opts.concurrency ?? 1);
        this.maxQueued = Math.max(0, opts.maxQueued ?? 16);
        this.keepMs = opts.keepMs ?? 3_600_000;
    }
    /** false when the scan queue is full */
    canAccept() {
        return !this.closed && this.queue.length < this.maxQueued;
    }
    create() {
        this.expire();
        const job = { id: randomUUID(), state: 'receiving', createdAt: Date.now(), files: [], events: [], scanId: null, error: null };
        this.jobs.set(job.id, job);
        return job;
    }
    get(id) {
        return this.jobs.get(id);
    }
    /** record an event (coalescing consecutive progress of the same type) and tell subscribers */
    emit(job, event) {
        const last = job.events[job.events.length - 1];
        const seq = (last?.seq ?? 0) + 1;
        const se = { seq, event };
        if (last !== undefined && last.event.type === event.type && (event.type === 'upload' || event.type === 'scan')) {
            job.events[job.events.length - 1] = se;
        }
        else {
            job.events.push(se);
        }
        if (event.type === 'done')
            job.state = 'done';
        if (event.type === 'error') {
            job.state = 'error';
            job.error = { code: event.code, message: event.message };
        }
        for (const l of this.listeners.get(job.id) ?? [])
            l(se);
        if (isTerminal(event))
            this.listeners.delete(job.id);
    }
    /** subscribe to a job's future events; returns the unsubscribe function */
    subscribe(id, l) {
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
    async fail(job, code, message) {
        await this.removeFiles(job);
        this.emit(job, { type: 'error', code, message });
    }
    /** upload complete: queue the scan */
    enqueue(job) {
        job.state = 'queued';
        this.queue.push(job);
        this.emit(job, { type: 'queued', position: this.queue.length });
        this.pump();
    }
    pump() {
        while (!this.closed && this.running < this.concurrency && this.queue.length > 0) {
            const job = this.queue.shift();
            if (job === undefined)
                break;
            this.running++;
            const p = this.run(job).finally(() => {
                this.running--;
                this.active.delete(p);
                this.pump();
            });
            this.active.add(p);
        }
    }
    async run(job) {
        job.state = 'scanning';
        const ac = new AbortController();
        this.aborts.add(ac);
        try {
            const report = await scanInWorker(job.files.map((f) => f.path), { hash: true, signal: ac.signal, ...(this.opts.workerHeapMb !== undefined ? { maxOldGenerationSizeMb: this.opts.workerHeapMb } : {}) }, (p) => {
                this.emit(job, { type: 'scan', input: p.input, inputs: p.inputs, bytesDone: p.bytesDone, totalBytes: p.totalBytes, flows: p.flows });
            });
            report.scan.inputs.forEach((input, i) => {
                input.path = job.files[i]?.name ?? input.path;
            });
            report.scan.options = { ...(report.scan.options ?? {}), source: 'upload' };
            await this.store.writeScan(report);
            job.scanId = report.scan.id;
            this.emit(job, { type: 'done', scanId: report.scan.id, flows: report.flows.length });
        }
        catch (err) {
            if (err instanceof CaptureInputError)
                this.emit(job, { type: 'error', code: err.code, message: err.message });
            else if (this.closed)
                this.emit(job, { type: 'error', code: 'SHUTDOWN', message: 'the server stopped before the scan finished' });
            else
                this.emit(job, { type: 'error', code: 'SCAN_FAILED', message: 'the scan failed' });
        }
        finally {
            this.aborts.delete(ac);
            await this.removeFiles(job);
        }
    }
    async removeFiles(job) {
        await Promise.all(job.files.map((f) => rm(f.path, { force: true }).catch(() => undefined)));
    }
    expire() {
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
    async close() {
        this.closed = true;
        for (const job of this.queue.splice(0))
            await this.fail(job, 'SHUTDOWN', 'the server stopped before the scan started');
        for (const ac of this.aborts)
            ac.abort(new Error('server closing'));
        await Promise.allSettled([...this.active]);
        for (const [id, job] of this.jobs) {
            if (job.state === 'receiving')
                this.emit(job, { type: 'error', code: 'SHUTDOWN', message: 'the server stopped' });
            this.listeners.delete(id);
        }
    }
}
//# sourceMappingURL=upload-jobs.js.map