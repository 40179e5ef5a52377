/**
 * Host side of assembly/softmax-cross-entropy.ts: logits `[N, C, P]` and int32 targets (−1 where ignored) in,
 * the softmax and per-position losses out; and the gradient `s_p·(softmax − onehot)`. Each returns false when the
 * module cannot hold the operands (the caller then runs the JS loops).
 */
import { KernelError } from '../kernel-error.js';
import { TaskFailure } from '../threads/task-failure.js';
import type { WasmRuntime } from '../wasm/wasm-runtime.js';

const Slot = { LOGITS: 1, TARGETS: 2, PROBABILITIES: 3, LOSSES: 4, BATCH: 5, CHANNELS: 6, POSITIONS: 7, SCRATCH: 8, SCALE: 9, GRADIENT: 10, BACKWARD: 11 } as const;
/** Positions per task (assembly's SOFTMAX_BLOCK). */
const BLOCK = 256;
/** Work units per value for the pool's threshold: an exponential and a few passes. */
const WORK_PER_VALUE = 24;

function tasks(N: number, P: number): number {
  return N * Math.ceil(P / BLOCK);
}

/** Softmax over C and the losses `logΣexp − x_target` (0 at ignored positions). */
export function softmaxCrossEntropyWasm(
  rt: WasmRuntime, logits: Float32Array, targets: Int32Array, N: number, C: number, P: number,
  probabilities: Float32Array, losses: Float32Array,
): boolean {
  rt.resetArena();
  const logitsAt = rt.allocate(logits.length);
  const targetsAt = rt.allocate(targets.length);
  const probabilitiesAt = rt.allocate(logits.length);
  const lossesAt = rt.allocate(targets.length);
  const scratchAt = rt.allocate(tasks(N, P) * BLOCK * 3);
  if (!rt.commit('crossEntropy')) return false;
  rt.put(logits, logitsAt);
  new Int32Array(rt.floats(0, 0).buffer, targetsAt, targets.length).set(targets);
  run(rt, new Map([
    [Slot.LOGITS, logitsAt], [Slot.TARGETS, targetsAt], [Slot.PROBABILITIES, probabilitiesAt], [Slot.LOSSES, lossesAt],
    [Slot.BATCH, N], [Slot.CHANNELS, C], [Slot.POSITIONS, P], [Slot.SCRATCH, scratchAt],
  ]), logits.length);
  probabilities.set(rt.floats(probabilitiesAt, logits.length));
  losses.set(rt.floats(lossesAt, targets.length));
  return true;
}

/** `gradient = scale_p·(probabilities − onehot(target))`, scale 0 at ignored positions. */
export function softmaxCrossEntropyBackwardWasm(
  rt: WasmRuntime, probabilities: Float32Array, targets: Int32Array, scale: Float32Array, N: number, C: number, P: number,
  gradient: Float32Array,
): boolean {
  rt.resetArena();
  const probabilitiesAt = rt.allocate(probabilities.length);
  const targetsAt = rt.allocate(targets.length);
  const scaleAt = rt.allocate(scale.length);
  const gradientAt = rt.allocate(probabilities.length);
  if (!rt.commit('crossEntropy')) return false;
  rt.put(probabilities, probabilitiesAt);
  new Int32Array(rt.floats(0, 0).buffer, targetsAt, targets.length).set(targets);
  rt.put(scale, scaleAt);
  run(rt, new Map([
    [Slot.PROBABILITIES, probabilitiesAt], [Slot.TARGETS, targetsAt], [Slot.SCALE, scaleAt], [Slot.GRADIENT, gradientAt],
    [Slot.BATCH, N], [Slot.CHANNELS, C], [Slot.POSITIONS, P], [Slot.BACKWARD, 1],
  ]), probabilities.length / 8);
  gradient.set(rt.floats(gradientAt, probabilities.length));
  return true;
}

function run(rt: WasmRuntime, slots: Map<number, number>, values: number): void {
  try {
    rt.runJob('SOFTMAX_CROSS_ENTROPY', slots, values * WORK_PER_VALUE);
  } catch (error) {
    if (error instanceof TaskFailure) throw new KernelError('crossEntropy', 'input', `the WASM softmax cross-entropy kernel failed on ${values} values: ${error.message}`);
    throw error;
  }
}
