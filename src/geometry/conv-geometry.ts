import { OptionError, ShapeError, describeValue } from '../errors.js';
import { convOutputSize, effectiveKernelSize, transposedOutputSize } from './conv-arithmetic.js';
import { checkTensorAllocation } from '../tensor/memory-budget.js';
import { checkPaddingMode, resolvePadding, type Padding, type PaddingMode } from './padding.js';

/**
 * Everything a convolution kernel needs to know, computed once per call (tfjs's `computeConv2DInfo`, N-D).
 * Dimension letters: N batch, C channels (`inChannels`/`outChannels`, split into `groups`), spatial sizes per dim.
 *
 * Kernels read input index `o·stride − padBefore + t·dilation` for output `o` and tap `t` and treat indices
 * outside `[0, inSize)` as zeros; `padAfter` is informative (the kernels bound by `inSize` and `outSize`).
 */
export interface ConvGeometry {
  /** The op the geometry was computed for, used in error messages. */
  op: string;
  batch: number;
  inChannels: number;
  outChannels: number;
  groups: number;
  /** Spatial input size per dimension. */
  inSize: number[];
  kernelSize: number[];
  stride: number[];
  dilation: number[];
  padBefore: number[];
  padAfter: number[];
  /** Spatial output size per dimension. */
  outSize: number[];
  /** How padded positions are filled; kernels see only `'zeros'`, the op materializes the others. */
  paddingMode: PaddingMode;
}

/** Options shared by `conv` and its backward pass. */
export interface ConvGeometryOptions {
  stride?: number | readonly number[];
  padding?: Padding;
  dilation?: number | readonly number[];
  groups?: number;
  paddingMode?: PaddingMode;
}

/** Options of `convTranspose` that shape its geometry. */
export interface ConvTransposeGeometryOptions {
  stride?: number | readonly number[];
  padding?: number | readonly number[] | readonly (readonly number[])[] | 'valid';
  outputPadding?: number | readonly number[];
  dilation?: number | readonly number[];
  groups?: number;
}

const MAX_SPATIAL_DIMS = 3;

/**
 * The most values one tensor may hold: a Float32Array in V8 holds at most 2^32 − 1, and a conv that asks for more
 * (a typo like `padding: 1e9`) should be told so by name rather than die in the allocator.
 */
export const MAX_TENSOR_VALUES = 2 ** 32 - 1;

/**
 * Validates the shapes and options of `conv(x, w, options)` and computes its geometry.
 * `x` is `[N, Cin, ...spatial]`, `w` is `[Cout, Cin/groups, ...kernel]` (PyTorch layout).
 *
 * @example
 * computeConvGeometry('conv', [1, 64, 56, 56], [128, 64, 3, 3], { dilation: 2, padding: 2 }).outSize // [56, 56]
 */
export function computeConvGeometry(
  op: string, xShape: readonly number[], wShape: readonly number[], options: ConvGeometryOptions = {},
): ConvGeometry {
  checkOptions(op, options);
  const rank = checkRanks(op, xShape, wShape);
  const groups = checkGroups(op, options.groups);
  const [batch, inChannels] = xShape;
  const [outChannels, inPerGroup] = wShape;
  if (inChannels % groups !== 0) {
    throw new ShapeError(op, 'groups', `groups ${groups} does not divide the ${inChannels} input channels (x shape ${describeValue(xShape)}); use a divisor of ${inChannels}`);
  }
  if (inPerGroup * groups !== inChannels) {
    throw new ShapeError(op, 'weight', `weight shape ${describeValue(wShape)} expects ${inPerGroup} input channels per group × ${groups} group(s) = ${inPerGroup * groups}, but the input has ${inChannels} channels (x shape ${describeValue(xShape)}); weights are [Cout, Cin/groups, ...kernel]`);
  }
  if (outChannels % groups !== 0) {
    throw new ShapeError(op, 'weight', `weight has ${outChannels} output channels, which ${groups} groups do not divide; use a multiple of ${groups}`);
  }
  const inSize = xShape.slice(2);
  const kernelSize = wShape.slice(2);
  const stride = perDimension(op, 'stride', options.stride ?? 1, rank);
  const dilation = perDimension(op, 'dilation', options.dilation ?? 1, rank);
  const pads = resolvePadding(op, options.padding, { inSize, kernelSize, stride, dilation });
  checkSafePadded(op, options.padding, inSize, pads);
  const paddingMode = checkPaddingMode(op, options.paddingMode ?? 'zeros', pads, inSize);
  const outSize = inSize.map((n, i) => convOutputSize(n, kernelSize[i], stride[i], dilation[i], pads.before[i], pads.after[i]));
  if (outSize.some((n) => n < 1)) {
    const padded = inSize.map((n, i) => n + pads.before[i] + pads.after[i]);
    const span = kernelSize.map((k, i) => effectiveKernelSize(k, dilation[i]));
    const suggestion = kernelSize.map((k, i) => Math.ceil((span[i] - inSize[i]) / 2)).map((p) => Math.max(p, 0));
    throw new ShapeError(op, 'input',
      `effective kernel ${span.join('×')} (k=${compact(kernelSize)}, d=${compact(dilation)}) is larger than the padded input ${padded.join('×')}; ` +
      `pad the input (e.g. padding: ${compact(suggestion)} or padding: "same") or use a smaller dilation`);
  }
  const padded = inSize.map((n, i) => n + pads.before[i] + pads.after[i]);
  checkTensorSize(op, 'padding', 'output', [batch, outChannels, ...outSize]);
  if (paddingMode !== 'zeros') checkTensorSize(op, 'padding', 'padded input', [batch, inChannels, ...padded]);
  return {
    op, batch, inChannels, outChannels, groups, inSize, kernelSize, stride, dilation,
    padBefore: pads.before, padAfter: pads.after, outSize, paddingMode,
  };
}

/**
 * Validates `convTranspose(x, w, options)` and returns the geometry of the convolution it is the adjoint of:
 * its `inSize` is the transposed output size, its `outSize` the transposed input size, and its weight layout
 * `[Cin_t, Cout_t/groups, ...k]` is exactly the conv layout `[Cout, Cin/groups, ...k]`.
 *
 * @example
 * computeConvTransposeGeometry('convTranspose', [1, 8, 16, 16], [8, 4, 3, 3], { stride: 2, padding: 1, outputPadding: 1 }).inSize // [32, 32]
 */
export function computeConvTransposeGeometry(
  op: string, xShape: readonly number[], wShape: readonly number[], options: ConvTransposeGeometryOptions = {},
): ConvGeometry {
  checkOptions(op, options);
  const rank = checkRanks(op, xShape, wShape);
  const groups = checkGroups(op, options.groups);
  const [batch, inChannels] = xShape;
  const [weightIn, outPerGroup] = wShape;
  const paddingMode = (options as { paddingMode?: unknown }).paddingMode;
  if (paddingMode !== undefined && paddingMode !== 'zeros') {
    throw new OptionError(op, 'paddingMode', `paddingMode ${describeValue(paddingMode)} is not supported for transposed convolution (as in PyTorch); only "zeros" is`);
  }
  if (weightIn !== inChannels) {
    throw new ShapeError(op, 'weight', `weight shape ${describeValue(wShape)} has ${weightIn} input channels but the input has ${inChannels} (x shape ${describeValue(xShape)}); transposed weights are [Cin, Cout/groups, ...kernel]`);
  }
  if (inChannels % groups !== 0) {
    throw new ShapeError(op, 'groups', `groups ${groups} does not divide the ${inChannels} input channels`);
  }
  const inSize = xShape.slice(2);
  const kernelSize = wShape.slice(2);
  const stride = perDimension(op, 'stride', options.stride ?? 1, rank);
  const dilation = perDimension(op, 'dilation', options.dilation ?? 1, rank);
  if (options.padding === 'same' as unknown || options.padding === 'causal' as unknown) {
    throw new OptionError(op, 'padding', `padding ${describeValue(options.padding)} is not defined for transposed convolution (as in PyTorch); give explicit amounts`);
  }
  const pads = resolvePadding(op, options.padding, { inSize, kernelSize, stride, dilation });
  checkSafePadded(op, options.padding, inSize, pads);
  inSize.forEach((n, i) => {
    if (!Number.isSafeInteger((n - 1) * stride[i])) {
      throw new OptionError(op, 'stride', `stride ${describeValue(options.stride)} spreads ${n} inputs over ${(n - 1) * stride[i]} positions in spatial dimension ${i}, past 2^53 where positions stay exact; use a smaller stride`);
    }
  });
  const outputPadding = perDimension(op, 'outputPadding', options.outputPadding ?? 0, rank, 0);
  outputPadding.forEach((p, i) => {
    if (p >= Math.max(stride[i], dilation[i])) {
      throw new OptionError(op, 'outputPadding', `outputPadding ${describeValue(options.outputPadding)} must be smaller than stride or dilation in each dimension (dimension ${i}: stride ${stride[i]}, dilation ${dilation[i]})`);
    }
  });
  const outSize = inSize.map((n, i) => transposedOutputSize(n, kernelSize[i], stride[i], dilation[i], pads.before[i], pads.after[i], outputPadding[i]));
  if (outSize.some((n) => n < 1)) {
    throw new ShapeError(op, 'padding', `padding ${describeValue(options.padding)} leaves an output of size ${outSize.join('×')}; reduce the padding (at most ${inSize.map((n, i) => Math.floor(((n - 1) * stride[i] + effectiveKernelSize(kernelSize[i], dilation[i]) - 1) / 2)).join('×')} on each side)`);
  }
  checkTensorSize(op, 'stride', 'output', [batch, outPerGroup * groups, ...outSize]);
  return {
    op, batch, inChannels: outPerGroup * groups, outChannels: inChannels, groups,
    inSize: outSize, kernelSize, stride, dilation,
    padBefore: pads.before, padAfter: pads.after.map((p, i) => p - outputPadding[i]),
    outSize: inSize, paddingMode: 'zeros',
  };
}

/** A number or one number per spatial dimension, as positive integers (or ≥ `min`). */
export function perDimension(op: string, argument: string, value: unknown, rank: number, min = 1): number[] {
  const values = typeof value === 'number' ? Array(rank).fill(value) : value;
  const valid = Array.isArray(values) && values.length === rank &&
    values.every((v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= min);
  if (!valid) {
    const kind = min === 1 ? 'positive integer' : `integer ≥ ${min}`;
    throw new OptionError(op, argument, `${argument} ${describeValue(value)} must be a ${kind} or ${rank} of them (one per spatial dimension), each below 2^53`);
  }
  return (values as number[]).slice();
}

/** The geometry after padding has been written into the input: no implicit padding, mode zeros. */
export function withMaterializedPadding(g: ConvGeometry): ConvGeometry {
  return {
    ...g,
    inSize: g.inSize.map((n, i) => n + g.padBefore[i] + g.padAfter[i]),
    padBefore: g.padBefore.map(() => 0),
    padAfter: g.padAfter.map(() => 0),
    paddingMode: 'zeros',
  };
}

/** Number of spatial positions: the product of a size. */
export function spatialSize(size: readonly number[]): number {
  if (!Array.isArray(size)) throw new ShapeError('spatialSize', 'size', `size ${describeValue(size)} must be an array of sizes`);
  return size.reduce((a, b) => a * b, 1);
}

function checkRanks(op: string, xShape: readonly number[], wShape: readonly number[]): number {
  for (const [argument, shape] of [['input', xShape], ['weight', wShape]] as const) {
    if (!Array.isArray(shape) || !shape.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0)) {
      throw new ShapeError(op, argument, `${argument} shape ${describeValue(shape)} must be an array of non-negative integers below 2^53`);
    }
  }
  if (xShape.length < 3 || xShape.length > MAX_SPATIAL_DIMS + 2) {
    throw new ShapeError(op, 'input', `input shape ${describeValue(xShape)} must be [N, C, ...spatial] with 1 to ${MAX_SPATIAL_DIMS} spatial dimensions; add a batch dimension with x.reshape([1, ...x.shape]) if it is missing`);
  }
  if (wShape.length !== xShape.length) {
    throw new ShapeError(op, 'weight', `weight shape ${describeValue(wShape)} has rank ${wShape.length} but the input ${describeValue(xShape)} has rank ${xShape.length}; they must match`);
  }
  if (xShape[1] < 1 || wShape.some((n) => n < 1)) {
    throw new ShapeError(op, 'weight', `input channels and every weight dimension must be at least 1 (x ${describeValue(xShape)}, weight ${describeValue(wShape)})`);
  }
  if (xShape.slice(2).some((n) => n < 1)) {
    throw new ShapeError(op, 'input', `input shape ${describeValue(xShape)} has an empty spatial dimension; every spatial size must be at least 1 (only the batch may be 0)`);
  }
  return xShape.length - 2;
}

/** The padded extent `in + before + after` must be an exact integer too (padding 2^52 on both sides is not). */
function checkSafePadded(op: string, padding: unknown, inSize: readonly number[], pads: { before: number[]; after: number[] }): void {
  inSize.forEach((n, i) => {
    const padded = n + pads.before[i] + pads.after[i];
    if (!Number.isSafeInteger(padded)) {
      throw new OptionError(op, 'padding', `padding ${describeValue(padding)} makes spatial dimension ${i} ${padded} positions long, past 2^53 where positions stay exact; use less padding`);
    }
  });
}

function checkOptions(op: string, options: unknown): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new OptionError(op, 'options', `options ${describeValue(options)} must be an object such as { stride: 2, dilation: 2, padding: "same" }`);
  }
}

function checkTensorSize(op: string, argument: string, what: string, shape: readonly number[]): void {
  const values = shape.reduce((a, b) => a * b, 1);
  if (values > MAX_TENSOR_VALUES) {
    throw new ShapeError(op, argument, `the ${what} would be ${shape.join('×')} = ${values} values, more than the ${MAX_TENSOR_VALUES} one float32 tensor can hold; check ${argument} and the input size`);
  }
  checkTensorAllocation(op, what, values);
}

function checkGroups(op: string, groups: unknown): number {
  if (groups === undefined) return 1;
  if (typeof groups !== 'number' || !Number.isInteger(groups) || groups < 1) {
    throw new OptionError(op, 'groups', `groups ${describeValue(groups)} must be a positive integer`);
  }
  return groups;
}

/** `3` when every entry is 3, else `3×5`. */
function compact(values: readonly number[]): string {
  return values.every((v) => v === values[0]) ? String(values[0]) : values.join('×');
}
