/**
 * Random convolution geometries for the property tests: any rank 1–3, stride and dilation together (different per
 * dimension), groups with channel multipliers, asymmetric padding and every padding mode, always valid.
 */
import { Random, rand, computeConvGeometry, type ConvOptions, type PaddingMode, type Tensor } from '../../src/index.js';

export interface RandomConv {
  x: Tensor;
  w: Tensor;
  bias: Tensor;
  options: ConvOptions;
  /** The conv's output shape. */
  outShape: number[];
}

export interface RandomConvLimits {
  ranks?: readonly number[];
  modes?: readonly PaddingMode[];
  maxSize?: readonly number[];
  batch?: number;
}

/** Draws until the geometry is valid (output ≥ 1, padding within what the mode allows); values in [−1, 1). */
export function randomConv(rng: Random, limits: RandomConvLimits = {}): RandomConv {
  const ranks = limits.ranks ?? [1, 2, 3];
  const modes = limits.modes ?? ['zeros', 'reflect', 'replicate', 'circular'];
  const maxSize = limits.maxSize ?? [12, 7, 5];
  for (;;) {
    const rank = ranks[rng.int(ranks.length)];
    const groups = 1 + rng.int(3);
    const cig = 1 + rng.int(3), cog = 1 + rng.int(3);
    const batch = 1 + rng.int(limits.batch ?? 2);
    const size = Array.from({ length: rank }, () => 1 + rng.int(maxSize[rank - 1]));
    const kernel = Array.from({ length: rank }, () => 1 + rng.int(rank === 3 ? 2 : 3));
    const stride = Array.from({ length: rank }, () => 1 + rng.int(3));
    const dilation = Array.from({ length: rank }, () => 1 + rng.int(3));
    const padding = kernel.map((k, i) => [rng.int(dilation[i] * (k - 1) + 1), rng.int(dilation[i] * (k - 1) + 1)]);
    const paddingMode = modes[rng.int(modes.length)];
    const xShape = [batch, groups * cig, ...size];
    const wShape = [groups * cog, cig, ...kernel];
    const options: ConvOptions = { stride, dilation, padding, groups, paddingMode };
    let outShape: number[];
    try {
      const g = computeConvGeometry('randomConv', xShape, wShape, options);
      outShape = [g.batch, g.outChannels, ...g.outSize];
    } catch {
      continue;
    }
    const seed = rng.int(2 ** 31);
    return {
      x: rand(xShape, seed, -1, 1), w: rand(wShape, seed + 1, -1, 1), bias: rand([groups * cog], seed + 2, -1, 1),
      options, outShape,
    };
  }
}

/** ⟨a, b⟩ accumulated in float64. */
export function dot(a: Tensor, b: Tensor): number {
  let sum = 0;
  for (let i = 0; i < a.size; i++) sum += a.data[i] * b.data[i];
  return sum;
}

/** ‖a‖₂ in float64. */
export function norm(a: Tensor): number {
  return Math.sqrt(dot(a, a));
}

/** max |a − b| / max(1, max|b|), checking shapes first; Infinity on NaN. */
export function scaledDifference(a: Tensor, b: Tensor): number {
  if (a.shape.join() !== b.shape.join()) throw new Error(`shape [${a.shape}] differs from [${b.shape}]`);
  let scale = 1, worst = 0;
  for (const v of b.data) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < a.size; i++) {
    const e = Math.abs(a.data[i] - b.data[i]);
    worst = Number.isNaN(e) ? Infinity : Math.max(worst, e);
  }
  return worst / scale;
}
