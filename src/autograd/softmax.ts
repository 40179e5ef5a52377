/** Tracked softmax and log-softmax along an axis (default 1, the channels). */
import * as ops from '../ops/softmax.js';
import { asVariable, record, type Variable, type VariableLike } from './variable.js';

/** Softmax along `axis`. @example F.softmax(logits) */
export function softmax(x: VariableLike, axis = 1): Variable {
  const v = asVariable('softmax', x);
  const y = ops.softmax(v.value, axis);
  return record('softmax', y, [v], (g) => [ops.softmaxBackward(y, g, axis)]);
}

/** Log-softmax along `axis`. @example F.logSoftmax(logits) */
export function logSoftmax(x: VariableLike, axis = 1): Variable {
  const v = asVariable('logSoftmax', x);
  const y = ops.logSoftmax(v.value, axis);
  return record('logSoftmax', y, [v], (g) => [ops.logSoftmaxBackward(y, g, axis)]);
}
