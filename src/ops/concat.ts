/** Concatenation along an axis and its gradient, a split of the output gradient back into the pieces. */
import { ShapeError, describeValue } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { checkTensor } from './bias.js';
import { normalizeAxis, splitAtAxis } from './shape-checks.js';

/**
 * Joins tensors that agree on every dimension but `axis` (default 1, channels: ASPP's branch outputs).
 *
 * @example concat([zeros([1, 2, 4]), ones([1, 3, 4])]).shape // [1, 5, 4]
 */
export function concat(tensors: readonly Tensor[], axis = 1): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ShapeError('concat', 'tensors', 'concat needs a non-empty list of tensors');
  tensors.forEach((t, i) => checkTensor('concat', `tensors[${i}]`, t));
  const first = tensors[0];
  const a = normalizeAxis('concat', axis, first.rank);
  const mismatched: string[] = [];
  tensors.forEach((t: Tensor, i: number) => {
    if (t.rank !== first.rank || t.shape.some((n: number, d: number) => d !== a && n !== first.shape[d])) {
      mismatched.push(`tensors[${i}] has ${describeValue(t.shape)}`);
    }
  });
  if (mismatched.length > 0) {
    throw new ShapeError('concat', 'tensors', `every tensor must match ${describeValue(first.shape)} except along axis ${a}; ${mismatched.join(', ')}`);
  }
  const sizes = tensors.map((t) => t.shape[a]);
  const total = sizes.reduce((p, n) => p + n, 0);
  const shape = first.shape.slice();
  shape[a] = total;
  const [outer, , inner] = splitAtAxis(shape, a);
  const out = new Float32Array(outer * total * inner);
  let offset = 0;
  tensors.forEach((t, i) => {
    const block = sizes[i] * inner;
    for (let o = 0; o < outer; o++) out.set(t.data.subarray(o * block, (o + 1) * block), o * total * inner + offset);
    offset += block;
  });
  return new Tensor(out, shape);
}

/**
 * Cuts `x` along `axis` into pieces of the given sizes (the gradient of {@link concat}).
 *
 * @example split(x, [256, 256], 1) // two halves of 512 channels
 */
export function split(x: Tensor, sizes: readonly number[], axis = 1): Tensor[] {
  checkTensor('split', 'input', x);
  const a = normalizeAxis('split', axis, x.rank);
  if (!sizes.every((n) => Number.isInteger(n) && n >= 0) || sizes.reduce((p, n) => p + n, 0) !== x.shape[a]) {
    throw new ShapeError('split', 'sizes', `sizes ${describeValue(sizes)} must be non-negative integers summing to ${x.shape[a]}, the size of axis ${a} of ${describeValue(x.shape)}`);
  }
  const [outer, total, inner] = splitAtAxis(x.shape, a);
  let offset = 0;
  return sizes.map((size) => {
    const shape = x.shape.slice();
    shape[a] = size;
    const out = new Float32Array(outer * size * inner);
    for (let o = 0; o < outer; o++) {
      const start = o * total * inner + offset;
      out.set(x.data.subarray(start, start + size * inner), o * size * inner);
    }
    offset += size * inner;
    return new Tensor(out, shape);
  });
}
