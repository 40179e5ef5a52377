/** Tracked losses: mean squared error and cross-entropy (with ignore index). Targets are constants. */
import { mul } from '../ops/elementwise.js';
import * as ops from '../ops/loss.js';
import type { Tensor } from '../tensor/tensor.js';
import { asVariable, record, type Variable, type VariableLike } from './variable.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** Mean squared error. @example backward(F.mseLoss(model.forward(x), y)) */
export function mseLoss(input: VariableLike, target: VariableLike, options: ops.MseLossOptions = {}): Variable {
  checkOptionKeys('F.mseLoss', options, optionKeys<typeof options>({ reduction: true }));
  const vi = asVariable('mseLoss', input), vt = asVariable('mseLoss', target);
  return record('mseLoss', ops.mseLoss(vi.value, vt.value, options), [vi, vt], (g) => {
    const gi = ops.mseLossBackward(vi.value, vt.value, g, options);
    return [gi, vt.requiresGrad ? mul(gi, -1) : null];
  });
}

/**
 * Cross-entropy of logits `[N, C, ...]` against class indices `[N, ...]`.
 *
 * @example F.crossEntropy(logits, labels, { ignoreIndex: 255 })
 */
export function crossEntropy(logits: VariableLike, target: Tensor, options: ops.CrossEntropyOptions = {}): Variable {
  checkOptionKeys('F.crossEntropy', options, optionKeys<typeof options>({ ignoreIndex: true, reduction: true }));
  const v = asVariable('crossEntropy', logits);
  // One fused log-softmax pass; its softmax makes the backward a single sweep.
  const { loss, probabilities, counted } = ops.crossEntropyWithSoftmax(v.value, target, options);
  return record('crossEntropy', loss, [v], (g) => [ops.crossEntropyGradient(v.value.shape, target, probabilities, counted, g, options)]);
}
