/** Tracked activations: relu, leakyRelu, tanh, sigmoid, gelu. */
import * as ops from '../ops/activations.js';
import { asVariable, record, type Variable, type VariableLike } from './variable.js';

/** `max(x, 0)`. @example F.relu(F.conv(x, w)) */
export function relu(x: VariableLike): Variable {
  const v = asVariable('relu', x);
  return record('relu', ops.relu(v.value), [v], (g) => [ops.reluBackward(v.value, g)]);
}

/** Leaky ReLU with negative `slope` (default 0.01). @example F.leakyRelu(x, 0.2) */
export function leakyRelu(x: VariableLike, slope = 0.01): Variable {
  const v = asVariable('leakyRelu', x);
  return record('leakyRelu', ops.leakyRelu(v.value, slope), [v], (g) => [ops.leakyReluBackward(v.value, g, slope)]);
}

/** Hyperbolic tangent. @example F.tanh(filter) */
export function tanh(x: VariableLike): Variable {
  const v = asVariable('tanh', x);
  const y = ops.tanh(v.value);
  return record('tanh', y, [v], (g) => [ops.tanhBackward(y, g)]);
}

/** Logistic sigmoid. @example F.sigmoid(gate) */
export function sigmoid(x: VariableLike): Variable {
  const v = asVariable('sigmoid', x);
  const y = ops.sigmoid(v.value);
  return record('sigmoid', y, [v], (g) => [ops.sigmoidBackward(y, g)]);
}

/** Exact GELU. @example F.gelu(x) */
export function gelu(x: VariableLike): Variable {
  const v = asVariable('gelu', x);
  return record('gelu', ops.gelu(v.value), [v], (g) => [ops.geluBackward(v.value, g)]);
}
