import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { conv, tensor, ShapeError } from '../../src/index.js';

describe('conv on the seeds\' examples', () => {
  const signal = tensor([1, 0, 2, 0, 3, 0, 4, 0, 5], [1, 1, 9]);
  const ones = tensor([1, 1, 1], [1, 1, 3]);

  it('reads three consecutive samples at dilation 1 (seed 003)', () => {
    assert.deepEqual(Array.from(conv(signal, ones).data), [3, 2, 5, 3, 7, 4, 9]);
  });

  it('walks past the zeros at dilation 2 (seed 003)', () => {
    assert.deepEqual(Array.from(conv(signal, ones, { dilation: 2 }).data), [6, 0, 9, 0, 12]);
  });

  it('refuses a 4×4 input under a 3×3 kernel at d=2 instead of printing [] (seed 000)', () => {
    const x = tensor(Array.from({ length: 16 }, (_, i) => i + 1), [1, 1, 4, 4]);
    const w = tensor([1, 0, -1, 1, 0, -1, 1, 0, -1], [1, 1, 3, 3]);
    assert.throws(() => conv(x, w, { dilation: 2 }), (e: unknown) =>
      e instanceof ShapeError && /effective kernel 5×5 \(k=3, d=2\) is larger than the padded input 4×4/.test(e.message));
  });
});
