/**
 * scanInWorker(): scan capture files in a node:worker_threads worker so the calling thread
 * (the dashboard server, or the CLI scanning several captures in parallel) stays responsive.
 * The worker is the compiled dist/core/worker/scan-worker.js, found next to this module when
 * it runs from dist/, else under the repository's dist/ (tests run the TypeScript sources).
 * User errors come back as CaptureInputError (same code and message as in-thread scans).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CaptureInputError } from '../capture/source.js';
import type { CaptureInputErrorCode } from '../capture/source.js';
import type { ScanReport } from '../report/model.js';
import type { ScanProgress, WorkerMessage, WorkerScanOptions } from './protocol.js';

export type { ScanProgress, WorkerScanOptions } from './protocol.js';

export interface ScanInWorkerOptions extends WorkerScanOptions {
  /** aborting terminates the worker; the promise rejects with the signal's reason */
  signal?: AbortSignal;
  /** worker heap cap in MiB (default: Node's) */
  maxOldGenerationSizeMb?: number;
  /** raw report for merging (core/merge.ts) */
  raw?: boolean;
}

const INPUT_CODES = new Set<string>(['ENOENT', 'EACCES', 'EISDIR', 'NOT_A_CAPTURE', 'EMPTY', 'READ_ERROR']);

/** path of the compiled worker script */
export function workerScriptPath(): string {
  const sibling = fileURLToPath(new URL('./scan-worker.js', import.meta.url));
  if (existsSync(sibling)) return sibling;
  // running from core/worker/*.ts: use the build output of this checkout
  return fileURLToPath(new URL('../../dist/core/worker/scan-worker.js', import.meta.url));
}

function toError(msg: Extract<WorkerMessage, { type: 'error' }>): Error {
  if (msg.name === 'CaptureInputError' && msg.code !== null && INPUT_CODES.has(msg.code)) {
    return new CaptureInputError(msg.code as CaptureInputErrorCode, msg.message);
  }
  const e = new Error(msg.message);
  e.name = msg.name;
  return e;
}

export function scanInWorker(
  paths: string[],
  opts: ScanInWorkerOptions = {},
  onProgress?: (p: ScanProgress) => void,
): Promise<ScanReport> {
  const { signal, maxOldGenerationSizeMb, raw, ...scanOpts } = opts;
  return new Promise<ScanReport>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      return;
    }
    const worker = new Worker(workerScriptPath(), {
      workerData: { paths, opts: scanOpts, raw: raw === true },
      ...(maxOldGenerationSizeMb !== undefined ? { resourceLimits: { maxOldGenerationSizeMb } } : {}),
    });
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
      void worker.terminate();
    };
    const onAbort = (): void => {
      finish(() => reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted')));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (msg: WorkerMessage) => {
      if (msg.type === 'progress') {
        if (!settled) onProgress?.(msg.progress);
      } else if (msg.type === 'done') {
        finish(() => resolve(msg.report));
      } else {
        finish(() => reject(toError(msg)));
      }
    });
    worker.on('error', (err: Error) => finish(() => reject(err)));
    worker.on('exit', (code) => {
      finish(() => reject(new Error(`scan worker exited with code ${code} before finishing`)));
    });
  });
}
