import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ASPP, BasicBlock, BatchNorm2d, Bottleneck, Conv2d, ContextModule, DilatedCausalConv1d, Module, Sequential, TCN, WaveNet,
  backward, stream, variable, zeros, type Variable,
} from '../../src/index.js';
import { assertClose, loadFixture, withPrefix } from './torch-fixtures.js';

/**
 * Loads a PyTorch block's weights into the atrous block, runs forward and backward with PyTorch's upstream
 * gradient, and compares the output, the input gradient, every parameter gradient and (train mode) the
 * running statistics after the step.
 */
function matchesTorch(name: string, block: Module, options: { train: boolean; forward?: (x: Variable, tensors: ReturnType<typeof loadFixture>['tensors']) => Variable }): void {
  const { tensors, metadata } = loadFixture(name);
  assert.equal(metadata.schema, '1');
  block.loadStateDict(withPrefix(tensors, 'state.'));
  block.train(options.train);
  const x = variable(tensors.get('input')!.clone(), { requiresGrad: true });
  const y = options.forward ? options.forward(x, tensors) : block.forward(x);
  assertClose(y.value, tensors.get('output'), `${name} output`);
  backward(y, tensors.get('grad_output'));
  assertClose(x.grad, tensors.get('grad.input'), `${name} input gradient`);
  const torchGradients = withPrefix(tensors, 'grad.');
  torchGradients.delete('input');
  const ours = block.namedParameters();
  assert.deepEqual(ours.map(([n]) => n).sort(), [...torchGradients.keys()].sort(), `${name}: parameter names`);
  for (const [n, p] of ours) assertClose(p.grad ?? zeros(p.shape), torchGradients.get(n), `${name} gradient of ${n}`);
  if (options.train) {
    const after = withPrefix(tensors, 'after.');
    for (const [n, b] of block.namedBuffers()) assertClose(b, after.get(n), `${name} buffer ${n} after the step`);
  }
}

describe('blocks equal PyTorch for weights loaded from PyTorch-exported .safetensors', () => {
  it('ASPP (torchvision layout, rates 2 and 3, eval mode)', () => {
    matchesTorch('aspp', new ASPP({ inChannels: 6, outChannels: 4, rates: [2, 3] }), { train: false });
  });

  it('TCN (two weight-normalized residual blocks, dilations 1 and 2, training mode)', () => {
    matchesTorch('tcn', new TCN({ inputChannels: 3, channels: [4, 4], kernelSize: 3 }), { train: true });
  });

  it('seed 001\'s DilatedCausalConv1d (pad both sides and chop) equals padding "causal"', () => {
    matchesTorch('dilated_causal_conv1d', new DilatedCausalConv1d({ inChannels: 3, outChannels: 2, kernelSize: 2, dilation: 4 }), { train: false });
  });

  it('WaveNet with global conditioning (2 stacks of dilations 1, 2, 4)', () => {
    const net = new WaveNet({ inChannels: 2, outChannels: 3, residualChannels: 4, gateChannels: 5, skipChannels: 6, kernelSize: 2, layersPerStack: 3, stacks: 2, conditionChannels: 3 });
    matchesTorch('wavenet', net, { train: false, forward: (x, t) => net.forward(x, t.get('condition')!) });
  });

  it('Yu–Koltun context module (basic, C = 3)', () => {
    matchesTorch('context_module', new ContextModule({ channels: 3, identityInit: false }), { train: false });
  });

  it('Yu–Koltun context module (large, C = 1: widths 2, 2, 4, 8, 16, 32, 32)', () => {
    matchesTorch('context_module_large', new ContextModule({ channels: 1, variant: 'large', identityInit: false }), { train: false });
  });

  it('torchvision BasicBlock with stride 2 and a projection shortcut, training-mode batch norm', () => {
    const downsample = new Sequential(new Conv2d({ inChannels: 4, outChannels: 6, kernelSize: 1, stride: 2, bias: false }), new BatchNorm2d({ numFeatures: 6 }));
    matchesTorch('basic_block_strided', new BasicBlock({ inplanes: 4, planes: 6, stride: 2, downsample }), { train: true });
  });

  it('torchvision Bottleneck at dilation 2 with a downsample, training-mode batch norm', () => {
    const downsample = new Sequential(new Conv2d({ inChannels: 8, outChannels: 16, kernelSize: 1, bias: false }), new BatchNorm2d({ numFeatures: 16 }));
    matchesTorch('bottleneck_dilated', new Bottleneck({ inplanes: 8, planes: 4, stride: 1, dilation: 2, downsample }), { train: true });
  });
});

describe('WaveNet streaming generation', () => {
  it('produces PyTorch\'s full-sequence output one sample at a time, both conditioned items as one batch', () => {
    const { tensors } = loadFixture('wavenet');
    const net = new WaveNet({ inChannels: 2, outChannels: 3, residualChannels: 4, gateChannels: 5, skipChannels: 6, kernelSize: 2, layersPerStack: 3, stacks: 2, conditionChannels: 3 });
    net.loadStateDict(withPrefix(tensors, 'state.'));
    const x = tensors.get('input')!, expected = tensors.get('output')!, condition = tensors.get('condition')!;
    const [items, channels, length] = x.shape;
    const s = stream(net.eval(), { batch: items, condition });
    for (let t = 0; t < length; t++) {
      const sample = Array.from({ length: items * channels }, (_, i) => x.data[i * length + t]);
      const out = s.step(sample).data;
      for (let item = 0; item < items; item++) {
        for (let c = 0; c < 3; c++) {
          const want = expected.data[(item * 3 + c) * length + t], got = out[item * 3 + c];
          assert.ok(Math.abs(got - want) <= 1e-4 * (1 + Math.abs(want)), `item ${item}, t ${t}, channel ${c}: ${got} vs ${want}`);
        }
      }
    }
  });
});
