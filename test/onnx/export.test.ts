import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OnnxError } from '../../src/errors.js';
import { exportOnnx } from '../../src/onnx/export/export-module.js';
import { loadOnnx } from '../../src/onnx/model.js';
import { GELU, LeakyReLU, ReLU } from '../../src/nn/activation.js';
import { BatchNorm1d, BatchNorm2d, BatchNormNd } from '../../src/nn/batch-norm.js';
import { ASPP } from '../../src/nn/blocks/aspp.js';
import { ContextModule } from '../../src/nn/blocks/context-module.js';
import { buildWavenetStack } from '../../src/nn/blocks/dilated-causal-conv1d.js';
import { ResNet } from '../../src/nn/blocks/resnet.js';
import { TCN } from '../../src/nn/blocks/tcn.js';
import { WaveNet } from '../../src/nn/blocks/wavenet.js';
import { Conv1d, Conv2d, ConvTranspose2d } from '../../src/nn/conv.js';
import { Linear } from '../../src/nn/linear.js';
import type { Module } from '../../src/nn/module.js';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from '../../src/nn/pool.js';
import { Sequential } from '../../src/nn/sequential.js';
import { Upsample } from '../../src/nn/upsample.js';
import { Random, randn } from '../../src/tensor/random.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { relativeError, runOnnxRuntime } from './ort.js';

/** Random running statistics, so a batch norm exported as the identity would show. */
function randomizeBatchNorms(model: Module, seed: number): Module {
  const random = new Random(seed);
  for (const [, m] of model.namedModules()) {
    if (!(m instanceof BatchNormNd)) continue;
    m.runningMean!.data.forEach((_, i, a) => { a[i] = 0.2 * random.normal(); });
    m.runningVar!.data.forEach((_, i, a) => { a[i] = 0.5 + random.uniform(); });
    m.weight!.data.forEach((_, i, a) => { a[i] = 0.5 + random.uniform(); });
    m.bias!.data.forEach((_, i, a) => { a[i] = 0.2 * random.normal(); });
  }
  return model;
}

const r = () => new Random(11);
const CASES: [string, () => Module, number[], number?][] = [
  ['ASPP with image pooling (rates 6/12/18)', () => new ASPP({ inChannels: 8, outChannels: 4, random: r() }), [1, 8, 33, 33]],
  ['WaveNet, two stacks of dilations 1…16', () => new WaveNet({ inChannels: 1, outChannels: 3, residualChannels: 4, skipChannels: 5, layersPerStack: 5, stacks: 2, random: r() }), [1, 1, 70]],
  ['TCN with weight-normalized causal convs and a 1×1 downsample', () => new TCN({ inputChannels: 2, channels: [4, 4, 3], kernelSize: 3, random: r() }), [2, 2, 40]],
  ['context module (basic, random weights)', () => new ContextModule({ channels: 3, identityInit: false, random: r() }), [1, 3, 40, 40]],
  ['dilated ResNet-18 at output stride 8 with its classifier', () => new ResNet({ depth: 18, outputStride: 8, numClasses: 7, random: r() }), [1, 3, 48, 48]],
  ['dilated ResNet-50 at output stride 16', () => new ResNet({ depth: 50, outputStride: 16, numClasses: 5, random: r() }), [1, 3, 40, 40]],
  ['causal stack of DilatedCausalConv1d', () => buildWavenetStack(3, 2, 6, r()), [1, 3, 50]],
  ['layers: reflect-padded conv, transposed conv, pools, upsample, batch norm, GELU (opset 17 erf form)', () => new Sequential(
    new Conv2d({ inChannels: 2, outChannels: 4, kernelSize: 3, padding: 'same', dilation: 2, paddingMode: 'reflect', random: r() }),
    new BatchNorm2d({ numFeatures: 4 }), new GELU(),
    new MaxPool2d({ kernel: 3, stride: 2, padding: 1, ceilMode: true }),
    new ConvTranspose2d({ inChannels: 4, outChannels: 3, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, dilation: 1, random: r() }),
    new AvgPool2d({ kernel: 2 }), new LeakyReLU(0.1),
    new Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: true }),
    new Upsample({ size: [11, 9], mode: 'nearest' }),
  ), [1, 2, 15, 13]],
  ['GELU as the Gelu op (opset 20), replicate padding, Linear over the last axis', () => new Sequential(
    new Conv1d({ inChannels: 2, outChannels: 3, kernelSize: 3, padding: 2, paddingMode: 'replicate', random: r() }),
    new BatchNorm1d({ numFeatures: 3 }), new GELU(), new Linear({ inFeatures: 12, outFeatures: 5, random: r() }), new ReLU(),
  ), [2, 2, 10], 20],
];

describe('exported atrous models run on onnxruntime-node with atrous\'s own outputs', () => {
  for (const [name, build, shape, opset] of CASES) {
    test(name, async () => {
      const model = randomizeBatchNorms(build(), 5).eval();
      const x = randn(shape, 3);
      const bytes = exportOnnx(model, x, { opset });
      const expected: Tensor = model.forward(x).value;
      const ort = (await runOnnxRuntime(bytes, { input: x })).output;
      assert.deepEqual(ort.shape, expected.shape);
      assert.ok(relativeError(ort, expected) <= 1e-4, `onnxruntime vs atrous: ${relativeError(ort, expected)}`);
      const reimported = loadOnnx(bytes).run({ input: x }).output;
      assert.ok(relativeError(reimported, expected) <= 1e-5, `atrous re-import vs atrous: ${relativeError(reimported, expected)}`);
    });
  }

  test('every opset from 11 to 21 writes a model onnxruntime-node runs (Resize inputs, Gelu, Pad modes per opset)', async () => {
    const x = randn([1, 2, 7, 6], 4);
    for (let opset = 11; opset <= 21; opset++) {
      const model = new Sequential(
        new Conv2d({ inChannels: 2, outChannels: 3, kernelSize: 3, padding: 1, paddingMode: opset >= 19 ? 'circular' : 'reflect', random: r() }),
        new GELU(), new ASPP({ inChannels: 3, outChannels: 2, rates: [1, 2], random: r() }),
        new Upsample({ scaleFactor: 2, mode: 'bilinear' }), new Upsample({ size: [5, 9], mode: 'nearest' }),
      ).eval();
      const expected = model.forward(x).value;
      const ort = (await runOnnxRuntime(exportOnnx(model, x, { opset }), { input: x })).output;
      assert.ok(relativeError(ort, expected) <= 1e-4, `opset ${opset}: ${relativeError(ort, expected)}`);
    }
    assert.throws(() => exportOnnx(new Conv2d({ inChannels: 1, outChannels: 1, kernelSize: 3, padding: 1, paddingMode: 'circular' }), randn([1, 1, 4, 4], 1), { opset: 18 }), /opset 19/);
  });

  test('a module without an ONNX mapping is named in the error', () => {
    class Custom extends Sequential {}
    assert.throws(() => exportOnnx(new Sequential(new ReLU(), new Custom(new ReLU())), randn([1, 2, 3], 1)), (e: unknown) => e instanceof OnnxError && /no ONNX mapping for Custom \(at 1\)/.test(e.message));
  });

  test('adaptive pooling to a size other than 1 is refused', () => {
    assert.throws(() => exportOnnx(new AdaptiveAvgPool2d(2), randn([1, 2, 4, 4], 1)), /only output size 1/);
  });
});
