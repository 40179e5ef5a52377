import { OptionError, describeValue } from '../errors.js';
import { effectiveKernelSize } from './conv-arithmetic.js';

/** How values outside the input are made up, as PyTorch's `padding_mode`. */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

export const PADDING_MODES: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

/**
 * Padding as a user writes it: one number for every side, one number per spatial dimension, a
 * `[before, after]` pair per spatial dimension, or a rule: `'valid'` (none), `'same'` (output `⌈in/s⌉`; at
 * stride 1 a total of `d(k−1)`, the odd extra at the end, as PyTorch and ONNX SAME_UPPER) or `'causal'`
 * (1-D only: all `d(k−1)` before, so output `t` sees inputs `≤ t`).
 */
export type Padding = number | readonly number[] | readonly (readonly number[])[] | 'valid' | 'same' | 'causal';

/** Explicit padding per spatial dimension. */
export interface ResolvedPadding {
  before: number[];
  after: number[];
}

/** What a padding rule needs to know about the convolution, per spatial dimension. */
export interface PaddingContext {
  inSize: readonly number[];
  kernelSize: readonly number[];
  stride: readonly number[];
  dilation: readonly number[];
}

/**
 * Turns any {@link Padding} into explicit `before`/`after` amounts per spatial dimension.
 *
 * @example
 * resolvePadding('conv', 'same', { inSize: [10], kernelSize: [4], stride: [1], dilation: [1] })
 * // { before: [1], after: [2] }  — the odd extra at the end, as PyTorch
 */
export function resolvePadding(op: string, padding: Padding | undefined, context: PaddingContext): ResolvedPadding {
  if (context === null || typeof context !== 'object' || !['inSize', 'kernelSize', 'stride', 'dilation'].every((k) => Array.isArray((context as unknown as Record<string, unknown>)[k]))) {
    throw new OptionError(op, 'context', `context ${describeValue(context)} must be { inSize, kernelSize, stride, dilation }, one number per spatial dimension each`);
  }
  const rank = context.kernelSize.length;
  checkSafeSpan(op, context.kernelSize, context.dilation);
  if (padding === undefined || padding === 'valid') return { before: Array(rank).fill(0), after: Array(rank).fill(0) };
  if (padding === 'same') return samePadding(context);
  if (padding === 'causal') {
    if (rank !== 1) {
      throw new OptionError(op, 'padding', `padding "causal" is defined for 1-D convolutions only, got ${rank} spatial dimensions; use explicit [before, after] pairs`);
    }
    return { before: [context.dilation[0] * (context.kernelSize[0] - 1)], after: [0] };
  }
  if (typeof padding === 'string') {
    throw new OptionError(op, 'padding', `padding ${describeValue(padding)} is not one of "valid", "same", "causal", a number, one number per spatial dimension, or [before, after] pairs`);
  }
  if (typeof padding === 'number') {
    checkAmount(op, padding, padding);
    return { before: Array(rank).fill(padding), after: Array(rank).fill(padding) };
  }
  if (!Array.isArray(padding) || padding.length !== rank) {
    throw new OptionError(op, 'padding', `padding ${describeValue(padding)} must have one entry per spatial dimension (${rank})`);
  }
  const before: number[] = [];
  const after: number[] = [];
  for (const entry of padding as readonly (number | readonly number[])[]) {
    if (typeof entry === 'number') {
      checkAmount(op, entry, padding);
      before.push(entry);
      after.push(entry);
    } else if (Array.isArray(entry) && entry.length === 2) {
      checkAmount(op, entry[0], padding);
      checkAmount(op, entry[1], padding);
      before.push(entry[0]);
      after.push(entry[1]);
    } else {
      throw new OptionError(op, 'padding', `padding ${describeValue(padding)} has entry ${describeValue(entry)}; each entry must be a number or a [before, after] pair`);
    }
  }
  return { before, after };
}

/**
 * Geometry stays in exact integers: a dilated kernel's span `d(k−1)+1` past 2^53 (`dilation: 2**52` with k = 3)
 * would round, and every padding rule and kernel index built on it would silently be off.
 */
function checkSafeSpan(op: string, kernelSize: readonly number[], dilation: readonly number[]): void {
  kernelSize.forEach((k, i) => {
    const span = effectiveKernelSize(k, dilation[i]);
    if (!Number.isSafeInteger(span)) {
      throw new OptionError(op, 'dilation', `dilation ${dilation[i]} with kernel size ${k} in spatial dimension ${i} spans ${span} positions, past 2^53 where positions stay exact; use a dilation of at most ${Math.floor((Number.MAX_SAFE_INTEGER - 1) / Math.max(1, k - 1))}`);
    }
  });
}

function samePadding({ inSize, kernelSize, stride, dilation }: PaddingContext): ResolvedPadding {
  const before: number[] = [];
  const after: number[] = [];
  for (let i = 0; i < kernelSize.length; i++) {
    const span = effectiveKernelSize(kernelSize[i], dilation[i]);
    const out = Math.ceil(inSize[i] / stride[i]);
    const total = Math.max(0, (out - 1) * stride[i] + span - inSize[i]);
    before.push(Math.floor(total / 2));
    after.push(total - Math.floor(total / 2));
  }
  return { before, after };
}

function checkAmount(op: string, amount: unknown, whole: unknown): void {
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0) {
    throw new OptionError(op, 'padding', `padding ${describeValue(whole)} has amount ${describeValue(amount)}; amounts must be non-negative integers below 2^53`);
  }
}

/**
 * Where a padded position reads from: the input index that `index` (which may lie outside `[0, size)`) takes its
 * value from under `mode`, or −1 for a zero. Reflect mirrors without repeating the edge (PyTorch `reflect`).
 *
 * @example sourceIndex(-2, 5, 'reflect') // 2
 */
export function sourceIndex(index: number, size: number, mode: PaddingMode): number {
  if (index >= 0 && index < size) return index;
  switch (mode) {
    case 'zeros': return -1;
    case 'replicate': return index < 0 ? 0 : size - 1;
    case 'circular': return ((index % size) + size) % size;
    case 'reflect': {
      if (size === 1) return 0;
      const period = 2 * (size - 1);
      const m = ((index % period) + period) % period;
      return m < size ? m : period - m;
    }
  }
}

/**
 * Checks that `mode` can produce the requested padding from an input of `inSize`, with PyTorch's limits:
 * reflect needs padding < size, circular needs padding ≤ size, replicate needs a sample to repeat.
 */
export function checkPaddingMode(op: string, mode: unknown, pads: ResolvedPadding, inSize: readonly number[]): PaddingMode {
  if (typeof mode !== 'string' || !(PADDING_MODES as readonly string[]).includes(mode)) {
    throw new OptionError(op, 'paddingMode', `paddingMode ${describeValue(mode)} is not one of ${PADDING_MODES.map((m) => `"${m}"`).join(', ')}`);
  }
  for (let i = 0; i < inSize.length; i++) {
    const widest = Math.max(pads.before[i], pads.after[i]);
    if (mode === 'reflect' && widest >= inSize[i]) {
      throw new OptionError(op, 'padding', `reflect padding ${widest} in spatial dimension ${i} must be smaller than the input size ${inSize[i]} there; use "replicate" or less padding`);
    }
    if (mode === 'replicate' && widest > 0 && inSize[i] < 1) {
      throw new OptionError(op, 'padding', `replicate padding ${widest} in spatial dimension ${i} has no sample to repeat: the input size there is ${inSize[i]}`);
    }
    if (mode === 'circular' && widest > inSize[i]) {
      throw new OptionError(op, 'padding', `circular padding ${widest} in spatial dimension ${i} must be at most the input size ${inSize[i]} there`);
    }
  }
  return mode as PaddingMode;
}

