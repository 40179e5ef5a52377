import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Random, checkGradients, functional as F, randn, rand, tensor, type Variable, type Tensor } from '../../src/index.js';

/** Reduces any output to a scalar with fixed random weights, so every output entry's gradient is exercised. */
function weighted(y: Variable, seed = 99): Variable {
  return F.sum(F.mul(y, randn(y.shape, seed)));
}

function assertGradients(f: (v: Variable[]) => Variable, inputs: Tensor[], tolerance = 2e-2): void {
  const { maxError, worst } = checkGradients((v) => weighted(f(v)), inputs);
  assert.ok(maxError < tolerance, `max relative error ${maxError} at input ${worst.input}[${worst.index}]: analytic ${worst.analytic}, numeric ${worst.numeric}`);
}

describe('every op\'s gradient matches central finite differences', () => {
  it('conv with dilation 2, stride 2, groups 2 and bias', () => {
    assertGradients(([x, w, b]) => F.conv(x, w, { bias: b, dilation: 2, stride: 2, groups: 2, padding: 2 }),
      [randn([2, 4, 9, 8], 1), randn([6, 2, 3, 3], 2), randn([6], 3)]);
  });

  it('causal 1-D conv with reflect padding mode and dilation 3', () => {
    assertGradients(([x, w]) => F.conv(x, w, { dilation: 3, padding: 'causal', paddingMode: 'replicate' }),
      [randn([2, 3, 12], 4), randn([2, 3, 2], 5)]);
  });

  it('3-D conv with same padding', () => {
    assertGradients(([x, w]) => F.conv(x, w, { padding: 'same', dilation: [1, 2, 1] }),
      [randn([1, 2, 4, 5, 3], 6), randn([2, 2, 3, 2, 3], 7)]);
  });

  it('transposed conv with stride, dilation and output padding', () => {
    assertGradients(([x, w, b]) => F.convTranspose(x, w, { bias: b, stride: 2, dilation: 2, padding: 1, outputPadding: 1 }),
      [randn([1, 3, 5, 4], 8), randn([3, 2, 3, 3], 9), randn([2], 10)]);
  });

  it('add, sub, mul and div with broadcasting', () => {
    const a = randn([2, 3, 4], 11), b = randn([3, 1], 12), c = rand([4], 13, 0.5, 2);
    assertGradients(([x, y, z]) => F.div(F.mul(F.sub(F.add(x, y), 0.5), y), z), [a, b, c]);
  });

  it('relu, leakyRelu, tanh, sigmoid and gelu', () => {
    const x = randn([3, 7], 14);
    for (const f of [F.relu, (v: Variable) => F.leakyRelu(v, 0.2), F.tanh, F.sigmoid, F.gelu]) {
      assertGradients(([v]) => f(v), [x]);
    }
  });

  it('gatedActivation: one op, the gradients of tanh(f)·σ(g) for both operands (and equal to the three-op form)', () => {
    const f = randn([2, 3, 9], 41), g = randn([2, 3, 9], 42);
    assertGradients(([a, b]) => F.gatedActivation(a, b), [f, g]);
    const fused = F.gatedActivation(f, g).value.data, composed = F.mul(F.tanh(f), F.sigmoid(g)).value.data;
    fused.forEach((v, i) => assert.ok(Math.abs(v - composed[i]) <= 1e-7, `${i}: ${v} vs ${composed[i]}`));
  });

  it('matmul with broadcast batches and 1-D operands, and linear', () => {
    assertGradients(([a, b]) => F.matmul(a, b), [randn([2, 1, 3, 4], 15), randn([3, 4, 2], 16)]);
    assertGradients(([a, b]) => F.matmul(a, b), [randn([4], 17), randn([2, 4, 3], 18)]);
    assertGradients(([x, w, b]) => F.linear(x, w, b), [randn([2, 3, 5], 19), randn([4, 5], 20), randn([4], 21)]);
  });

  it('sum and mean over chosen axes, softmax and logSoftmax', () => {
    const x = randn([2, 3, 4], 22);
    assertGradients(([v]) => F.sum(v, { axes: [0, 2], keepDims: true }), [x]);
    assertGradients(([v]) => F.mean(v, { axes: -1 }), [x]);
    assertGradients(([v]) => F.softmax(v, 1), [x]);
    assertGradients(([v]) => F.logSoftmax(v, -1), [x]);
  });

  it('mseLoss and crossEntropy with an ignore index', () => {
    assertGradients(([x, t]) => F.mseLoss(x, t), [randn([2, 5], 23), randn([2, 5], 24)]);
    const target = tensor([0, 2, 255, 1, 1, 0], [2, 3]);
    assertGradients(([x]) => F.crossEntropy(x, target, { ignoreIndex: 255 }), [randn([2, 3, 3], 25)]);
    assertGradients(([x]) => F.crossEntropy(x, target, { ignoreIndex: 255, reduction: 'none' }), [randn([2, 3, 3], 26)]);
  });

  it('batchNorm in training and evaluation mode', () => {
    const runningMean = randn([3], 27), runningVar = rand([3], 28, 0.5, 1.5);
    assertGradients(([x, g, b]) => F.batchNorm(x, { weight: g, bias: b, training: true }), [randn([2, 3, 4, 2], 29), randn([3], 30), randn([3], 31)]);
    assertGradients(([x, g, b]) => F.batchNorm(x, { weight: g, bias: b, runningMean, runningVar }), [randn([2, 3, 5], 32), randn([3], 33), randn([3], 34)]);
  });

  it('reshape, transpose, concat, slice and pad', () => {
    assertGradients(([v]) => F.transpose(F.reshape(v, [4, 6]), [1, 0]), [randn([2, 3, 4], 35)]);
    assertGradients(([a, b]) => F.concat([a, b, a], 1), [randn([2, 1, 3], 36), randn([2, 2, 3], 37)]);
    assertGradients(([v]) => F.slice(v, { starts: [1, -3], ends: [3, 100], axes: [1, 2], steps: [1, 2] }), [randn([2, 4, 7], 38)]);
    assertGradients(([v]) => F.pad(v, [[2, 1], [1, 2]], { mode: 'reflect' }), [randn([1, 2, 4, 3], 39)]);
  });

  it('max pooling with dilation, padding and ceil mode; average pooling with and without counting padding', () => {
    assertGradients(([v]) => F.maxPool(v, { kernel: 3, stride: 2, dilation: 2, padding: 1, ceilMode: true }), [randn([1, 2, 9, 8], 40)]);
    assertGradients(([v]) => F.avgPool(v, { kernel: [2, 3], stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), [randn([2, 1, 7, 6], 41)]);
    assertGradients(([v]) => F.avgPool(v, { kernel: 3, stride: 2, padding: 1 }), [randn([1, 2, 5], 42)]);
    assertGradients(([v]) => F.adaptiveAvgPool(v, [2, 3]), [randn([1, 2, 5, 7], 43)]);
  });

  it('nearest and linear interpolation, align corners both ways', () => {
    const x = randn([1, 2, 3, 4], 44);
    assertGradients(([v]) => F.interpolate(v, { size: [7, 5], mode: 'bilinear' }), [x]);
    assertGradients(([v]) => F.interpolate(v, { size: [7, 5], mode: 'bilinear', alignCorners: true }), [x]);
    assertGradients(([v]) => F.interpolate(v, { scaleFactor: 2, mode: 'nearest' }), [x]);
  });

  it('weight normalization', () => {
    assertGradients(([v, g]) => F.weightNorm(v, g), [randn([3, 2, 4], 45), randn([3, 1, 1], 46)]);
  });

  it('layer norm and group norm with affine parameters', () => {
    assertGradients(([x, g, b]) => F.layerNorm(x, [3, 4], { weight: g, bias: b }), [randn([2, 3, 4], 47), randn([3, 4], 48), randn([3, 4], 49)]);
    assertGradients(([x, g, b]) => F.groupNorm(x, 2, { weight: g, bias: b }), [randn([2, 4, 5], 50), randn([4], 51), randn([4], 52)]);
    assertGradients(([x]) => F.groupNorm(x, 3), [randn([1, 3, 2, 3], 53)]);
  });

  it('dropout, with the mask drawn from a fixed seed on every evaluation', () => {
    assertGradients(([v]) => F.dropout(v, 0.3, true, new Random(5)), [randn([2, 3, 4], 54)]);
  });
});
