/**
 * A run interrupted by a checkpoint and resumed into a fresh model, optimizer and scheduler ends with the same
 * weights, bit for bit, as a run never interrupted — for SGD with momentum, Adam and AdamW, and with every
 * scheduler. The model is a dilated conv stack on the WASM backend, so the packed-weight cache is exercised: the
 * resumed model runs a forward before loading (caching panels of its initial weights), and only the version bump
 * of `loadStateDict` makes the next forward use the loaded ones.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Adam, AdamW, Conv1d, CosineAnnealingLR, LambdaLR, LinearLR, OneCycleLR, ReLU, ReduceLROnPlateau, SGD, Sequential,
  SequentialLR, StepLR, Random, backward, fit, functional as F, getBackend, loadCheckpoint, noGrad, randn, ready,
  saveCheckpoint, type LrSchedule, type Optimizer, type Variable,
} from '../../src/index.js';

const STEPS = 12;
const INTERRUPT_AT = 5;
const x = randn([2, 4, 24], 1);
const target = randn([2, 4, 24], 2);

function model(seed: number): Sequential {
  const random = new Random(seed);
  return new Sequential(
    new Conv1d({ inChannels: 4, outChannels: 8, kernelSize: 3, dilation: 2, padding: 'same', random }),
    new ReLU(),
    new Conv1d({ inChannels: 8, outChannels: 4, kernelSize: 3, dilation: 4, padding: 'same', random }),
  );
}

const OPTIMIZERS: Record<string, (ps: Variable[]) => Optimizer> = {
  'SGD momentum': (ps) => new SGD(ps, { lr: 0.05, momentum: 0.9, weightDecay: 1e-3 }),
  Adam: (ps) => new Adam(ps, { lr: 0.01 }),
  AdamW: (ps) => new AdamW(ps, { lr: 0.01, weightDecay: 0.1 }),
};

const SCHEDULERS: Record<string, (o: Optimizer) => LrSchedule | undefined> = {
  none: () => undefined,
  StepLR: (o) => new StepLR(o, { stepSize: 3, gamma: 0.5 }),
  CosineAnnealingLR: (o) => new CosineAnnealingLR(o, { tMax: 10 }),
  LinearLR: (o) => new LinearLR(o, { startFactor: 0.1, totalIters: 6 }),
  LambdaLR: (o) => new LambdaLR(o, { lrLambda: (t) => 1 / (1 + t) }),
  OneCycleLR: (o) => new OneCycleLR(o, { maxLr: 0.05, totalSteps: STEPS }),
  ReduceLROnPlateau: (o) => new ReduceLROnPlateau(o, { patience: 0, factor: 0.5, threshold: 0.5 }),
  SequentialLR: (o) => new SequentialLR(o, { schedulers: [new LinearLR(o, { startFactor: 0.2, totalIters: 4 }), new StepLR(o, { stepSize: 2, gamma: 0.7 })], milestones: [4] }),
};

function trainSteps(net: Sequential, optimizer: Optimizer, schedule: LrSchedule | undefined, steps: number): void {
  for (let i = 0; i < steps; i++) {
    optimizer.zeroGrad();
    const loss = F.mseLoss(net.forward(x), target);
    backward(loss);
    optimizer.step();
    if (schedule instanceof ReduceLROnPlateau) schedule.step(loss.data[0]);
    else schedule?.step();
  }
}

function weights(net: Sequential): Uint32Array[] {
  return net.parameters().map((p) => new Uint32Array(p.data.slice().buffer));
}

describe('an interrupted and resumed run equals an uninterrupted one, bit for bit', () => {
  before(async () => { await ready(); });

  it('runs on the WASM backend (so cached weight panels are in play)', () => {
    assert.equal(getBackend(), 'wasm');
  });

  for (const [optimizerName, makeOptimizer] of Object.entries(OPTIMIZERS)) {
    for (const [scheduleName, makeSchedule] of Object.entries(SCHEDULERS)) {
      it(`${optimizerName} with ${scheduleName === 'none' ? 'no scheduler' : scheduleName}`, () => {
        const straight = model(7);
        const straightOptimizer = makeOptimizer(straight.parameters());
        trainSteps(straight, straightOptimizer, makeSchedule(straightOptimizer), STEPS);

        const first = model(7);
        const firstOptimizer = makeOptimizer(first.parameters());
        const firstSchedule = makeSchedule(firstOptimizer);
        trainSteps(first, firstOptimizer, firstSchedule, INTERRUPT_AT);
        const bytes = saveCheckpoint({ model: first, optimizer: firstOptimizer, schedule: firstSchedule, extra: { step: INTERRUPT_AT } });

        const resumed = model(99);
        noGrad(() => resumed.forward(x));
        const resumedOptimizer = makeOptimizer(resumed.parameters());
        const resumedSchedule = makeSchedule(resumedOptimizer);
        assert.deepEqual(loadCheckpoint(bytes, { model: resumed, optimizer: resumedOptimizer, schedule: resumedSchedule }), { step: INTERRUPT_AT });
        trainSteps(resumed, resumedOptimizer, resumedSchedule, STEPS - INTERRUPT_AT);

        assert.deepEqual(weights(resumed), weights(straight));
        assert.deepEqual(resumedOptimizer.paramGroups.map((g) => g.lr), straightOptimizer.paramGroups.map((g) => g.lr));
      });
    }
  }

  it('fit resumes from its own checkpoint to the same weights and losses', () => {
    const run = (net: Sequential, optimizer: Optimizer, schedule: LrSchedule, resumeFrom?: Uint8Array, stopAt?: number) => {
      let saved: Uint8Array | undefined;
      const result = fit({
        model: net, optimizer, schedule, steps: STEPS, log: () => {}, resumeFrom, checkpointEvery: 1,
        loss: () => F.mseLoss(net.forward(x), target),
        onCheckpoint: (b, info) => { if (info.step === stopAt) saved = b; },
        onStep: (info) => (info.step === stopAt ? 'stop' : undefined),
      });
      return { result, saved };
    };
    const straight = model(3);
    const straightOptimizer = new Adam(straight.parameters(), { lr: 0.01 });
    const full = run(straight, straightOptimizer, new CosineAnnealingLR(straightOptimizer, { tMax: STEPS }));

    const first = model(3);
    const firstOptimizer = new Adam(first.parameters(), { lr: 0.01 });
    const partial = run(first, firstOptimizer, new CosineAnnealingLR(firstOptimizer, { tMax: STEPS }), undefined, INTERRUPT_AT);
    assert.equal(partial.result.stoppedBy, 'callback');
    assert.ok(partial.saved);

    const resumed = model(11);
    const resumedOptimizer = new Adam(resumed.parameters(), { lr: 0.01 });
    const rest = run(resumed, resumedOptimizer, new CosineAnnealingLR(resumedOptimizer, { tMax: STEPS }), partial.saved);
    assert.equal(rest.result.stepsDone, STEPS);
    assert.deepEqual([...partial.result.losses, ...rest.result.losses], full.result.losses);
    assert.deepEqual(weights(resumed), weights(straight));
  });
});
