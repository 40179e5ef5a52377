import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Random, conv, convBackward, convTranspose, convTransposeBackward, effectiveKernelSize, getBackend, rand, setBackend,
} from '../../src/index.js';
import { dot, norm, randomConv } from './random-conv.js';

/**
 * Tolerance of an inner-product identity ⟨A, B⟩ = ⟨C, D⟩ computed from float32 tensors: 1e-5 · max(‖A‖‖B‖, ‖C‖‖D‖)
 * (Cauchy–Schwarz bounds each side by its norms; float32 rounding of the conv outputs is ≈ 1e-7 of them).
 */
const ADJOINT_TOLERANCE = 1e-5;
const GEOMETRIES = 150;

function assertIdentity(left: number, right: number, scale: number, what: string): void {
  assert.ok(Number.isFinite(left) && Number.isFinite(right), `${what}: ${left} vs ${right}`);
  assert.ok(Math.abs(left - right) <= ADJOINT_TOLERANCE * Math.max(scale, 1e-30),
    `${what}: ${left} vs ${right} (difference ${Math.abs(left - right)}, allowed ${ADJOINT_TOLERANCE * scale})`);
}

for (const backend of ['reference', 'js']) {
  describe(`the adjoint identities on the ${backend} backend`, () => {
    let previous = '';
    before(() => { previous = getBackend(); setBackend(backend); });
    after(() => setBackend(previous));

    it(`⟨conv(x, w), y⟩ = ⟨x, convTranspose(y, w)⟩ with stride, dilation, groups and asymmetric padding (${GEOMETRIES} geometries)`, () => {
      const rng = new Random(101);
      for (let i = 0; i < GEOMETRIES; i++) {
        const c = randomConv(rng, { modes: ['zeros'] });
        const { stride, dilation, padding, groups } = c.options as { stride: number[]; dilation: number[]; padding: number[][]; groups: number };
        const inSize = c.x.shape.slice(2), kernel = c.w.shape.slice(2);
        // The transposed size is the conv's input size only up to the remainder the strided conv dropped.
        const outputPadding = inSize.map((n, d) =>
          (n + padding[d][0] + padding[d][1] - effectiveKernelSize(kernel[d], dilation[d])) % stride[d]);
        const y = rand(c.outShape, 7000 + i, -1, 1);
        const forward = conv(c.x, c.w, c.options);
        const transposed = convTranspose(y, c.w, { stride, dilation, padding, groups, outputPadding });
        assert.deepEqual(transposed.shape, c.x.shape, `case ${i}: ${JSON.stringify(c.options)}`);
        assertIdentity(dot(forward, y), dot(c.x, transposed),
          Math.max(norm(forward) * norm(y), norm(c.x) * norm(transposed)), `case ${i}: ${JSON.stringify(c.options)}`);
      }
    });

    it(`⟨conv(x, w), y⟩ = ⟨x, convBackward(...).input⟩ = ⟨w, convBackward(...).weight⟩ in every padding mode (${GEOMETRIES} geometries)`, () => {
      const rng = new Random(202);
      for (let i = 0; i < GEOMETRIES; i++) {
        const c = randomConv(rng);
        const y = rand(c.outShape, 8000 + i, -1, 1);
        const forward = conv(c.x, c.w, c.options);
        const grads = convBackward(c.x, c.w, y, c.options);
        const what = `case ${i}: ${JSON.stringify(c.options)}`;
        const left = dot(forward, y);
        assertIdentity(left, dot(c.x, grads.input), Math.max(norm(forward) * norm(y), norm(c.x) * norm(grads.input)), `${what} input`);
        assertIdentity(left, dot(c.w, grads.weight), Math.max(norm(forward) * norm(y), norm(c.w) * norm(grads.weight)), `${what} weight`);
        assert.equal(grads.bias, null);
      }
    });

    it('⟨bias contribution, y⟩ = ⟨bias, convBackward(...).bias⟩', () => {
      const rng = new Random(303);
      for (let i = 0; i < 40; i++) {
        const c = randomConv(rng);
        const y = rand(c.outShape, 9000 + i, -1, 1);
        const withBias = conv(c.x, c.w, { ...c.options, bias: c.bias });
        const without = conv(c.x, c.w, c.options);
        const grads = convBackward(c.x, c.w, y, { ...c.options, bias: c.bias });
        assert.ok(grads.bias);
        assertIdentity(dot(withBias, y) - dot(without, y), dot(c.bias, grads.bias),
          Math.max(norm(withBias) * norm(y), norm(c.bias) * norm(grads.bias)), `case ${i}`);
      }
    });

    it('⟨convTranspose(x, w), z⟩ = ⟨x, convTransposeBackward(...).input⟩ = ⟨w, convTransposeBackward(...).weight⟩', () => {
      const rng = new Random(404);
      for (let i = 0; i < 80; i++) {
        const c = randomConv(rng, { modes: ['zeros'] });
        const { stride, dilation, groups } = c.options as { stride: number[]; dilation: number[]; groups: number };
        const padding = (c.options.padding as number[][]).map(([before, after]) => Math.min(before, after));
        const outputPadding = stride.map((s, d) => rng.int(Math.max(s, dilation[d])));
        const options = { stride, dilation, padding, groups, outputPadding };
        const x = rand(c.outShape, 500 + i, -1, 1);
        const z0 = convTranspose(x, c.w, options);
        const z = rand(z0.shape, 600 + i, -1, 1);
        const grads = convTransposeBackward(x, c.w, z, options);
        const left = dot(z0, z);
        const what = `case ${i}: ${JSON.stringify(options)}`;
        assertIdentity(left, dot(x, grads.input), Math.max(norm(z0) * norm(z), norm(x) * norm(grads.input)), `${what} input`);
        assertIdentity(left, dot(c.w, grads.weight), Math.max(norm(z0) * norm(z), norm(c.w) * norm(grads.weight)), `${what} weight`);
      }
    });
  });
}
