/**
 * Pointwise activations and their gradients: relu, leakyRelu, tanh, sigmoid, gelu (exact, erf-based, PyTorch's
 * default). Gradients take whichever of input or output makes them cheapest, as named in each signature.
 */
import { Tensor } from '../tensor/tensor.js';
import { checkTensor } from './bias.js';
import { checkSameShape } from './shape-checks.js';

/** `max(x, 0)`. @example relu(tensor([-1, 2])).data // [0, 2] */
export function relu(x: Tensor): Tensor {
  return map('relu', x, (v) => (v > 0 ? v : 0));
}

/** Gradient of {@link relu} from its input: `gradOutput` where `x > 0`, else 0 (PyTorch: 0 at x = 0). */
export function reluBackward(x: Tensor, gradOutput: Tensor): Tensor {
  return zipMap('reluBackward', x, gradOutput, (v, g) => (v > 0 ? g : 0));
}

/** `x` for positive inputs, `slope·x` otherwise (PyTorch default slope 0.01). @example leakyRelu(tensor([-2]), 0.1).data // [-0.2] */
export function leakyRelu(x: Tensor, slope = 0.01): Tensor {
  return map('leakyRelu', x, (v) => (v > 0 ? v : slope * v));
}

/** Gradient of {@link leakyRelu} from its input. */
export function leakyReluBackward(x: Tensor, gradOutput: Tensor, slope = 0.01): Tensor {
  return zipMap('leakyReluBackward', x, gradOutput, (v, g) => (v > 0 ? g : slope * g));
}

/** Hyperbolic tangent. @example tanh(tensor([0])).data // [0] */
export function tanh(x: Tensor): Tensor {
  return map('tanh', x, Math.tanh);
}

/** Gradient of {@link tanh} from its output `y`: `gradOutput·(1 − y²)`. */
export function tanhBackward(y: Tensor, gradOutput: Tensor): Tensor {
  return zipMap('tanhBackward', y, gradOutput, (t, g) => g * (1 - t * t));
}

/** Logistic sigmoid `1/(1 + e^−x)`, computed without overflow for large |x|. @example sigmoid(tensor([0])).data // [0.5] */
export function sigmoid(x: Tensor): Tensor {
  return map('sigmoid', x, sigmoidValue);
}

/** Gradient of {@link sigmoid} from its output `y`: `gradOutput·y(1 − y)`. */
export function sigmoidBackward(y: Tensor, gradOutput: Tensor): Tensor {
  return zipMap('sigmoidBackward', y, gradOutput, (s, g) => g * s * (1 - s));
}

/** GELU `x·Φ(x)` with the exact normal CDF, as `torch.nn.functional.gelu` (approximate='none'). @example gelu(tensor([1])).data // [0.8413] */
export function gelu(x: Tensor): Tensor {
  return map('gelu', x, (v) => 0.5 * v * (1 + erf(v * Math.SQRT1_2)));
}

/** Gradient of {@link gelu} from its input: `gradOutput·(Φ(x) + x·φ(x))`. */
export function geluBackward(x: Tensor, gradOutput: Tensor): Tensor {
  const inverseSqrt2Pi = 1 / Math.sqrt(2 * Math.PI);
  return zipMap('geluBackward', x, gradOutput, (v, g) =>
    g * (0.5 * (1 + erf(v * Math.SQRT1_2)) + v * inverseSqrt2Pi * Math.exp(-0.5 * v * v)));
}

/** The logistic function on one number. */
export function sigmoidValue(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/**
 * The error function to about 1e-12 relative error — far below float32 resolution — by its Maclaurin series
 * near 0 and a continued fraction of erfc in the tails (JavaScript has no `Math.erf`).
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let term = ax, sum = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 60; n++) {
      term *= -x2 / n;
      const next = term / (2 * n + 1);
      sum += next;
      if (Math.abs(next) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (ax > 6) return Math.sign(x);
  let fraction = 0;
  for (let n = 60; n >= 1; n--) fraction = (n / 2) / (ax + fraction);
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + fraction);
  return Math.sign(x) * (1 - erfc);
}

function map(op: string, x: Tensor, f: (v: number) => number): Tensor {
  checkTensor(op, 'input', x);
  const out = new Float32Array(x.size);
  const d = x.data;
  for (let i = 0; i < out.length; i++) out[i] = f(d[i]);
  return new Tensor(out, x.shape);
}

function zipMap(op: string, x: Tensor, g: Tensor, f: (v: number, g: number) => number): Tensor {
  checkTensor(op, 'input', x);
  checkSameShape(op, 'gradOutput', g, x.shape);
  const out = new Float32Array(x.size);
  const d = x.data, gd = g.data;
  for (let i = 0; i < out.length; i++) out[i] = f(d[i], gd[i]);
  return new Tensor(out, x.shape);
}
