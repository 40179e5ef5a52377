/** Tracked activations: relu, leakyRelu, tanh, sigmoid, gelu, and WaveNet's gated activation. */
import * as ops from '../ops/activations.js';
import * as gated from '../ops/gated-activation.js';
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

/**
 * WaveNet's gated activation `tanh(filter)·σ(gate)` as one tracked op (one forward pass, one backward sweep).
 *
 * @example const z = F.gatedActivation(filterConv.forward(x), gateConv.forward(x));
 */
export function gatedActivation(filter: VariableLike, gate: VariableLike): Variable {
  const f = asVariable('gatedActivation', filter), g = asVariable('gatedActivation', gate);
  const forward = gated.gatedActivation(f.value, g.value);
  return record('gatedActivation', forward.output, [f, g], (grad) => {
    const d = gated.gatedActivationBackward(forward, grad);
    return [d.filter, d.gate];
  });
}
