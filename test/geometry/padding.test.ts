import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  OptionError, Random, checkPaddingMode, convOutputSize, resolvePadding, sourceIndex, type Padding,
} from '../../src/index.js';

const context = (inSize: number[], kernelSize: number[], stride: number[], dilation: number[]) =>
  ({ inSize, kernelSize, stride, dilation });
const ctx1 = context([10], [3], [1], [1]);
const ctx2 = context([10, 8], [3, 3], [1, 1], [1, 1]);

function throwsOption(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof OptionError && e.argument === 'padding' && pattern.test(e.message));
}

describe('resolvePadding', () => {
  it('reads nothing (or "valid") as no padding', () => {
    assert.deepEqual(resolvePadding('conv', undefined, ctx2), { before: [0, 0], after: [0, 0] });
    assert.deepEqual(resolvePadding('conv', 'valid', ctx2), { before: [0, 0], after: [0, 0] });
  });

  it('reads a number as that amount on every side of every dimension', () => {
    assert.deepEqual(resolvePadding('conv', 2, ctx2), { before: [2, 2], after: [2, 2] });
  });

  it('reads one number per dimension as symmetric padding of that dimension', () => {
    assert.deepEqual(resolvePadding('conv', [1, 3], ctx2), { before: [1, 3], after: [1, 3] });
  });

  it('reads [before, after] pairs per dimension', () => {
    assert.deepEqual(resolvePadding('conv', [[0, 2], [1, 1]], ctx2), { before: [0, 1], after: [2, 1] });
  });

  it('"same" at stride 1 pads d(k−1) in total with the odd extra at the end, as PyTorch', () => {
    assert.deepEqual(resolvePadding('conv', 'same', context([10], [4], [1], [1])), { before: [1], after: [2] });
    assert.deepEqual(resolvePadding('conv', 'same', context([10], [3], [1], [2])), { before: [2], after: [2] });
    assert.deepEqual(resolvePadding('conv', 'same', context([10], [2], [1], [3])), { before: [1], after: [2] });
    assert.deepEqual(resolvePadding('conv', 'same', context([10], [1], [1], [5])), { before: [0], after: [0] });
  });

  it('"same" at stride > 1 is ONNX SAME_UPPER: output ⌈in/s⌉, the odd extra at the end', () => {
    assert.deepEqual(resolvePadding('conv', 'same', context([7], [3], [2], [1])), { before: [1], after: [1] });
    assert.deepEqual(resolvePadding('conv', 'same', context([8], [3], [2], [1])), { before: [0], after: [1] });
    assert.deepEqual(resolvePadding('conv', 'same', context([5], [1], [2], [1])), { before: [0], after: [0] });
    assert.deepEqual(resolvePadding('conv', 'same', context([9], [3], [3], [2])), { before: [1], after: [1] });
  });

  it('"same" gives output ⌈in/s⌉ on 2,000 random geometries', () => {
    const rng = new Random(5);
    for (let i = 0; i < 2000; i++) {
      const n = 1 + rng.int(30), k = 1 + rng.int(6), s = 1 + rng.int(4), d = 1 + rng.int(4);
      const { before, after } = resolvePadding('conv', 'same', context([n], [k], [s], [d]));
      assert.ok(after[0] - before[0] === 0 || after[0] - before[0] === 1);
      assert.equal(convOutputSize(n, k, s, d, before[0], after[0]), Math.ceil(n / s), JSON.stringify({ n, k, s, d }));
    }
  });

  it('"causal" puts all d(k−1) before, so output t sees inputs ≤ t', () => {
    assert.deepEqual(resolvePadding('conv', 'causal', context([16], [3], [1], [4])), { before: [8], after: [0] });
    assert.deepEqual(resolvePadding('conv', 'causal', context([16], [2], [1], [1])), { before: [1], after: [0] });
  });

  it('refuses "causal" on 2-D, naming the rank', () => {
    throwsOption(() => resolvePadding('conv', 'causal', ctx2), /"causal" is defined for 1-D convolutions only, got 2 spatial dimensions/);
  });

  it('refuses unknown words, negative or fractional amounts, wrong lengths and malformed pairs', () => {
    throwsOption(() => resolvePadding('conv', 'full' as Padding, ctx1), /padding "full" is not one of "valid", "same", "causal"/);
    throwsOption(() => resolvePadding('conv', -1, ctx1), /amount -1; amounts must be non-negative integers/);
    throwsOption(() => resolvePadding('conv', 1.5, ctx1), /amount 1.5/);
    throwsOption(() => resolvePadding('conv', [1], ctx2), /padding \[1\] must have one entry per spatial dimension \(2\)/);
    throwsOption(() => resolvePadding('conv', [[1, 2, 3], [1, 1]], ctx2), /entry \[1, 2, 3\]; each entry must be a number or a \[before, after\] pair/);
    throwsOption(() => resolvePadding('conv', [[1, -2], [1, 1]], ctx2), /amount -2/);
  });
});

describe('sourceIndex', () => {
  it('passes indices inside the input through in every mode', () => {
    for (const mode of ['zeros', 'reflect', 'replicate', 'circular'] as const) assert.equal(sourceIndex(3, 5, mode), 3);
  });

  it('zeros: −1 (a zero) outside', () => {
    assert.equal(sourceIndex(-1, 5, 'zeros'), -1);
    assert.equal(sourceIndex(5, 5, 'zeros'), -1);
  });

  it('reflect mirrors without repeating the edge, as torch.nn.ReflectionPad: … 2 1 | 0 1 2 3 4 | 3 2 …', () => {
    assert.deepEqual([-4, -3, -2, -1, 5, 6, 7, 8].map((i) => sourceIndex(i, 5, 'reflect')), [4, 3, 2, 1, 3, 2, 1, 0]);
    assert.equal(sourceIndex(-1, 1, 'reflect'), 0);
  });

  it('replicate repeats the edge sample', () => {
    assert.deepEqual([-3, -1, 5, 9].map((i) => sourceIndex(i, 5, 'replicate')), [0, 0, 4, 4]);
  });

  it('circular wraps around, as torch\'s circular padding', () => {
    assert.deepEqual([-5, -3, -1, 5, 7, 9].map((i) => sourceIndex(i, 5, 'circular')), [0, 2, 4, 0, 2, 4]);
  });
});

describe('checkPaddingMode', () => {
  const pads = (before: number[], after: number[]) => ({ before, after });

  it('returns the mode when the input can supply the padding', () => {
    assert.equal(checkPaddingMode('conv', 'reflect', pads([4], [0]), [5]), 'reflect');
    assert.equal(checkPaddingMode('conv', 'circular', pads([5], [5]), [5]), 'circular');
    assert.equal(checkPaddingMode('conv', 'replicate', pads([40], [40]), [1]), 'replicate');
  });

  it('refuses reflect padding ≥ the input size, naming the dimension and sizes', () => {
    throwsOption(() => checkPaddingMode('conv', 'reflect', pads([1, 0], [1, 5]), [6, 5]),
      /reflect padding 5 in spatial dimension 1 must be smaller than the input size 5 there/);
  });

  it('refuses circular padding larger than the input size', () => {
    throwsOption(() => checkPaddingMode('conv', 'circular', pads([6], [0]), [5]),
      /circular padding 6 in spatial dimension 0 must be at most the input size 5/);
  });

  it('refuses an unknown mode, listing the valid ones', () => {
    assert.throws(() => checkPaddingMode('conv', 'mirror', pads([1], [1]), [5]), (e: unknown) =>
      e instanceof OptionError && e.argument === 'paddingMode' &&
      /paddingMode "mirror" is not one of "zeros", "reflect", "replicate", "circular"/.test(e.message));
  });
});
