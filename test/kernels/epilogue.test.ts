import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { computeConvGeometry, randn } from '../../src/index.js';
import { listBackends } from '../../src/kernels/index.js';
import { referenceKernels } from '../../src/kernels/reference/conv-reference.js';
import { jsKernels } from '../../src/kernels/js/js-kernels.js';
import { wasmKernels } from '../../src/kernels/wasm/conv-wasm.js';
import { applyEpilogue, convOutputLength, type EpilogueActivation } from '../../src/kernels/epilogue.js';

/** Fused or not, the same float32 operations in the same order per element: results agree to 1e-6 relative. */
const TOLERANCE = 1e-6;

const ACTIVATIONS: EpilogueActivation[] = [
  { kind: 'relu' }, { kind: 'leakyRelu', alpha: 0.1 }, { kind: 'clip', min: -0.5, max: 0.5 },
  { kind: 'sigmoid' }, { kind: 'tanh' }, { kind: 'hardSwish' },
];

describe('conv kernels take an out buffer and an epilogue', () => {
  const backends = [referenceKernels, jsKernels, ...(listBackends().includes('wasm') ? [wasmKernels] : [])];
  const x = randn([2, 5, 9, 11], 1), w = randn([6, 5, 3, 3], 2), bias = randn([6], 3);
  const g = computeConvGeometry('conv', x.shape, w.shape, { dilation: 2, padding: 1, stride: [1, 2] });
  const residual = randn([convOutputLength(g)], 4).data;

  for (const kernels of backends) {
    for (const activation of ACTIVATIONS) {
      it(`${kernels.name}: activation(conv + bias + residual) with ${activation.kind} equals the unfused passes`, () => {
        const unfused = referenceKernels.convForward(g, x.data, w.data, bias.data);
        for (let i = 0; i < unfused.length; i++) unfused[i] += residual[i];
        applyEpilogue(unfused, { activation });
        const out = new Float32Array(convOutputLength(g)).fill(Number.NaN);
        const result = kernels.convForward(g, x.data, w.data, bias.data, { out, epilogue: { residual, activation } });
        assert.equal(result, out, 'the result is the caller\'s buffer');
        for (let i = 0; i < out.length; i++) {
          assert.ok(Math.abs(out[i] - unfused[i]) <= TOLERANCE * Math.max(1, Math.abs(unfused[i])), `${i}: ${out[i]} vs ${unfused[i]}`);
        }
      });
    }

    it(`${kernels.name}: gradients are written into the caller's buffers`, () => {
      const dy = randn([g.batch, g.outChannels, ...g.outSize], 5).data;
      const dx = new Float32Array(x.data.length), dw = new Float32Array(w.data.length);
      assert.equal(kernels.convBackwardInput(g, dy, w.data, { out: dx }), dx);
      assert.equal(kernels.convBackwardWeight(g, x.data, dy, { out: dw }), dw);
      const dxRef = referenceKernels.convBackwardInput(g, dy, w.data), dwRef = referenceKernels.convBackwardWeight(g, x.data, dy);
      for (let i = 0; i < dx.length; i++) assert.ok(Math.abs(dx[i] - dxRef[i]) <= 1e-4 * Math.max(1, Math.abs(dxRef[i])));
      for (let i = 0; i < dw.length; i++) assert.ok(Math.abs(dw[i] - dwRef[i]) <= 1e-4 * Math.max(1, Math.abs(dwRef[i])));
    });
  }
});
