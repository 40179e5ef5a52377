/**
 * Inverted dropout, as PyTorch: in training each value is zeroed with probability `p` and the survivors scaled by
 * `1/(1−p)`, so evaluation needs no rescaling. The mask is returned so the gradient uses the same draw.
 */
import { OptionError, describeValue } from '../errors.js';
import type { Random } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { checkTensor } from './bias.js';

/**
 * A dropout mask of `shape`: 0 with probability `p`, `1/(1−p)` otherwise, from `random`.
 *
 * @example const mask = dropoutMask(x.shape, 0.2, new Random(0)); mul(x, mask)
 */
export function dropoutMask(shape: readonly number[], p: number, random: Random): Tensor {
  if (typeof p !== 'number' || !(p >= 0 && p < 1)) {
    throw new OptionError('dropout', 'p', `dropout probability ${describeValue(p)} must be in [0, 1)`);
  }
  const size = shape.reduce((a, n) => a * n, 1);
  const keep = 1 / (1 - p);
  const mask = new Float32Array(size);
  for (let i = 0; i < size; i++) mask[i] = random.uniform() < p ? 0 : keep;
  return new Tensor(mask, shape);
}

/** `x` with a fresh mask applied: returns the output and the mask (the gradient is `gradOutput·mask`). */
export function dropout(x: Tensor, p: number, random: Random): { output: Tensor; mask: Tensor } {
  checkTensor('dropout', 'input', x);
  const mask = dropoutMask(x.shape, p, random);
  const out = new Float32Array(x.size);
  for (let i = 0; i < out.length; i++) out[i] = x.data[i] * mask.data[i];
  return { output: new Tensor(out, x.shape), mask };
}
