/**
 * A pool worker (Node worker_threads): instantiates the kernel module on the shared memory, then sleeps on the
 * control block's generation word and helps with every job it is counted in. It never posts messages; the host
 * waits on the COMPLETED word.
 */
import { workerData } from 'node:worker_threads';
import { Control, CONTROL_WORDS } from './control-block.js';

interface PoolWorkerData { module: WebAssembly.Module; memory: WebAssembly.Memory; control: number }

const { module, memory, control } = workerData as PoolWorkerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
const run = instance.exports.run as (params: number, task: number) => void;
const words = new Int32Array(memory.buffer, control, CONTROL_WORDS);

let seen = Atomics.load(words, Control.GENERATION);
const index = Atomics.add(words, Control.READY, 1);
for (;;) {
  Atomics.wait(words, Control.GENERATION, seen);
  seen = Atomics.load(words, Control.GENERATION);
  if (index >= Atomics.load(words, Control.HELPERS)) continue;
  for (;;) {
    const task = Atomics.add(words, Control.NEXT, 1);
    const count = Atomics.load(words, Control.COUNT);
    if (task >= count) break;
    try {
      run(Atomics.load(words, Control.PARAMS), task);
    } catch {
      Atomics.store(words, Control.FAILED, 1);
    }
    if (Atomics.add(words, Control.COMPLETED, 1) + 1 === count) Atomics.notify(words, Control.COMPLETED);
  }
}
