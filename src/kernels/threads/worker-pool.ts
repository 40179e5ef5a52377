import { Control, CONTROL_WORDS, claimTask, claimWord, publishedClaim } from './control-block.js';
import { TaskFailure } from './task-failure.js';

/**
 * A persistent pool of worker threads (Node worker_threads, or module Web Workers on cross-origin isolated pages)
 * sharing one WebAssembly.Memory with the host. `execute` is synchronous: the calling thread publishes the job,
 * runs tasks itself alongside the workers, then waits until every task has finished (Atomics.wait in Node; a
 * browser's main thread, which may not block, spins on an atomic load instead). Node workers are unref'd: an idle
 * pool never keeps the process alive.
 *
 * Workers start asynchronously; a job counts only the workers that are already running, so the first calls after
 * `setThreads` may use fewer threads. Results do not depend on it. Node workers get no execArgv: they need none,
 * and V8 flags (e.g. --experimental-wasm-relaxed-simd, process-wide anyway) are refused there. A worker that fails
 * to start (its script does not load, or the browser refuses it) is dropped: the pool goes on with fewer threads and
 * `whenReady` stops waiting for it. Its error is swallowed so it cannot end the process. A task that throws, on any
 * thread, makes `execute` throw a {@link TaskFailure} once every other task has finished.
 */
export class WorkerPool {
  private readonly words: Int32Array;
  private readonly claim: BigInt64Array;
  private readonly workers: StartedWorker[] = [];

  constructor(
    module: WebAssembly.Module, memory: WebAssembly.Memory, control: number, size: number,
    private readonly runTask: (params: number, task: number) => void,
  ) {
    this.words = new Int32Array(memory.buffer, control, CONTROL_WORDS);
    this.words.fill(0);
    this.claim = claimWord(memory.buffer, control);
    const data = { module, memory, control };
    for (let i = 0; i < size; i++) {
      const worker = startWorker(data, () => this.drop(worker));
      if (!worker) break;
      this.workers.push(worker);
    }
  }

  /**
   * Forgets a worker that failed. Workers take their index when they start, so one that failed before starting
   * leaves no gap; one that fails later (it never does once serving, its tasks catch their traps) is terminated.
   */
  private drop(worker: StartedWorker | null): void {
    const at = worker ? this.workers.indexOf(worker) : -1;
    if (at < 0) return;
    this.workers.splice(at, 1);
    void worker!.terminate();
  }

  get size(): number {
    return this.workers.length;
  }

  /** Workers that have started and can take part in the next job. */
  get readyWorkers(): number {
    return Math.min(Atomics.load(this.words, Control.READY), this.workers.length);
  }

  /** Resolves once every worker has started (or after `timeoutMs`). */
  async whenReady(timeoutMs = 10_000): Promise<void> {
    const start = Date.now();
    while (this.readyWorkers < this.workers.length && Date.now() - start < timeoutMs) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  /**
   * Runs tasks 0 … count−1 of the job at `params` on this thread and up to `helpers` ready workers; returns when
   * all are done.
   */
  execute(params: number, count: number, helpers: number): void {
    const w = this.words;
    const woken = Math.min(helpers, this.readyWorkers);
    Atomics.store(w, Control.PARAMS, params);
    Atomics.store(w, Control.COMPLETED, 0);
    Atomics.store(w, Control.FAILED, 0);
    Atomics.store(w, Control.HELPERS, woken);
    Atomics.store(this.claim, 0, publishedClaim(count));
    if (woken > 0) {
      Atomics.add(w, Control.GENERATION, 1);
      Atomics.notify(w, Control.GENERATION);
    }
    let detail = 'a WebAssembly trap in a worker';
    for (let claimed = claimTask(this.claim); claimed; claimed = claimTask(this.claim)) {
      try {
        this.runTask(params, claimed.task);
      } catch (error) {
        if (Atomics.compareExchange(w, Control.FAILED, 0, claimed.task + 1) === 0) detail = String(error);
      }
      Atomics.add(w, Control.COMPLETED, 1);
    }
    for (let done = Atomics.load(w, Control.COMPLETED); done < count; done = Atomics.load(w, Control.COMPLETED)) {
      if (blockingWaitAllowed) Atomics.wait(w, Control.COMPLETED, done);
    }
    const failed = Atomics.load(w, Control.FAILED);
    if (failed) throw new TaskFailure(failed - 1, count, detail);
  }

  /** Stops every worker (the pool is unusable afterwards). */
  terminate(): void {
    for (const worker of this.workers) void worker.terminate();
    this.workers.length = 0;
  }
}

/**
 * True where a synchronous worker pool can run: Node's worker_threads, or module Web Workers on a cross-origin
 * isolated page (the only pages that may share memory with a worker).
 */
export function workerThreadsAvailable(): boolean {
  return getBuiltin('node:worker_threads') !== undefined || webWorkersAvailable();
}

function webWorkersAvailable(): boolean {
  const scope = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown };
  return scope.crossOriginIsolated === true && typeof scope.Worker === 'function';
}

/**
 * Node may block any thread in Atomics.wait; a browser's main thread may not, so there the host spins on the
 * COMPLETED word for the few milliseconds the workers need to finish their last tasks.
 */
const blockingWaitAllowed = getBuiltin('node:worker_threads') !== undefined || typeof (globalThis as { document?: unknown }).document === 'undefined';

interface StartedWorker { terminate(): unknown }

/**
 * Starts one worker serving the pool, or null when it cannot be started (the pool then has fewer threads);
 * `failed` runs if it fails later, e.g. when its script does not load. The worker scripts are named by literal
 * `new URL('./….js', import.meta.url)` inside `new Worker(…)`, the form bundlers (Vite, webpack) recognize and emit.
 */
function startWorker(data: { module: WebAssembly.Module; memory: WebAssembly.Memory; control: number }, failed: () => void): StartedWorker | null {
  const nodeThreads = getBuiltin('node:worker_threads') as typeof import('node:worker_threads') | undefined;
  try {
    if (nodeThreads) {
      const worker = new nodeThreads.Worker(new URL('./worker.js', import.meta.url), { workerData: data, execArgv: [] });
      worker.on('error', failed);
      worker.unref();
      return worker;
    }
    const worker = new Worker(new URL('./web-worker.js', import.meta.url), { type: 'module' });
    worker.addEventListener('error', failed);
    worker.postMessage(data);
    return worker;
  } catch {
    return null;
  }
}

/** Node built-in modules without a static import, so browser bundles never reference them. */
export function getBuiltin(id: string): object | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => object | undefined } }).process;
  return proc?.getBuiltinModule?.(id);
}
