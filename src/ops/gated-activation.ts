/**
 * WaveNet's gated activation `tanh(filter)·σ(gate)` as one op: the two transcendental passes on the vectorized
 * kernels and one product, and a gradient that produces both operands' gradients in a single sweep (instead of a
 * product's two gradients plus tanh's and sigmoid's, four passes and four arrays).
 */
import { denseLayout, elementwise, transcendental } from '../kernels/pointwise/pointwise-kernels.js';
import { Tensor } from '../tensor/tensor.js';
import { checkTensor } from './bias.js';
import { checkSameShape } from './shape-checks.js';

/** The gate's output with the two factors its gradient reuses. */
export interface GatedActivation {
  output: Tensor;
  /** `tanh(filter)`. */
  tanh: Float32Array;
  /** `σ(gate)`. */
  sigmoid: Float32Array;
}

/**
 * `tanh(filter)·σ(gate)` elementwise (same shapes).
 *
 * @example gatedActivation(tensor([0.5]), tensor([0])).output.data // [0.2311]
 */
export function gatedActivation(filter: Tensor, gate: Tensor): GatedActivation {
  checkTensor('gatedActivation', 'filter', filter);
  checkSameShape('gatedActivation', 'gate', gate, filter.shape);
  const t = transcendental('tanh', filter.data, new Float32Array(filter.size));
  const s = transcendental('sigmoid', gate.data, new Float32Array(gate.size));
  const out = new Float32Array(filter.size);
  if (!elementwise('mul', t, s, denseLayout(out.length), out)) for (let i = 0; i < out.length; i++) out[i] = t[i] * s[i];
  return { output: new Tensor(out, filter.shape), tanh: t, sigmoid: s };
}

/** Gradients of {@link gatedActivation}: `g·σ·(1 − tanh²)` for the filter and `g·tanh·σ(1 − σ)` for the gate. */
export function gatedActivationBackward(forward: GatedActivation, gradOutput: Tensor): { filter: Tensor; gate: Tensor } {
  checkSameShape('gatedActivationBackward', 'gradOutput', gradOutput, forward.output.shape);
  const t = forward.tanh, s = forward.sigmoid, g = gradOutput.data;
  const dFilter = new Float32Array(t.length), dGate = new Float32Array(t.length);
  if (elementwise('gateBackward', t, s, denseLayout(t.length), dFilter, 0, { c: g, out2: dGate })) {
    return { filter: new Tensor(dFilter, gradOutput.shape), gate: new Tensor(dGate, gradOutput.shape) };
  }
  for (let i = 0; i < t.length; i++) {
    const gs = g[i] * s[i];
    dFilter[i] = gs * (1 - t[i] * t[i]);
    dGate[i] = gs * t[i] * (1 - s[i]);
  }
  return { filter: new Tensor(dFilter, gradOutput.shape), gate: new Tensor(dGate, gradOutput.shape) };
}
