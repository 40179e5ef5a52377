/**
 * Host side of assembly/elementwise.ts: the memory-bound pointwise ops (broadcasting arithmetic, relu, leaky relu
 * and the activation gradients) and the per-channel sum of the bias gradient. Copies the operands into the
 * module's memory (a resident operand is read in place), runs the job (over the worker pool when it is large) and
 * copies the result out (a resident output is written in place). Each function
 * returns false when the runtime cannot hold the operands; the caller then runs its JS loop.
 */
import { KernelError } from '../kernel-error.js';
import { TaskFailure } from '../threads/task-failure.js';
import type { WasmRuntime } from '../wasm/wasm-runtime.js';

/** The kinds of assembly/elementwise.ts (its ELEMENTWISE_* constants). */
export const ElementwiseKind = {
  add: 1, sub: 2, mul: 3, div: 4, prelu: 5,
  relu: 6, reluBackward: 7, leakyRelu: 8, leakyReluBackward: 9, tanhBackward: 10, sigmoidBackward: 11, gateBackward: 12, affine: 13, affine2: 14,
} as const;
export type ElementwiseKind = keyof typeof ElementwiseKind;

/**
 * Where the operands of a job live: `rows` rows of `length` output floats; row r = r1·r0Count + r0 of A starts at
 * r1·aStride1 + r0·aStride0 and advances aInner (0 or 1) per element, likewise B. Dense operands are one row.
 */
export interface ElementwiseLayout {
  rows: number;
  length: number;
  r0Count: number;
  aStride0: number;
  aStride1: number;
  bStride0: number;
  bStride1: number;
  aInner: 0 | 1;
  bInner: 0 | 1;
}

/** Slots of assembly/elementwise.ts (they overlay the convolution's). */
const Slot = {
  KIND: 1, A: 2, B: 3, C: 4, DST: 5, DST2: 6, LENGTH: 8, ROWS: 9, R0: 10,
  A_STRIDE0: 11, A_STRIDE1: 12, B_STRIDE0: 13, B_STRIDE1: 14, A_INNER: 15, B_INNER: 16, CHUNK: 17, ROWS_PER_TASK: 18, PARAM: 19, BATCH: 20,
} as const;

/** Floats per task: 64 KiB of output, small enough to balance two threads, large enough to amortize a call. */
const CHUNK = 16384;
/** Work units per element for the pool's threshold: one or two flops, bound by memory. */
const WORK_PER_ELEMENT = 2;

/** A dense layout: one row of `n` floats, both operands walked. */
export function denseLayout(n: number): ElementwiseLayout {
  return { rows: 1, length: n, r0Count: 1, aStride0: 0, aStride1: 0, bStride0: 0, bStride1: 0, aInner: 1, bInner: 1 };
}

/**
 * `out = kind(a, b)` over `layout` (b may be null for relu and leaky relu; `param` is leaky relu's slope). For the
 * gate's gradient `extra` carries dy (`c`) and the second output (`out2`): out = dFilter, out2 = dGate.
 */
export function elementwiseWasm(
  rt: WasmRuntime, kind: ElementwiseKind, a: Float32Array, b: Float32Array | null, layout: ElementwiseLayout, out: Float32Array,
  param = 0, extra?: { c: Float32Array; out2: Float32Array },
): boolean {
  const count = layout.rows * layout.length;
  if (count === 0) return true;
  rt.resetArena();
  const aAt = rt.allocateFor(a);
  const bAt = b && b !== a ? rt.allocateFor(b) : aAt;
  const cAt = extra ? rt.allocateFor(extra.c) : 0;
  const dstAt = rt.allocateOutput(out, count);
  const dst2At = extra ? rt.allocate(count) : 0;
  if (!rt.commit(kind)) return false;
  rt.put(a, aAt);
  if (b && b !== a) rt.put(b, bAt);
  if (extra) rt.put(extra.c, cAt);
  const rowsPerTask = layout.length >= CHUNK ? 1 : Math.max(1, Math.floor(CHUNK / layout.length));
  const slots = new Map<number, number>([
    [Slot.KIND, ElementwiseKind[kind]], [Slot.A, aAt], [Slot.B, bAt], [Slot.C, cAt], [Slot.DST, dstAt], [Slot.DST2, dst2At],
    [Slot.LENGTH, layout.length], [Slot.ROWS, layout.rows], [Slot.R0, layout.r0Count],
    [Slot.A_STRIDE0, layout.aStride0], [Slot.A_STRIDE1, layout.aStride1], [Slot.B_STRIDE0, layout.bStride0], [Slot.B_STRIDE1, layout.bStride1],
    [Slot.A_INNER, layout.aInner], [Slot.B_INNER, layout.bInner], [Slot.CHUNK, CHUNK], [Slot.ROWS_PER_TASK, rowsPerTask],
    [Slot.PARAM, floatBits(param)],
  ]);
  run(rt, 'ELEMENTWISE', kind, slots, count);
  rt.takeOutput(out, dstAt, count);
  if (extra) extra.out2.set(rt.floats(dst2At, count));
  return true;
}

/** `out[c] = Σ_n Σ_p dy[n, c, p]` (each row summed in float64, as the JS loop does). */
export function reduceChannelsWasm(rt: WasmRuntime, dy: Float32Array, batch: number, channels: number, positions: number, out: Float32Array): boolean {
  if (channels === 0) return true;
  rt.resetArena();
  const dyAt = rt.allocate(dy.length);
  const dstAt = rt.allocate(channels);
  if (!rt.commit('biasGradient')) return false;
  rt.put(dy, dyAt);
  const slots = new Map<number, number>([
    [Slot.A, dyAt], [Slot.DST, dstAt], [Slot.ROWS, channels], [Slot.LENGTH, positions], [Slot.BATCH, batch],
  ]);
  run(rt, 'REDUCE_CHANNELS', 'biasGradient', slots, dy.length);
  out.set(rt.floats(dstAt, channels));
  return true;
}

/**
 * A normalization over `regions` contiguous regions of `src` (GroupNorm's groups, InstanceNormalization's
 * instances): each region's moments (three float64s: its first value f, the mean of x − f, the population
 * variance, bit for bit those of the JS `shiftedMoments`), then `out = x·scale + shift` row by row, rows of `plane`
 * floats, with the [scale, shift] pairs `coefficients(moments)` returns (one pair per row). One copy in, one out.
 */
export function normalizeWasm(
  rt: WasmRuntime, op: string, src: Float32Array, regions: number, plane: number,
  coefficients: (moments: Float64Array) => Float32Array, out: Float32Array,
): boolean {
  const rows = src.length / plane;
  if (src.length === 0) return true;
  rt.resetArena();
  const srcAt = rt.allocateFor(src);
  const momentsAt = rt.allocate(regions * 6);
  const pairsAt = rt.allocate(rows * 2);
  const dstAt = rt.allocateOutput(out, src.length);
  if (!rt.commit(op)) return false;
  rt.put(src, srcAt);
  run(rt, 'MOMENTS', op, new Map([[Slot.A, srcAt], [Slot.DST, momentsAt], [Slot.ROWS, regions], [Slot.LENGTH, src.length / regions]]), src.length);
  const pairs = coefficients(float64s(rt, momentsAt, regions * 3));
  rt.put(pairs, pairsAt);
  const rowsPerTask = plane >= CHUNK ? 1 : Math.max(1, Math.floor(CHUNK / plane));
  run(rt, 'ELEMENTWISE', op, new Map([
    [Slot.KIND, ElementwiseKind.affine], [Slot.A, srcAt], [Slot.B, pairsAt], [Slot.DST, dstAt],
    [Slot.LENGTH, plane], [Slot.ROWS, rows], [Slot.R0, rows], [Slot.A_STRIDE0, plane], [Slot.B_STRIDE0, 2],
    [Slot.A_INNER, 1], [Slot.B_INNER, 0], [Slot.CHUNK, CHUNK], [Slot.ROWS_PER_TASK, rowsPerTask],
  ]), src.length);
  rt.takeOutput(out, dstAt, src.length);
  return true;
}

/** A `[batch, channels, positions]` tensor, as batch norm sees it. */
export interface ChannelLayout {
  batch: number;
  channels: number;
  positions: number;
}

/**
 * Batch norm's forward pass: the per-channel [mean, variance] (float64 pairs; computed here in two passes, or
 * `given` in evaluation mode), then `out = x·scale_c + shift_c` with the [scale, shift] pairs `coefficients`
 * returns. Returns the moments, or null when the module cannot hold the operands.
 */
export function batchNormWasm(
  rt: WasmRuntime, x: Float32Array, layout: ChannelLayout, given: Float64Array | null,
  coefficients: (moments: Float64Array) => Float32Array, out: Float32Array,
): Float64Array | null {
  const { channels } = layout;
  rt.resetArena();
  const xAt = rt.allocate(x.length);
  const momentsAt = rt.allocate(channels * 4);
  const pairsAt = rt.allocate(channels * 2);
  const dstAt = rt.allocate(x.length);
  if (!rt.commit('batchNorm')) return null;
  rt.put(x, xAt);
  const moments = given ?? channelMoments(rt, 'batchNorm', xAt, layout, momentsAt);
  rt.put(coefficients(moments), pairsAt);
  perChannel(rt, 'batchNorm', 'affine', layout, xAt, 0, pairsAt, dstAt);
  out.set(rt.floats(dstAt, x.length));
  return moments;
}

/**
 * Batch norm's backward pass: the moments as in {@link batchNormWasm}; the per-channel float64 sums [Σdy,
 * Σdy·(x − mean)·invStd] with [mean, invStd] from `centring(moments)`; then `dx = dy·k0 + x·k1 + k2` with the
 * triples `coefficients(sums, moments)` returns (or `dx = dy·k0 + k1` when it returns pairs). Returns the sums, or null when the module cannot hold the operands.
 */
export function batchNormBackwardWasm(
  rt: WasmRuntime, x: Float32Array, dy: Float32Array, layout: ChannelLayout, given: Float64Array | null,
  centring: (moments: Float64Array) => Float64Array, coefficients: (sums: Float64Array, moments: Float64Array) => Float32Array,
  gradInput: Float32Array,
): Float64Array | null {
  const { channels } = layout;
  rt.resetArena();
  const xAt = rt.allocate(x.length);
  const dyAt = rt.allocate(dy.length);
  const momentsAt = rt.allocate(channels * 4);
  const centringAt = rt.allocate(channels * 4);
  const sumsAt = rt.allocate(channels * 4);
  const triplesAt = rt.allocate(channels * 3);
  const dstAt = rt.allocate(x.length);
  if (!rt.commit('batchNormBackward')) return null;
  rt.put(x, xAt);
  rt.put(dy, dyAt);
  const moments = given ?? channelMoments(rt, 'batchNormBackward', xAt, layout, momentsAt);
  new Float64Array(rt.floats(0, 0).buffer, centringAt, channels * 2).set(centring(moments));
  run(rt, 'CHANNEL_GRADIENT_SUMS', 'batchNormBackward', new Map([
    [Slot.A, dyAt], [Slot.C, xAt], [Slot.B, centringAt], [Slot.DST, sumsAt],
    [Slot.ROWS, channels], [Slot.LENGTH, layout.positions], [Slot.BATCH, layout.batch],
  ]), x.length * 2);
  const sums = float64s(rt, sumsAt, channels * 2);
  const k = coefficients(sums, moments);
  rt.put(k, triplesAt);
  // Pairs (evaluation mode: dx = dy·scale, x not read, so an infinite x cannot turn into NaN) or triples.
  perChannel(rt, 'batchNormBackward', k.length === channels * 2 ? 'affine' : 'affine2', layout, dyAt, xAt, triplesAt, dstAt);
  gradInput.set(rt.floats(dstAt, x.length));
  return sums;
}

function channelMoments(rt: WasmRuntime, op: string, xAt: number, layout: ChannelLayout, momentsAt: number): Float64Array {
  run(rt, 'CHANNEL_MOMENTS', op, new Map([
    [Slot.A, xAt], [Slot.DST, momentsAt], [Slot.ROWS, layout.channels], [Slot.LENGTH, layout.positions], [Slot.BATCH, layout.batch],
  ]), layout.batch * layout.channels * layout.positions * 2);
  return float64s(rt, momentsAt, layout.channels * 2);
}

/** An affine job over the rows of a [batch, channels, positions] tensor with coefficients per channel. */
function perChannel(rt: WasmRuntime, op: string, kind: 'affine' | 'affine2', layout: ChannelLayout, aAt: number, cAt: number, coefficientsAt: number, dstAt: number): void {
  const { batch, channels, positions } = layout;
  const rowsPerTask = positions >= CHUNK ? 1 : Math.max(1, Math.floor(CHUNK / positions));
  run(rt, 'ELEMENTWISE', op, new Map([
    [Slot.KIND, ElementwiseKind[kind]], [Slot.A, aAt], [Slot.B, coefficientsAt], [Slot.C, cAt], [Slot.DST, dstAt],
    [Slot.LENGTH, positions], [Slot.ROWS, batch * channels], [Slot.R0, channels],
    [Slot.A_STRIDE0, positions], [Slot.A_STRIDE1, channels * positions], [Slot.B_STRIDE0, kind === 'affine' ? 2 : 3], [Slot.B_STRIDE1, 0],
    [Slot.A_INNER, 1], [Slot.B_INNER, 0], [Slot.CHUNK, CHUNK], [Slot.ROWS_PER_TASK, rowsPerTask],
  ]), batch * channels * positions);
}

/** A copy of `count` float64s at byte address `at` of the module's memory. */
function float64s(rt: WasmRuntime, at: number, count: number): Float64Array {
  return new Float64Array(rt.floats(at, count * 2).slice().buffer);
}

function run(rt: WasmRuntime, job: 'ELEMENTWISE' | 'REDUCE_CHANNELS' | 'MOMENTS' | 'CHANNEL_MOMENTS' | 'CHANNEL_GRADIENT_SUMS', op: string, slots: Map<number, number>, elements: number): void {
  try {
    rt.runJob(job, slots, elements * WORK_PER_ELEMENT);
  } catch (error) {
    if (error instanceof TaskFailure) throw new KernelError(op, 'input', `the WASM ${job.toLowerCase()} kernel failed on ${elements} values: ${error.message}`);
    throw error;
  }
}

const bits = new Int32Array(1), asFloat = new Float32Array(bits.buffer);

function floatBits(value: number): number {
  asFloat[0] = value;
  return bits[0];
}
