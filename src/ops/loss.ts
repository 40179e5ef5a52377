/**
 * Losses: mean squared error and cross-entropy over class logits `[N, C, ...]` with integer targets `[N, ...]`
 * and an ignore index (segmentation masks mark unlabeled pixels with 255 or −100), as PyTorch.
 */
import { OptionError, ShapeError, describeValue } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { checkTensor } from './bias.js';
import { checkSameShape } from './shape-checks.js';
import { checkOptionKeys, optionKeys } from '../options.js';
import { softmaxCrossEntropy, softmaxCrossEntropyBackward, type SoftmaxCrossEntropy } from './softmax-cross-entropy.js';

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
  return crossEntropyWithSoftmax(logits, target, options).loss;
}

/** Gradient of {@link crossEntropy} with respect to the logits: `softmax − onehot`, scaled by the reduction. */
export function crossEntropyBackward(logits: Tensor, target: Tensor, gradOutput: Tensor, options: CrossEntropyOptions = {}): Tensor {
  checkOptionKeys('crossEntropyBackward', options, optionKeys<typeof options>({ ignoreIndex: true, reduction: true }));
  const { probabilities, counted } = checkedSoftmaxCrossEntropy('crossEntropyBackward', logits, target, options);
  return crossEntropyGradient(logits.shape, target, probabilities, counted, gradOutput, options);
}

/** {@link crossEntropy} with what its gradient needs kept: the softmax of the logits and the counted positions. */
export interface CrossEntropyForward {
  loss: Tensor;
  probabilities: Float32Array;
  counted: number;
}

/**
 * {@link crossEntropy} in one fused log-softmax pass, keeping the softmax so that {@link crossEntropyGradient}
 * needs no second one (the training path).
 *
 * @example const { loss, probabilities, counted } = crossEntropyWithSoftmax(logits, labels);
 */
export function crossEntropyWithSoftmax(logits: Tensor, target: Tensor, options: CrossEntropyOptions = {}): CrossEntropyForward {
  const { losses, probabilities, counted } = checkedSoftmaxCrossEntropy('crossEntropy', logits, target, options);
  const reduction = checkReduction('crossEntropy', options.reduction);
  if (reduction === 'none') return { loss: new Tensor(losses, [logits.shape[0], ...logits.shape.slice(2)]), probabilities, counted };
  let total = 0;
  for (let i = 0; i < losses.length; i++) total += losses[i];
  // A batch whose every target is ignored contributes 0 (PyTorch returns NaN, which would poison training).
  return { loss: scalar(reduction === 'sum' || counted === 0 ? total : total / counted), probabilities, counted };
}

/** Gradient of {@link crossEntropy} from the softmax {@link crossEntropyWithSoftmax} kept. */
export function crossEntropyGradient(shape: readonly number[], target: Tensor, probabilities: Float32Array, counted: number, gradOutput: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const reduction = checkReduction('crossEntropyBackward', options.reduction);
  const targetShape = [shape[0], ...shape.slice(2)];
  checkSameShape('crossEntropyBackward', 'gradOutput', gradOutput, reduction === 'none' ? targetShape : []);
  const ignoreIndex = options.ignoreIndex ?? -100;
  if (reduction === 'none') return softmaxCrossEntropyBackward(probabilities, shape, target, ignoreIndex, gradOutput.data);
  const meanScale = reduction === 'mean' ? 1 / Math.max(counted, 1) : 1;
  return softmaxCrossEntropyBackward(probabilities, shape, target, ignoreIndex, gradOutput.data[0] * meanScale);
}

function checkedSoftmaxCrossEntropy(op: string, logits: Tensor, target: Tensor, options: CrossEntropyOptions): SoftmaxCrossEntropy {
  checkTensor(op, 'logits', logits);
  checkTensor(op, 'target', target);
  if (logits.rank < 2) throw new ShapeError(op, 'logits', `logits shape ${describeValue(logits.shape)} must be [N, C, ...spatial]`);
  checkSameShape(op, 'target', target, [logits.shape[0], ...logits.shape.slice(2)]);
  return softmaxCrossEntropy(op, logits, target, options.ignoreIndex ?? -100);
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
