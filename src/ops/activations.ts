/**
 * Pointwise activations and their gradients: relu, leakyRelu, tanh, sigmoid, gelu (exact, erf-based, PyTorch's
 * default). Gradients take whichever of input or output makes them cheapest, as named in each signature.
 */
import { denseLayout, elementwise, transcendental } from '../kernels/pointwise/pointwise-kernels.js';
import { erfValue, normalCdf } from '../kernels/pointwise/pointwise-js.js';
import { Tensor } from '../tensor/tensor.js';
import { checkTensor } from './bias.js';
import { checkSameShape } from './shape-checks.js';

/** `max(x, 0)`. @example relu(tensor([-1, 2])).data // [0, 2] */
export function relu(x: Tensor): Tensor {
  checkTensor('relu', 'input', x);
  const out = new Float32Array(x.size);
  if (elementwise('relu', x.data, null, denseLayout(x.size), out)) return new Tensor(out, x.shape);
  const bits = int32View(x.data), outBits = int32View(out);
  for (let i = 0; i < bits.length; i++) outBits[i] = bits[i] & positiveMask(bits[i]);
  return new Tensor(out, x.shape);
}

/** Gradient of {@link relu} from its input: `gradOutput` where `x > 0`, else 0 (PyTorch: 0 at x = 0). */
export function reluBackward(x: Tensor, gradOutput: Tensor): Tensor {
  checkTensor('reluBackward', 'input', x);
  checkSameShape('reluBackward', 'gradOutput', gradOutput, x.shape);
  const out = new Float32Array(x.size);
  if (elementwise('reluBackward', x.data, gradOutput.data, denseLayout(x.size), out)) return new Tensor(out, x.shape);
  const bits = int32View(x.data), gBits = int32View(gradOutput.data), outBits = int32View(out);
  for (let i = 0; i < bits.length; i++) outBits[i] = gBits[i] & positiveMask(bits[i]);
  return new Tensor(out, x.shape);
}

/** `x` for positive inputs, `slope·x` otherwise (PyTorch default slope 0.01). @example leakyRelu(tensor([-2]), 0.1).data // [-0.2] */
export function leakyRelu(x: Tensor, slope = 0.01): Tensor {
  checkTensor('leakyRelu', 'input', x);
  const d = x.data, out = new Float32Array(d.length);
  if (elementwise('leakyRelu', d, null, denseLayout(d.length), out, slope)) return new Tensor(out, x.shape);
  const s = Math.fround(slope);
  for (let i = 0; i < d.length; i++) out[i] = d[i] > 0 ? d[i] : s * d[i];
  return new Tensor(out, x.shape);
}

/** Gradient of {@link leakyRelu} from its input. */
export function leakyReluBackward(x: Tensor, gradOutput: Tensor, slope = 0.01): Tensor {
  checkTensor('leakyReluBackward', 'input', x);
  checkSameShape('leakyReluBackward', 'gradOutput', gradOutput, x.shape);
  const d = x.data, g = gradOutput.data, out = new Float32Array(d.length);
  if (elementwise('leakyReluBackward', d, g, denseLayout(d.length), out, slope)) return new Tensor(out, x.shape);
  const s = Math.fround(slope);
  for (let i = 0; i < d.length; i++) out[i] = d[i] > 0 ? g[i] : s * g[i];
  return new Tensor(out, x.shape);
}

/** Hyperbolic tangent. @example tanh(tensor([0])).data // [0] */
export function tanh(x: Tensor): Tensor {
  return transcendentalOf('tanh', x);
}

/** Gradient of {@link tanh} from its output `y`: `gradOutput·(1 − y²)`. */
export function tanhBackward(y: Tensor, gradOutput: Tensor): Tensor {
  checkTensor('tanhBackward', 'input', y);
  checkSameShape('tanhBackward', 'gradOutput', gradOutput, y.shape);
  const t = y.data, g = gradOutput.data, out = new Float32Array(t.length);
  if (elementwise('tanhBackward', t, g, denseLayout(t.length), out)) return new Tensor(out, y.shape);
  for (let i = 0; i < t.length; i++) out[i] = g[i] * (1 - t[i] * t[i]);
  return new Tensor(out, y.shape);
}

/** Logistic sigmoid `1/(1 + e^−x)`, computed without overflow for large |x|. @example sigmoid(tensor([0])).data // [0.5] */
export function sigmoid(x: Tensor): Tensor {
  return transcendentalOf('sigmoid', x);
}

/** Gradient of {@link sigmoid} from its output `y`: `gradOutput·y(1 − y)`. */
export function sigmoidBackward(y: Tensor, gradOutput: Tensor): Tensor {
  checkTensor('sigmoidBackward', 'input', y);
  checkSameShape('sigmoidBackward', 'gradOutput', gradOutput, y.shape);
  const s = y.data, g = gradOutput.data, out = new Float32Array(s.length);
  if (elementwise('sigmoidBackward', s, g, denseLayout(s.length), out)) return new Tensor(out, y.shape);
  for (let i = 0; i < s.length; i++) out[i] = g[i] * s[i] * (1 - s[i]);
  return new Tensor(out, y.shape);
}

/** GELU `x·Φ(x)` with the exact normal CDF, as `torch.nn.functional.gelu` (approximate='none'). @example gelu(tensor([1])).data // [0.8413] */
export function gelu(x: Tensor): Tensor {
  return transcendentalOf('gelu', x);
}

/** Gradient of {@link gelu} from its input: `gradOutput·(Φ(x) + x·φ(x))`. */
export function geluBackward(x: Tensor, gradOutput: Tensor): Tensor {
  checkTensor('geluBackward', 'input', x);
  checkSameShape('geluBackward', 'gradOutput', gradOutput, x.shape);
  const inverseSqrt2Pi = 1 / Math.sqrt(2 * Math.PI);
  const d = x.data, g = gradOutput.data, out = new Float32Array(d.length);
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    out[i] = g[i] * (normalCdf(v) + v * inverseSqrt2Pi * Math.exp(-0.5 * v * v));
  }
  return new Tensor(out, x.shape);
}

/**
 * The error function on one number, to about 1e-12 relative error (JavaScript has no `Math.erf`).
 *
 * @example erf(0.5) // 0.5204998778130465
 */
export function erf(x: number): number {
  return erfValue(x);
}

/**
 * All ones when the float32 with these bits is > 0 (0 < bits ≤ +∞; NaN and −0 excluded), else 0. ReLU selects
 * with it instead of branching: on real activations the sign is a coin toss, and a mispredicted branch per
 * element costs more than the whole pass.
 */
function positiveMask(bits: number): number {
  return ((0 - bits) >> 31) & ((bits - 0x7f800001) >> 31);
}

function int32View(data: Float32Array): Int32Array {
  return new Int32Array(data.buffer, data.byteOffset, data.length);
}

function transcendentalOf(op: 'tanh' | 'sigmoid' | 'gelu', x: Tensor): Tensor {
  checkTensor(op, 'input', x);
  return new Tensor(transcendental(op, x.data, new Float32Array(x.size)), x.shape);
}
