/**
 * Runs a stream plan on the WebAssembly interpreter (assembly/stream-engine.ts, compiled into the same module as the
 * conv kernels). Each stream gets an instance on a memory of its own, so its buffers and weights stay put between
 * calls and never meet the conv kernels' scratch arena; one `run` is one call into WebAssembly whatever the model.
 * Imports nothing but types, so an AudioWorklet bundle of it stays small.
 */
import { loadImage, type StreamEngine } from './engine-js.js';
import type { StreamPlan } from './plan.js';

const PAGE = 65536;
/** The module imports a memory of at least this many pages (assembly/build.mjs: --initialMemory). */
const MODULE_MINIMUM_PAGES = 32;

type Run = (program: number, opCount: number, table: number, bufferCount: number, batch: number, steps: number, maxSteps: number) => void;

/**
 * The WebAssembly engine for a plan.
 *
 * @example const engine = new WasmStreamEngine(plan, kernelModule, false); engine.run(1);
 */
export class WasmStreamEngine implements StreamEngine {
  readonly name = 'wasm';
  readonly floats: Float32Array;
  readonly words: Int32Array;
  private readonly runProgram: Run;

  /**
   * Instantiates `module` (the kernel module; in an AudioWorklet, the one posted to it) on a fresh memory sized
   * for the plan. `shared` must match the build: the threaded builds import shared memory.
   */
  constructor(private readonly plan: StreamPlan, module: WebAssembly.Module, shared: boolean) {
    const pages = Math.max(MODULE_MINIMUM_PAGES, Math.ceil(plan.memoryBytes / PAGE));
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    this.runProgram = instance.exports.stream_run as Run;
    this.floats = new Float32Array(memory.buffer);
    this.words = new Int32Array(memory.buffer);
    loadImage(plan, this.floats);
  }

  run(steps: number): void {
    const p = this.plan;
    this.runProgram(p.programAddress, p.opCount, p.tableAddress, p.bufferCount, p.batch, steps, p.maxSteps);
  }
}
