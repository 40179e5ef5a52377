import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Linear, OptionError, Random, ReduceLROnPlateau, SGD, fit, functional as F, loadCheckpoint, tensor } from '../../src/index.js';

const x = tensor([0, 1, 2, 3], [4, 1]);
const y = tensor([1, 3, 5, 7], [4, 1]);

describe('fit', () => {
  it('validates, reports metrics, keeps the best checkpoint and steps ReduceLROnPlateau on the validation loss', () => {
    const model = new Linear({ inFeatures: 1, outFeatures: 1, random: new Random(1) });
    const optimizer = new SGD(model.parameters(), { lr: 0.05 });
    const schedule = new ReduceLROnPlateau(optimizer, { patience: 0, factor: 0.5 });
    const lines: string[] = [];
    let best: Uint8Array | undefined;
    const result = fit({
      model, optimizer, schedule, steps: 40, validateEvery: 10, logEvery: 20, log: (l) => lines.push(l),
      loss: () => F.mseLoss(model.forward(x), y),
      validate: () => F.mseLoss(model.forward(x), y).data[0],
      metrics: { weight: () => model.weight.data[0] },
      onCheckpoint: (bytes, info) => { if (info.best) best = bytes; },
    });
    assert.deepEqual(result.validations.map((v) => v.step), [10, 20, 30, 40]);
    assert.ok(result.validations.every((v) => typeof v.metrics.weight === 'number'));
    assert.equal(result.bestValidationLoss, Math.min(...result.validations.map((v) => v.metrics.loss)));
    assert.match(lines[0], /^step 20\/40 {2}loss \S+ {2}val \S+ {2}\S+ steps\/s {2}ETA/);
    assert.ok(best);
    const restored = new Linear({ inFeatures: 1, outFeatures: 1, random: new Random(2) });
    assert.equal((loadCheckpoint(best!, { model: restored }) as { step: number }).step, 40);
  });

  it('stops early when the validation loss stalls, and on a callback', () => {
    const model = new Linear({ inFeatures: 1, outFeatures: 1, random: new Random(1) });
    const stalled = fit({
      model, optimizer: new SGD(model.parameters(), { lr: 0 }), steps: 100, validateEvery: 1, log: () => {},
      loss: () => F.mseLoss(model.forward(x), y), validate: () => 1, earlyStopping: { patience: 3 },
    });
    assert.equal(stalled.stoppedBy, 'earlyStopping');
    assert.equal(stalled.stepsDone, 4);
    const stopped = fit({ model, optimizer: new SGD(model.parameters(), { lr: 0.01 }), steps: 100, log: () => {}, loss: () => F.mseLoss(model.forward(x), y), onStep: (i) => (i.step === 7 ? 'stop' : undefined) });
    assert.deepEqual([stopped.stoppedBy, stopped.stepsDone], ['callback', 7]);
  });

  it('refuses settings that cannot work, with typed errors', () => {
    const model = new Linear({ inFeatures: 1, outFeatures: 1 });
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const loss = () => F.mseLoss(model.forward(x), y);
    assert.throws(() => fit({ model, optimizer, steps: 5, loss, earlyStopping: { patience: 2 } }), /give validate too/);
    assert.throws(() => fit({ model, optimizer, steps: 5, loss, schedule: new ReduceLROnPlateau(optimizer) }), /give validate too/);
    assert.throws(() => fit({ model, optimizer, steps: 5, loss, validateEvry: 2 } as never), /did you mean "validateEvery"/);
    assert.throws(() => fit({ model, optimizer, steps: 5, log: () => {}, loss: () => F.mul(loss(), tensor([Infinity])) }), (e: unknown) => e instanceof OptionError && /the loss at step 0 is Infinity/.test(e.message));
  });
});
