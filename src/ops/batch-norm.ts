/**
 * Batch normalization over `[N, C, ...spatial]` (BatchNorm1d/2d/3d), as `torch.nn.functional.batch_norm`:
 * training mode normalizes with the batch's mean and biased variance and moves the running statistics toward
 * the batch's mean and unbiased variance by `momentum`; evaluation mode uses the running statistics.
 */
import { OptionError, ShapeError, describeValue } from '../errors.js';
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
  const s = statistics('batchNorm', x, options);
  const out = new Float32Array(x.size);
  const X = x.data;
  for (let n = 0; n < s.batch; n++) {
    for (let c = 0; c < s.channels; c++) {
      const scale = s.gamma[c] * s.invStd[c];
      const shift = s.beta[c] - s.mean[c] * scale;
      const base = (n * s.channels + c) * s.positions;
      for (let p = 0; p < s.positions; p++) out[base + p] = X[base + p] * scale + shift;
    }
  }
  if (s.training && options.runningMean && options.runningVar) {
    const momentum = options.momentum ?? 0.1;
    const count = s.batch * s.positions;
    const RM = options.runningMean.data, RV = options.runningVar.data;
    for (let c = 0; c < s.channels; c++) {
      const unbiased = count > 1 ? s.variance[c] * count / (count - 1) : s.variance[c];
      RM[c] = (1 - momentum) * RM[c] + momentum * s.mean[c];
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
  const s = statistics('batchNormBackward', x, options);
  checkSameShape('batchNormBackward', 'gradOutput', gradOutput, x.shape);
  const X = x.data, G = gradOutput.data;
  const gradInput = new Float32Array(x.size);
  const gradWeight = new Float32Array(s.channels);
  const gradBias = new Float32Array(s.channels);
  const count = s.batch * s.positions;
  for (let c = 0; c < s.channels; c++) {
    let sumG = 0, sumGX = 0;
    const channelMean = s.mean[c], channelInvStd = s.invStd[c];
    for (let n = 0; n < s.batch; n++) {
      const base = (n * s.channels + c) * s.positions;
      for (let p = 0; p < s.positions; p++) {
        const g = G[base + p];
        sumG += g;
        sumGX += g * (X[base + p] - channelMean) * channelInvStd;
      }
    }
    gradBias[c] = sumG;
    gradWeight[c] = sumGX;
    const scale = s.gamma[c] * s.invStd[c];
    const mean = s.mean[c], invStd = s.invStd[c], meanG = sumG / count, meanGX = sumGX / count;
    for (let n = 0; n < s.batch; n++) {
      const base = (n * s.channels + c) * s.positions;
      if (s.training) {
        for (let i = base; i < base + s.positions; i++) gradInput[i] = scale * (G[i] - meanG - (X[i] - mean) * invStd * meanGX);
      } else {
        for (let i = base; i < base + s.positions; i++) gradInput[i] = scale * G[i];
      }
    }
  }
  return {
    input: new Tensor(gradInput, x.shape),
    weight: new Tensor(gradWeight, [s.channels]),
    bias: new Tensor(gradBias, [s.channels]),
  };
}

interface Statistics {
  batch: number; channels: number; positions: number; training: boolean;
  mean: Float64Array; variance: Float64Array; invStd: Float64Array;
  gamma: Float32Array; beta: Float32Array;
}

function statistics(op: string, x: Tensor, options: BatchNormOptions): Statistics {
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
  const mean = new Float64Array(channels);
  const variance = new Float64Array(channels);
  if (training) {
    const count = batch * positions;
    if (count <= 1) {
      throw new ShapeError(op, 'input', `training-mode batch norm needs more than one value per channel, got input shape ${describeValue(x.shape)}; use eval mode or a larger batch`);
    }
    const X = x.data;
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
      mean[c] = m;
      variance[c] = squares / count;
    }
  } else {
    if (!options.runningMean || !options.runningVar) {
      throw new OptionError(op, 'runningMean', 'evaluation-mode batch norm needs runningMean and runningVar; pass them or set training: true');
    }
    mean.set(checkSameShape(op, 'runningMean', options.runningMean, [channels]).data);
    variance.set(checkSameShape(op, 'runningVar', options.runningVar, [channels]).data);
  }
  const invStd = variance.map((v) => 1 / Math.sqrt(v + eps));
  return { batch, channels, positions, training, mean, variance, invStd, gamma, beta };
}
