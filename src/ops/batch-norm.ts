/**
 * Batch normalization over `[N, C, ...spatial]` (BatchNorm1d/2d/3d), as `torch.nn.functional.batch_norm`:
 * training mode normalizes with the batch's mean and biased variance and moves the running statistics toward
 * the batch's mean and unbiased variance by `momentum`; evaluation mode uses the running statistics.
 */
import { OptionError, ShapeError, describeValue } from '../errors.js';
import { batchNormBackwardKernel, batchNormKernel } from '../kernels/pointwise/pointwise-kernels.js';
import { Tensor } from '../tensor/tensor.js';
import { checkTensor } from './bias.js';
import { checkSameShape } from './shape-checks.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** Options of {@link batchNorm}. */
export interface BatchNormOptions {
  /** Per-channel scale γ `[C]` (1 when omitted). */
  weight?: Tensor | null;
  /** Per-channel shift β `[C]` (0 when omitted). */
  bias?: Tensor | null;
  /** `[C]`; updated in place in training mode, read in evaluation mode. */
  runningMean?: Tensor | null;
  /** `[C]`; updated in place in training mode (unbiased variance), read in evaluation mode. */
  runningVar?: Tensor | null;
  /** Batch statistics (true) or running statistics (false, the default). */
  training?: boolean;
  /** Weight of the new batch statistics in the running average (PyTorch default 0.1). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/** Gradients of a batch normalization. */
export interface BatchNormGradients {
  input: Tensor;
  weight: Tensor;
  bias: Tensor;
}

/**
 * Normalizes each channel, then scales and shifts it.
 *
 * @example
 * const y = batchNorm(x, { weight: gamma, bias: beta, runningMean, runningVar, training: true });
 */
export function batchNorm(x: Tensor, options: BatchNormOptions = {}): Tensor {
  checkOptionKeys('batchNorm', options, optionKeys<typeof options>({ weight: true, bias: true, runningMean: true, runningVar: true, training: true, momentum: true, eps: true }));
  const layout = prepare('batchNorm', x, options);
  const out = new Float32Array(x.size);
  // The WASM kernels (statistics, then one affine pass) when the backend runs them; the JS loops otherwise.
  let moments = batchNormKernel(x.data, layout, layout.given, (m) => affinePairs(layout, m), out);
  if (!moments) {
    moments = layout.given ?? batchMoments(x.data, layout);
    const X = x.data;
    for (let n = 0; n < layout.batch; n++) {
      for (let c = 0; c < layout.channels; c++) {
        const invStd = 1 / Math.sqrt(moments[2 * c + 1] + layout.eps);
        const scale = layout.gamma[c] * invStd;
        const shift = layout.beta[c] - moments[2 * c] * scale;
        const base = (n * layout.channels + c) * layout.positions;
        for (let p = 0; p < layout.positions; p++) out[base + p] = X[base + p] * scale + shift;
      }
    }
  }
  if (layout.training && options.runningMean && options.runningVar) {
    const momentum = options.momentum ?? 0.1;
    const count = layout.batch * layout.positions;
    const RM = options.runningMean.data, RV = options.runningVar.data;
    for (let c = 0; c < layout.channels; c++) {
      const variance = moments[2 * c + 1];
      const unbiased = count > 1 ? variance * count / (count - 1) : variance;
      RM[c] = (1 - momentum) * RM[c] + momentum * moments[2 * c];
      RV[c] = (1 - momentum) * RV[c] + momentum * unbiased;
    }
  }
  return new Tensor(out, x.shape);
}

/**
 * Gradients of {@link batchNorm} (same options; running statistics are read, never updated). In training mode
 * the input gradient includes the paths through the batch mean and variance.
 */
export function batchNormBackward(x: Tensor, gradOutput: Tensor, options: BatchNormOptions = {}): BatchNormGradients {
  checkOptionKeys('batchNormBackward', options, optionKeys<typeof options>({ weight: true, bias: true, runningMean: true, runningVar: true, training: true, momentum: true, eps: true }));
  const layout = prepare('batchNormBackward', x, options);
  checkSameShape('batchNormBackward', 'gradOutput', gradOutput, x.shape);
  const X = x.data, G = gradOutput.data;
  const { channels, training, eps, gamma } = layout;
  const gradInput = new Float32Array(x.size);
  const gradWeight = new Float32Array(channels);
  const gradBias = new Float32Array(channels);
  const count = layout.batch * layout.positions;
  const invStdOf = (moments: Float64Array, c: number): number => 1 / Math.sqrt(moments[2 * c + 1] + eps);
  const sums = batchNormBackwardKernel(X, G, layout, layout.given,
    (moments) => Float64Array.from({ length: 2 * channels }, (_, i) => (i % 2 === 0 ? moments[i] : invStdOf(moments, (i - 1) / 2))),
    (sums, moments) => {
      // dx = scale·(dy − mean(dy) − (x − μ)·invStd·mean(dy·x̂)) = dy·k0 + x·k1 + k2; evaluation mode: dy·scale.
      const k = new Float32Array((training ? 3 : 2) * channels);
      for (let c = 0; c < channels; c++) {
        const invStd = invStdOf(moments, c), scale = gamma[c] * invStd;
        if (!training) { k[2 * c] = scale; continue; }
        const meanG = sums[2 * c] / count, meanGX = sums[2 * c + 1] / count;
        k[3 * c] = scale;
        k[3 * c + 1] = -scale * invStd * meanGX;
        k[3 * c + 2] = scale * (moments[2 * c] * invStd * meanGX - meanG);
      }
      return k;
    }, gradInput);
  if (sums) {
    for (let c = 0; c < channels; c++) { gradBias[c] = sums[2 * c]; gradWeight[c] = sums[2 * c + 1]; }
    return { input: new Tensor(gradInput, x.shape), weight: new Tensor(gradWeight, [channels]), bias: new Tensor(gradBias, [channels]) };
  }
  const moments = layout.given ?? batchMoments(X, layout);
  for (let c = 0; c < channels; c++) {
    let sumG = 0, sumGX = 0;
    const channelMean = moments[2 * c], channelInvStd = invStdOf(moments, c);
    for (let n = 0; n < layout.batch; n++) {
      const base = (n * channels + c) * layout.positions;
      for (let p = 0; p < layout.positions; p++) {
        const g = G[base + p];
        sumG += g;
        sumGX += g * (X[base + p] - channelMean) * channelInvStd;
      }
    }
    gradBias[c] = sumG;
    gradWeight[c] = sumGX;
    const scale = gamma[c] * channelInvStd;
    const meanG = sumG / count, meanGX = sumGX / count;
    for (let n = 0; n < layout.batch; n++) {
      const base = (n * channels + c) * layout.positions;
      if (training) {
        for (let i = base; i < base + layout.positions; i++) gradInput[i] = scale * (G[i] - meanG - (X[i] - channelMean) * channelInvStd * meanGX);
      } else {
        for (let i = base; i < base + layout.positions; i++) gradInput[i] = scale * G[i];
      }
    }
  }
  return {
    input: new Tensor(gradInput, x.shape),
    weight: new Tensor(gradWeight, [channels]),
    bias: new Tensor(gradBias, [channels]),
  };
}

/** A checked batch norm call: the tensor as [batch, channels, positions], γ, β, ε, and the given statistics. */
interface Prepared {
  batch: number; channels: number; positions: number; training: boolean; eps: number;
  gamma: Float32Array; beta: Float32Array;
  /** Evaluation mode: the running statistics as [mean, variance] float64 pairs; training mode: null (computed). */
  given: Float64Array | null;
}

function prepare(op: string, x: Tensor, options: BatchNormOptions): Prepared {
  checkTensor(op, 'input', x);
  if (x.rank < 2) throw new ShapeError(op, 'input', `input shape ${describeValue(x.shape)} must be [N, C, ...spatial]`);
  const [batch, channels] = x.shape;
  const positions = x.shape.slice(2).reduce((p, n) => p * n, 1);
  const eps = options.eps ?? 1e-5;
  if (!(eps > 0)) throw new OptionError(op, 'eps', `eps ${describeValue(options.eps)} must be a positive number`);
  const training = options.training ?? false;
  const perChannel = (name: string, t: Tensor | null | undefined, fill: number): Float32Array => {
    if (t === undefined || t === null) return new Float32Array(channels).fill(fill);
    return checkSameShape(op, name, t, [channels]).data;
  };
  const gamma = perChannel('weight', options.weight, 1);
  const beta = perChannel('bias', options.bias, 0);
  let given: Float64Array | null = null;
  if (training) {
    if (batch * positions <= 1) {
      throw new ShapeError(op, 'input', `training-mode batch norm needs more than one value per channel, got input shape ${describeValue(x.shape)}; use eval mode or a larger batch`);
    }
  } else {
    if (!options.runningMean || !options.runningVar) {
      throw new OptionError(op, 'runningMean', 'evaluation-mode batch norm needs runningMean and runningVar; pass them or set training: true');
    }
    const mean = checkSameShape(op, 'runningMean', options.runningMean, [channels]).data;
    const variance = checkSameShape(op, 'runningVar', options.runningVar, [channels]).data;
    given = Float64Array.from({ length: 2 * channels }, (_, i) => (i % 2 === 0 ? mean[i / 2] : variance[(i - 1) / 2]));
  }
  return { batch, channels, positions, training, eps, gamma, beta, given };
}

/** The batch's per-channel [mean, biased variance] as float64 pairs, in two passes (mean, then squared deviations). */
function batchMoments(X: Float32Array, layout: Prepared): Float64Array {
  const { batch, channels, positions } = layout;
  const count = batch * positions;
  const moments = new Float64Array(2 * channels);
  for (let c = 0; c < channels; c++) {
    let total = 0;
    for (let n = 0; n < batch; n++) {
      const base = (n * channels + c) * positions;
      for (let p = 0; p < positions; p++) total += X[base + p];
    }
    const m = total / count;
    let squares = 0;
    for (let n = 0; n < batch; n++) {
      const base = (n * channels + c) * positions;
      for (let p = 0; p < positions; p++) squares += (X[base + p] - m) ** 2;
    }
    moments[2 * c] = m;
    moments[2 * c + 1] = squares / count;
  }
  return moments;
}

/** [scale, shift] per channel: y = x·γ/√(σ² + ε) + (β − μ·γ/√(σ² + ε)). */
function affinePairs(layout: Prepared, moments: Float64Array): Float32Array {
  const pairs = new Float32Array(2 * layout.channels);
  for (let c = 0; c < layout.channels; c++) {
    const scale = layout.gamma[c] * (1 / Math.sqrt(moments[2 * c + 1] + layout.eps));
    pairs[2 * c] = scale;
    pairs[2 * c + 1] = layout.beta[c] - moments[2 * c] * scale;
  }
  return pairs;
}
