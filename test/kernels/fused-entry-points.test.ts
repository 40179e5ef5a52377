import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { computeConvGeometry, randn, type ConvGeometryOptions } from '../../src/index.js';
import type { ConvKernels } from '../../src/kernels/backend.js';
import { applyEpilogue, convOutputLength, type EpilogueActivation } from '../../src/kernels/epilogue.js';
import { jsKernels } from '../../src/kernels/js/js-kernels.js';
import { referenceKernels } from '../../src/kernels/reference/conv-reference.js';
import { wasmKernels } from '../../src/kernels/wasm/conv-wasm.js';
import { onPool, relativeError, runtime } from './pool-helpers.js';

/**
 * The runtime's entry points on layers aimed at each WASM kernel path: the GEMM forward with its column and band
 * splits, the depthwise kernels (3×3 and general), the adjoint-as-forward input gradient of stride-1 depthwise
 * layers, and a layer whose padding is gathered away. Tolerance: 1e-5 of max(1, max |reference|) per buffer.
 */
const TOLERANCE = 1e-5;
const BACKENDS: ConvKernels[] = [referenceKernels, jsKernels, ...(runtime ? [wasmKernels] : [])];

const LAYERS: [string, number[], number[], ConvGeometryOptions][] = [
  ['gemm 2-D, 7 output channels, stride', [2, 5, 13, 17], [7, 5, 3, 3], { dilation: 2, padding: 2, stride: [1, 2] }],
  ['gemm 1-D long row', [1, 6, 700], [9, 6, 2], { dilation: 5, padding: 'causal' }],
  ['depthwise 3×3', [2, 6, 12, 19], [6, 1, 3, 3], { groups: 6, dilation: 3, padding: 3 }],
  ['depthwise ×2 multiplier, 5-tap, stride 2', [1, 3, 11, 14], [6, 1, 1, 5], { groups: 3, dilation: 2, padding: [0, 4], stride: 2 }],
  ['padding gathered away', [1, 3, 9], [4, 3, 3], { dilation: 2 ** 22, padding: 'causal' }],
];

const ACTIVATIONS: (EpilogueActivation | null)[] = [null, { kind: 'relu' }, { kind: 'leakyRelu', alpha: 0.2 }, { kind: 'clip', min: -0.3, max: 0.4 }, { kind: 'tanh' }];

describe('fused epilogue, out buffers and the fused backward on every kernel path', () => {
  for (const [name, xShape, wShape, options] of LAYERS) {
    const g = computeConvGeometry('conv', xShape, wShape, options);
    const x = randn(xShape, 1).data, w = randn(wShape, 2).data, bias = randn([wShape[0]], 3).data;
    const residual = randn([convOutputLength(g)], 4).data, dy = randn([convOutputLength(g)], 5).data;

    for (const kernels of BACKENDS) {
      it(`${kernels.name}, ${name}: activation(conv + bias + residual) lands in out for every in-kernel activation`, () => {
        for (const activation of ACTIVATIONS) {
          const expected = referenceKernels.convForward(g, x, w, bias);
          for (let i = 0; i < expected.length; i++) expected[i] += residual[i];
          applyEpilogue(expected, { activation });
          const run = (): void => {
            const out = new Float32Array(expected.length).fill(Number.NaN);
            assert.equal(kernels.convForward(g, x, w, bias, { out, epilogue: { residual, activation } }), out);
            assert.ok(relativeError(out, expected) <= TOLERANCE, `${activation?.kind ?? 'no activation'}`);
          };
          run();
          if (kernels === wasmKernels) onPool(2, run);
        }
      });

      it(`${kernels.name}, ${name}: convBackward gives both gradients, into the caller's buffers, equal to the primitives`, () => {
        const dxRef = referenceKernels.convBackwardInput(g, dy, w), dwRef = referenceKernels.convBackwardWeight(g, x, dy);
        const outInput = new Float32Array(x.length).fill(Number.NaN), outWeight = new Float32Array(w.length).fill(Number.NaN);
        const both = kernels.convBackward(g, x, dy, w, { outInput, outWeight });
        assert.equal(both.input, outInput);
        assert.equal(both.weight, outWeight);
        assert.ok(relativeError(outInput, dxRef) <= TOLERANCE, 'input gradient');
        assert.ok(relativeError(outWeight, dwRef) <= TOLERANCE, 'weight gradient');
        const inputOnly = kernels.convBackward(g, x, dy, w, { weight: false });
        assert.equal(inputOnly.weight, null);
        assert.ok(relativeError(inputOnly.input!, dxRef) <= TOLERANCE, 'input gradient alone');
        const weightOnly = kernels.convBackward(g, x, dy, w, { input: false });
        assert.equal(weightOnly.input, null);
        assert.ok(relativeError(weightOnly.weight!, dwRef) <= TOLERANCE, 'weight gradient alone');
      });
    }
  }

  it('an out buffer of the wrong length is refused with a ShapeError naming out', { skip: !runtime && 'WebAssembly SIMD unavailable' }, () => {
    const g = computeConvGeometry('conv', [1, 2, 8], [3, 2, 3], { padding: 1 });
    assert.throws(() => wasmKernels.convForward(g, new Float32Array(16), new Float32Array(18), null, { out: new Float32Array(23) }),
      { name: 'ShapeError', message: /out.*23.*24/ });
  });
});
