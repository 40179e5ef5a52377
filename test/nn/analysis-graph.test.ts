import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ASPP, ContextModule, Conv2d, OptionError, ReLU, Sequential, TCN, Upsample, WaveNet, analyzeGraph, buildWavenetStack,
  dilatedResNet, moduleGraph,
} from '../../src/index.js';

describe('nn modules analysed through the graph IR', () => {
  it('a TCN of 4 blocks (k = 3, dilations 1–8) sees 61 past samples, causally', () => {
    const tcn = new TCN({ inputChannels: 1, channels: [8, 8, 8, 8], kernelSize: 3 });
    const { output } = analyzeGraph(moduleGraph(tcn, { rank: 1, channels: 1, size: [128] }));
    assert.deepEqual(output.rf, [tcn.receptiveField]);
    assert.deepEqual(output.padding, [60]);
  });

  it('seed 001\'s WaveNet stack has a 1024-sample causal field; a WaveNet of 2 stacks of 1…32 has 127', () => {
    const stack = analyzeGraph(moduleGraph(buildWavenetStack(4), { rank: 1 })).output;
    assert.deepEqual([stack.rf, stack.padding], [[1024], [1023]]);
    const net = new WaveNet({ inChannels: 1, outChannels: 4, residualChannels: 4, skipChannels: 4, layersPerStack: 6, stacks: 2 });
    assert.deepEqual(analyzeGraph(moduleGraph(net, { rank: 1 })).output.rf, [net.receptiveField]);
    assert.equal(net.receptiveField, 127);
  });

  it('the Yu–Koltun context module sees 67×67 without holes', () => {
    const report = analyzeGraph(moduleGraph(new ContextModule({ channels: 4 }), { rank: 2, channels: 4, size: [96, 96] }));
    assert.deepEqual(report.output.rf, [67, 67]);
    assert.equal(report.coverage?.holes, 0);
  });

  it('ASPP\'s image-pooling branch makes the field global; dilated ResNet-50 keeps output stride 8', () => {
    assert.equal(analyzeGraph(moduleGraph(new ASPP({ inChannels: 8, outChannels: 4 }), { rank: 2, channels: 8, size: [33, 33] })).output.global, true);
    const resnet = dilatedResNet(50, 8);
    const report = analyzeGraph(moduleGraph(resnet, { rank: 2, channels: 3, size: [224, 224] }));
    assert.deepEqual(report.output.stride, [8, 8]);
    // The graph counts convolution weights (batch norm is a pass-through node there; the classifier is not traced).
    const convWeights = resnet.namedParameters().filter(([n, p]) => n.endsWith('weight') && p.rank === 4).reduce((a, [, p]) => a + p.size, 0);
    assert.equal(report.params, convWeights);
  });

  it('refuses what the graph cannot express, naming the module', () => {
    const net = new Sequential(new Conv2d({ inChannels: 1, outChannels: 1, kernelSize: 3 }), new ReLU(), new Upsample({ size: [10, 10] }));
    assert.throws(() => moduleGraph(net, { rank: 2 }), (e: unknown) => e instanceof OptionError && /integer scaleFactor/.test(e.message));
  });
});
