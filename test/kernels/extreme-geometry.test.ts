import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { MemoryLimitError, computeConvGeometry, getMemoryLimit, setMemoryLimit, type ConvGeometry, type ConvGeometryOptions } from '../../src/index.js';
import type { ConvKernels } from '../../src/kernels/backend.js';
import { jsKernels } from '../../src/kernels/js/js-kernels.js';
import { buildTapRows } from '../../src/kernels/js/tap-rows.js';
import { referenceKernels } from '../../src/kernels/reference/conv-reference.js';
import { wasmKernels } from '../../src/kernels/wasm/conv-wasm.js';
import { compactTapWindows } from '../../src/kernels/wasm/tap-windows.js';
import { Random } from '../../src/tensor/random.js';
import { relativeError, runtime } from './pool-helpers.js';

/**
 * Geometry at the edges of what the library accepts: dilation, padding and stride near and past 2^31, outputs past
 * 2^31 values. Every fast kernel must equal the reference here too (issue 17): the WASM kernels gather the windows
 * taps read instead of staging the padding, and the JS kernels keep positions in float64. Tolerance as elsewhere:
 * max |kernel − reference| ≤ 1e-5 · max(1, max |reference|).
 */
const TOLERANCE = 1e-5;
const FAST: ConvKernels[] = [jsKernels, ...(runtime ? [wasmKernels] : [])];


function randomArray(rng: Random, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** Forward, input gradient and weight gradient of every fast backend against the reference on random data. */
function assertAllPassesMatch(g: ConvGeometry, seed: number): void {
  const rng = new Random(seed);
  const I = g.inSize.reduce((a, b) => a * b, 1), P = g.outSize.reduce((a, b) => a * b, 1), T = g.kernelSize.reduce((a, b) => a * b, 1);
  const x = randomArray(rng, g.batch * g.inChannels * I);
  const w = randomArray(rng, g.outChannels * (g.inChannels / g.groups) * T);
  const bias = randomArray(rng, g.outChannels);
  const dy = randomArray(rng, g.batch * g.outChannels * P);
  const expected = {
    forward: referenceKernels.convForward(g, x, w, bias),
    input: referenceKernels.convBackwardInput(g, dy, w),
    weight: referenceKernels.convBackwardWeight(g, x, dy),
  };
  for (const kernels of FAST) {
    const layer = `${kernels.name} ${JSON.stringify({ in: g.inSize, k: g.kernelSize, s: g.stride, d: g.dilation, p: g.padBefore, out: g.outSize })}`;
    assert.ok(relativeError(kernels.convForward(g, x, w, bias), expected.forward) <= TOLERANCE, `forward ${layer}`);
    assert.ok(relativeError(kernels.convBackwardInput(g, dy, w), expected.input) <= TOLERANCE, `input gradient ${layer}`);
    assert.ok(relativeError(kernels.convBackwardWeight(g, x, dy), expected.weight) <= TOLERANCE, `weight gradient ${layer}`);
  }
}

function geometry(x: number[], w: number[], options: ConvGeometryOptions): ConvGeometry {
  return computeConvGeometry('conv', x, w, options);
}

describe('kernels at extreme dilation, padding and stride', () => {
  it('dilation 2^30 + 1 with causal padding gives 1…10 on every backend (it gave NaN on wasm and js)', () => {
    const g = geometry([1, 1, 10], [1, 1, 3], { dilation: 2 ** 30 + 1, padding: 'causal' });
    const x = Float32Array.from({ length: 10 }, (_, i) => i + 1);
    const w = Float32Array.from([100, 10, 1]);
    for (const kernels of [referenceKernels, ...FAST]) {
      assert.deepEqual([...kernels.convForward(g, x, w, null)], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], kernels.name);
    }
    assertAllPassesMatch(g, 1);
  });

  it('dilation 2^26, 2^27 and 2^28 with causal padding equal the reference (2^27 threw a raw RangeError, 2^28 a KernelError)', () => {
    for (const dilation of [2 ** 26, 2 ** 27, 2 ** 28]) {
      assertAllPassesMatch(geometry([1, 2, 10], [3, 2, 3], { dilation, padding: 'causal' }), dilation);
    }
  });

  it('dilation 2^26 stages only the windows its taps read: the WASM memory stays small', { skip: !runtime && 'WebAssembly SIMD unavailable' }, () => {
    const script = `
      import { conv, randn, setBackend } from ${JSON.stringify(new URL('../../src/index.js', import.meta.url).href)};
      import { wasmRuntime } from ${JSON.stringify(new URL('../../src/kernels/wasm/wasm-runtime.js', import.meta.url).href)};
      setBackend('wasm');
      conv(randn([1, 2, 10]), randn([3, 2, 3]), { dilation: 2 ** 26, padding: 'causal' });
      console.log(wasmRuntime().kernel.memory.buffer.byteLength);`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    assert.ok(Number(child.stdout) <= 8 * 2 ** 20, `the WASM memory grew to ${child.stdout.trim()} bytes for ten outputs`);
    const windows = compactTapWindows(geometry([1, 2, 10], [3, 2, 3], { dilation: 2 ** 26, padding: 'causal' }));
    assert.deepEqual(windows?.geometry.inSize, [30]);
  });

  it('padding 5·10^8 on a single sample: outputs past 2^31 values are right at their far end', () => {
    const previous = setMemoryLimit(2 ** 36);
    try {
      const g = geometry([1, 1, 1], [1, 1, 1], { padding: [[2 ** 31 + 5, 0]] });
      assert.equal(g.outSize[0], 2 ** 31 + 6);
      for (const kernels of FAST) {
        const y = kernels.convForward(g, Float32Array.of(1), Float32Array.of(1), null);
        assert.equal(y.length, 2 ** 31 + 6);
        assert.deepEqual([y[0], y[2 ** 31 - 1], y[2 ** 31 + 4], y[2 ** 31 + 5]], [0, 0, 0, 1], kernels.name);
      }
    } finally {
      setMemoryLimit(previous);
    }
  });

  it('an output over the memory budget is refused with a MemoryLimitError naming the op, on every backend', () => {
    const g = geometry([1, 1, 1], [1, 1, 1], { padding: 5e8 });
    const previous = setMemoryLimit(2 ** 30);
    try {
      assert.ok(getMemoryLimit() < g.outSize[0] * 4);
      for (const kernels of [referenceKernels, ...FAST]) {
        assert.throws(() => kernels.convForward(g, Float32Array.of(1), Float32Array.of(1), null),
          (e: unknown) => e instanceof MemoryLimitError && /conv/.test(e.message) && /output/.test(e.message), kernels.name);
      }
    } finally {
      setMemoryLimit(previous);
    }
  });

  it('tap rows keep positions past 2^31 exact (float64, not int32)', () => {
    const rows = buildTapRows(geometry([1, 1, 10], [1, 1, 3], { dilation: 2 ** 30 + 1, padding: 'causal' }));
    assert.equal(rows.inRow[0], -(2 ** 31 + 2));
    assert.deepEqual([...rows.hi].map((hi, k) => hi - rows.lo[k]), [0, 0, 10]);
  });

  it('stride 2^30 and padding 2^30 with dilation in 2-D and 3-D equal the reference', () => {
    assertAllPassesMatch(geometry([1, 3, 5, 7], [5, 3, 2, 3], { stride: [2 ** 30, 1], dilation: [3, 2 ** 29], padding: [[2 ** 30, 2 ** 30], [2 ** 29, 2 ** 29]] }), 11);
    assertAllPassesMatch(geometry([2, 4, 3, 4, 5], [4, 1, 2, 2, 3], { groups: 4, dilation: [2 ** 20, 1, 2 ** 25], padding: [[2 ** 20, 0], [1, 1], [2 ** 25, 2 ** 25]] }), 12);
  });

  it('random extreme geometries (dilation, stride, padding from 1 to 2^30, small outputs) equal the reference on every pass', () => {
    const rng = new Random(17);
    const magnitudes = [1, 2, 3, 7, 2 ** 10, 2 ** 20 + 1, 2 ** 27, 2 ** 30 + 1];
    let checked = 0;
    while (checked < 40) {
      const rank = 1 + rng.int(3);
      const inSize = Array.from({ length: rank }, () => 1 + rng.int(6));
      const kernel = inSize.map(() => 1 + rng.int(3));
      const dilation = inSize.map(() => magnitudes[rng.int(magnitudes.length)]);
      const stride = inSize.map(() => magnitudes[rng.int(magnitudes.length)]);
      const padding = inSize.map((n, i) => {
        const out = 1 + rng.int(rank === 1 ? 9 : 4);
        const total = (out - 1) * stride[i] + dilation[i] * (kernel[i] - 1) + 1 - n + rng.int(2);
        const before = Math.floor(rng.uniform() * (Math.max(0, total) + 1));
        return [before, Math.max(0, total - before)];
      });
      const depthwise = rng.int(3) === 0;
      const groups = depthwise ? 1 + rng.int(3) : 1;
      const cig = depthwise ? 1 : 1 + rng.int(5), cog = 1 + rng.int(5);
      let g: ConvGeometry;
      try {
        g = geometry([1 + rng.int(2), groups * cig, ...inSize], [groups * cog, cig, ...kernel], { stride, dilation, padding, groups });
      } catch {
        continue;
      }
      assertAllPassesMatch(g, 100 + checked);
      checked++;
    }
  });
});
