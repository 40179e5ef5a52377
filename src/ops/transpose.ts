/** Axis permutation (PyTorch `permute`, ONNX `Transpose`) and its gradient, the inverse permutation. */
import { OptionError, describeValue } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { checkTensor } from './bias.js';

/**
 * Reorders axes: output axis `i` is input axis `perm[i]` (default: reversed).
 *
 * @example transpose(tensor([1, 2, 3, 4, 5, 6], [2, 3])).shape // [3, 2]
 */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  checkTensor('transpose', 'input', x);
  const order = perm ?? x.shape.map((_, i) => x.rank - 1 - i);
  const valid = Array.isArray(order) && order.length === x.rank && [...order].sort((a, b) => a - b).every((v, i) => v === i);
  if (!valid) throw new OptionError('transpose', 'perm', `perm ${describeValue(perm)} must be a permutation of 0..${x.rank - 1}`);
  const outShape = order.map((a) => x.shape[a]);
  const inStrides = new Array<number>(x.rank);
  for (let d = x.rank - 1, s = 1; d >= 0; d--) { inStrides[d] = s; s *= x.shape[d]; }
  const strides = order.map((a) => inStrides[a]);
  const out = new Float32Array(x.size);
  const counter = new Array<number>(x.rank).fill(0);
  let inIndex = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = x.data[inIndex];
    for (let d = x.rank - 1; d >= 0; d--) {
      inIndex += strides[d];
      if (++counter[d] < outShape[d]) break;
      inIndex -= strides[d] * outShape[d];
      counter[d] = 0;
    }
  }
  return new Tensor(out, outShape);
}

/** Gradient of {@link transpose}: the output gradient permuted back. */
export function transposeBackward(gradOutput: Tensor, perm?: readonly number[]): Tensor {
  checkTensor('transposeBackward', 'gradOutput', gradOutput);
  const order = perm ?? gradOutput.shape.map((_, i) => gradOutput.rank - 1 - i);
  const inverse = new Array<number>(order.length);
  order.forEach((a, i) => { inverse[a] = i; });
  return transpose(gradOutput, inverse);
}
