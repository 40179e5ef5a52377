/**
 * The pointwise kernels, dispatched like the convolutions: WebAssembly SIMD (four lanes, split over the worker
 * pool) when the `wasm` backend is active, plain JS loops otherwise.
 * - transcendental (exp, tanh, sigmoid, GELU, erf) and WaveNet's fused gate: both agree to a few float32 ulps
 *   (see assembly/pointwise.ts for the bounds);
 * - memory-bound ops (arithmetic, relu, activation gradients, the bias gradient's channel sums): `elementwise` and
 *   `reduceChannels` run them in WASM and return true, or return false and leave the op to its own JS loop
 *   (backend `js`, small tensors, or operands the module cannot hold). Accuracy: assembly/elementwise.ts.
 */
import { activeKernels } from '../backend.js';
// Registers the backends, so ops that import these kernels directly work without the package entry point.
import '../index.js';
import { wasmRuntime } from '../wasm/wasm-runtime.js';
import { gateJs, transcendentalJs } from './pointwise-js.js';
import type { GateLayout, TranscendentalKind } from './pointwise-kind.js';
import { gateWasm, transcendentalWasm } from './pointwise-wasm.js';
import { softmaxCrossEntropyBackwardWasm, softmaxCrossEntropyWasm } from './softmax-cross-entropy-wasm.js';
import { batchNormBackwardWasm, batchNormWasm, elementwiseWasm, normalizeWasm, reduceChannelsWasm, type ChannelLayout, type ElementwiseKind, type ElementwiseLayout } from './elementwise-wasm.js';

export type { GateLayout, TranscendentalKind } from './pointwise-kind.js';
export { denseLayout, type ElementwiseKind, type ElementwiseLayout } from './elementwise-wasm.js';

/** Below this many values a JS loop is as fast: a WASM job costs a few microseconds to lay out and start. */
const WASM_MIN_VALUES = 2048;

/** `out[i] = f(x[i])`; `out` may be `x` (in place). Returns `out`. */
export function transcendental(kind: TranscendentalKind, x: Float32Array, out: Float32Array): Float32Array {
  const rt = activeKernels().name === 'wasm' ? wasmRuntime() : null;
  if (!rt || !transcendentalWasm(rt, kind, x, out)) transcendentalJs(kind, x, out);
  return out;
}

/** `out[r·length + i] = tanh(src[aOffset + r·rowStride + i])·σ(src[bOffset + r·rowStride + i])`. Returns `out`. */
export function gate(src: Float32Array, layout: GateLayout, out: Float32Array): Float32Array {
  const rt = activeKernels().name === 'wasm' ? wasmRuntime() : null;
  if (!rt || !gateWasm(rt, src, layout, out)) gateJs(src, layout, out);
  return out;
}

/**
 * `out = kind(a, b)` over `layout` on the WASM kernels; false when they are not in use here (the caller runs its
 * JS loop). `param`: leaky relu's slope. `extra`: dy and the second output of the gate's gradient.
 */
export function elementwise(
  kind: ElementwiseKind, a: Float32Array, b: Float32Array | null, layout: ElementwiseLayout, out: Float32Array,
  param = 0, extra?: { c: Float32Array; out2: Float32Array },
): boolean {
  if (layout.rows * layout.length < WASM_MIN_VALUES || activeKernels().name !== 'wasm') return false;
  const rt = wasmRuntime();
  return rt !== null && elementwiseWasm(rt, kind, a, b, layout, out, param, extra);
}

/** `out[c] = Σ_n Σ_p dy[n, c, p]` for dy `[batch, channels, positions]` on the WASM kernels; false as above. */
export function reduceChannels(dy: Float32Array, batch: number, channels: number, positions: number, out: Float32Array): boolean {
  if (dy.length < WASM_MIN_VALUES || activeKernels().name !== 'wasm') return false;
  const rt = wasmRuntime();
  return rt !== null && reduceChannelsWasm(rt, dy, batch, channels, positions, out);
}

/**
 * Normalization over `regions` contiguous regions with a per-row affine (see `normalizeWasm`) on the WASM kernels;
 * false as above. `coefficients` turns the regions' moments (first, centred mean, variance per region, float64)
 * into [scale, shift] pairs, one per row of `plane` floats.
 */
export function normalize(
  op: string, src: Float32Array, regions: number, plane: number, coefficients: (moments: Float64Array) => Float32Array, out: Float32Array,
): boolean {
  if (src.length < WASM_MIN_VALUES || activeKernels().name !== 'wasm') return false;
  const rt = wasmRuntime();
  return rt !== null && normalizeWasm(rt, op, src, regions, plane, coefficients, out);
}

/** Batch norm's forward pass on the WASM kernels (see `batchNormWasm`): the moments it used, or null as above. */
export function batchNormKernel(
  x: Float32Array, layout: ChannelLayout, given: Float64Array | null, coefficients: (moments: Float64Array) => Float32Array, out: Float32Array,
): Float64Array | null {
  if (x.length < WASM_MIN_VALUES || activeKernels().name !== 'wasm') return null;
  const rt = wasmRuntime();
  return rt === null ? null : batchNormWasm(rt, x, layout, given, coefficients, out);
}

/** Batch norm's backward pass on the WASM kernels (see `batchNormBackwardWasm`): the gradient sums, or null. */
export function batchNormBackwardKernel(
  x: Float32Array, dy: Float32Array, layout: ChannelLayout, given: Float64Array | null,
  centring: (moments: Float64Array) => Float64Array, coefficients: (sums: Float64Array, moments: Float64Array) => Float32Array,
  gradInput: Float32Array,
): Float64Array | null {
  if (x.length < WASM_MIN_VALUES || activeKernels().name !== 'wasm') return null;
  const rt = wasmRuntime();
  return rt === null ? null : batchNormBackwardWasm(rt, x, dy, layout, given, centring, coefficients, gradInput);
}

/** Softmax cross-entropy over the channel axis on the WASM kernels (see `softmaxCrossEntropyWasm`); false as above. */
export function softmaxCrossEntropyKernel(
  logits: Float32Array, targets: Int32Array, N: number, C: number, P: number, probabilities: Float32Array, losses: Float32Array,
): boolean {
  if (logits.length < WASM_MIN_VALUES || activeKernels().name !== 'wasm') return false;
  const rt = wasmRuntime();
  return rt !== null && softmaxCrossEntropyWasm(rt, logits, targets, N, C, P, probabilities, losses);
}

/** Its gradient `scale_p·(softmax − onehot)` on the WASM kernels; false as above. */
export function softmaxCrossEntropyBackwardKernel(
  probabilities: Float32Array, targets: Int32Array, scale: Float32Array, N: number, C: number, P: number, gradient: Float32Array,
): boolean {
  if (probabilities.length < WASM_MIN_VALUES || activeKernels().name !== 'wasm') return false;
  const rt = wasmRuntime();
  return rt !== null && softmaxCrossEntropyBackwardWasm(rt, probabilities, targets, scale, N, C, P, gradient);
}
