import { OnnxError, describeValue } from '../../errors.js';
import { effectiveKernelSize } from '../../geometry/conv-arithmetic.js';
import { computeConvGeometry, computeConvTransposeGeometry } from '../../geometry/conv-geometry.js';
import { resolvePadding } from '../../geometry/padding.js';
import { convWithEpilogue } from '../../ops/conv.js';
import { convOutputLength } from '../../kernels/epilogue.js';
import { convTranspose } from '../../ops/conv-transpose.js';
import { fromTensor, toTensor } from '../value.js';
import { checkFloat, required } from './helpers.js';
import type { NodeContext, Operator } from './operator.js';

/** A Conv/ConvTranspose/pooling node's window attributes, one entry per spatial dimension. */
export interface WindowAttributes {
  kernel: number[];
  stride: number[];
  dilation: number[];
  /** Explicit `[before, after]` per spatial dimension (auto_pad resolved for the given input size). */
  padding: [number, number][];
}

/**
 * Reads `kernel_shape`, `strides`, `dilations`, `pads` and `auto_pad` for an input of spatial size `inSize`.
 * ONNX's `pads` lists all begins then all ends; `SAME_UPPER` is atrous's `'same'`, `SAME_LOWER` the same total
 * with the odd extra before.
 */
export function windowAttributes(node: NodeContext, inSize: readonly number[], kernelFromWeight?: readonly number[]): WindowAttributes {
  const rank = inSize.length;
  const a = node.attributes;
  const kernel = a.has('kernel_shape') ? a.ints('kernel_shape') : kernelFromWeight?.slice();
  if (!kernel || kernel.length !== rank) throw new OnnxError(node.name, 'kernel_shape', `kernel_shape ${describeValue(kernel)} must have one entry per spatial dimension (${rank})`);
  const stride = a.ints('strides', Array(rank).fill(1));
  const dilation = a.ints('dilations', Array(rank).fill(1));
  for (const [name, list] of [['strides', stride], ['dilations', dilation]] as const) {
    if (list.length !== rank || list.some((v) => !Number.isInteger(v) || v < 1)) {
      throw new OnnxError(node.name, name, `${name} ${describeValue(list)} must be ${rank} positive integers`);
    }
  }
  const autoPad = a.string('auto_pad', 'NOTSET');
  let padding: [number, number][];
  if (autoPad === 'NOTSET') {
    const pads = a.ints('pads', Array(2 * rank).fill(0));
    if (pads.length !== 2 * rank || pads.some((p) => !Number.isInteger(p) || p < 0)) {
      throw new OnnxError(node.name, 'pads', `pads ${describeValue(pads)} must be ${2 * rank} non-negative integers (all begins, then all ends)`);
    }
    padding = kernel.map((_, i) => [pads[i], pads[i + rank]]);
  } else if (autoPad === 'VALID') {
    padding = kernel.map(() => [0, 0]);
  } else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const same = resolvePadding(node.name, 'same', { inSize, kernelSize: kernel, stride, dilation });
    padding = kernel.map((_, i) => (autoPad === 'SAME_UPPER' ? [same.before[i], same.after[i]] : [same.after[i], same.before[i]]));
  } else {
    throw new OnnxError(node.name, 'auto_pad', `auto_pad ${describeValue(autoPad)} must be NOTSET, SAME_UPPER, SAME_LOWER or VALID`);
  }
  return { kernel, stride, dilation, padding };
}

/** Conv's options (stride, dilation, explicit padding, groups) for the given input and weight shapes. */
export function convOptions(node: NodeContext, xShape: readonly number[], wShape: readonly number[]) {
  const w = windowAttributes(node, xShape.slice(2), wShape.slice(2));
  if (w.kernel.some((k, i) => k !== wShape[i + 2])) {
    throw new OnnxError(node.name, 'kernel_shape', `kernel_shape ${describeValue(w.kernel)} disagrees with the weight's shape ${describeValue(wShape)}`);
  }
  return { stride: w.stride, dilation: w.dilation, padding: w.padding, groups: node.attributes.int('group', 1) };
}

const convOperator: Operator = {
  infer(inputs, node) {
    const x = required(inputs, 0, node, 'X'), w = required(inputs, 1, node, 'W');
    checkFloat(node, x);
    const g = computeConvGeometry(node.name, x.shape, w.shape, convOptions(node, x.shape, w.shape));
    return [{ type: 'float', shape: [g.batch, g.outChannels, ...g.outSize] }];
  },
  run(inputs, node, arena) {
    const x = required(inputs, 0, node, 'X'), w = required(inputs, 1, node, 'W'), b = inputs[2];
    const options = { ...convOptions(node, x.shape, w.shape), bias: b && toTensor(b) };
    const g = computeConvGeometry(node.name, x.shape, w.shape, options);
    const out = arena?.take(convOutputLength(g)) ?? null;
    return [fromTensor(convWithEpilogue(toTensor(x), toTensor(w), options, null, out))];
  },
};

/** ConvTranspose's options, with `output_shape` and `auto_pad` turned into explicit padding. */
export function convTransposeOptions(node: NodeContext, xShape: readonly number[], wShape: readonly number[]) {
  const a = node.attributes;
  const inSize = xShape.slice(2);
  const rank = inSize.length;
  const kernel = a.ints('kernel_shape', wShape.slice(2));
  const stride = a.ints('strides', Array(rank).fill(1));
  const dilation = a.ints('dilations', Array(rank).fill(1));
  const outputPadding = a.ints('output_padding', Array(rank).fill(0));
  const autoPad = a.string('auto_pad', 'NOTSET');
  let padding: [number, number][];
  const outputShape = a.has('output_shape') ? a.ints('output_shape').slice(-rank) : undefined;
  if (outputShape || autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const target = outputShape ?? inSize.map((n, i) => n * stride[i]);
    padding = inSize.map((n, i) => {
      const total = stride[i] * (n - 1) + outputPadding[i] + effectiveKernelSize(kernel[i], dilation[i]) - target[i];
      if (total < 0) throw new OnnxError(node.name, 'output_shape', `output_shape ${describeValue(outputShape)} is larger than ConvTranspose can produce from input ${describeValue(inSize)}`);
      const small = Math.floor(total / 2);
      return autoPad === 'SAME_UPPER' ? [small, total - small] : [total - small, small];
    });
  } else if (autoPad === 'VALID') {
    padding = inSize.map(() => [0, 0]);
  } else {
    const pads = a.ints('pads', Array(2 * rank).fill(0));
    if (pads.length !== 2 * rank) throw new OnnxError(node.name, 'pads', `pads ${describeValue(pads)} must have ${2 * rank} entries`);
    padding = inSize.map((_, i) => [pads[i], pads[i + rank]]);
  }
  return { stride, dilation, padding, outputPadding, groups: a.int('group', 1) };
}

const convTransposeOperator: Operator = {
  infer(inputs, node) {
    const x = required(inputs, 0, node, 'X'), w = required(inputs, 1, node, 'W');
    checkFloat(node, x);
    const g = computeConvTransposeGeometry(node.name, x.shape, w.shape, convTransposeOptions(node, x.shape, w.shape));
    return [{ type: 'float', shape: [g.batch, g.inChannels, ...g.inSize] }];
  },
  run(inputs, node) {
    const x = required(inputs, 0, node, 'X'), w = required(inputs, 1, node, 'W'), b = inputs[2];
    return [fromTensor(convTranspose(toTensor(x), toTensor(w), { ...convTransposeOptions(node, x.shape, w.shape), bias: b && toTensor(b) }))];
  },
};

/** Convolutions, through atrous's `conv`/`convTranspose` and therefore its fast kernels. */
export const CONV_OPERATORS: Record<string, Operator> = { Conv: convOperator, ConvTranspose: convTransposeOperator };
