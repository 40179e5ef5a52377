import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Random, Tensor, conv, convBackward, getBackend, rand, setBackend, type ConvOptions, type PaddingMode } from '../../src/index.js';
import { randomConv } from './random-conv.js';

/**
 * Finite-difference check of convBackward. The loss L = ⟨conv(x, w, b), y⟩ + ½‖conv(x, w, b)‖² is quadratic in
 * each argument, so central differences carry no truncation error at any step; a wide step h = 0.25 on values in
 * [−1, 1) keeps the float32 rounding of the conv outputs (≈ 1e-7 of Σ|w·x|) small after dividing by 2h. Every
 * entry of x, w and b is checked: |finite difference − analytic| ≤ 1e-4 · max(1, |analytic|) (the worst seen is ≈ 3e-6).
 */
const STEP = 0.25;
const TOLERANCE = 1e-4;
const GEOMETRIES_PER_MODE = 12;

/** L in float64 from the float32 conv output. */
function loss(x: Tensor, w: Tensor, bias: Tensor, y: Tensor, options: ConvOptions): number {
  const out = conv(x, w, { ...options, bias });
  let sum = 0;
  for (let i = 0; i < out.size; i++) sum += out.data[i] * y.data[i] + 0.5 * out.data[i] * out.data[i];
  return sum;
}

/** Checks ∂L/∂t against central differences for every entry of `t` (perturbed in place and restored). */
function checkEntries(name: string, t: Tensor, analytic: Tensor, evaluate: () => number, what: string): void {
  for (let i = 0; i < t.size; i++) {
    const original = t.data[i];
    t.data[i] = original + STEP;
    const up = t.data[i];
    const plus = evaluate();
    t.data[i] = original - STEP;
    const down = t.data[i];
    const minus = evaluate();
    t.data[i] = original;
    const difference = (plus - minus) / (up - down);
    const expected = analytic.data[i];
    assert.ok(Math.abs(difference - expected) <= TOLERANCE * Math.max(1, Math.abs(expected)),
      `${what}: ∂L/∂${name}[${i}] is ${expected} analytically but ${difference} by central differences`);
  }
}

for (const backend of ['reference', 'js']) {
  describe(`convBackward against central differences on the ${backend} backend`, () => {
    let previous = '';
    before(() => { previous = getBackend(); setBackend(backend); });
    after(() => setBackend(previous));

    for (const mode of ['zeros', 'reflect', 'replicate', 'circular'] as PaddingMode[]) {
      it(`matches in every entry of input, weight and bias with paddingMode ${mode} (1-D, 2-D, 3-D, stride, dilation, groups)`, () => {
        const rng = new Random(mode.length * 1000 + 17);
        for (let i = 0; i < GEOMETRIES_PER_MODE; i++) {
          const c = randomConv(rng, { modes: [mode], ranks: [1 + (i % 3)], maxSize: [9, 5, 4] });
          const y = rand(c.outShape, 40 + i, -1, 1);
          const out = conv(c.x, c.w, { ...c.options, bias: c.bias });
          const upstream = new Tensor(out.data.map((v, j) => v + y.data[j]), out.shape);
          const grads = convBackward(c.x, c.w, upstream, { ...c.options, bias: c.bias });
          assert.ok(grads.bias);
          const evaluate = () => loss(c.x, c.w, c.bias, y, c.options);
          const what = `${mode} case ${i} x ${JSON.stringify(c.x.shape)} w ${JSON.stringify(c.w.shape)} ${JSON.stringify(c.options)}`;
          checkEntries('x', c.x, grads.input, evaluate, what);
          checkEntries('w', c.w, grads.weight, evaluate, what);
          checkEntries('b', c.bias, grads.bias, evaluate, what);
        }
      });
    }
  });
}
