import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getBackend, setBackend } from '../../src/kernels/index.js';
import { arithmeticInto, Arithmetic } from '../../src/ops/binary-loops.js';
import { biasGradient } from '../../src/ops/bias.js';
import { broadcastShapes } from '../../src/ops/broadcast.js';
import { add, div, mul, sub } from '../../src/ops/elementwise.js';
import { leakyRelu, leakyReluBackward, relu, reluBackward, sigmoidBackward, tanhBackward } from '../../src/ops/activations.js';
import { gatedActivation, gatedActivationBackward } from '../../src/ops/gated-activation.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { batchNorm, batchNormBackward } from '../../src/ops/batch-norm.js';
import { softmaxCrossEntropy, softmaxCrossEntropyBackward } from '../../src/ops/softmax-cross-entropy.js';
import { onPool, relativeError, runtime } from './pool-helpers.js';

/**
 * The memory-bound WASM kernels (assembly/elementwise.ts) against the JS loops they replace, through the public
 * ops with the `wasm` backend and then the `js` one: arithmetic, PRelu, relu and relu's gradient bit for bit;
 * the bias gradient's channel sums (float64 per row, lanes paired) within 1 ulp; leaky relu within 1 ulp, and the tanh,
 * sigmoid and gate gradients (float32 rounding after each operation, where JS rounds once) within 3 ulp of |dy|. Special values (±0, ±∞, NaN, subnormals) included.
 */
function samples(n: number, seed: number, range = 4): Float32Array {
  const x = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = (s / 2 ** 32 * 2 - 1) * range;
  }
  const special = [0, -0, Infinity, -Infinity, Number.NaN, 1e-40, -1e-40, 3.4e38, -3.4e38];
  for (let i = 0; i < special.length && i * 97 < n; i++) x[i * 97] = special[i];
  return x;
}

function ulp(v: number): number {
  const f = Math.abs(Math.fround(v));
  return f === 0 || !Number.isFinite(f) ? 2 ** -149 : 2 ** Math.max(Math.floor(Math.log2(f)) - 23, -149);
}

/** Runs `make` on the wasm backend (threads 1 and 2, every job on the pool) and on the js backend. */
function bothBackends(make: () => Float32Array[]): { wasm: Float32Array[][]; js: Float32Array[] } {
  const previous = getBackend();
  try {
    setBackend('wasm');
    const wasm = [onPool(1, make), onPool(2, make)];
    setBackend('js');
    return { wasm, js: make() };
  } finally {
    setBackend(previous);
  }
}

function assertBitEqual(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) {
    if (Number.isNaN(expected[i])) assert.ok(Number.isNaN(actual[i]), `${what}[${i}]: ${actual[i]}, want NaN`);
    else assert.ok(Object.is(actual[i], expected[i]), `${what}[${i}]: ${actual[i]}, want ${expected[i]}`);
  }
}

/**
 * Within `ulps` ulps of `scale[i]` (default the expected value): a gradient like g·(1 − y²) rounds y² in float32
 * before the subtraction, so its error is a few ulps of |g|, not of the (possibly much smaller) result.
 */
function assertWithinUlps(actual: Float32Array, expected: Float32Array, ulps: number, what: string, scale: Float32Array = expected): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) {
    if (Number.isNaN(expected[i])) { assert.ok(Number.isNaN(actual[i]), `${what}[${i}]: ${actual[i]}, want NaN`); continue; }
    if (!Number.isFinite(expected[i])) { assert.equal(actual[i], expected[i], `${what}[${i}]`); continue; }
    const bound = ulps * Math.max(ulp(expected[i]), ulp(scale[i]));
    assert.ok(Math.abs(actual[i] - expected[i]) <= bound, `${what}[${i}]: ${actual[i]}, want ${expected[i]}`);
  }
}

describe('WASM elementwise kernels equal the JS loops', { skip: !runtime }, () => {
  // [a shape, b shape]: dense, per-channel bias, scalar either side, both stretched, a tail of 3, rank > 3 (JS).
  const broadcasts: [number[], number[]][] = [
    [[70001], [70001]],
    [[4, 16, 301], [16, 1]],
    [[4, 16, 301], [1]],
    [[1], [4, 16, 301]],
    [[3, 1, 2003], [1, 7, 2003]],
    [[5, 3, 1, 515], [5, 1, 4, 1]],
    [[2, 3, 4, 5, 103], [3, 1, 1, 103]],
    [[64, 3], [64, 3]],
  ];
  const ops = { add, sub, mul, div } as const;
  for (const [aShape, bShape] of broadcasts) {
    it(`add, sub, mul, div and PRelu of [${aShape}] and [${bShape}] bit for bit, 1 and 2 threads`, () => {
      const a = new Tensor(samples(aShape.reduce((p, n) => p * n, 1), 1), aShape);
      const b = new Tensor(samples(bShape.reduce((p, n) => p * n, 1), 2), bShape);
      const outSize = broadcastShapes('prelu', aShape, bShape).reduce((p, n) => p * n, 1);
      const result = bothBackends(() => [
        ...Object.values(ops).map((op) => op(a, b).data),
        (() => { const out = new Float32Array(outSize); arithmeticInto(Arithmetic.PRelu, a.data, a.shape, b.data, b.shape, out, 'prelu'); return out; })(),
      ]);
      for (const wasm of result.wasm) {
        [...Object.keys(ops), 'prelu'].forEach((name, k) => assertBitEqual(wasm[k], result.js[k], name));
      }
    });
  }

  for (const n of [5, 2047, 2048, 2051, 70001]) {
    it(`relu, leaky relu and the activation gradients of ${n} values`, () => {
      const x = new Tensor(samples(n, 3), [n]), g = new Tensor(samples(n, 4), [n]);
      const y = new Tensor(samples(n, 5, 1), [n]);
      const result = bothBackends(() => [
        relu(x).data, reluBackward(x, g).data,
        leakyRelu(x, 0.1).data, leakyReluBackward(x, g, 0.2).data, tanhBackward(y, g).data, sigmoidBackward(y, g).data,
      ]);
      for (const wasm of result.wasm) {
        assertBitEqual(wasm[0], result.js[0], 'relu');
        assertBitEqual(wasm[1], result.js[1], 'reluBackward');
        assertWithinUlps(wasm[2], result.js[2], 1, 'leakyRelu');
        assertWithinUlps(wasm[3], result.js[3], 1, 'leakyReluBackward');
        assertWithinUlps(wasm[4], result.js[4], 3, 'tanhBackward', g.data);
        assertWithinUlps(wasm[5], result.js[5], 3, 'sigmoidBackward', g.data);
      }
    });
  }

  // The two backends' tanh and σ already differ by up to 2 and 3 ulp (test/kernels/pointwise.test.ts).
  it('the gate forward within 6 ulp and its gradient within 8 ulp of |dy|', () => {
    const n = 3 * 64 * 257;
    const filter = new Tensor(samples(n, 6), [3, 64, 257]), gateIn = new Tensor(samples(n, 7), [3, 64, 257]);
    const dy = new Tensor(samples(n, 8), [3, 64, 257]);
    const result = bothBackends(() => {
      const forward = gatedActivation(filter, gateIn);
      const grads = gatedActivationBackward(forward, dy);
      return [forward.output.data, grads.filter.data, grads.gate.data];
    });
    for (const wasm of result.wasm) {
      assertWithinUlps(wasm[0], result.js[0], 6, 'output');
      assertWithinUlps(wasm[1], result.js[1], 8, 'dFilter', dy.data);
      assertWithinUlps(wasm[2], result.js[2], 8, 'dGate', dy.data);
    }
  });

  for (const [batch, channels, positions] of [[16, 16, 1000], [2, 5, 3], [3, 7, 1031], [1, 300, 17]]) {
    it(`the bias gradient of [${batch}, ${channels}, ${positions}] within 1 ulp`, () => {
      const dy = samples(batch * channels * positions, 9, 1).map((v) => (Number.isFinite(v) ? Math.max(-1, Math.min(1, v)) : 0.5));
      const result = bothBackends(() => [biasGradient(dy, batch, channels, positions).data]);
      for (const wasm of result.wasm) assertWithinUlps(wasm[0], result.js[0], 1, 'biasGradient');
    });
  }

  for (const [shape, training] of [[[2, 16, 32, 32], true], [[4, 5, 103], true], [[2, 16, 32, 32], false], [[3, 7, 2, 2], true]] as const) {
    it(`batch norm [${shape}] ${training ? 'training' : 'eval'}: forward and gradients within 1e-6 / 1e-5 of the largest value`, () => {
      const size = shape.reduce((p, n) => p * n, 1), C = shape[1];
      // Channels offset from zero and of different spreads: the two-pass statistics must keep their variance.
      const x = new Tensor(samples(size, 12, 1).map((v, i) => (Number.isFinite(v) ? Math.max(-1, Math.min(1, v)) : 0.25) * (1 + (i % C)) + 3), [...shape]);
      const dy = new Tensor(samples(size, 13, 1).map((v) => (Number.isFinite(v) ? Math.max(-1, Math.min(1, v)) : -0.5)), [...shape]);
      const weight = new Tensor(samples(C, 14, 2), [C]), bias = new Tensor(samples(C, 15, 1), [C]);
      const running = () => ({ runningMean: new Tensor(new Float32Array(C).fill(2.5), [C]), runningVar: new Tensor(new Float32Array(C).fill(4), [C]) });
      const result = bothBackends(() => {
        const stats = running();
        const y = batchNorm(x, { weight, bias, ...stats, training });
        const grads = batchNormBackward(x, dy, { weight, bias, ...running(), training });
        return [y.data, stats.runningMean.data, stats.runningVar.data, grads.input.data, grads.weight.data, grads.bias.data];
      });
      for (const wasm of result.wasm) {
        assert.ok(relativeError(wasm[0], result.js[0]) <= 1e-6, `output: ${relativeError(wasm[0], result.js[0])}`);
        assert.ok(relativeError(wasm[1], result.js[1]) <= 1e-7 && relativeError(wasm[2], result.js[2]) <= 1e-7, 'running statistics');
        for (const [k, name] of [[3, 'input'], [4, 'weight'], [5, 'bias']] as const) {
          assert.ok(relativeError(wasm[k], result.js[k]) <= 1e-5, `${name} gradient: ${relativeError(wasm[k], result.js[k])}`);
        }
      }
    });
  }

  for (const [N, C, P] of [[4, 256, 1000], [2, 8, 4099], [3, 5, 7], [1, 21, 4096]]) {
    // The js backend's exp is Math.exp rounded, the wasm one exp4 (1 ulp): the softmax differs by up to 4 ulp, and
    // the gradient s·(p − 1) at the target by that much of |s|.
    it(`softmax cross-entropy [${N}, ${C}, ${P}]: softmax within 4 ulp, losses 2 ulp, gradients 4 ulp of the scale`, () => {
      const logits = new Tensor(samples(N * C * P, 16, 8).map((v) => (Number.isFinite(v) ? Math.max(-50, Math.min(50, v)) : 1)), [N, C, P]);
      // Every 11th position ignored (index −100), the rest spread over the classes.
      const target = new Tensor(Float32Array.from({ length: N * P }, (_, i) => (i % 11 === 5 ? -100 : (i * 7) % C)), [N, P]);
      const scale = samples(N * P, 17, 1).map((v) => (Number.isFinite(v) ? v : 0.5));
      const result = bothBackends(() => {
        const forward = softmaxCrossEntropy('crossEntropy', logits, target, -100);
        const byPosition = softmaxCrossEntropyBackward(forward.probabilities, [N, C, P], target, -100, scale).data;
        const byMean = softmaxCrossEntropyBackward(forward.probabilities, [N, C, P], target, -100, 1 / forward.counted).data;
        return [forward.probabilities, forward.losses, byPosition, byMean, Float32Array.of(forward.counted)];
      });
      for (const wasm of result.wasm) {
        const perValue = (s: Float32Array | number) => Float32Array.from({ length: N * C * P }, (_, i) => (typeof s === 'number' ? s : s[Math.floor(i / (C * P)) * P + (i % P)]));
        assertWithinUlps(wasm[0], result.js[0], 4, 'probabilities');
        assertWithinUlps(wasm[1], result.js[1], 2, 'losses');
        assertWithinUlps(wasm[2], result.js[2], 4, 'gradient (per-position scale)', perValue(scale));
        assertWithinUlps(wasm[3], result.js[3], 4, 'gradient (mean)', perValue(result.js[4][0] > 0 ? 1 / result.js[4][0] : 0));
        assertBitEqual(wasm[4], result.js[4], 'counted');
      }
    });
  }
});
