import { WorkerPool, getBuiltin, workerThreadsAvailable } from '../threads/worker-pool.js';
import { CONTROL_WORDS } from '../threads/control-block.js';
import { TaskFailure } from '../threads/task-failure.js';
import { PARAM_SLOTS, type JobKind, type KernelActivation } from './job-params.js';
import { checkAllocation } from '../../tensor/memory-budget.js';
import { MAXIMUM_PAGES, loadKernelModule, loadKernelModuleSync, type KernelModule } from './wasm-module.js';

/**
 * One instance of the kernel module on its memory, the bump arena each call lays its buffers out in, and the
 * worker pool. Memory map: [0, 64 KiB) the module's own data; then pool control blocks (one per pool, so workers
 * of a replaced pool can never touch the new one's words); the parameter block; from 128 KiB the arena.
 */
const CONTROL_BASE = 65536;
const CONTROL_BYTES = CONTROL_WORDS * 4;
const CONTROL_SLOTS = 64;
const PARAMS_BASE = CONTROL_BASE + CONTROL_SLOTS * CONTROL_BYTES;
const ARENA_BASE = 131072;
const PAGE = 65536;
const PARALLEL_WORK = 1 << 21;
/** Most memory resident buffers may take: half of what the module can address, the rest for the calls' arenas. */
export const MAX_RESIDENT_BYTES = 1 << 30;

export class WasmRuntime {
  readonly instance: WebAssembly.Instance;
  private readonly runTask: (params: number, task: number) => void;
  private readonly countTasks: (params: number) => number;
  private readonly ops: Record<JobKind, number>;
  /** The module's codes for the activations its forward kernels apply in place (see assembly/epilogue.ts). */
  readonly activations: Record<KernelActivation, number>;
  private pool: WorkerPool | null = null;
  private poolsCreated = 0;
  private threads = 1;
  private top = ARENA_BASE;
  /**
   * Resident buffers (see {@link takeResident}) fill [ARENA_BASE, residentTop); each call's arena starts above
   * them. `residents` lists every allocation in address order (the top only grows), for {@link residentBase}.
   */
  private residentTop = ARENA_BASE;
  private readonly residents: Float32Array[] = [];
  private readonly residentFree = new Map<number, Float32Array[]>();
  /** Every buffer object the shared memory has had: a view over any of them is a view of this memory. */
  private readonly memoryBuffers = new WeakSet<ArrayBufferLike>();
  /** Jobs with fewer multiply-adds run on the calling thread alone (tests lower it to exercise the pool). */
  parallelThreshold = PARALLEL_WORK;

  constructor(readonly kernel: KernelModule) {
    this.instance = new WebAssembly.Instance(kernel.module, { env: { memory: kernel.memory } });
    const exports = this.instance.exports;
    this.runTask = exports.run as (params: number, task: number) => void;
    this.countTasks = exports.tasks as (params: number) => number;
    const op = (name: string): number => (exports[`OP_${name}`] as WebAssembly.Global).value as number;
    this.ops = {
      STAGE: op('STAGE'), FORWARD: op('FORWARD'), BACKWARD_INPUT: op('BACKWARD_INPUT'), BACKWARD_WEIGHT: op('BACKWARD_WEIGHT'),
      DEPTHWISE_FORWARD: op('DEPTHWISE_FORWARD'), DEPTHWISE_BACKWARD_INPUT: op('DEPTHWISE_BACKWARD_INPUT'),
      POINTWISE: op('POINTWISE'), ELEMENTWISE: op('ELEMENTWISE'), REDUCE_CHANNELS: op('REDUCE_CHANNELS'), MOMENTS: op('MOMENTS'), CHANNEL_MOMENTS: op('CHANNEL_MOMENTS'), CHANNEL_GRADIENT_SUMS: op('CHANNEL_GRADIENT_SUMS'),
      SOFTMAX_CROSS_ENTROPY: op('SOFTMAX_CROSS_ENTROPY'),
    };
    const code = (name: string): number => (exports[`ACTIVATION_${name}`] as WebAssembly.Global).value as number;
    this.activations = {
      relu: code('RELU'), leakyRelu: code('LEAKY_RELU'), clip: code('CLIP'), hardSwish: code('HARD_SWISH'), sigmoid: code('SIGMOID'), tanh: code('TANH'),
    };
  }

  /** Threads that can run kernels: more than one only on shared memory with a worker pool (Node, isolated pages). */
  static maxUsefulThreads(kernel: KernelModule): number {
    if (!kernel.shared || !workerThreadsAvailable()) return 1;
    const os = getBuiltin('node:os') as typeof import('node:os') | undefined;
    const browserCores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
    return Math.max(1, os?.availableParallelism?.() ?? browserCores ?? 1);
  }

  get threadCount(): number {
    return this.threads;
  }

  /** Threads that may run a task of the next job: every worker the pool has (it only grows), plus the caller. */
  get scratchThreads(): number {
    return Math.max(this.threads, (this.pool?.size ?? 0) + 1);
  }

  /**
   * Uses `n` threads (the caller's plus n − 1 workers) from the next job on. The pool only grows: going back to
   * fewer threads leaves the extra workers asleep, so switching costs nothing.
   */
  setThreads(n: number): void {
    if (n - 1 > (this.pool?.size ?? 0)) {
      this.pool?.terminate();
      this.pool = null;
    }
    this.threads = n;
  }

  /** Resolves once the pool's workers have started. */
  async whenReady(): Promise<void> {
    await this.ensurePool()?.whenReady();
  }

  /** Starts a new layout: every buffer of one call is allocated after this (above the resident buffers). */
  resetArena(): void {
    this.top = this.residentTop;
  }

  /**
   * A buffer of `length` floats that lives in the module's memory, for a runtime that keeps tensors there between
   * kernel calls: the kernels read such an operand in place and write such an output directly, with no copy in
   * or out. Only on shared memory (growing it never detaches a view; growing ordinary memory would); null there,
   * past {@link MAX_RESIDENT_BYTES}, or when the memory cannot grow: the caller then uses an ordinary array.
   * Its contents are unspecified. Give it back with {@link releaseResident}; the space is reused, never shrunk.
   */
  takeResident(length: number): Float32Array | null {
    if (!this.kernel.shared || length === 0) return null;
    const reused = this.residentFree.get(length)?.pop();
    if (reused) return reused;
    const at = Math.ceil(this.residentTop / 16) * 16, end = at + length * 4;
    if (end - ARENA_BASE > MAX_RESIDENT_BYTES) return null;
    const saved = this.top;
    this.top = end;
    let grown = false;
    try {
      grown = this.commit('resident buffer');
    } catch {
      // Over the memory budget: an ordinary array instead (the caller's allocation then meets the budget check).
    } finally {
      this.top = saved;
    }
    if (!grown) return null;
    this.residentTop = end;
    const buffer = this.kernel.memory.buffer;
    this.memoryBuffers.add(buffer);
    const view = new Float32Array(buffer, at, length);
    this.residents.push(view);
    return view;
  }

  /** Returns a buffer from {@link takeResident} (the whole of it) to the pool. */
  releaseResident(view: Float32Array): void {
    const list = this.residentFree.get(view.length) ?? [];
    list.push(view);
    this.residentFree.set(view.length, list);
  }

  /** True when `data` is a view of this module's memory (a resident buffer or part of one). */
  isResident(data: Float32Array): boolean {
    return this.memoryBuffers.has(data.buffer);
  }

  /** The resident allocation `data` views (a whole buffer from {@link takeResident}), or null. */
  residentBase(data: Float32Array): Float32Array | null {
    if (!this.isResident(data)) return null;
    const address = data.byteOffset;
    let lo = 0, hi = this.residents.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1, r = this.residents[mid];
      if (address < r.byteOffset) hi = mid - 1;
      else if (address >= r.byteOffset + r.byteLength) lo = mid + 1;
      else return r;
    }
    return null;
  }

  /** Arena space for `data`, or its own address when it is resident (then {@link put} copies nothing). */
  allocateFor(data: Float32Array | null): number {
    if (data && data.length > 0 && this.isResident(data)) return data.byteOffset;
    return this.allocate(data?.length ?? 0);
  }

  /** Where a result of `floats` values goes: `out` itself when it is resident, else arena space. */
  allocateOutput(out: Float32Array | null | undefined, floats: number): number {
    if (out && out.length === floats && this.isResident(out)) return out.byteOffset;
    return this.allocate(floats);
  }

  /** Copies `floats` values at `address` into `out`, unless the kernel wrote them there in place. */
  takeOutput(out: Float32Array, address: number, floats: number): void {
    if (this.isResident(out) && out.byteOffset === address) return;
    out.set(this.floats(address, floats));
  }

  /**
   * Reserves `floats` float32s (16-byte aligned) and returns the byte address. Plain arithmetic, not bit masks:
   * a layout past 2 GiB must stay a large number for `commit` to refuse, not wrap to a small or negative one.
   */
  allocate(floats: number): number {
    const at = Math.ceil(this.top / 16) * 16;
    this.top = at + floats * 4;
    return at;
  }

  /**
   * Grows the memory to hold everything allocated; false when it would exceed the module's maximum or the
   * system refuses the memory (the caller then falls back to the JS kernels instead of failing). Growth is
   * checked against the memory budget first (a MemoryLimitError naming `op`): the memory never shrinks again.
   */
  commit(op: string): boolean {
    const needed = Math.ceil(this.top / PAGE);
    if (!(needed <= MAXIMUM_PAGES)) return false;
    const have = this.kernel.memory.buffer.byteLength / PAGE;
    if (needed <= have) return true;
    checkAllocation(op, 'WASM memory growth', (needed - have) * PAGE);
    try {
      this.kernel.memory.grow(needed - have);
      return true;
    } catch {
      return false;
    }
  }

  floats(address: number, length: number): Float32Array {
    return new Float32Array(this.kernel.memory.buffer, address, length);
  }

  /**
   * Copies `data` into the arena and returns its address (0 for null, which the kernels read as "absent"). A
   * resident `data` placed by {@link allocateFor} is already there: nothing is copied.
   */
  put(data: Float32Array | null, address: number): number {
    if (!data || data.length === 0) return 0;
    if (data.byteOffset === address && this.isResident(data)) return address;
    this.floats(address, data.length).set(data);
    return address;
  }

  /** Copies integers (each within int32, checked by the caller) into the arena as int32s; returns the address. */
  putInt32(data: Float64Array, address: number): number {
    if (data.length === 0) return 0;
    new Int32Array(this.kernel.memory.buffer, address, data.length).set(data);
    return address;
  }

  /**
   * Writes the parameter block and runs every task of the job, on as many threads as are set when the job is
   * worth it (`multiplyAdds` ≥ 2²¹, about 0.1 ms on one core: below that, waking a worker costs more than it saves).
   * A task that throws (a WebAssembly trap) surfaces as a {@link TaskFailure} once the job's other tasks are done.
   */
  runJob(kind: JobKind, slots: Map<number, number>, multiplyAdds: number): void {
    const block = new Int32Array(this.kernel.memory.buffer, PARAMS_BASE, PARAM_SLOTS);
    block.fill(0);
    for (const [slot, value] of slots) block[slot] = value;
    block[0] = this.ops[kind];
    const count = this.countTasks(PARAMS_BASE);
    const pool = count > 1 && multiplyAdds >= this.parallelThreshold ? this.ensurePool() : null;
    if (pool) {
      try {
        pool.execute(PARAMS_BASE, count, this.threads - 1);
      } catch (error) {
        throw error instanceof TaskFailure ? new TaskFailure(error.task, count, error.detail, kind) : error;
      }
      return;
    }
    for (let task = 0; task < count; task++) {
      try {
        this.runTask(PARAMS_BASE, task);
      } catch (error) {
        throw new TaskFailure(task, count, String(error), kind);
      }
    }
  }

  private ensurePool(): WorkerPool | null {
    if (this.threads <= 1) return null;
    if (!this.pool) {
      const control = CONTROL_BASE + (this.poolsCreated++ % CONTROL_SLOTS) * CONTROL_BYTES;
      this.pool = new WorkerPool(this.kernel.module, this.kernel.memory, control, this.threads - 1, this.runTask);
    }
    return this.pool;
  }
}

let runtime: WasmRuntime | null | undefined;

/** The runtime, compiled synchronously on first use where possible (Node); null where WASM SIMD is missing. */
export function wasmRuntime(): WasmRuntime | null {
  if (runtime === undefined) {
    const kernel = loadKernelModuleSync();
    if (kernel) install(kernel);
    else if (getBuiltin('node:fs')) runtime = null;
  }
  return runtime ?? null;
}

/** Loads the module asynchronously (browsers fetch it); resolves to the runtime or null. */
export async function loadWasmRuntime(): Promise<WasmRuntime | null> {
  if (runtime !== undefined) return runtime;
  const kernel = await loadKernelModule();
  if (kernel) install(kernel);
  else runtime = null;
  return runtime ?? null;
}

function install(kernel: KernelModule): void {
  runtime = new WasmRuntime(kernel);
  runtime.setThreads(WasmRuntime.maxUsefulThreads(kernel));
}
