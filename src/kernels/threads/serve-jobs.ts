import { Control, CONTROL_WORDS, claimTask, claimWord } from './control-block.js';

/** What a pool worker receives: the compiled kernel module, the shared memory, and its pool's control block. */
export interface PoolWorkerData { module: WebAssembly.Module; memory: WebAssembly.Memory; control: number }

/**
 * The life of a pool worker, in Node and in browsers alike: instantiate the kernel module on the shared memory,
 * take an index, then sleep on the control block's generation word and help with every job it is counted in,
 * claiming tasks until none are left. It never posts messages; the host waits on the COMPLETED word. Never returns.
 */
export function serveJobs({ module, memory, control }: PoolWorkerData): void {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const run = instance.exports.run as (params: number, task: number) => void;
  const words = new Int32Array(memory.buffer, control, CONTROL_WORDS);
  const claim = claimWord(memory.buffer, control);
  let seen = Atomics.load(words, Control.GENERATION);
  const index = Atomics.add(words, Control.READY, 1);
  // Thread 0 is the host's instance; workers are 1… (the kernels' per-thread scratch: assembly/params.ts).
  (instance.exports.setThread as (i: number) => void)(index + 1);
  for (;;) {
    Atomics.wait(words, Control.GENERATION, seen);
    seen = Atomics.load(words, Control.GENERATION);
    if (index >= Atomics.load(words, Control.HELPERS)) continue;
    for (let claimed = claimTask(claim); claimed; claimed = claimTask(claim)) {
      try {
        run(Atomics.load(words, Control.PARAMS), claimed.task);
      } catch {
        Atomics.compareExchange(words, Control.FAILED, 0, claimed.task + 1);
      }
      if (Atomics.add(words, Control.COMPLETED, 1) + 1 === claimed.count) Atomics.notify(words, Control.COMPLETED);
    }
  }
}
