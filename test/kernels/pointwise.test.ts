import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setBackend, getBackend } from '../../src/kernels/index.js';
import { erfValue, gateJs, normalCdf, sigmoidValue, transcendentalJs } from '../../src/kernels/pointwise/pointwise-js.js';
import { gate, transcendental, type TranscendentalKind } from '../../src/kernels/pointwise/pointwise-kernels.js';
import { gateWasm, transcendentalWasm } from '../../src/kernels/pointwise/pointwise-wasm.js';
import { onPool, runtime } from './pool-helpers.js';

/**
 * Measured accuracy of the WASM SIMD functions against float64 `Math` (and atrous's float64 erf) over 2¹⁸ inputs
 * spread over [−100, 100], [−10, 10] and [−1, 1], in units in the last place of the float32 result:
 *   exp 1, tanh 2, sigmoid 3, erf 3 ulp (measured 0.9, 1.2, 2.1, 2.3);
 *   GELU 4 ulp for x ≥ 0; for x < 0, where Φ(x) comes from the erfc fit (1.2e-7 fractional) and e^{−x²/2} from
 *   a float32 x², 3e-5 relative (or results under 1.2e-38, the smallest normal float32, may flush to 0).
 */
const ULP_BOUND: Record<TranscendentalKind, number> = { exp: 1, tanh: 2, sigmoid: 3, erf: 3, gelu: 4 };
const GELU_TAIL_RELATIVE = 3e-5;

const REFERENCE: Record<TranscendentalKind, (v: number) => number> = {
  exp: Math.exp, tanh: Math.tanh, sigmoid: sigmoidValue, erf: erfValue, gelu: (v) => v * normalCdf(v),
};

function ulp(v: number): number {
  const f = Math.abs(Math.fround(v));
  return f === 0 ? 2 ** -149 : 2 ** Math.max(Math.floor(Math.log2(f)) - 23, -149);
}

function samples(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = (s / 2 ** 32 * 2 - 1) * [100, 10, 1][i % 3];
  }
  const edges = [0, -0, 88.7, 88.8, -87.4, -103.9, -104.5, 0.625, -0.625, 1, -1, 9.5, -9.5, -14.2, -20];
  x.set(edges.slice(0, n), 0);
  return x;
}

describe('WASM SIMD pointwise functions are accurate to float32', { skip: !runtime }, () => {
  const x = samples(1 << 18, 7);
  for (const kind of Object.keys(REFERENCE) as TranscendentalKind[]) {
    it(`${kind}: within ${ULP_BOUND[kind]} ulp of float64 Math`, () => {
      const out = new Float32Array(x.length);
      assert.ok(transcendentalWasm(runtime!, kind, x, out));
      for (let i = 0; i < x.length; i++) {
        const want = REFERENCE[kind](x[i]);
        if (Math.abs(want) > 3.4028234663852886e38) { assert.equal(out[i], Math.fround(want), `${kind}(${x[i]})`); continue; }
        const err = Math.abs(out[i] - want);
        if (kind === 'gelu' && x[i] < 0) {
          assert.ok(err <= GELU_TAIL_RELATIVE * Math.abs(want) + 2 ** -126, `gelu(${x[i]}) = ${out[i]}, want ${want}`);
          continue;
        }
        assert.ok(err <= ULP_BOUND[kind] * ulp(want), `${kind}(${x[i]}) = ${out[i]}, want ${want}: ${err / ulp(want)} ulp`);
      }
    });
  }

  it('NaN stays NaN and ±Infinity saturate', () => {
    const special = Float32Array.of(Number.NaN, Infinity, -Infinity);
    const want: Record<TranscendentalKind, number[]> = {
      exp: [Number.NaN, Infinity, 0], tanh: [Number.NaN, 1, -1], sigmoid: [Number.NaN, 1, 0], erf: [Number.NaN, 1, -1], gelu: [Number.NaN, Infinity, Number.NaN],
    };
    for (const kind of Object.keys(want) as TranscendentalKind[]) {
      const out = new Float32Array(3);
      transcendentalWasm(runtime!, kind, special, out);
      assert.deepEqual(Array.from(out.slice(0, 2)), want[kind].slice(0, 2), kind);
      if (kind !== 'gelu') assert.deepEqual(out[2], want[kind][2], kind);
    }
  });
});

describe('pointwise kernels at tile edges and on the pool', { skip: !runtime }, () => {
  for (const n of [1, 3, 4, 5, 7, 8, 9, 4095, 4096, 4097, 70001]) {
    it(`tanh and sigmoid of ${n} values equal the JS loops to 2 ulp, on 1 and 2 threads`, () => {
      const x = samples(n, n);
      for (const threads of [1, 2]) {
        for (const kind of ['tanh', 'sigmoid'] as const) {
          const fast = onPool(threads, () => transcendental(kind, x, new Float32Array(n)));
          const plain = new Float32Array(n);
          transcendentalJs(kind, x, plain);
          for (let i = 0; i < n; i++) assert.ok(Math.abs(fast[i] - plain[i]) <= 2 * ulp(plain[i]), `${kind}[${i}]`);
        }
      }
    });
  }

  it('the gate reads both channel halves of each batch row in place', () => {
    // [N = 3, 2C = 6, L = 37]: rows of C·L = 111 values, 222 apart; tanh half first, then sigmoid half swapped.
    const src = samples(3 * 6 * 37, 11);
    for (const [aOffset, bOffset] of [[0, 111], [111, 0]]) {
      const layout = { rows: 3, length: 111, rowStride: 222, aOffset, bOffset };
      const fast = new Float32Array(333).fill(Number.NaN);
      assert.ok(onPool(2, () => gateWasm(runtime!, src, layout, fast)));
      const plain = new Float32Array(333);
      gateJs(src, layout, plain);
      for (let i = 0; i < 333; i++) assert.ok(Math.abs(fast[i] - plain[i]) <= 4 * ulp(plain[i]) + 1e-45, `${i}: ${fast[i]} vs ${plain[i]}`);
      for (let r = 0; r < 3; r++) {
        const i = r * 111 + 5;
        const want = Math.tanh(src[aOffset + r * 222 + 5]) * sigmoidValue(src[bOffset + r * 222 + 5]);
        assert.ok(Math.abs(plain[i] - want) <= 1e-7 * Math.max(1, Math.abs(want)));
      }
    }
  });

  it('other backends run the JS loops, to the same results', () => {
    const previous = getBackend();
    const x = samples(1000, 3);
    try {
      setBackend('js');
      const plain = transcendental('gelu', x, new Float32Array(1000));
      const expected = new Float32Array(1000);
      transcendentalJs('gelu', x, expected);
      assert.deepEqual(plain, expected);
      const gated = gate(x, { rows: 1, length: 500, rowStride: 1000, aOffset: 0, bOffset: 500 }, new Float32Array(500));
      assert.ok(gated.every((v, i) => v === Math.fround(Math.tanh(x[i]) * sigmoidValue(x[500 + i]))));
    } finally {
      setBackend(previous);
    }
  });
});
