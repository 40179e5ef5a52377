import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Adam, AdamW, CosineAnnealingLR, OptionError, SGD, StepLR, clipGradNorm, clipGradValue, progressLine, tensor, variable,
  type Optimizer, type Variable,
} from '../../src/index.js';
import { assertClose, loadFixture } from './torch-fixtures.js';

const { tensors } = loadFixture('optimizers');


describe('optimizers take PyTorch\'s steps', () => {
  const configs: Record<string, (p: Variable) => Optimizer> = {
    sgd_nesterov_wd: (p) => new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
    sgd_dampening: (p) => new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.3 }),
    sgd_plain: (p) => new SGD([p], { lr: 0.1 }),
    adam_wd: (p) => new Adam([p], { lr: 0.01, weightDecay: 0.1 }),
    adamw: (p) => new AdamW([p], { lr: 0.01, weightDecay: 0.1, betas: [0.8, 0.99] }),
  };
  for (const [name, make] of Object.entries(configs)) {
    it(`${name.replaceAll('_', ' ')}: three steps`, () => {
      const p = variable(tensors.get('start')!.clone(), { requiresGrad: true });
      const optimizer = make(p);
      for (let i = 0; i < 3; i++) {
        p.grad = tensors.get(`grad.${i}`)!.clone();
        optimizer.step();
        assertClose(p.value, tensors.get(`${name}.${i}`), `${name} after step ${i + 1}`, 1e-6);
      }
    });
  }

  it('cosine annealing and step schedules give PyTorch\'s learning rates', () => {
    for (const [name, make] of [
      ['cosine', (o: Optimizer) => new CosineAnnealingLR(o, { tMax: 7, etaMin: 0.01 })],
      ['step', (o: Optimizer) => new StepLR(o, { stepSize: 3, gamma: 0.5 })],
    ] as const) {
      const optimizer = new SGD([variable(tensor([0]), { requiresGrad: true })], { lr: 0.2 });
      const schedule = make(optimizer);
      const rates = tensor(Array.from({ length: 10 }, () => schedule.step()));
      assertClose(rates, tensors.get(`lr.${name}`), `${name} schedule`, 1e-6);
    }
  });

  it('clipGradNorm scales gradients to the norm PyTorch does and returns the norm before clipping', () => {
    const p = variable(tensor([0, 0, 0, 0, 0, 0]), { requiresGrad: true });
    p.grad = tensors.get('clip.grad_before')!.clone();
    const norm = clipGradNorm([p], 1.5);
    assert.ok(Math.abs(norm - tensors.get('clip.norm')!.data[0]) < 1e-5);
    assertClose(p.grad, tensors.get('clip.grad_after'), 'clipped gradient', 1e-6);
  });

  it('clipGradValue clamps each entry', () => {
    const p = variable(tensor([0, 0, 0]), { requiresGrad: true });
    p.grad = tensor([-3, 0.2, 5]);
    clipGradValue([p], 1);
    assert.deepEqual(Array.from(p.grad.data), [-1, Math.fround(0.2), 1]);
  });

  it('refuses impossible hyperparameters with typed errors', () => {
    const p = variable(tensor([0]), { requiresGrad: true });
    assert.throws(() => new SGD([p], { lr: -1 }), OptionError);
    assert.throws(() => new SGD([p], { lr: 0.1, nesterov: true }), /Nesterov momentum needs momentum > 0/);
    assert.throws(() => new Adam([p], { betas: [1, 0.9] }), OptionError);
    assert.throws(() => new SGD([], { lr: 0.1 }), /empty parameter list/);
  });

  it('progress lines report loss, steps per second and time left', () => {
    assert.equal(progressLine(120, 500, 0.0123, 8.45), 'step 120/500  loss 0.01230  14.2 steps/s  ETA 27s');
    assert.equal(progressLine(100, 10000, 1, 10), 'step 100/10000  loss 1.000  10.0 steps/s  ETA 16m30s');
  });
});
