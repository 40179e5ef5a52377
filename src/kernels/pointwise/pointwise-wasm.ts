/**
 * Host side of assembly/pointwise.ts: copies the operand into the module's memory, runs the job split into chunks
 * over the worker pool when it is large enough, and copies the result out. Null when the runtime cannot hold the
 * operands (the caller then runs the JS loops).
 */
import { KernelError } from '../kernel-error.js';
import { TaskFailure } from '../threads/task-failure.js';
import type { WasmRuntime } from '../wasm/wasm-runtime.js';
import type { GateLayout, TranscendentalKind } from './pointwise-kind.js';

/** Slots of the pointwise job (assembly/pointwise.ts; they overlay the convolution's). */
const Slot = { KIND: 1, A: 2, B: 3, DST: 4, LENGTH: 5, ROWS: 6, CHUNK: 7, A_STRIDE: 8, B_STRIDE: 9, DST_STRIDE: 10 } as const;
const KIND = { exp: 1, tanh: 2, sigmoid: 3, gelu: 4, gate: 5, erf: 6 } as const;
/** Work units per element handed to the pool's threshold (about 30 vector operations per four lanes). */
const WORK_PER_ELEMENT = 32;
/** Chunks to aim for per job, so two threads stay balanced. */
const TARGET_TASKS = 16;
const MIN_CHUNK = 4096;

/** `out[i] = f(x[i])` on the module; false when the operands do not fit its memory. */
export function transcendentalWasm(rt: WasmRuntime, kind: TranscendentalKind, x: Float32Array, out: Float32Array): boolean {
  return runPointwise(rt, kind, x, { rows: 1, length: x.length, rowStride: x.length, aOffset: 0, bOffset: 0 }, out);
}

/** WaveNet's gate `out = tanh(a)·σ(b)` on the module; false when the operands do not fit its memory. */
export function gateWasm(rt: WasmRuntime, src: Float32Array, layout: GateLayout, out: Float32Array): boolean {
  return runPointwise(rt, 'gate', src, layout, out);
}

function runPointwise(rt: WasmRuntime, kind: keyof typeof KIND, src: Float32Array, layout: GateLayout, out: Float32Array): boolean {
  const { rows, length } = layout;
  if (rows * length === 0) return true;
  rt.resetArena();
  const srcAt = rt.allocateFor(src);
  const dstAt = rt.allocateOutput(out, rows * length);
  if (!rt.commit(kind)) return false;
  rt.put(src, srcAt);
  const chunk = Math.max(MIN_CHUNK, Math.ceil(length / Math.max(1, Math.ceil(TARGET_TASKS / rows)) / 4) * 4);
  const slots = new Map<number, number>([
    [Slot.KIND, KIND[kind]], [Slot.A, srcAt + layout.aOffset * 4], [Slot.B, srcAt + layout.bOffset * 4], [Slot.DST, dstAt],
    [Slot.LENGTH, length], [Slot.ROWS, rows], [Slot.CHUNK, chunk],
    [Slot.A_STRIDE, layout.rowStride], [Slot.B_STRIDE, layout.rowStride], [Slot.DST_STRIDE, length],
  ]);
  try {
    rt.runJob('POINTWISE', slots, rows * length * WORK_PER_ELEMENT);
  } catch (error) {
    if (error instanceof TaskFailure) throw new KernelError(kind, 'input', `the WASM pointwise kernel failed on ${rows}×${length} values: ${error.message}`);
    throw error;
  }
  rt.takeOutput(out, dstAt, rows * length);
  return true;
}
