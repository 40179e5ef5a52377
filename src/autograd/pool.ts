/** Tracked pooling: max (dilated, ceil mode), average (countIncludePad) and adaptive average pooling. */
import { adaptiveAvgPool as adaptiveAvgPoolOp, adaptiveAvgPoolBackward } from '../ops/adaptive-pool.js';
import { avgPool as avgPoolOp, avgPoolBackward, maxPool as maxPoolOp, maxPoolBackward, type PoolOptions } from '../ops/pool.js';
import { asVariable, record, type Variable, type VariableLike } from './variable.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** Max pooling. @example F.maxPool(x, { kernel: 3, stride: 2, padding: 1 }) // ResNet's stem */
export function maxPool(x: VariableLike, options: PoolOptions): Variable {
  checkOptionKeys('F.maxPool', options, optionKeys<typeof options>({ kernel: true, stride: true, dilation: true, padding: true, ceilMode: true, countIncludePad: true }));
  const v = asVariable('maxPool', x);
  return record('maxPool', maxPoolOp(v.value, options), [v], (g) => [maxPoolBackward(v.value, g, options)]);
}

/** Average pooling. @example F.avgPool(x, { kernel: 2 }) */
export function avgPool(x: VariableLike, options: PoolOptions): Variable {
  checkOptionKeys('F.avgPool', options, optionKeys<typeof options>({ kernel: true, stride: true, dilation: true, padding: true, ceilMode: true, countIncludePad: true }));
  const v = asVariable('avgPool', x);
  return record('avgPool', avgPoolOp(v.value, options), [v], (g) => [avgPoolBackward(v.value, g, options)]);
}

/** Adaptive average pooling to `outSize` (1: global). @example F.adaptiveAvgPool(x, 1) */
export function adaptiveAvgPool(x: VariableLike, outSize: number | readonly number[]): Variable {
  const v = asVariable('adaptiveAvgPool', x);
  return record('adaptiveAvgPool', adaptiveAvgPoolOp(v.value, outSize), [v], (g) => [adaptiveAvgPoolBackward(v.value, g, outSize)]);
}
