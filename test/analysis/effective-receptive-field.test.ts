import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveReceptiveField } from '../../src/analysis/effective-receptive-field.js';
import { graphEffectiveReceptiveField } from '../../src/analysis/graph-effective-receptive-field.js';
import { GraphBuilder, convStack } from '../../src/analysis/graph.js';

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

describe('effective receptive field of any graph, through autograd', () => {
  it('equals the convBackward measurement on a linear conv stack (same seeds)', () => {
    const stack = effectiveReceptiveField({ kernel: 3, dilations: [1, 2, 1, 2], rank: 1, seeds: 3, activation: 'linear' });
    const graph = graphEffectiveReceptiveField(convStack({ kernel: 3, dilations: [1, 2, 1, 2] }), { seeds: 3 });
    assert.deepEqual(graph.rf, stack.rf);
    graph.map.forEach((v, i) => assert.ok(Math.abs(v - stack.map[i]) < 1e-6, `offset ${i}`));
  });

  it('measures strided, pooled and dilated graphs over their theoretical field', () => {
    const b = new GraphBuilder({ rank: 1 });
    let x = b.conv(b.input, { kernel: 3, stride: 2, padding: 1 });
    x = b.pool(x, 'maxPool', { kernel: 2 });
    b.conv(x, { kernel: 3, dilation: 2, padding: 2 });
    const erf = graphEffectiveReceptiveField(b.build(), { seeds: 2 });
    assert.deepEqual(erf.rf, [21]);
    assert.ok(Math.abs(erf.map.reduce((a, v) => a + v, 0) - 1) < 1e-9);
  });

  it('keeps more mass at the centre with residual connections than without (the identity path)', () => {
    const build = (residual: boolean) => {
      const b = new GraphBuilder({ rank: 2 });
      let x = b.input;
      for (let i = 0; i < 4; i++) {
        const y = b.conv(b.elementwise(b.conv(x, { kernel: 3, padding: 1 }), 'relu'), { kernel: 3, padding: 1 });
        x = residual ? b.add([x, y]) : y;
      }
      return b.build();
    };
    const plain = graphEffectiveReceptiveField(build(false), { seeds: 2 });
    const residual = graphEffectiveReceptiveField(build(true), { seeds: 2 });
    assert.deepEqual(residual.rf, [17, 17]);
    assert.ok(residual.shares[1].share < plain.shares[1].share, `${residual.shares[1].share} < ${plain.shares[1].share}`);
  });

  it('refuses a global head', () => {
    const b = new GraphBuilder({ rank: 1 });
    b.global(b.conv(b.input, { kernel: 3 }), 'globalPool');
    assert.throws(() => graphEffectiveReceptiveField(b.build()), /global/);
  });
});
