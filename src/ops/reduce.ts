/**
 * Sum and mean over chosen axes (all by default), with `keepDims` as PyTorch's `keepdim`, and their gradients,
 * which spread the output gradient back over every reduced position.
 */
import { OptionError, describeValue } from '../errors.js';
import { Tensor, shapeSize } from '../tensor/tensor.js';
import { checkTensor } from './bias.js';
import { broadcastTo, sumToShape } from './broadcast.js';
import { checkSameShape, normalizeAxis } from './shape-checks.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** Options of {@link sum} and {@link mean}. */
export interface ReduceOptions {
  /** The axes to reduce (negative counts from the end); all of them when omitted. */
  axes?: number | readonly number[];
  /** Keep reduced axes as size 1 (PyTorch `keepdim`). */
  keepDims?: boolean;
}

/**
 * Sum over `axes`.
 *
 * @example sum(tensor([1, 2, 3, 4], [2, 2]), { axes: 1 }).data // [3, 7]
 */
export function sum(x: Tensor, options: ReduceOptions = {}): Tensor {
  checkOptionKeys('sum', options, optionKeys<typeof options>({ axes: true, keepDims: true }));
  checkTensor('sum', 'input', x);
  const { kept, out } = reducedShapes('sum', x.shape, options);
  return sumToShape(x, kept).reshape(out);
}

/** Mean over `axes`. @example mean(tensor([1, 2, 3, 4])).data // [2.5] */
export function mean(x: Tensor, options: ReduceOptions = {}): Tensor {
  checkOptionKeys('mean', options, optionKeys<typeof options>({ axes: true, keepDims: true }));
  checkTensor('mean', 'input', x);
  const { kept, out, count } = reducedShapes('mean', x.shape, options);
  const total = sumToShape(x, kept);
  const data = total === x ? x.data.slice() : total.data;
  for (let i = 0; i < data.length; i++) data[i] /= count;
  return new Tensor(data, out);
}

/** Gradient of {@link sum}: `gradOutput` copied to every reduced position. */
export function sumBackward(gradOutput: Tensor, inputShape: readonly number[], options: ReduceOptions = {}): Tensor {
  checkOptionKeys('sumBackward', options, optionKeys<typeof options>({ axes: true, keepDims: true }));
  shapeSize(inputShape, 'sumBackward');
  const { kept, out } = reducedShapes('sumBackward', inputShape, options);
  checkSameShape('sumBackward', 'gradOutput', gradOutput, out);
  return broadcastTo(gradOutput.reshape(kept), inputShape);
}

/** Gradient of {@link mean}: `gradOutput / count` copied to every reduced position. */
export function meanBackward(gradOutput: Tensor, inputShape: readonly number[], options: ReduceOptions = {}): Tensor {
  checkOptionKeys('meanBackward', options, optionKeys<typeof options>({ axes: true, keepDims: true }));
  shapeSize(inputShape, 'meanBackward');
  const { count } = reducedShapes('meanBackward', inputShape, options);
  const grad = sumBackward(gradOutput, inputShape, options);
  const data = grad.data;
  for (let i = 0; i < data.length; i++) data[i] /= count;
  return grad;
}

/** The shape with reduced axes kept as 1, the output shape, and how many values each output averages. */
function reducedShapes(op: string, shape: readonly number[], options: ReduceOptions): { kept: number[]; out: number[]; count: number } {
  const rank = shape.length;
  const requested = options.axes === undefined ? shape.map((_, i) => i) : typeof options.axes === 'number' ? [options.axes] : options.axes;
  if (!Array.isArray(requested)) throw new OptionError(op, 'axes', `axes ${describeValue(options.axes)} must be an axis or a list of axes`);
  const axes = new Set(requested.map((a) => normalizeAxis(op, a, rank)));
  if (axes.size !== requested.length) throw new OptionError(op, 'axes', `axes ${describeValue(options.axes)} names an axis twice`);
  const kept = shape.map((n, i) => (axes.has(i) ? 1 : n));
  const out = options.keepDims ? kept : shape.filter((_, i) => !axes.has(i));
  const count = shape.reduce((p, n, i) => (axes.has(i) ? p * n : p), 1);
  return { kept, out, count };
}
