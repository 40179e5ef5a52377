/** A pool worker under Node's worker_threads: the module, memory and control block arrive as workerData. */
import { workerData } from 'node:worker_threads';
import { serveJobs, type PoolWorkerData } from './serve-jobs.js';

serveJobs(workerData as PoolWorkerData);
