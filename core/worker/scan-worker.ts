/**
 * The scan worker thread: runs core/scan.ts ScanSession over the paths it is given
 * (workerData: WorkerRequest, see protocol.ts) and posts progress (at most every 100 ms),
 * then the report or the error. Started by scanInWorker() in pool.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ScanSession } from '../scan.js';
import type { ScanProgress, WorkerMessage, WorkerRequest } from './protocol.js';

const PROGRESS_MS = 100;

function post(msg: WorkerMessage): void {
  parentPort?.postMessage(msg);
}

async function run(req: WorkerRequest): Promise<void> {
  let flows = 0;
  let done = 0;
  let last = 0;
  const progress: ScanProgress = { input: 0, inputs: req.paths.length, bytesRead: 0, totalBytes: null, bytesDone: 0, flows: 0 };
  const emit = (force: boolean): void => {
    const now = Date.now();
    if (!force && now - last < PROGRESS_MS) return;
    last = now;
    progress.flows = flows;
    progress.bytesDone = done + progress.bytesRead;
    post({ type: 'progress', progress: { ...progress } });
  };
  const session = new ScanSession({
    ...req.opts,
    onFlow: () => {
      flows++;
    },
    onProgress: (bytesRead, totalBytes) => {
      progress.bytesRead = bytesRead;
      progress.totalBytes = totalBytes;
      emit(false);
    },
  });
  for (let i = 0; i < req.paths.length; i++) {
    progress.input = i;
    progress.bytesRead = 0;
    progress.totalBytes = null;
    const res = await session.addInput(req.paths[i] ?? '');
    done += res.bytes;
    progress.bytesRead = 0;
    emit(true);
  }
  const report = session.finish({ raw: req.raw === true });
  post({ type: 'done', report });
}

run(workerData as WorkerRequest).catch((err: unknown) => {
  const e = err instanceof Error ? err : new Error(String(err));
  const code = 'code' in e && typeof e.code === 'string' ? e.code : null;
  post({ type: 'error', name: e.name, code, message: e.message });
});
