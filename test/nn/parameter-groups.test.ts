import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Adam, Linear, OptionError, Random, SGD, StepLR, backward, functional as F, tensor, variable } from '../../src/index.js';

const param = (values: number[]) => variable(tensor(values), { requiresGrad: true });

describe('parameter groups', () => {
  it('each group keeps its own hyperparameters over the defaults', () => {
    const a = param([1]), b = param([2]);
    const opt = new Adam([{ params: [a], lr: 0.1 }, { params: [b], weightDecay: 0.5 }], { lr: 0.01 });
    assert.deepEqual(opt.paramGroups.map((g) => [g.lr, g.weightDecay]), [[0.1, 0], [0.01, 0.5]]);
    assert.deepEqual(opt.parameters, [a, b]);
  });

  it('say what is wrong with a group instead of blaming gradients', () => {
    const a = param([1]);
    assert.throws(() => new Adam([{ params: [a], learningRate: 0.1 } as never]), /Adam parameter group 0: unknown option "learningRate" \(did you mean "lr"\?\)/);
    assert.throws(() => new Adam([{ params: [a] }, { params: [a] }]), /parameter 0 of group 1 is already in an earlier group/);
    assert.throws(() => new Adam([{ params: [] }]), /group 0 needs a non-empty params array/);
    assert.throws(() => new Adam([a, { params: [a] }] as never), /mixes Variables and groups/);
    assert.throws(() => new SGD([F.mul(a, a)], { lr: 0.1 }), /not a leaf/);
    assert.throws(() => new Adam([{ params: [a], betas: [1, 0.9] }]), OptionError);
  });

  it('frozen parameters are accepted and left unchanged; requiresGrad is settable on leaves only', () => {
    const model = new Linear({ inFeatures: 2, outFeatures: 1, random: new Random(1) });
    model.bias!.requiresGrad = false;
    const bias = model.bias!.data.slice();
    const opt = new SGD(model.parameters(), { lr: 0.1 });
    backward(F.sum(model.forward(tensor([1, 2], [1, 2]))));
    assert.equal(model.bias!.grad, null);
    opt.step();
    assert.deepEqual(model.bias!.data, bias);
    const product = F.mul(model.weight, model.weight);
    assert.throws(() => { product.requiresGrad = false; }, /only be changed on a leaf/);
  });

  it('zeroGrad drops gradients or zero-fills them in place', () => {
    const a = param([3]);
    const opt = new SGD([a], { lr: 0.1 });
    backward(F.sum(F.mul(a, a)));
    const grad = a.grad!;
    opt.zeroGrad({ setToNone: false });
    assert.equal(a.grad, grad);
    assert.deepEqual([...grad.data], [0]);
    opt.zeroGrad();
    assert.equal(a.grad, null);
  });

  it('optimizer and scheduler state round-trips and is checked against the groups', () => {
    const a = param([1, 2]), b = param([3]);
    const opt = new SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1, momentum: 0.9 });
    const schedule = new StepLR(opt, { stepSize: 1, gamma: 0.5 });
    backward(F.sum(F.mul(a, a)));
    opt.step();
    schedule.step();
    const saved = opt.stateDict();
    assert.deepEqual(saved.paramGroups.map((g) => [g.params, g.lr]), [[[0], 0.05], [[1], 0.25]]);
    assert.deepEqual([...(saved.state.get(0)!.momentumBuffer as { data: Float32Array }).data], [2, 4]);
    const other = new SGD([{ params: [param([0, 0])] }, { params: [param([0])] }], { lr: 1, momentum: 0.9 });
    other.loadStateDict(saved);
    assert.deepEqual(other.paramGroups.map((g) => g.lr), [0.05, 0.25]);
    assert.throws(() => new SGD([param([0, 0])], { lr: 1 }).loadStateDict(saved), /groups have \[1, 1\] parameters/);
    const restored = new StepLR(other, { stepSize: 1, gamma: 0.5 });
    restored.loadStateDict(schedule.stateDict());
    assert.equal(restored.stepCount, 1);
  });
});
