/**
 * Softmax and log-softmax along one axis (default the channel axis 1, as segmentation logits `[N, C, H, W]`
 * need), computed with the maximum subtracted so large logits never overflow, and their gradients.
 */
import { Tensor } from '../tensor/tensor.js';
import { checkTensor } from './bias.js';
import { checkSameShape, normalizeAxis, splitAtAxis } from './shape-checks.js';

/** `exp(x)/Σexp(x)` along `axis`. @example softmax(tensor([0, 0], [1, 2])).data // [0.5, 0.5] */
export function softmax(x: Tensor, axis = 1): Tensor {
  return normalizeAlong('softmax', x, axis, false);
}

/** `x − log Σexp(x)` along `axis`. @example logSoftmax(tensor([0, 0], [1, 2])).data // [−0.693, −0.693] */
export function logSoftmax(x: Tensor, axis = 1): Tensor {
  return normalizeAlong('logSoftmax', x, axis, true);
}

/** Gradient of {@link softmax} from its output `y`: `y·(g − Σ g·y)` along `axis`. */
export function softmaxBackward(y: Tensor, gradOutput: Tensor, axis = 1): Tensor {
  checkTensor('softmaxBackward', 'output', y);
  checkSameShape('softmaxBackward', 'gradOutput', gradOutput, y.shape);
  const [outer, size, inner] = splitAtAxis(y.shape, normalizeAxis('softmaxBackward', axis, y.rank));
  const out = new Float32Array(y.size);
  const Y = y.data, G = gradOutput.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let dot = 0;
      for (let c = 0; c < size; c++) dot += G[base + c * inner] * Y[base + c * inner];
      for (let c = 0; c < size; c++) out[base + c * inner] = Y[base + c * inner] * (G[base + c * inner] - dot);
    }
  }
  return new Tensor(out, y.shape);
}

/** Gradient of {@link logSoftmax} from its output `y`: `g − exp(y)·Σg` along `axis`. */
export function logSoftmaxBackward(y: Tensor, gradOutput: Tensor, axis = 1): Tensor {
  checkTensor('logSoftmaxBackward', 'output', y);
  checkSameShape('logSoftmaxBackward', 'gradOutput', gradOutput, y.shape);
  const [outer, size, inner] = splitAtAxis(y.shape, normalizeAxis('logSoftmaxBackward', axis, y.rank));
  const out = new Float32Array(y.size);
  const Y = y.data, G = gradOutput.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let total = 0;
      for (let c = 0; c < size; c++) total += G[base + c * inner];
      for (let c = 0; c < size; c++) out[base + c * inner] = G[base + c * inner] - Math.exp(Y[base + c * inner]) * total;
    }
  }
  return new Tensor(out, y.shape);
}

function normalizeAlong(op: string, x: Tensor, axis: number, log: boolean): Tensor {
  checkTensor(op, 'input', x);
  const [outer, size, inner] = splitAtAxis(x.shape, normalizeAxis(op, axis, x.rank));
  const out = new Float32Array(x.size);
  const X = x.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let max = -Infinity;
      for (let c = 0; c < size; c++) max = Math.max(max, X[base + c * inner]);
      let total = 0;
      for (let c = 0; c < size; c++) total += Math.exp(X[base + c * inner] - max);
      const logTotal = Math.log(total);
      for (let c = 0; c < size; c++) {
        const shifted = X[base + c * inner] - max;
        out[base + c * inner] = log ? shifted - logTotal : Math.exp(shifted) / total;
      }
    }
  }
  return new Tensor(out, x.shape);
}
