/**
 * A pool worker in a browser (a module Web Worker, only started on cross-origin isolated pages, where shared
 * memory can be posted): the module, memory and control block arrive in the first message.
 */
import { serveJobs, type PoolWorkerData } from './serve-jobs.js';

const scope = globalThis as unknown as { onmessage: ((event: { data: PoolWorkerData }) => void) | null };
scope.onmessage = (event) => {
  scope.onmessage = null;
  serveJobs(event.data);
};
