import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  OptionError, ShapeError, computeConvGeometry, computeConvTransposeGeometry, perDimension, spatialSize,
} from '../../src/index.js';
import { withMaterializedPadding } from '../../src/geometry/conv-geometry.js';

describe('computeConvGeometry', () => {
  it('records channels, groups, sizes and resolved padding of a 2-D dilated conv (seed 001)', () => {
    const g = computeConvGeometry('conv', [1, 64, 56, 56], [128, 64, 3, 3], { dilation: 2, padding: 2 });
    assert.deepEqual(
      [g.op, g.batch, g.inChannels, g.outChannels, g.groups, g.inSize, g.kernelSize, g.stride, g.dilation, g.padBefore, g.padAfter, g.outSize, g.paddingMode],
      ['conv', 1, 64, 128, 1, [56, 56], [3, 3], [1, 1], [2, 2], [2, 2], [2, 2], [56, 56], 'zeros']);
  });

  it('takes stride and dilation together, different per dimension', () => {
    const g = computeConvGeometry('conv', [2, 4, 11, 9], [6, 2, 3, 2], { stride: [2, 3], dilation: [3, 2], groups: 2, padding: [[1, 0], [0, 2]] });
    assert.deepEqual(g.outSize, [Math.floor((11 + 1 - 7) / 2) + 1, Math.floor((9 + 2 - 3) / 3) + 1]);
    assert.deepEqual([g.padBefore, g.padAfter], [[1, 0], [0, 2]]);
  });

  it('handles 1-D and 3-D, "same" at stride > 1, and causal padding', () => {
    assert.deepEqual(computeConvGeometry('conv', [1, 1, 16], [1, 1, 3], { dilation: 4, padding: 'causal' }).outSize, [16]);
    assert.deepEqual(computeConvGeometry('conv', [1, 2, 5, 6, 7], [3, 2, 3, 3, 3], { padding: 'same', stride: 2 }).outSize, [3, 3, 4]);
  });

  it('accepts depthwise (groups = channels) and channel multipliers', () => {
    assert.equal(computeConvGeometry('conv', [1, 5, 8], [5, 1, 3], { groups: 5 }).outChannels, 5);
    assert.equal(computeConvGeometry('conv', [1, 3, 8], [9, 1, 3], { groups: 3 }).outChannels, 9);
  });

  it('keeps the padding mode for the op layer to materialize', () => {
    assert.equal(computeConvGeometry('conv', [1, 1, 8], [1, 1, 3], { padding: 1, paddingMode: 'circular' }).paddingMode, 'circular');
  });

  it('explains an effective kernel larger than the padded input and suggests padding (seed 000)', () => {
    assert.throws(() => computeConvGeometry('conv', [1, 1, 4, 4], [1, 1, 3, 3], { dilation: 2 }), (e: unknown) =>
      e instanceof ShapeError && e.op === 'conv' && e.argument === 'input' &&
      e.message === 'conv: effective kernel 5×5 (k=3, d=2) is larger than the padded input 4×4; pad the input (e.g. padding: 1 or padding: "same") or use a smaller dilation');
  });
});

describe('computeConvTransposeGeometry', () => {
  it('is the geometry of the conv it is the adjoint of: sizes swapped, padAfter reduced by outputPadding', () => {
    const g = computeConvTransposeGeometry('convTranspose', [1, 8, 16, 16], [8, 4, 3, 3], { stride: 2, padding: 1, outputPadding: 1 });
    assert.deepEqual([g.inChannels, g.outChannels, g.inSize, g.outSize, g.padBefore, g.padAfter], [4, 8, [32, 32], [16, 16], [1, 1], [0, 0]]);
  });

  it('multiplies output channels per group by groups', () => {
    const g = computeConvTransposeGeometry('convTranspose', [1, 6, 5], [6, 2, 3], { groups: 3, dilation: 2 });
    assert.deepEqual([g.inChannels, g.outChannels, g.inSize], [6, 6, [9]]);
  });

  it('allows outputPadding below the dilation when stride is 1, as PyTorch', () => {
    assert.deepEqual(computeConvTransposeGeometry('convTranspose', [1, 1, 4], [1, 1, 3], { dilation: 3, outputPadding: 2 }).inSize, [4 - 1 + 6 + 2 + 1]);
  });

  it('refuses padding that leaves no output, giving the largest valid amount', () => {
    assert.throws(() => computeConvTransposeGeometry('convTranspose', [1, 1, 2], [1, 1, 2], { padding: 2 }), (e: unknown) =>
      e instanceof ShapeError && e.argument === 'padding' && /padding 2 leaves an output of size -1; reduce the padding \(at most 1 on each side\)/.test(e.message));
  });
});

describe('perDimension', () => {
  it('spreads a number over every spatial dimension and copies an array', () => {
    assert.deepEqual(perDimension('conv', 'stride', 2, 3), [2, 2, 2]);
    const given = [1, 2];
    const got = perDimension('conv', 'stride', given, 2);
    assert.deepEqual(got, [1, 2]);
    assert.notEqual(got, given);
  });

  it('allows zero when the minimum is 0 (outputPadding)', () => {
    assert.deepEqual(perDimension('convTranspose', 'outputPadding', [0, 1], 2, 0), [0, 1]);
  });

  it('refuses zero, fractions, strings and the wrong count', () => {
    for (const bad of [0, 1.5, -1, '2', [1], [1, 2, 3], [1, 0]]) {
      assert.throws(() => perDimension('conv', 'dilation', bad, 2), (e: unknown) =>
        e instanceof OptionError && e.argument === 'dilation' && /must be a positive integer or 2 of them/.test(e.message), String(bad));
    }
  });
});

describe('withMaterializedPadding and spatialSize', () => {
  it('grows the input by the padding and leaves only implicit zero padding', () => {
    const g = computeConvGeometry('conv', [1, 1, 5, 6], [1, 1, 3, 3], { padding: [[1, 2], [0, 1]], paddingMode: 'reflect' });
    const m = withMaterializedPadding(g);
    assert.deepEqual([m.inSize, m.padBefore, m.padAfter, m.paddingMode, m.outSize], [[8, 7], [0, 0], [0, 0], 'zeros', g.outSize]);
  });

  it('multiplies the sizes (1 for no dimensions)', () => {
    assert.equal(spatialSize([3, 4, 5]), 60);
    assert.equal(spatialSize([]), 1);
  });
});
