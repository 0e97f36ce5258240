/**
 * Messages between scanInWorker() (core/worker/pool.ts) and the scan worker thread
 * (core/worker/scan-worker.ts), carried by node:worker_threads postMessage (structured clone).
 */
import type { ScanReport } from '../report/model.js';
import type { ScanOptions } from '../scan.js';

/** scan options that cross the thread boundary (no callbacks) */
export type WorkerScanOptions = Omit<ScanOptions, 'onFlow' | 'onEngineFlow' | 'onProgress'>;

export interface WorkerRequest {
  paths: string[];
  opts: WorkerScanOptions;
  /** return the raw report (no report-level analysis) for merging, see core/merge.ts */
  raw?: boolean;
}

export interface ScanProgress {
  /** index of the input being read (0-based) */
  input: number;
  inputs: number;
  /** raw bytes read of the current input */
  bytesRead: number;
  /** size of the current input, null when unknown */
  totalBytes: number | null;
  /** raw bytes of all finished inputs plus bytesRead */
  bytesDone: number;
  /** flows finished so far */
  flows: number;
}

export type WorkerMessage =
  | { type: 'progress'; progress: ScanProgress }
  | { type: 'done'; report: ScanReport }
  | { type: 'error'; name: string; code: string | null; message: string };
