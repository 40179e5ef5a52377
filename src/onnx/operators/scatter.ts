import { OnnxError, describeValue } from '../../errors.js';
import { newData, required, sameKind, shaped, stridesOf } from './helpers.js';
import type { Operator } from './operator.js';

/**
 * ScatterND (opsets 11–18): a copy of `data` with the slices that `indices` address replaced by `updates`
 * (or combined with them by `reduction`: add, mul, max, min). PyTorch exports slice assignment this way —
 * Swin's attention mask (`mask[h, w] = count`) — usually on constants, which the planner folds at load time.
 */
const scatterND: Operator = {
  infer(inputs, node) {
    const data = required(inputs, 0, node, 'data');
    const indices = required(inputs, 1, node, 'indices');
    const updates = required(inputs, 2, node, 'updates');
    const depth = indices.shape[indices.shape.length - 1];
    if (indices.type !== 'int' || indices.shape.length < 1 || !(depth >= 1 && depth <= data.shape.length)) {
      throw new OnnxError(node.name, 'indices', `ScatterND indices ${indices.type} ${describeValue(indices.shape)} must be integers whose last dimension (1 to ${data.shape.length}) indexes data ${describeValue(data.shape)}`);
    }
    const expected = [...indices.shape.slice(0, -1), ...data.shape.slice(depth)];
    if (updates.type !== data.type || updates.shape.join() !== expected.join()) {
      throw new OnnxError(node.name, 'updates', `ScatterND updates ${updates.type} ${describeValue(updates.shape)} must be ${data.type} of shape ${describeValue(expected)}`);
    }
    reductionOf(node.attributes.string('reduction', 'none'), node.name);
    return [shaped(data, data.shape)];
  },
  run(inputs, node) {
    const data = required(inputs, 0, node, 'data');
    const indices = required(inputs, 1, node, 'indices');
    const updates = required(inputs, 2, node, 'updates');
    const combine = reductionOf(node.attributes.string('reduction', 'none'), node.name);
    const depth = indices.shape[indices.shape.length - 1];
    const strides = stridesOf(data.shape);
    const slice = data.shape.slice(depth).reduce((a, b) => a * b, 1);
    const out = newData(data, data.data.length);
    out.set(data.data);
    const count = indices.data.length / depth;
    for (let u = 0; u < count; u++) {
      let offset = 0;
      for (let k = 0; k < depth; k++) {
        const raw = indices.data[u * depth + k];
        const n = data.shape[k];
        const i = raw < 0 ? raw + n : raw;
        if (!Number.isInteger(i) || i < 0 || i >= n) {
          throw new OnnxError(node.name, 'indices', `ScatterND index ${raw} is outside [${-n}, ${n - 1}] on axis ${k} of ${describeValue(data.shape)}`);
        }
        offset += i * strides[k];
      }
      for (let j = 0; j < slice; j++) out[offset + j] = combine(out[offset + j], updates.data[u * slice + j]);
    }
    return [sameKind(data, data.shape.slice(), out)];
  },
};

function reductionOf(reduction: string, name: string): (a: number, b: number) => number {
  switch (reduction) {
    case 'none': return (_, b) => b;
    case 'add': return (a, b) => a + b;
    case 'mul': return (a, b) => a * b;
    case 'max': return (a, b) => Math.max(a, b);
    case 'min': return (a, b) => Math.min(a, b);
    default: throw new OnnxError(name, 'reduction', `ScatterND reduction ${describeValue(reduction)} must be none, add, mul, max or min`);
  }
}

/** ScatterND on every element type. */
export const SCATTER_OPERATORS: Record<string, Operator> = { ScatterND: scatterND };
