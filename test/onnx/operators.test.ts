import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OnnxError } from '../../src/errors.js';
import { loadOnnx } from '../../src/onnx/model.js';
import { randn } from '../../src/tensor/random.js';
import { buildModel, type NodeSpec, type TensorSpec } from './build-model.js';
import { relativeError, runOnnxRuntime } from './ort.js';

/** One operator configuration, run by atrous and by onnxruntime-node on the same seeded input. */
interface Case {
  name: string;
  opset?: number;
  shape: number[];
  nodes: NodeSpec[];
  initializers?: TensorSpec[];
}

const ints = (name: string, values: number[]): TensorSpec => ({ name, dims: [values.length], dataType: 7, values });
const floats = (name: string, dims: number[], seed: number): TensorSpec => ({ name, dims, values: Array.from(randn(dims, seed).data) });
const one = (op: string, attributes: NodeSpec['attributes'] = {}, extra: string[] = []): NodeSpec[] => [{ op, inputs: ['x', ...extra], outputs: ['y'], attributes }];

const CASES: Case[] = [
  { name: 'Resize nearest asymmetric floor by scales (PyTorch upsample nearest)', opset: 13, shape: [1, 2, 3, 4], nodes: one('Resize', { mode: { s: 'nearest' }, coordinate_transformation_mode: { s: 'asymmetric' }, nearest_mode: { s: 'floor' } }, ['', 'scales']), initializers: [{ name: 'scales', dims: [4], values: [1, 1, 2, 3] }] },
  { name: 'Resize linear half_pixel to sizes', opset: 13, shape: [1, 2, 5, 7], nodes: one('Resize', { mode: { s: 'linear' }, coordinate_transformation_mode: { s: 'half_pixel' } }, ['', '', 'sizes']), initializers: [ints('sizes', [1, 2, 13, 9])] },
  { name: 'Resize linear align_corners', opset: 11, shape: [1, 1, 4, 6], nodes: one('Resize', { mode: { s: 'linear' }, coordinate_transformation_mode: { s: 'align_corners' } }, ['roi', 'scales']), initializers: [{ name: 'roi', dims: [0], values: [] }, { name: 'scales', dims: [4], values: [1, 1, 2.5, 1.5] }] },
  { name: 'Resize linear pytorch_half_pixel downsampling', opset: 13, shape: [1, 3, 9, 8], nodes: one('Resize', { mode: { s: 'linear' }, coordinate_transformation_mode: { s: 'pytorch_half_pixel' } }, ['', '', 'sizes']), initializers: [ints('sizes', [1, 3, 4, 1])] },
  { name: 'Resize nearest half_pixel round_prefer_ceil on 1-D', opset: 13, shape: [1, 2, 7], nodes: one('Resize', { mode: { s: 'nearest' }, nearest_mode: { s: 'round_prefer_ceil' } }, ['', '', 'sizes']), initializers: [ints('sizes', [1, 2, 16])] },
  { name: 'Resize with axes (opset 18)', opset: 18, shape: [1, 2, 4, 5], nodes: one('Resize', { mode: { s: 'linear' }, axes: { ints: [2, 3] } }, ['', '', 'sizes']), initializers: [ints('sizes', [8, 3])] },
  { name: 'MaxPool 3×3 stride 2 pad 1 ceil_mode', shape: [1, 2, 10, 9], nodes: one('MaxPool', { kernel_shape: { ints: [3, 3] }, strides: { ints: [2, 2] }, pads: { ints: [1, 1, 1, 1] }, ceil_mode: { i: 1 } }) },
  { name: 'MaxPool dilated 1-D', shape: [2, 3, 17], nodes: one('MaxPool', { kernel_shape: { ints: [3] }, dilations: { ints: [3] }, strides: { ints: [1] } }) },
  { name: 'MaxPool SAME_UPPER stride 2', shape: [1, 2, 7, 8], nodes: one('MaxPool', { kernel_shape: { ints: [3, 2] }, strides: { ints: [2, 2] }, auto_pad: { s: 'SAME_UPPER' } }) },
  { name: 'AveragePool pads excluded from the count', shape: [1, 2, 6, 7], nodes: one('AveragePool', { kernel_shape: { ints: [3, 3] }, strides: { ints: [2, 2] }, pads: { ints: [1, 1, 1, 1] } }) },
  { name: 'AveragePool pads included in the count, ceil_mode', shape: [1, 2, 6, 7], nodes: one('AveragePool', { kernel_shape: { ints: [3, 3] }, strides: { ints: [2, 2] }, pads: { ints: [1, 1, 1, 1] }, count_include_pad: { i: 1 }, ceil_mode: { i: 1 } }) },
  { name: 'GlobalAveragePool 3-D', shape: [2, 3, 4, 5, 3], nodes: one('GlobalAveragePool') },
  { name: 'GlobalMaxPool', shape: [2, 3, 4, 5], nodes: one('GlobalMaxPool') },
  { name: 'Conv SAME_LOWER stride 2 with bias (onnxruntime refuses dilation with auto_pad)', shape: [1, 3, 11, 10], nodes: one('Conv', { auto_pad: { s: 'SAME_LOWER' }, strides: { ints: [2, 2] } }, ['w', 'b']), initializers: [floats('w', [4, 3, 3, 3], 2), floats('b', [4], 3)] },
  { name: 'Conv grouped with asymmetric pads', shape: [1, 4, 9, 9], nodes: one('Conv', { group: { i: 2 }, pads: { ints: [0, 2, 1, 0] }, kernel_shape: { ints: [3, 2] } }, ['w']), initializers: [floats('w', [6, 2, 3, 2], 4)] },
  { name: 'Conv 1-D causal-style dilation 4', shape: [1, 2, 30], nodes: one('Conv', { dilations: { ints: [4] }, pads: { ints: [8, 0] } }, ['w']), initializers: [floats('w', [3, 2, 3], 5)] },
  { name: 'Conv 3-D', shape: [1, 2, 5, 6, 4], nodes: one('Conv', { pads: { ints: [1, 1, 0, 1, 1, 0] }, dilations: { ints: [2, 1, 1] } }, ['w']), initializers: [floats('w', [3, 2, 2, 3, 2], 6)] },
  { name: 'ConvTranspose stride 2 output_padding 1 dilated', shape: [1, 3, 5, 4], nodes: one('ConvTranspose', { strides: { ints: [2, 2] }, pads: { ints: [1, 0, 1, 1] }, output_padding: { ints: [1, 1] }, dilations: { ints: [2, 1] } }, ['w', 'b']), initializers: [floats('w', [3, 2, 3, 3], 7), floats('b', [2], 8)] },
  { name: 'ConvTranspose output_shape grouped', shape: [1, 4, 5, 5], nodes: one('ConvTranspose', { strides: { ints: [2, 2] }, output_shape: { ints: [10, 11] }, group: { i: 2 } }, ['w']), initializers: [floats('w', [4, 3, 3, 3], 9)] },
  { name: 'Pad reflect', opset: 13, shape: [1, 2, 5, 6], nodes: one('Pad', { mode: { s: 'reflect' } }, ['pads']), initializers: [ints('pads', [0, 0, 2, 1, 0, 0, 1, 3])] },
  { name: 'Pad edge', opset: 13, shape: [1, 2, 5], nodes: one('Pad', { mode: { s: 'edge' } }, ['pads']), initializers: [ints('pads', [0, 0, 3, 0, 0, 2])] },
  { name: 'Pad constant value with axes (opset 18)', opset: 18, shape: [1, 2, 4, 4], nodes: one('Pad', {}, ['pads', 'value', 'axes']), initializers: [ints('pads', [1, 2, 0, 1]), { name: 'value', dims: [], values: [0.5] }, ints('axes', [2, 3])] },
  { name: 'BatchNormalization', shape: [2, 3, 4, 4], nodes: one('BatchNormalization', { epsilon: { f: 1e-3 } }, ['s', 'b', 'm', 'v']), initializers: [floats('s', [3], 10), floats('b', [3], 11), floats('m', [3], 12), { name: 'v', dims: [3], values: [0.5, 1.5, 2] }] },
  { name: 'Gemm transA transB alpha beta', shape: [5, 3], nodes: one('Gemm', { transA: { i: 1 }, transB: { i: 1 }, alpha: { f: 0.5 }, beta: { f: 2 } }, ['b', 'c']), initializers: [floats('b', [4, 5], 13), floats('c', [4], 14)] },
  { name: 'MatMul with broadcast batch', shape: [2, 1, 3, 4], nodes: one('MatMul', {}, ['b']), initializers: [floats('b', [3, 4, 5], 15)] },
  { name: 'Softmax opset 11 flattens from axis 1', opset: 11, shape: [2, 3, 2, 2], nodes: one('Softmax', { axis: { i: 1 } }) },
  { name: 'Softmax opset 13 along axis 1', opset: 13, shape: [2, 3, 2, 2], nodes: one('Softmax', { axis: { i: 1 } }) },
  { name: 'LogSoftmax last axis', opset: 13, shape: [2, 5], nodes: one('LogSoftmax') },
  { name: 'Slice with negative steps and axes', opset: 13, shape: [2, 3, 8, 7], nodes: one('Slice', {}, ['s', 'e', 'a', 'st']), initializers: [ints('s', [-1, 1]), ints('e', [-9, 100]), ints('a', [2, 3]), ints('st', [-2, 3])] },
  { name: 'Transpose, Reshape with 0 and -1, Flatten', opset: 13, shape: [2, 3, 4, 5], nodes: [
    { op: 'Transpose', inputs: ['x'], outputs: ['t'], attributes: { perm: { ints: [0, 2, 3, 1] } } },
    { op: 'Reshape', inputs: ['t', 'shape'], outputs: ['r'] },
    { op: 'Flatten', inputs: ['r'], outputs: ['y'], attributes: { axis: { i: 2 } } },
  ], initializers: [ints('shape', [0, -1, 6])] },
  { name: 'Squeeze/Unsqueeze by attribute (opset 11)', opset: 11, shape: [2, 1, 3], nodes: [
    { op: 'Squeeze', inputs: ['x'], outputs: ['s'], attributes: { axes: { ints: [1] } } },
    { op: 'Unsqueeze', inputs: ['s'], outputs: ['y'], attributes: { axes: { ints: [0, 3] } } },
  ] },
  { name: 'Squeeze/Unsqueeze by input (opset 13), Concat, Gather, Expand, Tile', opset: 13, shape: [2, 1, 3], nodes: [
    { op: 'Squeeze', inputs: ['x', 'a1'], outputs: ['s'] },
    { op: 'Unsqueeze', inputs: ['s', 'a0'], outputs: ['u'] },
    { op: 'Concat', inputs: ['u', 'u'], outputs: ['c'], attributes: { axis: { i: 0 } } },
    { op: 'Gather', inputs: ['c', 'idx'], outputs: ['g'], attributes: { axis: { i: 2 } } },
    { op: 'Expand', inputs: ['g', 'eshape'], outputs: ['e'] },
    { op: 'Tile', inputs: ['e', 'reps'], outputs: ['y'] },
  ], initializers: [ints('a1', [1]), ints('a0', [0]), ints('idx', [2, 0, -1]), ints('eshape', [3, 2, 2, 3]), ints('reps', [1, 2, 1, 1])] },
  { name: 'activations: LeakyRelu, Sigmoid, Tanh, Erf, HardSigmoid, Clip by inputs', opset: 13, shape: [2, 3, 5], nodes: [
    { op: 'LeakyRelu', inputs: ['x'], outputs: ['a'], attributes: { alpha: { f: 0.2 } } },
    { op: 'Sigmoid', inputs: ['a'], outputs: ['b'] },
    { op: 'Tanh', inputs: ['x'], outputs: ['c'] },
    { op: 'Erf', inputs: ['c'], outputs: ['d'] },
    { op: 'HardSigmoid', inputs: ['x'], outputs: ['e'] },
    { op: 'Sum', inputs: ['b', 'd', 'e'], outputs: ['f'] },
    { op: 'Clip', inputs: ['f', 'lo', 'hi'], outputs: ['y'] },
  ], initializers: [{ name: 'lo', dims: [], values: [0.2] }, { name: 'hi', dims: [], values: [1.7] }] },
  { name: 'Gelu (opset 20), exact and tanh', opset: 20, shape: [3, 7], nodes: [
    { op: 'Gelu', inputs: ['x'], outputs: ['a'] },
    { op: 'Gelu', inputs: ['x'], outputs: ['b'], attributes: { approximate: { s: 'tanh' } } },
    { op: 'Sub', inputs: ['a', 'b'], outputs: ['c'] },
    { op: 'Add', inputs: ['a', 'c'], outputs: ['y'] },
  ] },
  { name: 'arithmetic: Abs, Sqrt, Pow, Div, Where, Equal, Greater', opset: 13, shape: [2, 4], nodes: [
    { op: 'Abs', inputs: ['x'], outputs: ['a'] },
    { op: 'Sqrt', inputs: ['a'], outputs: ['s'] },
    { op: 'Pow', inputs: ['s', 'three'], outputs: ['p'] },
    { op: 'Div', inputs: ['p', 'two'], outputs: ['d'] },
    { op: 'Greater', inputs: ['x', 'zero'], outputs: ['g'] },
    { op: 'Where', inputs: ['g', 'd', 'x'], outputs: ['y'] },
  ], initializers: [{ name: 'three', dims: [], values: [3] }, { name: 'two', dims: [1, 4], values: [1, 2, 3, 4] }, { name: 'zero', dims: [], values: [0] }] },
  { name: 'ReduceMean by attribute (opset 13) and by input (opset 18)', opset: 18, shape: [2, 3, 4], nodes: [
    { op: 'ReduceMean', inputs: ['x', 'axes'], outputs: ['m'], attributes: { keepdims: { i: 1 } } },
    { op: 'ReduceSum', inputs: ['x', 'axes2'], outputs: ['s'], attributes: { keepdims: { i: 1 } } },
    { op: 'Add', inputs: ['m', 's'], outputs: ['y'] },
  ], initializers: [ints('axes', [1, -1]), ints('axes2', [1, 2])] },
  { name: 'opset 21: Pad by axes, Resize, Softmax and Reshape', opset: 21, shape: [1, 2, 3, 4], nodes: [
    { op: 'Pad', inputs: ['x', 'pads', '', 'axes'], outputs: ['p'], attributes: { mode: { s: 'wrap' } } },
    { op: 'Resize', inputs: ['p', '', 'scales'], outputs: ['r'], attributes: { mode: { s: 'linear' } } },
    { op: 'Softmax', inputs: ['r'], outputs: ['s'], attributes: { axis: { i: 1 } } },
    { op: 'Reshape', inputs: ['s', 'shape'], outputs: ['y'] },
  ], initializers: [ints('pads', [1, 2, 0, 1]), ints('axes', [2, 3]), { name: 'scales', dims: [4], values: [1, 1, 2, 2] }, ints('shape', [2, -1])] },
  { name: 'Split by sizes (opset 13) and by num_outputs (opset 18), reassembled in another order', opset: 18, shape: [1, 6, 6], nodes: [
    { op: 'Split', inputs: ['x', 'sizes'], outputs: ['a', 'b'], attributes: { axis: { i: 1 } } },
    { op: 'Split', inputs: ['x'], outputs: ['c', 'd', 'e'], attributes: { axis: { i: 2 }, num_outputs: { i: 3 } } },
    { op: 'Concat', inputs: ['b', 'a'], outputs: ['ba'], attributes: { axis: { i: 1 } } },
    { op: 'Concat', inputs: ['e', 'c', 'd'], outputs: ['ecd'], attributes: { axis: { i: 2 } } },
    { op: 'Add', inputs: ['ba', 'ecd'], outputs: ['y'] },
  ], initializers: [ints('sizes', [2, 4])] },
  { name: 'PRelu with a per-channel slope, ArgMax over channels', opset: 13, shape: [2, 3, 5], nodes: [
    { op: 'PRelu', inputs: ['x', 'slope'], outputs: ['p'] },
    { op: 'ArgMax', inputs: ['p'], outputs: ['i'], attributes: { axis: { i: 1 }, keepdims: { i: 0 } } },
    { op: 'Cast', inputs: ['i'], outputs: ['f'], attributes: { to: { i: 1 } } },
    { op: 'Unsqueeze', inputs: ['f', 'one'], outputs: ['u'] },
    { op: 'Mul', inputs: ['p', 'u'], outputs: ['y'] },
  ], initializers: [{ name: 'slope', dims: [3, 1], values: [0.1, 0.5, -0.3] }, ints('one', [1])] },
  { name: 'LayerNormalization over the last axis and over the last two (opset 17)', opset: 17, shape: [2, 3, 4, 5], nodes: [
    { op: 'LayerNormalization', inputs: ['x', 'g', 'b'], outputs: ['a'], attributes: { epsilon: { f: 1e-3 } } },
    { op: 'LayerNormalization', inputs: ['a', 'g2'], outputs: ['y'], attributes: { axis: { i: -2 } } },
  ], initializers: [floats('g', [5], 21), floats('b', [5], 22), floats('g2', [4, 5], 23)] },
  { name: 'ReduceMean by attribute (opset 13)', opset: 13, shape: [2, 3, 4], nodes: one('ReduceMean', { axes: { ints: [2] }, keepdims: { i: 0 } }) },
  { name: 'Einsum as PyTorch exports it: batched attention with spaces (MaxViT), a table product (MViT-V2), ellipsis, implicit output, a diagonal', opset: 13, shape: [2, 3, 4, 5], nodes: [
    { op: 'Einsum', inputs: ['x', 'x'], outputs: ['scores'], attributes: { equation: { s: 'B H I D, B H J D -> B H I J' } } },
    { op: 'Einsum', inputs: ['scores', 'x'], outputs: ['mixed'], attributes: { equation: { s: 'bhij,bhjd->bhid' } } },
    { op: 'Einsum', inputs: ['mixed', 'table'], outputs: ['rel'], attributes: { equation: { s: 'bhwc,wkc->bhwk' } } },
    { op: 'Einsum', inputs: ['rel', 'square'], outputs: ['e'], attributes: { equation: { s: '...k,kj' } } },
    { op: 'Einsum', inputs: ['square'], outputs: ['diag'], attributes: { equation: { s: 'ii->i' } } },
    { op: 'Mul', inputs: ['e', 'diag'], outputs: ['y'] },
  ], initializers: [floats('table', [4, 6, 5], 41), floats('square', [6, 6], 42)] },
  { name: 'ReduceL2 (F.normalize in Swin-V2), L1, SumSquare, Max, Min, Prod over axes, kept or dropped', opset: 13, shape: [2, 3, 4], nodes: [
    { op: 'ReduceL2', inputs: ['x'], outputs: ['l2'], attributes: { axes: { ints: [-1] }, keepdims: { i: 1 } } },
    { op: 'Div', inputs: ['x', 'l2'], outputs: ['unit'] },
    { op: 'ReduceL1', inputs: ['x'], outputs: ['l1'], attributes: { axes: { ints: [0, 2] }, keepdims: { i: 1 } } },
    { op: 'ReduceSumSquare', inputs: ['x'], outputs: ['sq'], attributes: { axes: { ints: [1] }, keepdims: { i: 1 } } },
    { op: 'ReduceMax', inputs: ['x'], outputs: ['mx'], attributes: { axes: { ints: [1] }, keepdims: { i: 1 } } },
    { op: 'ReduceMin', inputs: ['x'], outputs: ['mn'], attributes: { keepdims: { i: 1 } } },
    { op: 'ReduceProd', inputs: ['x'], outputs: ['pr'], attributes: { axes: { ints: [2] }, keepdims: { i: 0 } } },
    { op: 'Unsqueeze', inputs: ['pr', 'last'], outputs: ['pr1'] },
    { op: 'Add', inputs: ['unit', 'l1'], outputs: ['a'] },
    { op: 'Add', inputs: ['a', 'sq'], outputs: ['b'] },
    { op: 'Sub', inputs: ['b', 'mx'], outputs: ['c'] },
    { op: 'Mul', inputs: ['c', 'mn'], outputs: ['d'] },
    { op: 'Add', inputs: ['d', 'pr1'], outputs: ['y'] },
  ], initializers: [ints('last', [2])] },
  { name: 'InstanceNormalization 2-D with epsilon', shape: [2, 3, 5, 7], nodes: one('InstanceNormalization', { epsilon: { f: 1e-3 } }, ['s', 'b']), initializers: [floats('s', [3], 31), floats('b', [3], 32)] },
  { name: 'InstanceNormalization 1-D (GroupNorm(1, C) as PyTorch exports it: reshape, normalize, reshape, affine)', opset: 13, shape: [2, 4, 9], nodes: [
    { op: 'Reshape', inputs: ['x', 'grouped'], outputs: ['r'] },
    { op: 'InstanceNormalization', inputs: ['r', 'ones', 'zeros'], outputs: ['n'], attributes: { epsilon: { f: 1e-8 } } },
    { op: 'Reshape', inputs: ['n', 'back'], outputs: ['u'] },
    { op: 'Mul', inputs: ['u', 'g'], outputs: ['m'] },
    { op: 'Add', inputs: ['m', 'b'], outputs: ['y'] },
  ], initializers: [ints('grouped', [2, 1, -1]), { name: 'ones', dims: [1], values: [1] }, { name: 'zeros', dims: [1], values: [0] }, ints('back', [2, 4, 9]), floats('g', [4, 1], 33), floats('b', [4, 1], 34)] },
  { name: 'InstanceNormalization 3-D', shape: [1, 2, 3, 4, 5], nodes: one('InstanceNormalization', {}, ['s', 'b']), initializers: [floats('s', [2], 35), floats('b', [2], 36)] },
  { name: 'MaxPool Indices (flat over the whole tensor), as floats', shape: [2, 3, 7, 6], nodes: [
    { op: 'MaxPool', inputs: ['x'], outputs: ['p', 'i'], attributes: { kernel_shape: { ints: [3, 2] }, strides: { ints: [2, 2] }, pads: { ints: [1, 0, 1, 0] } } },
    { op: 'Cast', inputs: ['i'], outputs: ['f'], attributes: { to: { i: 1 } } },
    { op: 'Add', inputs: ['f', 'p'], outputs: ['y'] },
  ] },
  { name: 'MaxPool → MaxUnpool 2×2 (SegNet, ENet)', shape: [2, 3, 8, 6], nodes: [
    { op: 'MaxPool', inputs: ['x'], outputs: ['p', 'i'], attributes: { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } } },
    { op: 'MaxUnpool', inputs: ['p', 'i'], outputs: ['y'], attributes: { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } } },
  ] },
  { name: 'MaxPool → MaxUnpool with pads and output_shape (odd sizes), 1-D and dilated pool', opset: 13, shape: [1, 2, 9, 7], nodes: [
    { op: 'MaxPool', inputs: ['x'], outputs: ['p', 'i'], attributes: { kernel_shape: { ints: [3, 3] }, strides: { ints: [2, 2] }, pads: { ints: [1, 1, 1, 1] } } },
    { op: 'MaxUnpool', inputs: ['p', 'i', 'shape'], outputs: ['y'], attributes: { kernel_shape: { ints: [3, 3] }, strides: { ints: [2, 2] }, pads: { ints: [1, 1, 1, 1] } } },
  ], initializers: [ints('shape', [1, 2, 9, 7])] },
  { name: 'ScatterND of rows and of single elements, with add (opset 16)', opset: 16, shape: [4, 3, 5], nodes: [
    { op: 'ScatterND', inputs: ['x', 'rows', 'u1'], outputs: ['a'] },
    { op: 'ScatterND', inputs: ['a', 'cells', 'u2'], outputs: ['y'], attributes: { reduction: { s: 'add' } } },
  ], initializers: [{ name: 'rows', dims: [2, 2], dataType: 7, values: [0, 1, 3, -1] }, floats('u1', [2, 5], 41), { name: 'cells', dims: [3, 3], dataType: 7, values: [1, 2, 4, 2, 0, 0, 1, 2, 4] }, floats('u2', [3], 42)] },
  { name: 'MaxPool Indices 1-D dilated, 3-D', opset: 13, shape: [1, 2, 4, 5, 6], nodes: [
    { op: 'MaxPool', inputs: ['x'], outputs: ['p', 'i'], attributes: { kernel_shape: { ints: [2, 2, 2] }, strides: { ints: [2, 1, 2] }, dilations: { ints: [1, 2, 1] } } },
    { op: 'Cast', inputs: ['i'], outputs: ['y'], attributes: { to: { i: 1 } } },
  ] },
];

describe('every operator equals onnxruntime-node (relative error ≤ 1e-5)', () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const bytes = buildModel({ opset: c.opset ?? 13, inputs: [{ name: 'x', dims: c.shape }], outputs: [{ name: 'y' }], nodes: c.nodes, initializers: c.initializers });
      const x = randn(c.shape, 1);
      const expected = (await runOnnxRuntime(bytes, { x })).y;
      const actual = loadOnnx(bytes).run({ x }).y;
      assert.deepEqual(actual.shape, expected.shape);
      assert.ok(relativeError(actual, expected) <= 1e-5, `relative error ${relativeError(actual, expected)}`);
    });
  }
});

describe('malformed Einsum equations are refused naming the node and the equation', () => {
  for (const [equation, why] of [['ij,jk', /2 operand terms for 1 inputs/], ['i1->i', /uses "1"/], ['ij->ik', /outputs k, which no operand has/], ['ijk->i', /indexes 3 axes of an operand with 2/]] as const) {
    test(equation, () => {
      const bytes = buildModel({ inputs: [{ name: 'x', dims: [2, 3] }], outputs: [{ name: 'y' }], nodes: [{ op: 'Einsum', inputs: ['x'], outputs: ['y'], name: 'mix', attributes: { equation: { s: equation } } }] });
      assert.throws(() => loadOnnx(bytes).plan({ x: [2, 3] }), (e: unknown) => e instanceof OnnxError && /mix/.test(e.message) && why.test(e.message));
    });
  }
});
