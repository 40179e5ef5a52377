import { OptionError, describeValue } from '../errors.js';
import '../kernels/index.js';
import { conv } from '../ops/conv.js';
import { convBackward } from '../ops/conv-backward.js';
import { randn } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { convStack } from './graph.js';
import { receptiveField } from './receptive-field.js';

/** A stack of convolutions whose effective receptive field is measured. */
export interface ErfOptions {
  /** Kernel size of every layer, or `kernels` per layer. */
  kernel?: number;
  kernels?: number[];
  dilations: number[];
  strides?: number[];
  /** 1 or 2 spatial dimensions (default 2, as Luo et al.). */
  rank?: 1 | 2;
  /** Channels of every layer (default 4). */
  channels?: number;
  /** Random weight draws averaged (default 8). */
  seeds?: number;
  /** `relu` between layers (default) or a purely linear stack. */
  activation?: 'relu' | 'linear';
}

/** The smallest centred box holding a share of the gradient mass. */
export interface MassShare {
  /** The share of the gradient mass, e.g. 0.5. */
  mass: number;
  /** Side of the centred box (cells per dimension). */
  extent: number;
  /** Box volume over the theoretical receptive field's volume (RepLKNet's "area ratio"). */
  share: number;
}

/** The measured effective receptive field of a conv stack. */
export interface EffectiveReceptiveField {
  /** Theoretical receptive field per dimension (the map's shape). */
  rf: number[];
  /** |∂ centre output / ∂ input| averaged over seeds, normalized to sum 1, row-major. */
  map: Float64Array;
  /** The boxes holding 20, 50, 90 and 99% of the mass. */
  shares: MassShare[];
  /** A Gaussian fitted by moments to each dimension's marginal: centre and standard deviation in cells. */
  gaussian: { mean: number[]; sigma: number[] };
}

const MASSES = [0.2, 0.5, 0.9, 0.99];

/**
 * The effective receptive field (Luo, Li, Urtasun & Zemel, NeurIPS 2016) of a stack of convolutions: the
 * gradient of the centre output with respect to the input, with random weights and inputs, through
 * `convBackward` (dilation and stride included), averaged over `seeds`. The input is exactly the theoretical
 * field, so the single output is interior and every cell of the map lies inside the field. Reports the
 * centred boxes holding 20/50/90/99% of the mass as shares of the theoretical field (RepLKNet's recipe) and a
 * moment-fitted Gaussian — typically far smaller than the theoretical field, as Luo et al. found.
 *
 * @example effectiveReceptiveField({ kernel: 3, dilations: [1, 1, 1, 1], rank: 1 }).shares[1].share
 */
export function effectiveReceptiveField(options: ErfOptions): EffectiveReceptiveField {
  const rank = options.rank ?? 2;
  if (rank !== 1 && rank !== 2) throw new OptionError('effectiveReceptiveField', 'rank', `rank ${describeValue(rank)} must be 1 or 2`);
  const channels = options.channels ?? 4;
  const seeds = options.seeds ?? 8;
  for (const [argument, value] of [['channels', channels], ['seeds', seeds]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new OptionError('effectiveReceptiveField', argument, `${argument} ${describeValue(value)} must be a positive integer`);
  }
  const n = options.dilations.length;
  const kernels = options.kernels ?? Array(n).fill(options.kernel ?? 3);
  const strides = options.strides ?? Array(n).fill(1);
  const graph = convStack({ kernels, dilations: options.dilations, strides, rank });
  const { output } = receptiveField(graph);
  const rf = output.rf as number[];
  const cells = rf.reduce((a, b) => a * b, 1);
  const total = new Float64Array(cells);
  for (let seed = 0; seed < seeds; seed++) {
    const grad = centreGradient(rf, kernels, options.dilations, strides, channels, options.activation ?? 'relu', seed);
    for (let c = 0; c < channels; c++) {
      for (let i = 0; i < cells; i++) total[i] += Math.abs(grad[c * cells + i]);
    }
  }
  const sum = total.reduce((a, b) => a + b, 0);
  const map = total.map((v) => (sum > 0 ? v / sum : 0));
  return { rf, map, shares: MASSES.map((mass) => massShare(map, rf, mass)), gaussian: fitGaussian(map, rf) };
}

function centreGradient(
  rf: number[], kernels: number[], dilations: number[], strides: number[], channels: number,
  activation: 'relu' | 'linear', seed: number,
): Float32Array {
  const rank = rf.length;
  const base = 7919 * (seed + 1);
  const inputs: Tensor[] = [randn([1, channels, ...rf], base)];
  const weights = kernels.map((k, l) => {
    const w = randn([channels, channels, ...Array(rank).fill(k)], base + l + 1);
    const scale = 1 / Math.sqrt(channels * k ** rank);
    return new Tensor(w.data.map((v) => v * scale), w.shape);
  });
  const options = (l: number) => ({ dilation: dilations[l], stride: strides[l] });
  for (let l = 0; l < kernels.length; l++) {
    let y = conv(inputs[l], weights[l], options(l));
    if (activation === 'relu' && l < kernels.length - 1) y = new Tensor(y.data.map((v) => (v > 0 ? v : 0)), y.shape);
    inputs.push(y);
  }
  const last = inputs[inputs.length - 1];
  let grad = new Tensor(new Float32Array(last.data.length).fill(1), last.shape);
  for (let l = kernels.length - 1; l >= 0; l--) {
    if (activation === 'relu' && l < kernels.length - 1) {
      const after = inputs[l + 1].data;
      grad = new Tensor(grad.data.map((g, i) => (after[i] > 0 ? g : 0)), grad.shape);
    }
    grad = convBackward(inputs[l], weights[l], grad, options(l)).input;
  }
  return grad.data;
}

function massShare(map: Float64Array, rf: number[], mass: number): MassShare {
  const largest = Math.max(...rf);
  const volume = rf.reduce((a, b) => a * b, 1);
  for (let extent = 1; extent <= largest; extent++) {
    const box = rf.map((r) => Math.min(r, extent));
    if (boxMass(map, rf, box) >= mass - 1e-12) {
      return { mass, extent, share: box.reduce((a, b) => a * b, 1) / volume };
    }
  }
  return { mass, extent: largest, share: 1 };
}

/** Mass inside the centred box (a box of even side in an odd field leans to the start). */
function boxMass(map: Float64Array, rf: number[], box: number[]): number {
  const lo = rf.map((r, d) => Math.floor((r - box[d]) / 2));
  if (rf.length === 1) {
    let s = 0;
    for (let i = lo[0]; i < lo[0] + box[0]; i++) s += map[i];
    return s;
  }
  let s = 0;
  for (let i = lo[0]; i < lo[0] + box[0]; i++) {
    for (let j = lo[1]; j < lo[1] + box[1]; j++) s += map[i * rf[1] + j];
  }
  return s;
}

function fitGaussian(map: Float64Array, rf: number[]): { mean: number[]; sigma: number[] } {
  const marginals = rf.map((r) => new Float64Array(r));
  const inner = rf.length === 2 ? rf[1] : 1;
  map.forEach((v, i) => {
    if (rf.length === 1) marginals[0][i] += v;
    else {
      marginals[0][Math.floor(i / inner)] += v;
      marginals[1][i % inner] += v;
    }
  });
  const mean = marginals.map((m) => m.reduce((acc, v, i) => acc + v * i, 0));
  const sigma = marginals.map((m, d) => Math.sqrt(m.reduce((acc, v, i) => acc + v * (i - mean[d]) ** 2, 0)));
  return { mean, sigma };
}
