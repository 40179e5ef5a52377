import { MemoryLimitError, OptionError, ShapeError, describeValue } from '../errors.js';
import { checkTensorAllocation } from '../tensor/memory-budget.js';
import { allocatedSize } from '../tensor/tensor.js';
import { checkTensor } from './bias.js';
import { checkPaddingMode, sourceIndex, type PaddingMode } from '../geometry/padding.js';
import { spatialSize } from '../geometry/conv-geometry.js';
import { Tensor } from '../tensor/tensor.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** Options of {@link pad}. */
export interface PadOptions {
  /** How the new positions are filled; `'zeros'` fills with `value`. */
  mode?: PaddingMode;
  /** Fill value for `'zeros'` mode (default 0). */
  value?: number;
}

/**
 * Pads the trailing dimensions of `x`: `padding[j] = [before, after]` for the j-th of the last `padding.length`
 * dimensions (natural order, unlike `torch.nn.functional.pad`'s reversed flat list). A number pads every
 * dimension after the first two (N, C) by that amount on both sides.
 *
 * @example
 * pad(tensor([1, 2, 3], [1, 1, 3]), [[2, 1]], { mode: 'reflect' }).data // [3, 2, 1, 2, 3, 2]
 */
export function pad(x: Tensor, padding: number | readonly (readonly number[])[], options: PadOptions = {}): Tensor {
  checkOptionKeys('pad', options, optionKeys<typeof options>({ mode: true, value: true }));
  checkTensor('pad', 'input', x);
  if (options.value !== undefined && (typeof options.value !== 'number' || Number.isNaN(options.value))) throw new OptionError('pad', 'value', `value ${describeValue(options.value)} must be a number (±Infinity allowed, NaN not)`);
  const value = options.value ?? 0;
  const pairs = padPairs('pad', x.shape, padding);
  const lead = x.rank - pairs.length;
  const inSize = x.shape.slice(lead);
  const before = pairs.map((p) => p[0]);
  const after = pairs.map((p) => p[1]);
  const mode = checkPaddingMode('pad', options.mode ?? 'zeros', { before, after }, inSize);
  const outer = spatialSize(x.shape.slice(0, lead));
  const outShape = [...x.shape.slice(0, lead), ...inSize.map((n, i) => n + before[i] + after[i])];
  checkPaddedSize('pad', 'output', outShape, outer);
  if (outer === 0) return new Tensor(new Float32Array(0), outShape);
  const data = padData(x.data, outer, inSize, before, after, mode, value);
  return new Tensor(data, outShape);
}

/**
 * The gradient of {@link pad}: each padded position's gradient flows back to the input position it copied
 * (several for reflect/replicate/circular), nothing for constant fill.
 */
export function padBackward(gradOutput: Tensor, inputShape: readonly number[], padding: number | readonly (readonly number[])[], mode: PaddingMode = 'zeros'): Tensor {
  checkTensor('padBackward', 'gradOutput', gradOutput);
  allocatedSize(inputShape, 'padBackward');
  const pairs = padPairs('padBackward', inputShape, padding);
  const lead = inputShape.length - pairs.length;
  const inSize = inputShape.slice(lead);
  const before = pairs.map((p) => p[0]);
  const after = pairs.map((p) => p[1]);
  const expected = [...inputShape.slice(0, lead), ...inSize.map((n, i) => n + before[i] + after[i])];
  if (gradOutput.shape.join() !== expected.join()) {
    throw new ShapeError('padBackward', 'gradOutput', `gradOutput shape ${describeValue(gradOutput.shape)} must be the padded shape ${describeValue(expected)}`);
  }
  const outer = spatialSize(inputShape.slice(0, lead));
  checkPaddedSize('padBackward', 'input gradient', inputShape, outer);
  if (outer === 0) return new Tensor(new Float32Array(0), inputShape);
  return new Tensor(foldPaddingData(gradOutput.data, outer, inSize, before, after, mode), inputShape);
}

/**
 * Raw padding: `x` is `outer` blocks of `inSize`; returns `outer` blocks of the padded size.
 */
export function padData(
  x: Float32Array, outer: number, inSize: readonly number[], before: readonly number[], after: readonly number[],
  mode: PaddingMode, value = 0,
): Float32Array {
  const source = paddedSourceMap(inSize, before, after, mode);
  const I = spatialSize(inSize), Q = source.length;
  const out = new Float32Array(outer * Q);
  for (let b = 0; b < outer; b++) {
    for (let q = 0; q < Q; q++) {
      const s = source[q];
      out[b * Q + q] = s >= 0 ? x[b * I + s] : value;
    }
  }
  return out;
}

/** Raw gradient of {@link padData}: sums each padded position's gradient into its source. */
export function foldPaddingData(
  grad: Float32Array, outer: number, inSize: readonly number[], before: readonly number[], after: readonly number[],
  mode: PaddingMode,
): Float32Array {
  const source = paddedSourceMap(inSize, before, after, mode);
  const I = spatialSize(inSize), Q = source.length;
  const out = new Float32Array(outer * I);
  for (let b = 0; b < outer; b++) {
    for (let q = 0; q < Q; q++) {
      const s = source[q];
      if (s >= 0) out[b * I + s] += grad[b * Q + q];
    }
  }
  return out;
}

/** For each position of the padded block (flat), the flat input position it copies, or −1 for the fill value. */
function paddedSourceMap(inSize: readonly number[], before: readonly number[], after: readonly number[], mode: PaddingMode): Int32Array {
  const padded = inSize.map((n, i) => n + before[i] + after[i]);
  const map = new Int32Array(spatialSize(padded));
  for (let q = 0; q < map.length; q++) {
    let rest = q, flat = 0, scale = 1;
    for (let d = inSize.length - 1; d >= 0 && flat >= 0; d--) {
      const coordinate = rest % padded[d];
      rest = Math.floor(rest / padded[d]);
      const s = sourceIndex(coordinate - before[d], inSize[d], mode);
      flat = s < 0 ? -1 : flat + s * scale;
      scale *= inSize[d];
    }
    map[q] = flat;
  }
  return map;
}

/**
 * Budget for a padded tensor of `shape` and the source map of one padded block (an Int32Array, so a block must
 * stay below 2^31 positions): checked before either is allocated, so `pad(t, [[2 ** 40, 0]])` is refused by name.
 */
function checkPaddedSize(op: string, what: string, shape: readonly number[], outer: number): void {
  const values = shape.reduce((a, b) => a * b, 1);
  checkTensorAllocation(op, what, values);
  if (outer === 0) return;
  const block = values / outer;
  checkTensorAllocation(op, 'padding source map', block);
  if (block >= 2 ** 31) throw new MemoryLimitError(op, 'padding', `one padded block would have ${block} positions; at most 2^31 − 1 are supported`);
}

function padPairs(op: string, shape: readonly number[], padding: number | readonly (readonly number[])[]): number[][] {
  if (typeof padding === 'number') {
    if (!Number.isSafeInteger(padding) || padding < 0) throw new OptionError(op, 'padding', `padding ${padding} must be a non-negative integer below 2^53`);
    if (shape.length < 3) throw new ShapeError(op, 'input', `a single padding number pads the dimensions after [N, C]; shape ${describeValue(shape)} has none`);
    return shape.slice(2).map(() => [padding, padding]);
  }
  const valid = Array.isArray(padding) && padding.length >= 1 && padding.length <= shape.length &&
    padding.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => Number.isSafeInteger(v) && v >= 0));
  if (!valid) {
    throw new OptionError(op, 'padding', `padding ${describeValue(padding)} must be [before, after] pairs of non-negative integers below 2^53 for at most the ${shape.length} dimensions of the input`);
  }
  return padding.map((p) => [p[0], p[1]]);
}
