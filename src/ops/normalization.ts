/**
 * Layer normalization (over the trailing `normalizedShape`) and group normalization (over channel groups and
 * all positions), as `torch.nn.functional.layer_norm`/`group_norm`: biased variance, `eps` inside the square
 * root, an optional elementwise (layer) or per-channel (group) affine. Both normalize contiguous rows, so they
 * share one kernel and one gradient.
 */
import { OptionError, ShapeError, describeValue } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { checkTensor } from './bias.js';
import { checkSameShape } from './shape-checks.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** Options of {@link layerNorm} and {@link groupNorm}. */
export interface NormalizationOptions {
  /** Scale γ: `normalizedShape` (layer) or `[C]` (group). */
  weight?: Tensor | null;
  /** Shift β, shaped as `weight`. */
  bias?: Tensor | null;
  /** Default 1e-5. */
  eps?: number;
}

/** Gradients of a normalization. */
export interface NormalizationGradients {
  input: Tensor;
  weight: Tensor | null;
  bias: Tensor | null;
}

/**
 * Normalizes over the last `normalizedShape.length` dimensions.
 *
 * @example layerNorm(x, [x.shape[x.rank - 1]]) // per-position feature normalization
 */
export function layerNorm(x: Tensor, normalizedShape: readonly number[], options: NormalizationOptions = {}): Tensor {
  checkOptionKeys('layerNorm', options, optionKeys<typeof options>({ weight: true, bias: true, eps: true }));
  return forward(layerPlan('layerNorm', x, normalizedShape, options), x, options);
}

/** Gradients of {@link layerNorm}. */
export function layerNormBackward(x: Tensor, gradOutput: Tensor, normalizedShape: readonly number[], options: NormalizationOptions = {}): NormalizationGradients {
  checkOptionKeys('layerNormBackward', options, optionKeys<typeof options>({ weight: true, bias: true, eps: true }));
  return backwardRows(layerPlan('layerNormBackward', x, normalizedShape, options), x, gradOutput, options);
}

/**
 * Normalizes each of `groups` channel groups of `[N, C, ...spatial]` over its channels and positions.
 *
 * @example groupNorm(x, 8, { weight: gamma, bias: beta })
 */
export function groupNorm(x: Tensor, groups: number, options: NormalizationOptions = {}): Tensor {
  checkOptionKeys('groupNorm', options, optionKeys<typeof options>({ weight: true, bias: true, eps: true }));
  return forward(groupPlan('groupNorm', x, groups, options), x, options);
}

/** Gradients of {@link groupNorm}. */
export function groupNormBackward(x: Tensor, gradOutput: Tensor, groups: number, options: NormalizationOptions = {}): NormalizationGradients {
  checkOptionKeys('groupNormBackward', options, optionKeys<typeof options>({ weight: true, bias: true, eps: true }));
  return backwardRows(groupPlan('groupNormBackward', x, groups, options), x, gradOutput, options);
}

/** Rows of `width` contiguous values normalized together; `affine(row, j)` is the γ/β index of an element. */
interface RowPlan {
  rows: number;
  width: number;
  eps: number;
  affineSize: number;
  affine: (row: number, j: number) => number;
}

function layerPlan(op: string, x: Tensor, normalizedShape: readonly number[], options: NormalizationOptions): RowPlan {
  checkTensor(op, 'input', x);
  const k = normalizedShape.length;
  if (k < 1 || k > x.rank || normalizedShape.some((n, i) => n !== x.shape[x.rank - k + i])) {
    throw new ShapeError(op, 'normalizedShape', `normalizedShape ${describeValue(normalizedShape)} must equal the trailing dimensions of the input ${describeValue(x.shape)}`);
  }
  const width = normalizedShape.reduce((a, b) => a * b, 1);
  return { rows: x.size / Math.max(width, 1), width, eps: checkEps(op, options.eps), affineSize: width, affine: (_row, j) => j };
}

function groupPlan(op: string, x: Tensor, groups: number, options: NormalizationOptions): RowPlan {
  checkTensor(op, 'input', x);
  if (x.rank < 2) throw new ShapeError(op, 'input', `input shape ${describeValue(x.shape)} must be [N, C, ...spatial]`);
  const channels = x.shape[1];
  if (!Number.isInteger(groups) || groups < 1 || channels % groups !== 0) {
    throw new OptionError(op, 'groups', `groups ${describeValue(groups)} must be a positive integer dividing the ${channels} channels`);
  }
  const positions = x.shape.slice(2).reduce((a, b) => a * b, 1);
  const perGroup = channels / groups;
  return {
    rows: x.shape[0] * groups, width: perGroup * positions, eps: checkEps(op, options.eps), affineSize: channels,
    affine: (row, j) => (row % groups) * perGroup + Math.floor(j / positions),
  };
}

function forward(plan: RowPlan, x: Tensor, options: NormalizationOptions): Tensor {
  const { gamma, beta } = affineParameters('normalize', plan, options);
  const out = new Float32Array(x.size);
  const X = x.data;
  for (let r = 0; r < plan.rows; r++) {
    const base = r * plan.width;
    const [mean, invStd] = rowStatistics(X, base, plan.width, plan.eps);
    for (let j = 0; j < plan.width; j++) {
      const a = plan.affine(r, j);
      out[base + j] = (X[base + j] - mean) * invStd * (gamma ? gamma[a] : 1) + (beta ? beta[a] : 0);
    }
  }
  return new Tensor(out, x.shape);
}

function backwardRows(plan: RowPlan, x: Tensor, gradOutput: Tensor, options: NormalizationOptions): NormalizationGradients {
  checkSameShape('normalizeBackward', 'gradOutput', gradOutput, x.shape);
  const { gamma, beta } = affineParameters('normalizeBackward', plan, options);
  const X = x.data, G = gradOutput.data;
  const gradInput = new Float32Array(x.size);
  const gradGamma = gamma ? new Float32Array(plan.affineSize) : null;
  const gradBeta = beta ? new Float32Array(plan.affineSize) : null;
  const dxhat = new Float64Array(plan.width);
  for (let r = 0; r < plan.rows; r++) {
    const base = r * plan.width;
    const [mean, invStd] = rowStatistics(X, base, plan.width, plan.eps);
    let sum = 0, dot = 0;
    for (let j = 0; j < plan.width; j++) {
      const a = plan.affine(r, j);
      const xhat = (X[base + j] - mean) * invStd;
      const g = G[base + j];
      if (gradGamma) gradGamma[a] += g * xhat;
      if (gradBeta) gradBeta[a] += g;
      dxhat[j] = g * (gamma ? gamma[a] : 1);
      sum += dxhat[j];
      dot += dxhat[j] * xhat;
    }
    for (let j = 0; j < plan.width; j++) {
      const xhat = (X[base + j] - mean) * invStd;
      gradInput[base + j] = invStd * (dxhat[j] - sum / plan.width - xhat * dot / plan.width);
    }
  }
  const shapeOf = (t: Tensor | null | undefined) => (t ? t.shape : [plan.affineSize]);
  return {
    input: new Tensor(gradInput, x.shape),
    weight: gradGamma ? new Tensor(gradGamma, shapeOf(options.weight)) : null,
    bias: gradBeta ? new Tensor(gradBeta, shapeOf(options.bias)) : null,
  };
}

function rowStatistics(X: Float32Array, base: number, width: number, eps: number): [number, number] {
  let mean = 0;
  for (let j = 0; j < width; j++) mean += X[base + j];
  mean /= width;
  let variance = 0;
  for (let j = 0; j < width; j++) variance += (X[base + j] - mean) ** 2;
  variance /= width;
  return [mean, 1 / Math.sqrt(variance + eps)];
}

function affineParameters(op: string, plan: RowPlan, options: NormalizationOptions): { gamma: Float32Array | null; beta: Float32Array | null } {
  const check = (name: string, t: Tensor | null | undefined): Float32Array | null => {
    if (t === undefined || t === null) return null;
    checkTensor(op, name, t);
    if (t.size !== plan.affineSize) throw new ShapeError(op, name, `${name} has ${t.size} values but ${plan.affineSize} are needed (shape ${describeValue(t.shape)})`);
    return t.data;
  };
  return { gamma: check('weight', options.weight), beta: check('bias', options.bias) };
}

function checkEps(op: string, eps: number | undefined): number {
  const value = eps ?? 1e-5;
  if (!(value > 0)) throw new OptionError(op, 'eps', `eps ${describeValue(eps)} must be a positive number`);
  return value;
}
