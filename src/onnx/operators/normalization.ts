import { normalize } from '../../kernels/pointwise/pointwise-kernels.js';
import { OnnxError, describeValue } from '../../errors.js';
import { batchNorm } from '../../ops/batch-norm.js';
import { gemmNN } from '../../kernels/js/gemm.js';
import { matmul } from '../../ops/matmul.js';
import { mean, sum } from '../../ops/reduce.js';
import { logSoftmax, softmax } from '../../ops/softmax.js';
import { pad } from '../../ops/pad.js';
import type { PaddingMode } from '../../geometry/padding.js';
import { Tensor } from '../../tensor/tensor.js';
import { fromTensor, toNumbers, toTensor, type OnnxValue } from '../value.js';
import { axisIndex, checkFloat, constantOf, required, shaped } from './helpers.js';
import type { NodeContext, Operator, ValueInfo } from './operator.js';

/** Normalization, softmax, reductions, matrix products and padding on float tensors, through atrous's ops. */

const batchNormalization: Operator = {
  infer(inputs, node) {
    const x = required(inputs, 0, node, 'X');
    checkFloat(node, x);
    if (node.attributes.int('training_mode', 0) !== 0) {
      throw new OnnxError(node.name, 'training_mode', 'BatchNormalization in training mode is not supported at inference; export the model in eval mode');
    }
    for (const [i, what] of [[1, 'scale'], [2, 'B'], [3, 'input_mean'], [4, 'input_var']] as const) {
      const v = required(inputs, i, node, what);
      if (v.shape.length !== 1 || v.shape[0] !== x.shape[1]) {
        throw new OnnxError(node.name, what, `BatchNormalization ${what} has shape ${describeValue(v.shape)}; expected [${x.shape[1]}] (one per channel)`);
      }
    }
    return [shaped(x, x.shape)];
  },
  run(inputs, node) {
    const [x, weight, bias, runningMean, runningVar] = [0, 1, 2, 3, 4].map((i) => toTensor(required(inputs, i, node, 'input')));
    return [fromTensor(batchNorm(x, { weight, bias, runningMean, runningVar, eps: node.attributes.float('epsilon', 1e-5), training: false }))];
  },
};

/**
 * LayerNormalization (opset 17): normalizes over the axes from `axis` on, then scales and shifts (Scale and B
 * broadcast over those axes). Statistics in float64, so the result does not depend on the summation order.
 */
const layerNormalization: Operator = {
  infer(inputs, node) {
    const x = required(inputs, 0, node, 'X');
    checkFloat(node, x);
    required(inputs, 1, node, 'Scale');
    axisIndex(node, 'axis', node.attributes.int('axis', -1), x.shape.length);
    if (node.usedOutputs[1] || node.usedOutputs[2]) throw new OnnxError(node.name, 'Mean', 'LayerNormalization\'s Mean and InvStdDev outputs are not supported');
    return [shaped(x, x.shape)];
  },
  run(inputs, node) {
    const x = required(inputs, 0, node, 'X');
    const axis = axisIndex(node, 'axis', node.attributes.int('axis', -1), x.shape.length);
    const eps = node.attributes.float('epsilon', 1e-5);
    const inner = x.shape.slice(axis).reduce((a, b) => a * b, 1);
    const rows = x.data.length / inner;
    const scale = broadcastRow(node, required(inputs, 1, node, 'Scale'), x.shape.slice(axis), 'Scale');
    const shift = inputs[2] ? broadcastRow(node, inputs[2], x.shape.slice(axis), 'B') : new Float32Array(inner);
    const out = new Float32Array(x.data.length);
    for (let r = 0; r < rows; r++) {
      const base = r * inner;
      let sum = 0;
      for (let i = 0; i < inner; i++) sum += x.data[base + i];
      const mu = sum / inner;
      let sq = 0;
      for (let i = 0; i < inner; i++) sq += (x.data[base + i] - mu) ** 2;
      const inv = 1 / Math.sqrt(sq / inner + eps);
      for (let i = 0; i < inner; i++) out[base + i] = (x.data[base + i] - mu) * inv * scale[i] + shift[i];
    }
    return [{ type: 'float', shape: x.shape.slice(), data: out }];
  },
};

/**
 * InstanceNormalization: each (n, c) plane normalized by its own mean and variance, then scaled and shifted
 * per channel (how PyTorch ≤ 1.13 exports GroupNorm, between two reshapes). Statistics in float64 from one
 * pass of sums shifted by the plane's first value (stable for planes far from zero), then one pass to write.
 */
const instanceNormalization: Operator = {
  infer(inputs, node) {
    const x = required(inputs, 0, node, 'input');
    checkFloat(node, x);
    if (x.shape.length < 3) throw new OnnxError(node.name, 'input', `InstanceNormalization input ${describeValue(x.shape)} must be [N, C, ...spatial] with at least one spatial dimension`);
    for (const [i, what] of [[1, 'scale'], [2, 'B']] as const) {
      const v = required(inputs, i, node, what);
      if (v.shape.length !== 1 || v.shape[0] !== x.shape[1]) {
        throw new OnnxError(node.name, what, `InstanceNormalization ${what} has shape ${describeValue(v.shape)}; expected [${x.shape[1]}] (one per channel)`);
      }
    }
    return [shaped(x, x.shape)];
  },
  run(inputs, node) {
    const x = required(inputs, 0, node, 'input');
    const scale = required(inputs, 1, node, 'scale').data;
    const shift = required(inputs, 2, node, 'B').data;
    const eps = node.attributes.float('epsilon', 1e-5);
    const channels = x.shape[1];
    const plane = x.shape.slice(2).reduce((a, b) => a * b, 1);
    const planes = x.shape[0] * channels;
    const src = x.data as Float32Array; // infer checked the type: float
    const out = new Float32Array(src.length);
    const onWasm = normalize('InstanceNormalization', src, planes, plane, (moments) => {
      const pairs = new Float32Array(2 * planes);
      for (let p = 0; p < planes; p++) {
        const c = p % channels, first = moments[3 * p], centred = moments[3 * p + 1], variance = moments[3 * p + 2];
        const gain = scale[c] / Math.sqrt(variance + eps);
        pairs[2 * p] = gain;
        pairs[2 * p + 1] = shift[c] - (first + centred) * gain;
      }
      return pairs;
    }, out);
    if (onWasm) return [{ type: 'float', shape: x.shape.slice(), data: out }];
    for (let p = 0; p < planes; p++) {
      const base = p * plane;
      const c = p % channels;
      const { first, centred, variance } = shiftedMoments(src, base, plane);
      const gain = scale[c] / Math.sqrt(variance + eps);
      const offset = shift[c] - (first + centred) * gain;
      for (let i = base; i < base + plane; i++) out[i] = src[i] * gain + offset;
    }
    return [{ type: 'float', shape: x.shape.slice(), data: out }];
  },
};

/** A Scale/B tensor broadcast to the normalized shape, as one row of values. */
function broadcastRow(node: NodeContext, v: OnnxValue, shape: readonly number[], what: string): Float32Array {
  const size = shape.reduce((a, b) => a * b, 1);
  if (v.data.length === size) return Float32Array.from(v.data);
  if (v.data.length === 1) return new Float32Array(size).fill(v.data[0]);
  throw new OnnxError(node.name, what, `LayerNormalization ${what} of shape ${describeValue(v.shape)} does not match the normalized shape ${describeValue(shape)}`);
}

/** Softmax before opset 13 flattens to 2-D at `axis` (default 1); from 13 it normalizes one axis (default -1). */
function softmaxLike(log: boolean): Operator {
  const apply = log ? logSoftmax : softmax;
  return {
    infer(inputs, node) { const x = required(inputs, 0, node, 'input'); checkFloat(node, x); return [shaped(x, x.shape)]; },
    run(inputs, node) {
      const x = toTensor(required(inputs, 0, node, 'input'));
      if (node.opset >= 13) return [fromTensor(apply(x, axisIndex(node, 'axis', node.attributes.int('axis', -1), x.rank)))];
      const axis = axisIndex(node, 'axis', node.attributes.int('axis', 1), x.rank);
      const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
      return [fromTensor(apply(x.reshape([outer, x.size / outer]), 1).reshape(x.shape))];
    },
  };
}

function matmulShape(node: NodeContext, a: readonly number[], b: readonly number[]): number[] {
  if (a.length < 1 || b.length < 1) throw new OnnxError(node.name, 'A', 'MatMul needs operands of rank ≥ 1');
  const a2 = a.length === 1 ? [1, a[0]] : a, b2 = b.length === 1 ? [b[0], 1] : b;
  if (a2[a2.length - 1] !== b2[b2.length - 2]) {
    throw new OnnxError(node.name, 'B', `MatMul of ${describeValue(a)} and ${describeValue(b)}: inner dimensions ${a2[a2.length - 1]} and ${b2[b2.length - 2]} differ`);
  }
  const batch = broadcastBatch(node, a2.slice(0, -2), b2.slice(0, -2));
  const out = [...batch, a2[a2.length - 2], b2[b2.length - 1]];
  if (a.length === 1) out.splice(out.length - 2, 1);
  if (b.length === 1) out.splice(out.length - 1, 1);
  return out;
}

function broadcastBatch(node: NodeContext, a: number[], b: number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const x = a[a.length - rank + i] ?? 1, y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new OnnxError(node.name, 'B', `MatMul batch dimensions ${describeValue(a)} and ${describeValue(b)} do not broadcast`);
    return x === 1 ? y : x;
  });
}

const matMul: Operator = {
  infer(inputs, node) {
    const a = required(inputs, 0, node, 'A'), b = required(inputs, 1, node, 'B');
    checkFloat(node, a);
    return [{ type: 'float', shape: matmulShape(node, a.shape, b.shape) }];
  },
  run(inputs, node) {
    const a = required(inputs, 0, node, 'A'), b = required(inputs, 1, node, 'B');
    return [fromTensor(matmul(toTensor(a), toTensor(b)).reshape(matmulShape(node, a.shape, b.shape)))];
  },
};

/** `alpha·A'·B' + beta·C` with `A'`, `B'` optionally transposed (a fully connected layer when `transB = 1`). */
const gemm: Operator = {
  infer(inputs, node) {
    const a = required(inputs, 0, node, 'A'), b = required(inputs, 1, node, 'B');
    checkFloat(node, a);
    const [m, k] = node.attributes.int('transA', 0) ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
    const [k2, n] = node.attributes.int('transB', 0) ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
    if (a.shape.length !== 2 || b.shape.length !== 2 || k !== k2) {
      throw new OnnxError(node.name, 'B', `Gemm needs 2-D operands with matching inner sizes, got ${describeValue(a.shape)} and ${describeValue(b.shape)} (transA ${node.attributes.int('transA', 0)}, transB ${node.attributes.int('transB', 0)})`);
    }
    return [{ type: 'float', shape: [m, n] }];
  },
  run(inputs, node) {
    const a = toTensor(required(inputs, 0, node, 'A')), b = toTensor(required(inputs, 1, node, 'B'));
    const A = node.attributes.int('transA', 0) ? transpose2d(a) : a;
    const B = node.attributes.int('transB', 0) ? transpose2d(b) : b;
    const [m, k] = A.shape, n = B.shape[1];
    const alpha = node.attributes.float('alpha', 1), beta = node.attributes.float('beta', 1);
    const out = new Float32Array(m * n);
    gemmNN(m, n, k, A.data, 0, k, B.data, 0, n, out, 0, n);
    if (alpha !== 1) for (let i = 0; i < out.length; i++) out[i] *= alpha;
    const c = inputs[2];
    if (c) {
      const C = toTensor(c);
      const rows = C.rank === 2 ? C.shape[0] : 1, cols = C.rank === 0 ? 1 : C.shape[C.rank - 1];
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[i * n + j] += beta * C.data[(rows === 1 ? 0 : i) * cols + (cols === 1 ? 0 : j)];
    }
    return [fromTensor(new Tensor(out, [m, n]))];
  },
};

function transpose2d(t: Tensor): Tensor {
  const [r, c] = t.shape;
  const out = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = t.data[i * c + j];
  return new Tensor(out, [c, r]);
}

/** Reduction axes: attribute before opset 18, input from 18 (ReduceSum: from 13). */
function reduceAxes(inputs: readonly (ValueInfo | OnnxValue | undefined)[], node: NodeContext, rank: number): number[] | undefined {
  const fromInput = node.opType === 'ReduceSum' ? node.opset >= 13 : node.opset >= 18;
  let axes: number[] | undefined;
  if (fromInput) {
    const v = inputs[1];
    axes = v === undefined ? undefined : toNumbers('data' in v ? v : constantOf(v, node, 'axes')!);
    if (axes?.length === 0) axes = undefined;
  } else if (node.attributes.has('axes')) {
    axes = node.attributes.ints('axes');
  }
  if (axes === undefined && node.attributes.int('noop_with_empty_axes', 0)) return [];
  return (axes ?? Array.from({ length: rank }, (_, i) => i)).map((a) => axisIndex(node, 'axes', a, rank));
}

/** The reductions beyond mean and sum, each as (initial, accumulate, finish) over one output's inputs. */
const REDUCTIONS = {
  ReduceL1: { start: 0, add: (acc: number, v: number) => acc + Math.abs(v), finish: (acc: number) => acc },
  ReduceL2: { start: 0, add: (acc: number, v: number) => acc + v * v, finish: Math.sqrt },
  ReduceSumSquare: { start: 0, add: (acc: number, v: number) => acc + v * v, finish: (acc: number) => acc },
  ReduceMax: { start: -Infinity, add: (acc: number, v: number) => (v > acc || Number.isNaN(v) ? v : acc), finish: (acc: number) => acc },
  ReduceMin: { start: Infinity, add: (acc: number, v: number) => (v < acc || Number.isNaN(v) ? v : acc), finish: (acc: number) => acc },
  ReduceProd: { start: 1, add: (acc: number, v: number) => acc * v, finish: (acc: number) => acc },
} as const;

/**
 * `out[o] = finish(fold(x over the reduced axes))`, every input element visited once in order, its output index
 * kept by a running counter (no per-element division). Accumulates in float64.
 */
function reduceBy(x: Float32Array, shape: readonly number[], axes: readonly number[], r: { start: number; add: (acc: number, v: number) => number; finish: (acc: number) => number }): Float32Array {
  const kept = shape.map((n, i) => (axes.includes(i) ? 1 : n));
  const outSize = kept.reduce((a, b) => a * b, 1);
  const acc = new Float64Array(outSize).fill(r.start);
  // Output stride of every input axis (0 along reduced axes).
  const strides = new Array<number>(shape.length).fill(0);
  for (let i = shape.length - 1, s = 1; i >= 0; i--) { strides[i] = axes.includes(i) ? 0 : s; s *= kept[i]; }
  const counter = new Array<number>(shape.length).fill(0);
  let o = 0;
  for (let e = 0; e < x.length; e++) {
    acc[o] = r.add(acc[o], x[e]);
    for (let d = shape.length - 1; d >= 0; d--) {
      o += strides[d];
      if (++counter[d] < shape[d]) break;
      o -= strides[d] * shape[d];
      counter[d] = 0;
    }
  }
  return Float32Array.from(acc, r.finish);
}

function generalReduce(opType: keyof typeof REDUCTIONS): Operator {
  const base = reduce('sum');
  return {
    ...base,
    run(inputs, node) {
      const x = required(inputs, 0, node, 'data');
      const axes = reduceAxes(inputs, node, x.shape.length)!;
      const [{ shape }] = base.infer(inputs, node);
      if (axes.length === 0) return [{ type: 'float', shape, data: Float32Array.from(x.data as Float32Array) }];
      return [{ type: 'float', shape, data: reduceBy(x.data as Float32Array, x.shape, axes, REDUCTIONS[opType]) }];
    },
  };
}

function reduce(kind: 'mean' | 'sum'): Operator {
  return {
    constantInputs: [1],
    infer(inputs, node) {
      const x = required(inputs, 0, node, 'data');
      checkFloat(node, x);
      const axes = reduceAxes(inputs, node, x.shape.length)!;
      const keep = node.attributes.int('keepdims', 1) === 1;
      const shape = x.shape.flatMap((n, i) => (axes.includes(i) ? (keep ? [1] : []) : [n]));
      return [shaped(x, shape)];
    },
    run(inputs, node) {
      const x = toTensor(required(inputs, 0, node, 'data'));
      const axes = reduceAxes(inputs, node, x.rank)!;
      if (axes.length === 0) return [fromTensor(x)];
      const keepDims = node.attributes.int('keepdims', 1) === 1;
      return [fromTensor((kind === 'mean' ? mean : sum)(x, { axes, keepDims }))];
    },
  };
}

const PAD_MODES: Record<string, PaddingMode> = { constant: 'zeros', reflect: 'reflect', edge: 'replicate', wrap: 'circular' };

/** `[before, after]` per axis of a Pad node (its constant pads and axes inputs). */
export function padPairs(inputs: readonly (ValueInfo | OnnxValue | undefined)[], node: NodeContext, rank: number): [number, number][] {
  const read = (i: number, what: string): number[] | undefined => {
    const v = inputs[i];
    return v === undefined ? undefined : toNumbers('data' in v ? v : constantOf(v, node, what)!);
  };
  const pads = read(1, 'pads') ?? [];
  const axes = (read(3, 'axes') ?? Array.from({ length: rank }, (_, i) => i)).map((a) => axisIndex(node, 'axes', a, rank));
  if (pads.length !== 2 * axes.length) throw new OnnxError(node.name, 'pads', `pads ${describeValue(pads)} must have ${2 * axes.length} entries (all begins, then all ends)`);
  if (pads.some((p) => p < 0)) throw new OnnxError(node.name, 'pads', `negative pads ${describeValue(pads)} (cropping) are not supported by Pad; use Slice`);
  const pairs: [number, number][] = Array.from({ length: rank }, () => [0, 0]);
  axes.forEach((axis, i) => { pairs[axis] = [pads[i], pads[i + axes.length]]; });
  return pairs;
}

const padOperator: Operator = {
  constantInputs: [1, 2, 3],
  infer(inputs, node) {
    const x = required(inputs, 0, node, 'data');
    checkFloat(node, x);
    const pairs = padPairs(inputs, node, x.shape.length);
    modeOf(node);
    return [shaped(x, x.shape.map((n, i) => n + pairs[i][0] + pairs[i][1]))];
  },
  run(inputs, node) {
    const x = toTensor(required(inputs, 0, node, 'data'));
    const pairs = padPairs(inputs, node, x.rank);
    const first = pairs.findIndex(([b, e]) => b !== 0 || e !== 0);
    if (first === -1) return [fromTensor(x)];
    const value = inputs[2] ? inputs[2].data[0] : 0;
    return [fromTensor(pad(x, pairs.slice(first), { mode: modeOf(node), value }))];
  },
};

/** A Pad node's mode as atrous's padding mode. */
export function modeOf(node: NodeContext): PaddingMode {
  const mode = node.attributes.string('mode', 'constant');
  const mapped = PAD_MODES[mode];
  if (!mapped) throw new OnnxError(node.name, 'mode', `Pad mode ${describeValue(mode)} must be constant, reflect, edge or wrap`);
  return mapped;
}

/** Normalization, softmax, reductions, matrix products and padding. */
export const NORMALIZATION_OPERATORS: Record<string, Operator> = {
  BatchNormalization: batchNormalization, LayerNormalization: layerNormalization, InstanceNormalization: instanceNormalization, Softmax: softmaxLike(false), LogSoftmax: softmaxLike(true),
  MatMul: matMul, Gemm: gemm, ReduceMean: reduce('mean'), ReduceSum: reduce('sum'),
  ReduceL1: generalReduce('ReduceL1'), ReduceL2: generalReduce('ReduceL2'), ReduceSumSquare: generalReduce('ReduceSumSquare'),
  ReduceMax: generalReduce('ReduceMax'), ReduceMin: generalReduce('ReduceMin'), ReduceProd: generalReduce('ReduceProd'), Pad: padOperator,
};


/**
 * Mean and variance of `src[base, base + length)` from sums shifted by the first value (no cancellation when
 * the values sit far from zero): `centred` is the mean minus `first`. Four independent pairs of accumulators, so
 * the loop runs at the adder's throughput rather than its latency.
 */
export function shiftedMoments(src: Float32Array, base: number, length: number): { first: number; centred: number; variance: number } {
  const first = src[base];
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
  const end = base + length;
  let i = base;
  for (; i + 4 <= end; i += 4) {
    const a = src[i] - first, b = src[i + 1] - first, c = src[i + 2] - first, d = src[i + 3] - first;
    s0 += a; s1 += b; s2 += c; s3 += d;
    q0 += a * a; q1 += b * b; q2 += c * c; q3 += d * d;
  }
  for (; i < end; i++) { const v = src[i] - first; s0 += v; q0 += v * v; }
  const centred = (s0 + s1 + s2 + s3) / length;
  return { first, centred, variance: Math.max((q0 + q1 + q2 + q3) / length - centred * centred, 0) };
}
