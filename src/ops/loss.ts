/**
 * Losses: mean squared error and cross-entropy over class logits `[N, C, ...]` with integer targets `[N, ...]`
 * and an ignore index (segmentation masks mark unlabeled pixels with 255 or −100), as PyTorch.
 */
import { OptionError, ShapeError, describeValue } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { checkTensor } from './bias.js';
import { checkSameShape } from './shape-checks.js';
import { logSoftmax } from './softmax.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** How per-element losses combine: PyTorch's `reduction`. */
export type Reduction = 'mean' | 'sum' | 'none';

/** Options of {@link mseLoss}. */
export interface MseLossOptions {
  reduction?: Reduction;
}

/**
 * `mean((input − target)²)` (or the sum, or per element).
 *
 * @example mseLoss(tensor([1, 2]), tensor([1, 4])).data // [2]
 */
export function mseLoss(input: Tensor, target: Tensor, options: MseLossOptions = {}): Tensor {
  checkOptionKeys('mseLoss', options, optionKeys<typeof options>({ reduction: true }));
  checkTensor('mseLoss', 'input', input);
  checkSameShape('mseLoss', 'target', target, input.shape);
  const reduction = checkReduction('mseLoss', options.reduction);
  const X = input.data, T = target.data;
  if (reduction === 'none') {
    const out = new Float32Array(X.length);
    for (let i = 0; i < X.length; i++) out[i] = (X[i] - T[i]) ** 2;
    return new Tensor(out, input.shape);
  }
  let total = 0;
  for (let i = 0; i < X.length; i++) total += (X[i] - T[i]) ** 2;
  return scalar(reduction === 'mean' ? total / X.length : total);
}

/** Gradient of {@link mseLoss} with respect to `input` (the target's is its negative). */
export function mseLossBackward(input: Tensor, target: Tensor, gradOutput: Tensor, options: MseLossOptions = {}): Tensor {
  checkOptionKeys('mseLossBackward', options, optionKeys<typeof options>({ reduction: true }));
  const reduction = checkReduction('mseLossBackward', options.reduction);
  checkTensor('mseLossBackward', 'input', input);
  checkTensor('mseLossBackward', 'gradOutput', gradOutput);
  checkSameShape('mseLossBackward', 'target', target, input.shape);
  const X = input.data, T = target.data, G = gradOutput.data;
  const out = new Float32Array(X.length);
  if (reduction === 'none') {
    checkSameShape('mseLossBackward', 'gradOutput', gradOutput, input.shape);
    for (let i = 0; i < X.length; i++) out[i] = 2 * (X[i] - T[i]) * G[i];
  } else {
    checkSameShape('mseLossBackward', 'gradOutput', gradOutput, []);
    const scale = (2 * G[0]) / (reduction === 'mean' ? X.length : 1);
    for (let i = 0; i < X.length; i++) out[i] = scale * (X[i] - T[i]);
  }
  return new Tensor(out, input.shape);
}

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions {
  /** Target value whose positions contribute nothing (PyTorch default −100). */
  ignoreIndex?: number;
  /** `'mean'` averages over the positions not ignored. */
  reduction?: Reduction;
}

/**
 * Cross-entropy of class logits `[N, C, ...spatial]` against class indices `[N, ...spatial]` (stored as
 * whole numbers in a float tensor), as `torch.nn.functional.cross_entropy`.
 *
 * @example crossEntropy(tensor([0, 0], [1, 2]), tensor([1], [1])).data // [0.693]
 */
export function crossEntropy(logits: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  checkOptionKeys('crossEntropy', options, optionKeys<typeof options>({ ignoreIndex: true, reduction: true }));
  const { losses, counted } = perPositionCrossEntropy('crossEntropy', logits, target, options);
  const reduction = checkReduction('crossEntropy', options.reduction);
  if (reduction === 'none') return losses;
  let total = 0;
  for (let i = 0; i < losses.size; i++) total += losses.data[i];
  // A batch whose every target is ignored contributes 0 (PyTorch returns NaN, which would poison training).
  return scalar(reduction === 'sum' || counted === 0 ? total : total / counted);
}

/** Gradient of {@link crossEntropy} with respect to the logits: `softmax − onehot`, scaled by the reduction. */
export function crossEntropyBackward(logits: Tensor, target: Tensor, gradOutput: Tensor, options: CrossEntropyOptions = {}): Tensor {
  checkOptionKeys('crossEntropyBackward', options, optionKeys<typeof options>({ ignoreIndex: true, reduction: true }));
  const { logProbabilities, classes, ignoreIndex, counted } = perPositionCrossEntropy('crossEntropyBackward', logits, target, options);
  const reduction = checkReduction('crossEntropyBackward', options.reduction);
  const targetShape = [logits.shape[0], ...logits.shape.slice(2)];
  checkSameShape('crossEntropyBackward', 'gradOutput', gradOutput, reduction === 'none' ? targetShape : []);
  const positions = target.size / logits.shape[0];
  const out = new Float32Array(logits.size);
  const L = logProbabilities.data, T = target.data, G = gradOutput.data;
  const meanScale = reduction === 'mean' ? 1 / Math.max(counted, 1) : 1;
  for (let n = 0; n < logits.shape[0]; n++) {
    for (let p = 0; p < positions; p++) {
      const t = T[n * positions + p];
      if (t === ignoreIndex) continue;
      const g = (reduction === 'none' ? G[n * positions + p] : G[0]) * meanScale;
      const base = n * classes * positions + p;
      for (let c = 0; c < classes; c++) {
        const i = base + c * positions;
        out[i] = g * (Math.exp(L[i]) - (c === t ? 1 : 0));
      }
    }
  }
  return new Tensor(out, logits.shape);
}

function perPositionCrossEntropy(op: string, logits: Tensor, target: Tensor, options: CrossEntropyOptions) {
  checkTensor(op, 'logits', logits);
  checkTensor(op, 'target', target);
  if (logits.rank < 2) throw new ShapeError(op, 'logits', `logits shape ${describeValue(logits.shape)} must be [N, C, ...spatial]`);
  const targetShape = [logits.shape[0], ...logits.shape.slice(2)];
  checkSameShape(op, 'target', target, targetShape);
  const ignoreIndex = options.ignoreIndex ?? -100;
  const classes = logits.shape[1];
  const positions = target.size / Math.max(logits.shape[0], 1);
  const logProbabilities = logSoftmax(logits, 1);
  const losses = new Float32Array(target.size);
  const L = logProbabilities.data, T = target.data;
  let counted = 0;
  for (let n = 0; n < logits.shape[0]; n++) {
    for (let p = 0; p < positions; p++) {
      const t = T[n * positions + p];
      if (t === ignoreIndex) continue;
      if (!Number.isInteger(t) || t < 0 || t >= classes) {
        throw new ShapeError(op, 'target', `target value ${t} at position ${n * positions + p} is not a class index in [0, ${classes - 1}] nor the ignore index ${ignoreIndex}`);
      }
      losses[n * positions + p] = -L[(n * classes + t) * positions + p];
      counted++;
    }
  }
  return { losses: new Tensor(losses, targetShape), logProbabilities, classes, ignoreIndex, counted };
}

function checkReduction(op: string, reduction: unknown): Reduction {
  const value = reduction ?? 'mean';
  if (value !== 'mean' && value !== 'sum' && value !== 'none') {
    throw new OptionError(op, 'reduction', `reduction ${describeValue(reduction)} is not one of "mean", "sum", "none"`);
  }
  return value;
}

function scalar(value: number): Tensor {
  return new Tensor(Float32Array.of(value), []);
}
