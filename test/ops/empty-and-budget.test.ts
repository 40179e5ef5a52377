/** Issue 17, items 4 and 6: empty tensors return at once; outputs past the memory budget are refused before allocating. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MemoryLimitError, OptionError, ShapeError, Tensor, conv, convBackward, convTranspose, convTransposeBackward, ones, pad, padBackward, ready,
  setMemoryLimit, zeros,
} from '../../src/index.js';

/** Runs `fn` under the budget a process limited to 4 GiB gets by default (a quarter: 1 GiB). */
function underFourGiB(fn: () => void): void {
  const previous = setMemoryLimit(2 ** 30);
  try { fn(); } finally { setMemoryLimit(previous); }
}

describe('empty batches return at once', () => {
  it('conv of [0, 1, 4096, 4096, 4096] is empty, with the output shape', async () => {
    await ready();
    const y = conv(zeros([0, 1, 4096, 4096, 4096]), ones([2, 1, 1, 1, 1]));
    assert.deepEqual(y.shape, [0, 2, 4096, 4096, 4096]);
    assert.equal(y.size, 0);
  });

  it('conv of an empty batch with a large dilation and reflect padding', () => {
    const y = conv(zeros([0, 1, 2 ** 27]), ones([1, 1, 3]), { dilation: 2 ** 20, padding: 'same', paddingMode: 'reflect' });
    assert.deepEqual(y.shape, [0, 1, 2 ** 27]);
  });

  it('convTranspose and both backward passes', () => {
    assert.deepEqual(convTranspose(zeros([0, 2, 1000, 1000]), ones([2, 3, 3, 3]), { stride: 2 }).shape, [0, 3, 2001, 2001]);
    const g = convBackward(zeros([0, 1, 8]), ones([2, 1, 3]), zeros([0, 2, 6]), { hasBias: true });
    assert.deepEqual([g.input.shape, g.weight.shape, g.bias?.shape], [[0, 1, 8], [2, 1, 3], [2]]);
    assert.deepEqual(Array.from(g.weight.data), [0, 0, 0, 0, 0, 0]);
    const t = convTransposeBackward(zeros([0, 2, 4]), ones([2, 1, 3]), zeros([0, 1, 6]));
    assert.deepEqual([t.input.shape, t.weight.shape, t.bias], [[0, 2, 4], [2, 1, 3], null]);
  });

  it('pad of an empty batch by 2^28 allocates nothing', () => {
    const y = pad(zeros([0, 1, 1]), [[2 ** 28, 0]]);
    assert.deepEqual(y.shape, [0, 1, 2 ** 28 + 1]);
    assert.equal(padBackward(y, [0, 1, 1], [[2 ** 28, 0]]).size, 0);
  });
});

describe('pad checks its arguments and the memory budget', () => {
  const budget = (e: unknown) => e instanceof MemoryLimitError && /^pad: the output would need/.test((e as Error).message);

  it('pad(t, [[2^40, 0]]) is a MemoryLimitError, not a raw RangeError', () => {
    assert.throws(() => pad(ones([1, 1, 1]), [[2 ** 40, 0]]), budget);
  });

  it('pad(t, [[2^30, 2^30]]) and replicate padding of 2^30 are refused before allocating', () => underFourGiB(() => {
    assert.throws(() => pad(ones([1, 1, 1]), [[2 ** 30, 2 ** 30]]), budget);
    assert.throws(() => pad(ones([1, 1, 1]), [[2 ** 30, 0]], { mode: 'replicate' }), budget);
  }));

  it('pad(null), a non-number fill value and unknown options are typed errors', () => {
    assert.throws(() => pad(null as unknown as Tensor, 1), (e: unknown) => e instanceof ShapeError && /input must be a Tensor/.test((e as Error).message));
    assert.throws(() => pad(ones([1, 1, 2]), [[1, 1]], { value: 'x' as unknown as number }), (e: unknown) => e instanceof OptionError && /value "x" must be a number/.test((e as Error).message));
    assert.throws(() => pad(ones([1, 1, 2]), [[1, 1]], { fill: 1 } as never), (e: unknown) => e instanceof OptionError && /unknown option "fill"/.test((e as Error).message));
  });
});

describe('conv outputs past the budget are refused by name', () => {
  it('an output of 2^31 + 6 values is refused under the budget of a 4 GiB process', () => underFourGiB(() => {
    assert.throws(() => conv(ones([1, 1, 1]), ones([1, 1, 1]), { padding: [[2 ** 31 + 5, 0]] }),
      (e: unknown) => e instanceof MemoryLimitError && /^conv: the output would need 8 GiB/.test((e as Error).message));
  }));
});
