/**
 * Public entry of core/worker: scanInWorker() runs a scan (core/scan.ts) in a worker thread.
 */
export { scanInWorker, workerScriptPath } from './pool.js';
//# sourceMappingURL=index.js.map