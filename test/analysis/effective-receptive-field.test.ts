import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveReceptiveField } from '../../src/analysis/effective-receptive-field.js';

describe('effective receptive field (Luo et al. 2016) through convBackward', () => {
  it('concentrates in the middle of a deep plain stack: half the mass in well under half the field', () => {
    const erf = effectiveReceptiveField({ kernel: 3, dilations: Array(8).fill(1), rank: 1, seeds: 4, activation: 'linear' });
    assert.deepEqual(erf.rf, [17]);
    assert.ok(Math.abs(erf.map.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    const shares = erf.shares.map((s) => s.share);
    assert.ok(shares.every((s, i) => i === 0 || s >= shares[i - 1]), 'shares grow with the mass');
    assert.ok(shares[1] < 0.5, `50% of the mass in ${shares[1]} of the field`);
    assert.ok(Math.abs(erf.gaussian.mean[0] - 8) < 1.5);
    assert.ok(erf.gaussian.sigma[0] > 1 && erf.gaussian.sigma[0] < 8 / 2);
  });

  it('reaches the whole field of a dilated stack and leaves gridding holes empty', () => {
    const erf = effectiveReceptiveField({ kernel: 3, dilations: [2, 2], rank: 2, seeds: 2, channels: 2 });
    assert.deepEqual(erf.rf, [9, 9]);
    for (let i = 0; i < 9; i++) for (let j = 0; j < 9; j++) {
      const hole = i % 2 === 1 || j % 2 === 1;
      assert.equal(erf.map[i * 9 + j] === 0, hole, `cell ${i},${j}`);
    }
  });
});
