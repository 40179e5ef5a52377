/** Small shape checks shared by the tensor ops, so every op words the same mistake the same way. */
import { OptionError, ShapeError, describeValue } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { checkTensor } from './bias.js';

/** Throws unless `t` is a Tensor of exactly `shape`. */
export function checkSameShape(op: string, argument: string, t: unknown, shape: readonly number[]): Tensor {
  const tensor = checkTensor(op, argument, t);
  if (tensor.shape.length !== shape.length || tensor.shape.some((n, i) => n !== shape[i])) {
    throw new ShapeError(op, argument, `${argument} shape ${describeValue(tensor.shape)} must be ${describeValue(shape)}`);
  }
  return tensor;
}

/** Resolves a possibly negative axis against `rank` (−1 is the last), as PyTorch's `dim`. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new OptionError(op, 'axis', `axis ${describeValue(axis)} is outside a rank-${rank} tensor; use an integer in [${-rank}, ${rank - 1}]`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Throws unless `x` has a rank in `[min, max]`; `layout` says what the dimensions mean. */
export function checkRank(op: string, x: Tensor, min: number, max: number, layout: string): void {
  if (x.rank < min || x.rank > max) {
    throw new ShapeError(op, 'input', `input shape ${describeValue(x.shape)} must be ${layout} (rank ${min === max ? min : `${min} to ${max}`})`);
  }
}

/** Sizes of the dimensions before `axis`, at `axis`, and after it: the three loops of an axis-wise op. */
export function splitAtAxis(shape: readonly number[], axis: number): [outer: number, size: number, inner: number] {
  const outer = shape.slice(0, axis).reduce((p, n) => p * n, 1);
  const inner = shape.slice(axis + 1).reduce((p, n) => p * n, 1);
  return [outer, shape[axis], inner];
}
