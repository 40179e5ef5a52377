import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ShapeError } from '../../src/errors.js';
import { crossEntropy, crossEntropyBackward, crossEntropyGradient, crossEntropyWithSoftmax } from '../../src/ops/loss.js';
import { logSoftmax, softmax } from '../../src/ops/softmax.js';
import { randn } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';

/** The fused pass and the two-pass definition differ only in float32 rounding of the exponentials: 1e-6. */
const TOLERANCE = 1e-6;

function labels(n: number, classes: number, seed: number, ignoreIndex: number): Tensor {
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (i * 7 + seed) % 11 === 0 ? ignoreIndex : (i * 31 + seed) % classes;
  return new Tensor(data, [n]);
}

describe('fused log-softmax + cross-entropy over the channel axis', () => {
  const cases: [number[], 'mean' | 'sum' | 'none'][] = [[[3, 5, 7], 'mean'], [[2, 256, 33], 'sum'], [[4, 3, 2, 5], 'none'], [[1, 9], 'mean']];
  for (const [shape, reduction] of cases) {
    it(`${JSON.stringify(shape)}, reduction ${reduction}: loss and gradient equal log-softmax then gather, softmax − onehot`, () => {
      const logits = randn(shape, 3);
      logits.data[0] = 80; // a large logit: the max subtraction keeps the exponentials finite
      const positions = shape.slice(2).reduce((a, b) => a * b, 1);
      const target = labels(shape[0] * positions, shape[1], 5, -100);
      const targetShaped = new Tensor(target.data, [shape[0], ...shape.slice(2)]);
      const forward = crossEntropyWithSoftmax(logits, targetShaped, { reduction });
      const logP = logSoftmax(logits, 1).data, P = softmax(logits, 1).data;
      const C = shape[1];
      const perPosition: number[] = [];
      let counted = 0;
      for (let n = 0; n < shape[0]; n++) {
        for (let p = 0; p < positions; p++) {
          const t = target.data[n * positions + p];
          perPosition.push(t === -100 ? 0 : -logP[(n * C + t) * positions + p]);
          if (t !== -100) counted++;
        }
      }
      const total = perPosition.reduce((a, b) => a + b, 0);
      const expected = reduction === 'none' ? perPosition : [reduction === 'sum' ? total : total / counted];
      assert.equal(forward.counted, counted);
      forward.loss.data.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= TOLERANCE * Math.max(1, Math.abs(expected[i])), `loss ${i}: ${v} vs ${expected[i]}`));
      P.forEach((v, i) => assert.ok(Math.abs(forward.probabilities[i] - v) <= TOLERANCE, `softmax ${i}`));

      const g = reduction === 'none' ? randn([shape[0], ...shape.slice(2)], 9) : new Tensor(Float32Array.of(0.7), []);
      const grad = crossEntropyGradient(shape, targetShaped, forward.probabilities, forward.counted, g, { reduction });
      const again = crossEntropyBackward(logits, targetShaped, g, { reduction });
      for (let n = 0; n < shape[0]; n++) {
        for (let c = 0; c < C; c++) {
          for (let p = 0; p < positions; p++) {
            const i = (n * C + c) * positions + p, t = target.data[n * positions + p];
            const scale = t === -100 ? 0 : (reduction === 'none' ? g.data[n * positions + p] : g.data[0] / (reduction === 'mean' ? counted : 1));
            const want = scale * (P[i] - (c === t ? 1 : 0));
            assert.ok(Math.abs(grad.data[i] - want) <= TOLERANCE, `grad ${i}: ${grad.data[i]} vs ${want}`);
            assert.equal(again.data[i], grad.data[i]);
          }
        }
      }
    });
  }

  it('a target outside the classes is a ShapeError naming its position', () => {
    assert.throws(() => crossEntropy(randn([1, 3, 2], 1), new Tensor(Float32Array.of(0, 3), [1, 2])), (e: unknown) => e instanceof ShapeError && /position 1/.test((e as Error).message));
  });
});
