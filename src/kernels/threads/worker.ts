/**
 * A pool worker (Node worker_threads): instantiates the kernel module on the shared memory, then sleeps on the
 * control block's generation word and helps with every job it is counted in. It never posts messages; the host
 * waits on the DONE word.
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
  if (index >= Atomics.load(words, Control.PARTICIPANTS)) continue;
  const params = Atomics.load(words, Control.PARAMS);
  const count = Atomics.load(words, Control.COUNT);
  for (let task = Atomics.add(words, Control.NEXT, 1); task < count; task = Atomics.add(words, Control.NEXT, 1)) run(params, task);
  Atomics.add(words, Control.DONE, 1);
  Atomics.notify(words, Control.DONE);
}
