import { OnnxError, describeValue } from '../../errors.js';
import { poolOutputSize } from '../../geometry/pool-arithmetic.js';
import { checkedSize, toNumbers, type OnnxValue } from '../value.js';
import { checkFloat, constantOf, required } from './helpers.js';
import type { NodeContext, Operator, ValueInfo } from './operator.js';

/**
 * Max pooling that also returns where each maximum was (ONNX MaxPool's `Indices` output) and its inverse,
 * MaxUnpool. Indices are flat positions in the whole `[N, C, ...spatial]` input, row-major (storage_order 0),
 * as onnxruntime writes them; the first maximum in window order wins a tie.
 */

/** A pooling window along up to three spatial dimensions, padded with unit dimensions in front to exactly three. */
interface Window3 {
  inSize: number[];
  outSize: number[];
  kernel: number[];
  stride: number[];
  dilation: number[];
  padBefore: number[];
}

function toThree(inSize: readonly number[], outSize: readonly number[], kernel: readonly number[], stride: readonly number[], dilation: readonly number[], padBefore: readonly number[]): Window3 {
  const lead = 3 - inSize.length;
  const grow = (values: readonly number[], fill: number): number[] => [...Array(lead).fill(fill), ...values];
  return {
    inSize: grow(inSize, 1), outSize: grow(outSize, 1), kernel: grow(kernel, 1), stride: grow(stride, 1),
    dilation: grow(dilation, 1), padBefore: grow(padBefore, 0),
  };
}

/**
 * MaxPool with indices on `x` ([N, C, ...spatial], 1 to 3 spatial dimensions): the pooled values and the flat
 * index of each maximum. Padding never wins (it is −∞).
 *
 * @example maxPoolWithIndices(x, { kernel: [2, 2], stride: [2, 2], dilation: [1, 1], padding: [[0, 0], [0, 0]], ceilMode: false })
 */
export function maxPoolWithIndices(
  x: OnnxValue,
  o: { kernel: number[]; stride: number[]; dilation: number[]; padding: [number, number][]; ceilMode: boolean },
): { values: OnnxValue; indices: OnnxValue } {
  const spatial = x.shape.slice(2);
  const outSize = spatial.map((n, i) => poolOutputSize(n, o.kernel[i], o.stride[i], o.dilation[i], o.padding[i][0], o.padding[i][1], o.ceilMode));
  const shape = [x.shape[0], x.shape[1], ...outSize];
  const size = checkedSize('MaxPool', 'output', shape);
  const values = new Float32Array(size);
  const indices = new Float64Array(size);
  const w = toThree(spatial, outSize, o.kernel, o.stride, o.dilation, o.padding.map((p) => p[0]));
  const [D, H, W] = w.inSize;
  const [OD, OH, OW] = w.outSize;
  const plane = D * H * W;
  const planes = x.shape[0] * x.shape[1];
  let at = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * plane;
    for (let od = 0; od < OD; od++) {
      const d0 = od * w.stride[0] - w.padBefore[0];
      for (let oh = 0; oh < OH; oh++) {
        const h0 = oh * w.stride[1] - w.padBefore[1];
        for (let ow = 0; ow < OW; ow++, at++) {
          const w0 = ow * w.stride[2] - w.padBefore[2];
          let best = -Infinity;
          let where = -1;
          for (let kd = 0; kd < w.kernel[0]; kd++) {
            const d = d0 + kd * w.dilation[0];
            if (d < 0 || d >= D) continue;
            for (let kh = 0; kh < w.kernel[1]; kh++) {
              const h = h0 + kh * w.dilation[1];
              if (h < 0 || h >= H) continue;
              const row = base + (d * H + h) * W;
              for (let kw = 0; kw < w.kernel[2]; kw++) {
                const c = w0 + kw * w.dilation[2];
                if (c < 0 || c >= W) continue;
                const v = x.data[row + c];
                if (v > best || where < 0) { best = v; where = row + c; }
              }
            }
          }
          values[at] = best;
          indices[at] = where;
        }
      }
    }
  }
  return { values: { type: 'float', shape, data: values }, indices: { type: 'int', shape: shape.slice(), data: indices } };
}

/** MaxUnpool's output shape: `output_shape` when given, else `(in − 1)·stride + kernel − pads` per dimension. */
function unpoolShape(inputs: readonly (ValueInfo | OnnxValue | undefined)[], node: NodeContext, x: ValueInfo | OnnxValue): number[] {
  const spatial = x.shape.slice(2);
  const rank = spatial.length;
  const a = node.attributes;
  const kernel = a.ints('kernel_shape', []);
  const stride = a.ints('strides', Array(rank).fill(1));
  const pads = a.ints('pads', Array(2 * rank).fill(0));
  if (kernel.length !== rank || kernel.some((k) => !Number.isInteger(k) || k < 1)) {
    throw new OnnxError(node.name, 'kernel_shape', `MaxUnpool kernel_shape ${describeValue(kernel)} must be ${rank} positive integers (one per spatial dimension)`);
  }
  if (stride.length !== rank || stride.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new OnnxError(node.name, 'strides', `MaxUnpool strides ${describeValue(stride)} must be ${rank} positive integers`);
  }
  if (pads.length !== 2 * rank || pads.some((p) => !Number.isInteger(p) || p < 0)) {
    throw new OnnxError(node.name, 'pads', `MaxUnpool pads ${describeValue(pads)} must be ${2 * rank} non-negative integers`);
  }
  const inferred = [x.shape[0], x.shape[1], ...spatial.map((n, i) => (n - 1) * stride[i] + kernel[i] - pads[i] - pads[i + rank])];
  const given = inputs[2];
  if (given === undefined) {
    if (inferred.some((n) => n < 1)) throw new OnnxError(node.name, 'pads', `MaxUnpool of ${describeValue(x.shape)} with pads ${describeValue(pads)} leaves an empty output ${describeValue(inferred)}`);
    return inferred;
  }
  const shape = toNumbers('data' in given ? given : constantOf(given, node, 'output_shape')!);
  if (shape.length !== x.shape.length || shape[0] !== x.shape[0] || shape[1] !== x.shape[1] || shape.slice(2).some((n, i) => !Number.isInteger(n) || n < inferred[i + 2])) {
    throw new OnnxError(node.name, 'output_shape', `MaxUnpool output_shape ${describeValue(shape)} must keep batch and channels of ${describeValue(x.shape)} and be at least ${describeValue(inferred)}`);
  }
  return shape;
}

const maxUnpool: Operator = {
  constantInputs: [2],
  infer(inputs, node) {
    const x = required(inputs, 0, node, 'X');
    const i = required(inputs, 1, node, 'I');
    checkFloat(node, x);
    if (x.shape.length < 3 || x.shape.length > 5) throw new OnnxError(node.name, 'X', `MaxUnpool input ${describeValue(x.shape)} must be [N, C, ...spatial] with 1 to 3 spatial dimensions`);
    if (i.type !== 'int' || i.shape.join() !== x.shape.join()) throw new OnnxError(node.name, 'I', `MaxUnpool indices must be integers of X's shape ${describeValue(x.shape)}, got ${i.type} ${describeValue(i.shape)}`);
    return [{ type: 'float', shape: unpoolShape(inputs, node, x) }];
  },
  run(inputs, node) {
    const x = required(inputs, 0, node, 'X');
    const indices = required(inputs, 1, node, 'I');
    const shape = unpoolShape(inputs, node, x);
    const out = new Float32Array(checkedSize(node.name, 'output', shape));
    for (let j = 0; j < x.data.length; j++) {
      const at = indices.data[j];
      if (!Number.isInteger(at) || at < 0 || at >= out.length) {
        throw new OnnxError(node.name, 'I', `MaxUnpool index ${at} (position ${j}) is outside the output of ${out.length} elements ${describeValue(shape)}`);
      }
      out[at] = x.data[j];
    }
    return [{ type: 'float', shape, data: out }];
  },
};

/** MaxUnpool (MaxPool's Indices output lives with MaxPool in pool.ts). */
export const UNPOOL_OPERATORS: Record<string, Operator> = { MaxUnpool: maxUnpool };
