/**
 * Resizing the spatial dimensions of `[N, C, ...spatial]` by nearest-neighbour or (bi/tri)linear
 * interpolation, with the coordinate conventions of ONNX `Resize` (which include PyTorch's `interpolate`):
 * each output index `o` maps to a source coordinate, read from its nearest input or from its two neighbours
 * per dimension. Linear interpolation is separable, so it runs one dimension at a time.
 */
import { OptionError, ShapeError, describeValue } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { checkTensor } from './bias.js';
import { checkRank } from './shape-checks.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** How an output index maps to a source coordinate (ONNX `coordinate_transformation_mode`). */
export type CoordinateMode = 'half_pixel' | 'pytorch_half_pixel' | 'align_corners' | 'asymmetric' | 'tf_half_pixel_for_nearest';

/** How a fractional coordinate picks its nearest input (ONNX `nearest_mode`). */
export type NearestMode = 'round_prefer_floor' | 'round_prefer_ceil' | 'floor' | 'ceil';

/** Options of {@link resize}. */
export interface ResizeOptions {
  /** Output spatial size, one per spatial dimension. */
  size: readonly number[];
  /** Scale per spatial dimension used by the coordinate transform (default `size / inSize`, as ONNX with `sizes`). */
  scale?: readonly number[];
  mode?: 'nearest' | 'linear';
  coordinateMode?: CoordinateMode;
  nearestMode?: NearestMode;
}

const COORDINATE_MODES: readonly CoordinateMode[] = ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_half_pixel_for_nearest'];
const NEAREST_MODES: readonly NearestMode[] = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'];

/**
 * The source coordinate of output index `o` when `inSize` becomes `outSize` at `scale`.
 *
 * @example sourceCoordinate('half_pixel', 0, 4, 8, 2) // -0.25
 */
export function sourceCoordinate(mode: CoordinateMode, o: number, inSize: number, outSize: number, scale: number): number {
  switch (mode) {
    case 'half_pixel': return (o + 0.5) / scale - 0.5;
    case 'pytorch_half_pixel': return outSize > 1 ? (o + 0.5) / scale - 0.5 : 0;
    case 'align_corners': return outSize > 1 ? (o * (inSize - 1)) / (outSize - 1) : 0;
    case 'asymmetric': return o / scale;
    case 'tf_half_pixel_for_nearest': return (o + 0.5) / scale;
  }
}

/**
 * Resizes the spatial dimensions of `x`.
 *
 * @example resize(tensor([1, 3], [1, 1, 2]), { size: [4], mode: 'linear' }).data // [1, 1.5, 2.5, 3]
 */
export function resize(x: Tensor, options: ResizeOptions): Tensor {
  checkOptionKeys('resize', options, optionKeys<typeof options>({ size: true, scale: true, mode: true, coordinateMode: true, nearestMode: true }));
  checkTensor('resize', 'input', x);
  checkRank('resize', x, 3, 5, '[N, C, ...spatial] with 1 to 3 spatial dimensions');
  const inSize = x.shape.slice(2);
  const size = options?.size;
  if (!Array.isArray(size) || size.length !== inSize.length || size.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new ShapeError('resize', 'size', `size ${describeValue(size)} must be ${inSize.length} positive integers (one per spatial dimension)`);
  }
  const scale = options.scale ?? size.map((n, i) => n / inSize[i]);
  if (scale.length !== inSize.length || scale.some((s) => !(s > 0) || !Number.isFinite(s))) {
    throw new OptionError('resize', 'scale', `scale ${describeValue(scale)} must be ${inSize.length} positive numbers`);
  }
  const mode = options.mode ?? 'nearest';
  const coordinateMode = options.coordinateMode ?? 'half_pixel';
  const nearestMode = options.nearestMode ?? 'round_prefer_floor';
  if (mode !== 'nearest' && mode !== 'linear') throw new OptionError('resize', 'mode', `mode ${describeValue(mode)} must be "nearest" or "linear"`);
  if (!COORDINATE_MODES.includes(coordinateMode)) throw new OptionError('resize', 'coordinateMode', `coordinateMode ${describeValue(coordinateMode)} must be one of ${COORDINATE_MODES.join(', ')}`);
  if (!NEAREST_MODES.includes(nearestMode)) throw new OptionError('resize', 'nearestMode', `nearestMode ${describeValue(nearestMode)} must be one of ${NEAREST_MODES.join(', ')}`);
  let current = x;
  for (let d = 0; d < inSize.length; d++) {
    if (size[d] === inSize[d] && scale[d] === 1) continue;
    const taps = Array.from({ length: size[d] }, (_, o) => {
      const c = sourceCoordinate(coordinateMode, o, inSize[d], size[d], scale[d]);
      return mode === 'nearest' ? nearestTap(c, inSize[d], nearestMode) : linearTaps(c, inSize[d]);
    });
    current = resampleAxis(current, d + 2, taps);
  }
  return current === x ? x.clone() : current;
}

/** One output position along an axis: input indices `i0`, `i1` and the weight of `i1`. */
interface Taps { i0: number; i1: number; w: number }

function nearestTap(c: number, n: number, mode: NearestMode): Taps {
  const floor = Math.floor(c);
  const half = c - floor === 0.5;
  let i: number;
  switch (mode) {
    case 'round_prefer_floor': i = half ? floor : Math.round(c); break;
    case 'round_prefer_ceil': i = half ? floor + 1 : Math.round(c); break;
    case 'floor': i = floor; break;
    case 'ceil': i = Math.ceil(c); break;
  }
  const clamped = Math.min(Math.max(i, 0), n - 1);
  return { i0: clamped, i1: clamped, w: 0 };
}

function linearTaps(c: number, n: number): Taps {
  const x = Math.min(Math.max(c, 0), n - 1);
  const i0 = Math.floor(x);
  const i1 = Math.min(i0 + 1, n - 1);
  return { i0, i1, w: x - i0 };
}

function resampleAxis(x: Tensor, axis: number, taps: Taps[]): Tensor {
  const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const n = x.shape[axis], m = taps.length;
  const out = new Float32Array(outer * m * inner);
  const X = x.data;
  const i0 = Int32Array.from(taps, (t) => t.i0), i1 = Int32Array.from(taps, (t) => t.i1);
  const w = Float64Array.from(taps, (t) => t.w);
  if (inner === 1) {
    // The last axis: one value per tap, so the taps run in the inner loop instead of a one-element copy.
    for (let p = 0; p < outer; p++) {
      const row = p * n, dst = p * m;
      for (let o = 0; o < m; o++) {
        const a = X[row + i0[o]];
        out[dst + o] = w[o] === 0 ? a : a + w[o] * (X[row + i1[o]] - a);
      }
    }
  } else {
    for (let p = 0; p < outer; p++) {
      for (let o = 0; o < m; o++) {
        const a = (p * n + i0[o]) * inner, b = (p * n + i1[o]) * inner, dst = (p * m + o) * inner, wo = w[o];
        if (wo === 0) out.set(X.subarray(a, a + inner), dst);
        else for (let j = 0; j < inner; j++) out[dst + j] = X[a + j] + wo * (X[b + j] - X[a + j]);
      }
    }
  }
  const shape = x.shape.slice();
  shape[axis] = m;
  return new Tensor(out, shape);
}

/**
 * Gradient of {@link resize} (same options) with respect to its input of `inputShape`: each output's gradient
 * flows back to the input(s) it was read from, with the interpolation weights, one dimension at a time in reverse.
 *
 * @example resizeBackward(dy, [1, 256, 1, 1], { size: [33, 33], mode: 'linear' })
 */
export function resizeBackward(gradOutput: Tensor, inputShape: readonly number[], options: ResizeOptions): Tensor {
  checkOptionKeys('resizeBackward', options, optionKeys<typeof options>({ size: true, scale: true, mode: true, coordinateMode: true, nearestMode: true }));
  checkTensor('resizeBackward', 'gradOutput', gradOutput);
  const inSize = inputShape.slice(2);
  const size = options.size;
  const expected = [...inputShape.slice(0, 2), ...size];
  if (gradOutput.shape.join() !== expected.join()) {
    throw new ShapeError('resizeBackward', 'gradOutput', `gradOutput shape ${describeValue(gradOutput.shape)} must be the resized shape ${describeValue(expected)}`);
  }
  const scale = options.scale ?? size.map((n, i) => n / inSize[i]);
  const mode = options.mode ?? 'nearest';
  const coordinateMode = options.coordinateMode ?? 'half_pixel';
  const nearestMode = options.nearestMode ?? 'round_prefer_floor';
  let current = gradOutput;
  for (let d = inSize.length - 1; d >= 0; d--) {
    if (size[d] === inSize[d] && scale[d] === 1) continue;
    const taps = Array.from({ length: size[d] }, (_, o) => {
      const c = sourceCoordinate(coordinateMode, o, inSize[d], size[d], scale[d]);
      return mode === 'nearest' ? nearestTap(c, inSize[d], nearestMode) : linearTaps(c, inSize[d]);
    });
    current = scatterAxis(current, d + 2, taps, inSize[d]);
  }
  return current === gradOutput ? gradOutput.clone() : current;
}

/** The transpose of `resampleAxis`: sums each output's gradient into its taps along `axis` (size `n`). */
function scatterAxis(g: Tensor, axis: number, taps: Taps[], n: number): Tensor {
  const outer = g.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = g.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const m = taps.length;
  const out = new Float32Array(outer * n * inner);
  const G = g.data;
  for (let p = 0; p < outer; p++) {
    for (let o = 0; o < m; o++) {
      const { i0, i1, w } = taps[o];
      const a = (p * n + i0) * inner, b = (p * n + i1) * inner, src = (p * m + o) * inner;
      for (let j = 0; j < inner; j++) {
        out[a + j] += (1 - w) * G[src + j];
        out[b + j] += w * G[src + j];
      }
    }
  }
  const shape = g.shape.slice();
  shape[axis] = n;
  return new Tensor(out, shape);
}
