import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Random, convOutputSize, effectiveKernelSize, inputIndex, transposedOutputSize } from '../../src/index.js';

describe('effectiveKernelSize', () => {
  it('is d(k−1)+1: a 3-tap kernel spans 3, 5, 7, 9, 17 at d = 1, 2, 3, 4, 8 (seeds 000 and 001)', () => {
    assert.deepEqual([1, 2, 3, 4, 8].map((d) => effectiveKernelSize(3, d)), [3, 5, 7, 9, 17]);
  });

  it('leaves a 1-tap kernel at 1 whatever the dilation', () => {
    assert.equal(effectiveKernelSize(1, 7), 1);
  });
});

describe('convOutputSize', () => {
  it('keeps 56 for a 3×3 kernel at d = 1, 2, 4 with padding d (seed 001)', () => {
    for (const d of [1, 2, 4]) assert.equal(convOutputSize(56, 3, 1, d, d, d), 56);
  });

  it('floors at stride 2: 7 → 3 and 8 → 3 unpadded, 8 → 4 with padding 1', () => {
    assert.equal(convOutputSize(7, 3, 2, 1, 0, 0), 3);
    assert.equal(convOutputSize(8, 3, 2, 1, 0, 0), 3);
    assert.equal(convOutputSize(8, 3, 2, 1, 1, 1), 4);
  });

  it('combines stride and dilation: 10 samples, k=3, d=2, s=2 → 3', () => {
    assert.equal(convOutputSize(10, 3, 2, 2, 0, 0), 3);
  });

  it('counts asymmetric padding once on each side', () => {
    assert.equal(convOutputSize(5, 3, 1, 1, 2, 0), 5);
    assert.equal(convOutputSize(5, 3, 1, 1, 0, 2), 5);
    assert.equal(convOutputSize(5, 3, 1, 1, 2, 1), 6);
  });

  it('is ≤ 0 when the effective kernel is larger than the padded input (seed 000: 4 samples, k=3, d=2)', () => {
    assert.ok(convOutputSize(4, 3, 1, 2, 0, 0) <= 0);
  });

  it('equals the number of windows that fit, counted one by one, on 2,000 random geometries', () => {
    const rng = new Random(3);
    for (let i = 0; i < 2000; i++) {
      const n = 1 + rng.int(20), k = 1 + rng.int(5), s = 1 + rng.int(4), d = 1 + rng.int(4);
      const before = rng.int(6), after = rng.int(6);
      let windows = 0;
      for (let o = 0; inputIndex(o, k - 1, s, before, d) < n + after; o++) windows++;
      assert.equal(Math.max(0, convOutputSize(n, k, s, d, before, after)), windows, JSON.stringify({ n, k, s, d, before, after }));
    }
  });
});

describe('transposedOutputSize', () => {
  it('doubles 16 to 32 with k=3, s=2, padding 1 and outputPadding 1', () => {
    assert.equal(transposedOutputSize(16, 3, 2, 1, 1, 1, 1), 32);
  });

  it('is (in−1)s − padBefore − padAfter + d(k−1) + outputPadding + 1, as torch.nn.ConvTranspose', () => {
    assert.equal(transposedOutputSize(5, 3, 3, 2, 1, 1, 2), 4 * 3 - 2 + 4 + 2 + 1);
    assert.equal(transposedOutputSize(1, 1, 1, 1, 0, 0, 0), 1);
  });

  it('gives back the conv\'s input size when outputPadding is the remainder the strided conv dropped (2,000 random geometries)', () => {
    const rng = new Random(4);
    for (let i = 0; i < 2000; i++) {
      const n = 1 + rng.int(20), k = 1 + rng.int(5), s = 1 + rng.int(4), d = 1 + rng.int(4);
      const before = rng.int(4), after = rng.int(4);
      const out = convOutputSize(n, k, s, d, before, after);
      if (out < 1) continue;
      const remainder = (n + before + after - effectiveKernelSize(k, d)) % s;
      assert.equal(transposedOutputSize(out, k, s, d, before, after, remainder), n, JSON.stringify({ n, k, s, d, before, after }));
    }
  });
});

describe('inputIndex', () => {
  it('is o·s − padBefore + t·d', () => {
    assert.equal(inputIndex(0, 2, 1, 1, 2), 3);
    assert.equal(inputIndex(3, 1, 2, 2, 3), 7);
  });

  it('falls in the padding (negative) for the first outputs of a padded conv', () => {
    assert.equal(inputIndex(0, 0, 1, 2, 1), -2);
  });
});
