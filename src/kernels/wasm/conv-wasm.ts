/**
 * The WebAssembly SIMD backend: each primitive stages its operands in the module's memory, runs one or two jobs
 * (split into tasks that own disjoint outputs, spread over the worker pool) and copies the result out once, into
 * the caller's `out` buffer when there is one.
 *
 *   forward          stage x → per-tap GEMMs over valid output boxes (4×8 microkernel), or the depthwise kernel;
 *                    each task then adds the residual and applies relu/leakyRelu/clip to the rows it computed
 *   backward input   per-tap adjoint GEMMs into a staged dx, un-staged per task (stride-1 depthwise: a forward
 *                    depthwise convolution with flipped weights)
 *   backward weight  stage x → per-tap correlations with dy (4×2 output×input channel tiles)
 *   backward (both)  dy and x staged once for the two jobs above
 *
 * Dimensions whose padding or dilation dwarf the output are gathered into the windows taps read first
 * (`tap-windows.ts`), so staging is proportional to the work. Layers still too large for the module's 2 GiB
 * memory fall back to the pure-JS kernels; every buffer is checked against the memory budget before it is made.
 * A task that traps surfaces as a KernelError naming the op and the layer's geometry.
 */
import type { ConvGeometry } from '../../geometry/conv-geometry.js';
import { effectiveKernelSize } from '../../geometry/conv-arithmetic.js';
import type { ConvKernels } from '../backend.js';
import { jsKernels } from '../js/js-kernels.js';
import { KernelError } from '../kernel-error.js';
import { TaskFailure } from '../threads/task-failure.js';
import { Slot } from './job-params.js';
import { stageGeometry, type StagedGeometry } from './staged-geometry.js';
import { cachedPanels } from './weight-panels.js';
import { wasmRuntime, type WasmRuntime } from './wasm-runtime.js';
import {
  type ConvBackwardKernelOptions, type ConvBackwardKernelResult, type ConvEpilogue, type ConvForwardOptions,
  type ConvGradientOptions,
} from '../epilogue.js';
import { backwardRequest, separateBackward } from '../backend.js';
import { ShapeError } from '../../errors.js';
import { outputBuffer } from '../output-buffer.js';
import { compactTapWindows, gatherInput, scatterInputGradient } from './tap-windows.js';

/** Floats of B a microkernel sweep keeps hot per column chunk (64 KiB). */
const CHUNK_FLOATS = 16384;

function requireRuntime(): WasmRuntime {
  const rt = wasmRuntime();
  if (!rt) throw new Error('atrous: the wasm backend was selected but WebAssembly SIMD is unavailable here; call setBackend("js")');
  return rt;
}

/** Copies [channels][plane] data into the arena with `stride` floats between channels. */
function putChannels(rt: WasmRuntime, data: Float32Array, plane: number, address: number, stride: number): void {
  const view = rt.floats(address, (data.length / plane) * stride);
  for (let c = 0; c * plane < data.length; c++) view.set(data.subarray(c * plane, (c + 1) * plane), c * stride);
}

/** Multiply-adds of one pass (padding included): decides whether a job is worth spreading over threads. */
function multiplyAdds(s: StagedGeometry): number {
  return s.N * s.G * s.Cog * s.Cig * s.T * s.P;
}

/**
 * Slots shared by every job of a geometry, or null when a value does not fit the i32 parameter block. After
 * {@link compactTapWindows} only a layer too large for the module's memory anyway can get there; it runs on the
 * JS kernels, whose positions are float64.
 */
function geometrySlots(s: StagedGeometry): Map<number, number> | null {
  const slots = new Map<number, number>([
    [Slot.N, s.N], [Slot.G, s.G], [Slot.CIG, s.Cig], [Slot.COG, s.Cog],
    [Slot.CIGP, s.depthwise ? s.Cig : roundUp4(s.Cig)], [Slot.COGP, s.depthwise ? s.Cog : roundUp4(s.Cog)],
    [Slot.XD, s.stagedD], [Slot.XH, s.stagedH], [Slot.XQ, s.stagedQ], [Slot.STAGED_PLANE, s.stagedPlane], [Slot.DENSE_PLANE, s.densePlane],
  ]);
  const triples: [number, readonly number[]][] = [
    [Slot.OD, s.outSize], [Slot.KD, s.kernel], [Slot.SD, s.stride], [Slot.DD, s.dilation], [Slot.ID, s.inSize], [Slot.PD, s.padBefore],
  ];
  for (const [first, values] of triples) values.forEach((v, i) => slots.set(first + i, v));
  return [...slots.values(), ...s.ranges].every(fitsInt32) ? slots : null;
}

function fitsInt32(v: number): boolean {
  return v === (v | 0);
}

function roundUp4(n: number): number {
  return Math.ceil(n / 4) * 4;
}

/** Floats of B a microkernel sweep keeps hot per band of rows (192 KiB, within L2). */
const BAND_FLOATS = 49152;
/**
 * Weight-panel floats a task sweeps over the same input rows (128 KiB, within L2): the more channel blocks a task
 * runs, the more often its packed B operand is reused. 32 KiB (L1) left large-K layers at one block per task, each
 * re-reading its input from memory; 128 KiB measured +6 to +20 points of one-thread efficiency on the isolated
 * layers and 15–20% on DeepLabV3-ResNet50 (A/B runs, same process order, 2026-11-28).
 */
const PANEL_FLOATS = 32768;
/**
 * Tasks to aim for: enough that two or more threads stay balanced, and small enough that a thread the OS
 * preempts in the middle of a task holds the others up only briefly.
 */
const TARGET_TASKS = 16;
/** Long rows (1-D layers) are split over tasks, but never into parts narrower than this. */
const MIN_COLUMNS_PER_TASK = 128;
/** The adjoint splits only channel blocks (its taps overlap rows), so it aims lower to keep panels reused. */
const ADJOINT_TARGET_TASKS = 8;

/** Rows per band: as many output rows as keep K rows of `rowFloats` of B within BAND_FLOATS. */
function rowsPerBand(K: number, rowFloats: number): number {
  return Math.max(1, Math.floor(BAND_FLOATS / Math.max(1, K * rowFloats)));
}

/**
 * Blocks of 4 output channels per forward task: as many as keep one tap's panels within PANEL_FLOATS, fewer when
 * the bands alone would not give TARGET_TASKS tasks.
 */
function forwardBlocksPerTask(channels: number, K: number, bands: number): number {
  const blocks = Math.ceil(channels / 4);
  const cached = Math.max(1, Math.floor(PANEL_FLOATS / (4 * K)));
  const runsWanted = Math.ceil(TARGET_TASKS / bands);
  return Math.max(1, Math.min(cached, Math.ceil(blocks / runsWanted)));
}

/** Output columns per forward task: whole rows unless the bands alone would give too few tasks. */
function columnsPerTask(outWidth: number, bands: number): number {
  const parts = bands >= TARGET_TASKS ? 1 : Math.max(1, Math.min(Math.ceil(TARGET_TASKS / bands), Math.floor(outWidth / MIN_COLUMNS_PER_TASK)));
  return Math.ceil(outWidth / parts / 8) * 8;
}

/** Blocks of 4 input channels per adjoint task (the adjoint cannot split rows: taps overlap them). */
function adjointBlocksPerTask(channels: number): number {
  return Math.max(1, Math.min(8, Math.floor(Math.ceil(channels / 4) / ADJOINT_TARGET_TASKS)));
}

function chunkFor(K: number): number {
  return Math.max(8, Math.floor(CHUNK_FLOATS / Math.max(1, K) / 8) * 8);
}

export function convForwardWasm(
  g: ConvGeometry, x: Float32Array, w: Float32Array, bias: Float32Array | null, options?: ConvForwardOptions,
): Float32Array {
  const windows = compactTapWindows(g);
  const staged = windows
    ? forwardStaged(windows.geometry, gatherInput(g, windows, x), w, bias, options)
    : forwardStaged(g, x, w, bias, options);
  return staged ?? jsKernels.convForward(g, x, w, bias, options);
}

/** `out` when given (it must hold `length` values), else a fresh buffer checked against the memory budget. */
function resultBuffer(g: ConvGeometry, what: string, length: number, out: Float32Array | null | undefined): Float32Array {
  if (!out) return outputBuffer(g.op, what, length);
  if (out.length !== length) {
    throw new ShapeError(g.op, 'out', `the ${what} buffer holds ${out.length} values but the layer produces ${length}`);
  }
  return out;
}

/** Float32 bits of `v` as an int32, for the f32 parameters of the i32 parameter block. */
function float32Bits(v: number): number {
  return new Int32Array(Float32Array.of(v).buffer)[0];
}

/**
 * The epilogue as the forward kernels take it: the residual and the activation (every kind; the tasks apply it to
 * their rows while they are in cache) go into the parameter block.
 */
function kernelEpilogue(rt: WasmRuntime, epilogue: ConvEpilogue | null | undefined, residualAt: number): { slots: [number, number][] } {
  const slots: [number, number][] = [[Slot.RESIDUAL, epilogue?.residual ? rt.put(epilogue.residual, residualAt) : 0]];
  const activation = epilogue?.activation ?? null;
  if (activation?.kind === 'relu') slots.push([Slot.ACTIVATION, rt.activations.relu]);
  else if (activation?.kind === 'leakyRelu') slots.push([Slot.ACTIVATION, rt.activations.leakyRelu], [Slot.ACTIVATION_A, float32Bits(activation.alpha)]);
  else if (activation?.kind === 'clip') {
    slots.push([Slot.ACTIVATION, rt.activations.clip], [Slot.ACTIVATION_A, float32Bits(activation.min)], [Slot.ACTIVATION_B, float32Bits(activation.max)]);
  } else if (activation) slots.push([Slot.ACTIVATION, rt.activations[activation.kind]]);
  return { slots };
}

/**
 * The forward pass on the staged layout, epilogue applied by each task to the rows it computed, the result copied
 * once into `options.out` (or a fresh buffer), or written there directly when it is resident; null when the layer
 * does not fit the module (the caller falls back).
 */
function forwardStaged(
  g: ConvGeometry, x: Float32Array, w: Float32Array, bias: Float32Array | null, options: ConvForwardOptions | undefined,
): Float32Array | null {
  const rt = requireRuntime();
  const s = stageGeometry(g);
  const slots = geometrySlots(s);
  if (!slots) return null;
  const Cogp = slots.get(Slot.COGP)!;
  const residual = options?.epilogue?.residual ?? null;
  rt.resetArena();
  const source = rt.allocateFor(x);
  const staged = rt.allocate(s.N * s.G * s.Cig * s.stagedPlane);
  const panels = s.depthwise ? w : cachedPanels(s, w, 'forward');
  const panelsAt = rt.allocate(panels.length);
  const biasAt = rt.allocate(bias?.length ?? 0);
  // A resident `out` (the ONNX executor's buffers) of whole 4-channel blocks is written in place, its channel
  // planes unpadded (the padding keeps the K rows of a backward B operand apart; the forward C is only 4 rows).
  const out = options?.out ?? null;
  const direct = out !== null && Cogp === s.Cog && out.length === s.N * s.G * s.Cog * s.P && rt.isResident(out);
  const plane = direct ? s.P : s.densePlane;
  const yAt = direct ? out.byteOffset : rt.allocate(s.N * s.G * Cogp * plane);
  const residualAt = rt.allocateFor(residual);
  const rangesAt = rt.allocate(s.ranges.length);
  // Per-thread scratch for packed B panels (assembly/conv-forward.ts): K rows of one column chunk.
  const scratchFloats = s.depthwise ? 0 : s.Cig * chunkFor(s.Cig);
  const scratchAt = rt.allocate(scratchFloats * rt.scratchThreads);
  if (!rt.commit(g.op)) return null;
  rt.put(x, source);
  rt.put(panels, panelsAt);
  rt.putInt32(s.ranges, rangesAt);
  const epilogue = kernelEpilogue(rt, options?.epilogue, residualAt);
  const rows = rowsPerBand(s.Cig, s.stride[2] * s.stagedQ);
  const bands = Math.ceil((s.outSize[0] * s.outSize[1]) / rows);
  const columns = columnsPerTask(s.outSize[2], bands);
  const parts = Math.ceil(s.outSize[2] / columns);
  const common = new Map([...slots, [Slot.SOURCE, source], [Slot.XS, staged], [Slot.PANELS, panelsAt], [Slot.Y, yAt],
    [Slot.RANGES, rangesAt], [Slot.BIAS, rt.put(bias, biasAt)], [Slot.BLOCKS_PER_TASK, forwardBlocksPerTask(s.Cog, s.Cig, bands * parts)],
    [Slot.CHUNK, chunkFor(s.Cig)], [Slot.ROWS_PER_BAND, rows], [Slot.COLUMNS_PER_TASK, columns], ...epilogue.slots,
    [Slot.SCRATCH, scratchFloats > 0 ? scratchAt : 0], [Slot.SCRATCH_FLOATS, scratchFloats], [Slot.DENSE_PLANE, plane]]);
  rt.runJob('STAGE', common, s.N * s.G * s.Cig * s.stagedPlane);
  rt.runJob(s.depthwise ? 'DEPTHWISE_FORWARD' : 'FORWARD', common, multiplyAdds(s));
  if (direct) return out;
  const y = resultBuffer(g, 'output', s.N * s.G * s.Cog * s.P, out);
  const padded = rt.floats(yAt, s.N * s.G * Cogp * plane);
  for (let ng = 0; ng < s.N * s.G; ng++) {
    for (let co = 0; co < s.Cog; co++) {
      const from = (ng * Cogp + co) * plane;
      y.set(padded.subarray(from, from + s.P), (ng * s.Cog + co) * s.P);
    }
  }
  return y;
}

/**
 * For a stride-1 depthwise layer (one output channel per group) the input gradient is itself a depthwise
 * convolution: dx = conv(dy, w flipped in every spatial dimension) with padding d(k−1) − p, which runs on the
 * register-blocked forward kernel instead of the scatter-add one. This is that convolution's geometry, or null
 * when the layer is not of that kind.
 */
function depthwiseAdjoint(g: ConvGeometry): ConvGeometry | null {
  const flippedPad = (p: number, i: number): number => effectiveKernelSize(g.kernelSize[i], g.dilation[i]) - 1 - p;
  const eligible = g.inChannels === g.groups && g.outChannels === g.groups && g.stride.every((v) => v === 1) &&
    g.padBefore.every((p, i) => flippedPad(p, i) >= 0) && g.padAfter.every((p, i) => flippedPad(p, i) >= 0);
  if (!eligible) return null;
  return { ...g, inSize: g.outSize, outSize: g.inSize, padBefore: g.padBefore.map(flippedPad), padAfter: g.padAfter.map(flippedPad) };
}

/** dx of a layer {@link depthwiseAdjoint} accepts, by the forward kernels. */
function depthwiseAdjointAsForward(adjoint: ConvGeometry, dy: Float32Array, w: Float32Array, out: Float32Array | null | undefined): Float32Array {
  const T = w.length / adjoint.outChannels;
  const flipped = new Float32Array(w.length);
  for (let c = 0; c < adjoint.outChannels; c++) {
    for (let t = 0; t < T; t++) flipped[c * T + t] = w[c * T + T - 1 - t];
  }
  return convForwardWasm(adjoint, dy, flipped, null, { out });
}

/** What a backward call computes and where it writes (see {@link ConvBackwardKernelOptions}). */
interface BackwardRequest {
  input: boolean;
  weight: boolean;
  outInput?: Float32Array | null;
  outWeight?: Float32Array | null;
}

/**
 * Input and weight gradients in one arena: x and dy are staged once and both jobs read them (the weight job the
 * staged x, the input job the padded dy). Dimensions dominated by padding or dilation are gathered first, as in
 * the forward pass, and the input gradient scattered back.
 */
export function convBackwardWasm(g: ConvGeometry, x: Float32Array | null, dy: Float32Array, w: Float32Array | null, request: BackwardRequest): ConvBackwardKernelResult {
  const windows = compactTapWindows(g);
  if (!windows) {
    return backwardStaged(g, x, dy, w, request) ?? separateBackward(jsKernels, g, x, dy, w, request);
  }
  const gatheredX = request.weight && x ? gatherInput(g, windows, x) : null;
  const staged = backwardStaged(windows.geometry, gatheredX, dy, w, { input: request.input, weight: request.weight, outWeight: request.outWeight });
  if (!staged) return separateBackward(jsKernels, g, x, dy, w, request);
  let input: Float32Array | null = null;
  if (staged.input) {
    const scattered = scatterInputGradient(g, windows, staged.input);
    input = request.outInput ? (resultBuffer(g, 'input gradient', scattered.length, request.outInput).set(scattered), request.outInput) : scattered;
  }
  return { input, weight: staged.weight };
}

/** Both gradients on the staged layout; null when the layer does not fit the module. */
function backwardStaged(g: ConvGeometry, x: Float32Array | null, dy: Float32Array, w: Float32Array | null, request: BackwardRequest): ConvBackwardKernelResult | null {
  const wantWeight = request.weight && x !== null, wantInput = request.input && w !== null;
  const rt = requireRuntime();
  const s = stageGeometry(g);
  const slots = geometrySlots(s);
  if (!slots) return null;
  const adjoint = wantInput ? depthwiseAdjoint(g) : null;
  const Cigp = slots.get(Slot.CIGP)!;
  rt.resetArena();
  const dyAt = rt.allocate(s.N * s.G * s.Cog * s.densePlane);
  const rangesAt = rt.allocate(s.ranges.length);
  const source = rt.allocate(wantWeight ? x!.length : 0);
  const stagedX = rt.allocate(wantWeight ? s.N * s.G * s.Cig * s.stagedPlane : 0);
  const dwAt = rt.allocate(wantWeight ? s.G * s.Cog * s.Cig * s.T : 0);
  const scatterInput = wantInput && !adjoint;
  const panels = scatterInput ? (s.depthwise ? w! : cachedPanels(s, w!, 'backward-input')) : null;
  const panelsAt = rt.allocate(panels?.length ?? 0);
  const stagedDx = rt.allocate(scatterInput ? s.N * s.G * Cigp * s.stagedPlane : 0);
  const dxAt = rt.allocate(scatterInput ? s.N * s.G * s.Cig * s.I : 0);
  const scratchFloats = scatterInput && !s.depthwise ? s.Cog * chunkFor(s.Cog) : 0; // packed dy panels, as forward
  const scratchAt = rt.allocate(scratchFloats * rt.scratchThreads);
  if (!rt.commit(g.op)) return null;
  putChannels(rt, dy, s.P, dyAt, s.densePlane);
  rt.putInt32(s.ranges, rangesAt);
  let weight: Float32Array | null = null, input: Float32Array | null = null;
  if (wantWeight) {
    rt.put(x, source);
    const common = new Map([...slots, [Slot.SOURCE, source], [Slot.XS, stagedX], [Slot.Y, dyAt], [Slot.OUT, dwAt], [Slot.RANGES, rangesAt]]);
    rt.runJob('STAGE', common, s.N * s.G * s.Cig * s.stagedPlane);
    rt.runJob('BACKWARD_WEIGHT', common, multiplyAdds(s));
    weight = resultBuffer(g, 'weight gradient', s.G * s.Cog * s.Cig * s.T, request.outWeight);
    weight.set(rt.floats(dwAt, weight.length));
  }
  if (scatterInput) {
    rt.put(panels, panelsAt);
    rt.runJob(s.depthwise ? 'DEPTHWISE_BACKWARD_INPUT' : 'BACKWARD_INPUT', new Map([...slots,
      [Slot.Y, dyAt], [Slot.PANELS, panelsAt], [Slot.XS, stagedDx], [Slot.OUT, dxAt], [Slot.RANGES, rangesAt],
      [Slot.BLOCKS_PER_TASK, adjointBlocksPerTask(s.Cig)], [Slot.CHUNK, chunkFor(s.Cog)], [Slot.ROWS_PER_BAND, rowsPerBand(s.Cog, s.outSize[2])],
      [Slot.SCRATCH, scratchFloats > 0 ? scratchAt : 0], [Slot.SCRATCH_FLOATS, scratchFloats]]), multiplyAdds(s));
    input = resultBuffer(g, 'input gradient', s.N * s.G * s.Cig * s.I, request.outInput);
    input.set(rt.floats(dxAt, input.length));
  } else if (adjoint) {
    input = depthwiseAdjointAsForward(adjoint, dy, w!, request.outInput);
  }
  return { input, weight };
}

export function convBackwardInputWasm(g: ConvGeometry, dy: Float32Array, w: Float32Array, options?: ConvGradientOptions): Float32Array {
  return convBackwardWasm(g, null, dy, w, { input: true, weight: false, outInput: options?.out }).input!;
}

export function convBackwardWeightWasm(g: ConvGeometry, x: Float32Array, dy: Float32Array, options?: ConvGradientOptions): Float32Array {
  return convBackwardWasm(g, x, dy, null, { input: false, weight: true, outWeight: options?.out }).weight!;
}

/** `x [N, C, …] weight [Cout, Cin/groups, …] stride … dilation … padding … groups …`, for error messages. */
function describeLayer(g: ConvGeometry): string {
  const pads = g.padBefore.map((p, i) => `${p}/${g.padAfter[i]}`);
  return `x [${[g.batch, g.inChannels, ...g.inSize].join(', ')}], weight [${[g.outChannels, g.inChannels / g.groups, ...g.kernelSize].join(', ')}], ` +
    `stride [${g.stride.join(', ')}], dilation [${g.dilation.join(', ')}], padding before/after [${pads.join(', ')}], groups ${g.groups}, output [${g.outSize.join(', ')}]`;
}

/** Runs one pass, turning a trapped task into a KernelError that names the op, the pass and the layer. */
function reportingFailures<T>(g: ConvGeometry, pass: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (!(error instanceof TaskFailure)) throw error;
    throw new KernelError(g.op, 'geometry', `the wasm ${pass} kernel failed on ${describeLayer(g)}: ${error.message}. ` +
      'This is a bug in atrous (please report it with this message); setBackend("js") computes the same layer meanwhile');
  }
}

/** The WebAssembly SIMD kernels as a backend (`setBackend('wasm')`). */
export const wasmKernels: ConvKernels = {
  name: 'wasm',
  convForward: (g, x, w, bias, options) => reportingFailures(g, 'forward', () => convForwardWasm(g, x, w, bias, options)),
  convBackwardInput: (g, dy, w, options) => reportingFailures(g, 'input-gradient', () => convBackwardInputWasm(g, dy, w, options)),
  convBackwardWeight: (g, x, dy, options) => reportingFailures(g, 'weight-gradient', () => convBackwardWeightWasm(g, x, dy, options)),
  convBackward: (g, x, dy, w, options) => reportingFailures(g, 'gradient', () => convBackwardWasm(g, x, dy, w, backwardRequest(options))),
};
