/**
 * NumPy/PyTorch broadcasting: shapes are aligned at their last dimension and a dimension of size 1 stretches to
 * match. Binary elementwise ops broadcast forward; their gradients sum back down to each operand's shape.
 */
import { ShapeError, describeValue } from '../errors.js';
import { Tensor, allocatedSize, shapeSize } from '../tensor/tensor.js';
import { checkTensor } from './bias.js';

/**
 * The shape two operands broadcast to.
 *
 * @example broadcastShapes('add', [2, 3, 1], [4]) // [2, 3, 4]
 */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  shapeSize(a, op);
  shapeSize(b, op);
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(op, 'input', `shapes ${describeValue(a)} and ${describeValue(b)} do not broadcast: dimension ${i} of the result would need ${da} and ${db}; sizes must match or be 1`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/**
 * Strides for reading a tensor of `shape` as if it had the (larger) broadcast shape `target`: 0 along every
 * dimension the tensor stretches.
 */
export function broadcastStrides(shape: readonly number[], target: readonly number[]): number[] {
  const strides = new Array<number>(target.length).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const t = target.length - shape.length + i;
    strides[t] = shape[i] === 1 && target[t] !== 1 ? 0 : stride;
    stride *= shape[i];
  }
  return strides;
}

/**
 * Calls `visit(outIndex, ...sourceOffsets)` for every element of `target` in row-major order, with the offset of
 * the element each source contributes under broadcasting. The last dimension runs in a tight inner loop.
 */
export function forEachBroadcast(
  target: readonly number[], strides: readonly (readonly number[])[],
  inner: (outStart: number, length: number, offsets: number[], innerStrides: number[]) => void,
): void {
  const rank = target.length;
  const total = target.reduce((p, n) => p * n, 1);
  if (total === 0) return;
  if (rank === 0) { inner(0, 1, strides.map(() => 0), strides.map(() => 0)); return; }
  const length = target[rank - 1];
  const innerStrides = strides.map((s) => s[rank - 1]);
  const counter = new Array<number>(rank - 1).fill(0);
  const offsets = strides.map(() => 0);
  for (let out = 0; out < total; out += length) {
    inner(out, length, offsets, innerStrides);
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]++;
      for (let s = 0; s < strides.length; s++) offsets[s] += strides[s][d];
      if (counter[d] < target[d]) break;
      for (let s = 0; s < strides.length; s++) offsets[s] -= strides[s][d] * target[d];
      counter[d] = 0;
    }
  }
}

/**
 * Sums a broadcast result back to `shape`: the gradient of broadcasting an operand of `shape` up to `t.shape`.
 *
 * @example sumToShape(ones([2, 3]), [3]).data // [2, 2, 2]
 */
export function sumToShape(t: Tensor, shape: readonly number[]): Tensor {
  checkTensor('sumToShape', 'input', t);
  if (t.shape.length === shape.length && t.shape.every((n, i) => n === shape[i])) return t;
  const check = broadcastShapes('sumToShape', shape, t.shape);
  if (check.join() !== t.shape.join()) {
    throw new ShapeError('sumToShape', 'shape', `shape ${describeValue(shape)} does not broadcast to ${describeValue(t.shape)}`);
  }
  const out = new Float32Array(shape.reduce((p, n) => p * n, 1));
  const src = t.data;
  forEachBroadcast(t.shape, [broadcastStrides(shape, t.shape)], (start, length, [offset], [stride]) => {
    if (stride === 0) {
      let s = 0;
      for (let j = 0; j < length; j++) s += src[start + j];
      out[offset] += s;
    } else {
      for (let j = 0; j < length; j++) out[offset + j] += src[start + j];
    }
  });
  return new Tensor(out, shape);
}

/**
 * Copies `t` out to a larger `shape` it broadcasts to (the gradient of `sumToShape`).
 *
 * @example broadcastTo(tensor([1, 2]), [2, 2]).data // [1, 2, 1, 2]
 */
export function broadcastTo(t: Tensor, shape: readonly number[]): Tensor {
  checkTensor('broadcastTo', 'input', t);
  allocatedSize(shape, 'broadcastTo');
  const check = broadcastShapes('broadcastTo', t.shape, shape);
  if (check.join() !== shape.join()) {
    throw new ShapeError('broadcastTo', 'shape', `shape ${describeValue(t.shape)} does not broadcast to ${describeValue(shape)}`);
  }
  const out = new Float32Array(shape.reduce((p, n) => p * n, 1));
  const src = t.data;
  forEachBroadcast(shape, [broadcastStrides(t.shape, shape)], (start, length, [offset], [stride]) => {
    for (let j = 0; j < length; j++) out[start + j] = src[offset + j * stride];
  });
  return new Tensor(out, shape);
}
