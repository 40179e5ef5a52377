/** Tracked reductions: sum and mean over axes. */
import * as ops from '../ops/reduce.js';
import { asVariable, record, type Variable, type VariableLike } from './variable.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** Sum over `axes` (all by default). @example backward(F.sum(F.mul(y, r))) */
export function sum(x: VariableLike, options: ops.ReduceOptions = {}): Variable {
  checkOptionKeys('F.sum', options, optionKeys<typeof options>({ axes: true, keepDims: true }));
  const v = asVariable('sum', x);
  return record('sum', ops.sum(v.value, options), [v], (g) => [ops.sumBackward(g, v.shape, options)]);
}

/** Mean over `axes` (all by default). @example F.mean(x, { axes: [2, 3], keepDims: true }) // global average pooling */
export function mean(x: VariableLike, options: ops.ReduceOptions = {}): Variable {
  checkOptionKeys('F.mean', options, optionKeys<typeof options>({ axes: true, keepDims: true }));
  const v = asVariable('mean', x);
  return record('mean', ops.mean(v.value, options), [v], (g) => [ops.meanBackward(g, v.shape, options)]);
}
