import { OptionError, describeValue } from '../errors.js';
import '../kernels/index.js';
import { conv } from '../ops/conv.js';
import { convBackward } from '../ops/conv-backward.js';
import { randn } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { convStack } from './graph.js';
import { ERF_MASSES, fitGaussian, massShare, type MassShare } from './erf-statistics.js';
import { receptiveField } from './receptive-field.js';
import { checkOptionKeys, optionKeys } from '../options.js';

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

/** A measured effective receptive field. */
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
  checkOptionKeys('effectiveReceptiveField', options, optionKeys<typeof options>({ kernel: true, kernels: true, dilations: true, strides: true, rank: true, channels: true, seeds: true, activation: true }));
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
  return { rf, map, shares: ERF_MASSES.map((mass) => massShare(map, rf, mass)), gaussian: fitGaussian(map, rf) };
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
