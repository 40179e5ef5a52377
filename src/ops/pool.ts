/**
 * Max and average pooling over 1-, 2- and 3-D inputs `[N, C, ...spatial]`, PyTorch/ONNX semantics: a window like
 * a convolution's (max pooling may be dilated), padding never wins a max, and average pooling divides by the
 * window's positions inside the padded input (`countIncludePad`) or inside the input only.
 */
import { OptionError, describeValue } from '../errors.js';
import { perDimension } from '../geometry/conv-geometry.js';
import { resolvePadding, type Padding } from '../geometry/padding.js';
import { poolOutputSize } from '../geometry/pool-arithmetic.js';
import { effectiveKernelSize } from '../geometry/conv-arithmetic.js';
import { Tensor } from '../tensor/tensor.js';
import { checkTensor } from './bias.js';
import { checkRank, checkSameShape } from './shape-checks.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** Options of {@link maxPool} and {@link avgPool}. */
export interface PoolOptions {
  /** Window size per spatial dimension (or one for all). */
  kernel: number | readonly number[];
  /** Defaults to the kernel size, as PyTorch. */
  stride?: number | readonly number[];
  /** Max pooling only; average pooling has no dilation. */
  dilation?: number | readonly number[];
  padding?: Padding;
  /** Round the number of windows up (PyTorch `ceil_mode`). */
  ceilMode?: boolean;
  /** Average pooling: divide by padded positions too (PyTorch's default `true`; ONNX's default is false). */
  countIncludePad?: boolean;
}

/** Everything the pooling loop needs, per spatial dimension padded out to three dimensions. */
interface PoolGeometry {
  planes: number;
  inSize: number[];
  outSize: number[];
  kernel: number[];
  stride: number[];
  dilation: number[];
  padBefore: number[];
  padAfter: number[];
}

function poolGeometry(op: string, x: Tensor, options: PoolOptions): PoolGeometry {
  checkTensor(op, 'input', x);
  checkRank(op, x, 3, 5, '[N, C, ...spatial] with 1 to 3 spatial dimensions');
  if (options === null || typeof options !== 'object') throw new OptionError(op, 'options', `options must be an object with a kernel, got ${describeValue(options)}`);
  const rank = x.rank - 2;
  const inSize = x.shape.slice(2);
  const kernel = perDimension(op, 'kernel', options.kernel, rank);
  const stride = perDimension(op, 'stride', options.stride ?? kernel, rank);
  const dilation = perDimension(op, 'dilation', options.dilation ?? 1, rank);
  const pads = resolvePadding(op, options.padding, { inSize, kernelSize: kernel, stride, dilation });
  kernel.forEach((k, i) => {
    const span = effectiveKernelSize(k, dilation[i]);
    if (pads.before[i] >= span || pads.after[i] >= span) {
      throw new OptionError(op, 'padding', `padding ${describeValue([pads.before[i], pads.after[i]])} in dimension ${i} is as wide as the window (${span}); a window could see only padding`);
    }
  });
  const outSize = inSize.map((n, i) => poolOutputSize(n, kernel[i], stride[i], dilation[i], pads.before[i], pads.after[i], options.ceilMode ?? false));
  if (outSize.some((n) => n < 1)) {
    throw new OptionError(op, 'kernel', `window ${describeValue(kernel)} (dilation ${describeValue(dilation)}) does not fit the padded input ${describeValue(inSize)}`);
  }
  const padOnly = outSize.findIndex((n, i) => Array.from({ length: n }, (_, o) => o * stride[i] - pads.before[i]).some((start) => !windowTouchesInput(start, kernel[i], dilation[i], inSize[i])));
  if (padOnly >= 0) {
    throw new OptionError(op, 'padding', `with dilation ${dilation[padOnly]} and padding ${describeValue([pads.before[padOnly], pads.after[padOnly]])}, a window in dimension ${padOnly} of length ${inSize[padOnly]} sees only padding (no defined max or mean); use less padding or dilation`);
  }
  const pad3 = (v: number[], fill: number): number[] => [...Array(3 - rank).fill(fill), ...v];
  return {
    planes: x.shape[0] * x.shape[1], inSize: pad3(inSize, 1), outSize: pad3(outSize, 1), kernel: pad3(kernel, 1),
    stride: pad3(stride, 1), dilation: pad3(dilation, 1), padBefore: pad3(pads.before, 0), padAfter: pad3(pads.after, 0),
  };
}

/** Whether a window starting at `start` (in input coordinates) has a tap inside the `n` input positions. */
function windowTouchesInput(start: number, k: number, d: number, n: number): boolean {
  for (let t = 0; t < k; t++) if (start + t * d >= 0 && start + t * d < n) return true;
  return false;
}

/**
 * Max pooling: each output is the largest input in its window (padding is ignored, never selected).
 *
 * @example maxPool(tensor([1, 3, 2, 5], [1, 1, 4]), { kernel: 2 }).data // [3, 5]
 */
export function maxPool(x: Tensor, options: PoolOptions): Tensor {
  checkOptionKeys('maxPool', options, optionKeys<typeof options>({ kernel: true, stride: true, dilation: true, padding: true, ceilMode: true, countIncludePad: true }));
  const g = poolGeometry('maxPool', x, options);
  return pool(x, g, true, true);
}

/**
 * Average pooling (no dilation).
 *
 * @example avgPool(tensor([1, 3, 2, 6], [1, 1, 4]), { kernel: 2 }).data // [2, 4]
 */
export function avgPool(x: Tensor, options: PoolOptions): Tensor {
  checkOptionKeys('avgPool', options, optionKeys<typeof options>({ kernel: true, stride: true, dilation: true, padding: true, ceilMode: true, countIncludePad: true }));
  if (options?.dilation !== undefined && [options.dilation].flat().some((d) => d !== 1)) {
    throw new OptionError('avgPool', 'dilation', `average pooling has no dilation, got ${describeValue(options.dilation)}`);
  }
  const g = poolGeometry('avgPool', x, options);
  return pool(x, g, false, options.countIncludePad ?? true);
}

function pool(x: Tensor, g: PoolGeometry, isMax: boolean, includePad: boolean): Tensor {
  const [D, H, W] = g.inSize, [OD, OH, OW] = g.outSize;
  const out = new Float32Array(g.planes * OD * OH * OW);
  const X = x.data;
  // Per dimension and output index: the first window tap, and the window's clipped extents.
  const ranges = [0, 1, 2].map((d) => Array.from({ length: g.outSize[d] }, (_, o) => {
    const start = o * g.stride[d] - g.padBefore[d];
    const span = g.dilation[d] * (g.kernel[d] - 1) + 1;
    const paddedEnd = Math.min(start + span, g.inSize[d] + g.padAfter[d]);
    return { start, padded: paddedEnd - start };
  }));
  let o = 0;
  for (let p = 0; p < g.planes; p++) {
    const plane = p * D * H * W;
    for (const rd of ranges[0]) for (const rh of ranges[1]) for (const rw of ranges[2]) {
      let acc = isMax ? -Infinity : 0, count = 0;
      for (let kd = 0; kd < g.kernel[0]; kd++) {
        const id = rd.start + kd * g.dilation[0];
        if (id < 0 || id >= D) continue;
        for (let kh = 0; kh < g.kernel[1]; kh++) {
          const ih = rh.start + kh * g.dilation[1];
          if (ih < 0 || ih >= H) continue;
          const row = plane + (id * H + ih) * W;
          for (let kw = 0; kw < g.kernel[2]; kw++) {
            const iw = rw.start + kw * g.dilation[2];
            if (iw < 0 || iw >= W) continue;
            const v = X[row + iw];
            if (isMax) { if (v > acc || Number.isNaN(v)) acc = v; } else acc += v;
            count++;
          }
        }
      }
      const divisor = includePad ? rd.padded * rh.padded * rw.padded : count;
      out[o++] = isMax ? acc : acc / divisor;
    }
  }
  return new Tensor(out, [x.shape[0], x.shape[1], ...g.outSize.slice(3 - (x.rank - 2))]);
}

/**
 * Gradient of {@link maxPool}: each window's output gradient goes to the input that won the max (the first one
 * on ties, as PyTorch).
 *
 * @example maxPoolBackward(x, dy, { kernel: 3, stride: 2, padding: 1 })
 */
export function maxPoolBackward(x: Tensor, gradOutput: Tensor, options: PoolOptions): Tensor {
  checkOptionKeys('maxPoolBackward', options, optionKeys<typeof options>({ kernel: true, stride: true, dilation: true, padding: true, ceilMode: true, countIncludePad: true }));
  const g = poolGeometry('maxPoolBackward', x, options);
  return poolBackward(x, g, gradOutput, true, true);
}

/** Gradient of {@link avgPool}: each window's output gradient spread evenly over its divisor. */
export function avgPoolBackward(x: Tensor, gradOutput: Tensor, options: PoolOptions): Tensor {
  checkOptionKeys('avgPoolBackward', options, optionKeys<typeof options>({ kernel: true, stride: true, dilation: true, padding: true, ceilMode: true, countIncludePad: true }));
  const g = poolGeometry('avgPoolBackward', x, options);
  return poolBackward(x, g, gradOutput, false, options.countIncludePad ?? true);
}

function poolBackward(x: Tensor, g: PoolGeometry, gradOutput: Tensor, isMax: boolean, includePad: boolean): Tensor {
  const [D, H, W] = g.inSize;
  const outShape = [x.shape[0], x.shape[1], ...g.outSize.slice(3 - (x.rank - 2))];
  checkSameShape('poolBackward', 'gradOutput', gradOutput, outShape);
  const gradInput = new Float32Array(x.size);
  const X = x.data, G = gradOutput.data;
  const ranges = [0, 1, 2].map((d) => Array.from({ length: g.outSize[d] }, (_, o) => {
    const start = o * g.stride[d] - g.padBefore[d];
    const span = g.dilation[d] * (g.kernel[d] - 1) + 1;
    return { start, padded: Math.min(start + span, g.inSize[d] + g.padAfter[d]) - start };
  }));
  const taps: number[] = [];
  let o = 0;
  for (let p = 0; p < g.planes; p++) {
    const plane = p * D * H * W;
    for (const rd of ranges[0]) for (const rh of ranges[1]) for (const rw of ranges[2]) {
      taps.length = 0;
      for (let kd = 0; kd < g.kernel[0]; kd++) {
        const id = rd.start + kd * g.dilation[0];
        if (id < 0 || id >= D) continue;
        for (let kh = 0; kh < g.kernel[1]; kh++) {
          const ih = rh.start + kh * g.dilation[1];
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < g.kernel[2]; kw++) {
            const iw = rw.start + kw * g.dilation[2];
            if (iw >= 0 && iw < W) taps.push(plane + (id * H + ih) * W + iw);
          }
        }
      }
      const grad = G[o++];
      if (isMax) {
        let best = taps[0];
        for (const t of taps) if (X[t] > X[best] || (Number.isNaN(X[t]) && !Number.isNaN(X[best]))) best = t;
        gradInput[best] += grad;
      } else {
        const share = grad / (includePad ? rd.padded * rh.padded * rw.padded : taps.length);
        for (const t of taps) gradInput[t] += share;
      }
    }
  }
  return new Tensor(gradInput, x.shape);
}
