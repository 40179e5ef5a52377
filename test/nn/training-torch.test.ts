/**
 * Parameter groups, frozen parameters and every learning-rate scheduler follow PyTorch 1.13 step for step over 20
 * steps (fixtures/torch/training.json from scripts/make_torch_training_fixtures.py). Tolerance: 1e-6 absolute on
 * weights, losses and learning rates (float32 weights; JavaScript computes each update in float64 and stores float32).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  Adam, AdamW, CosineAnnealingLR, LambdaLR, LinearLR, OneCycleLR, ReduceLROnPlateau, SGD, SequentialLR, StepLR,
  backward, functional as F, tensor, variable, type LrSchedule, type LrScheduler, type Optimizer, type Variable,
} from '../../src/index.js';

const TOLERANCE = 1e-6;

interface Spec {
  optimizer: 'SGD' | 'Adam' | 'AdamW';
  options: Record<string, unknown>;
  groups?: ({ params: ('W' | 'b')[] } & Record<string, unknown>)[];
  frozen?: ('W' | 'b')[];
  scheduler?: SchedulerSpec;
}
interface SchedulerSpec { type: string; options: Record<string, unknown> }
interface Case { name: string; spec: Spec; losses: number[]; lrs: number[][]; W: number[][]; b: number[][] }
interface Fixture { schema: number; torch: string; steps: number; x: number[]; xShape: number[]; y: number[]; yShape: number[]; W0: number[]; WShape: number[]; b0: number[]; cases: Case[] }

const fixture = JSON.parse(readFileSync(new URL('../../../fixtures/torch/training.json', import.meta.url), 'utf8')) as Fixture;

function buildScheduler(spec: SchedulerSpec, optimizer: Optimizer): LrSchedule {
  const o = spec.options;
  switch (spec.type) {
    case 'StepLR': return new StepLR(optimizer, o as { stepSize: number; gamma: number });
    case 'CosineAnnealingLR': return new CosineAnnealingLR(optimizer, o as { tMax: number });
    case 'LinearLR': return new LinearLR(optimizer, o);
    case 'LambdaLR': assert.equal(o.lrLambda, '0.9 ** t'); return new LambdaLR(optimizer, { lrLambda: (t) => 0.9 ** t });
    case 'OneCycleLR': return new OneCycleLR(optimizer, o as { maxLr: number });
    case 'ReduceLROnPlateau': return new ReduceLROnPlateau(optimizer, o);
    case 'SequentialLR': {
      const parts = (o.schedulers as SchedulerSpec[]).map((s) => buildScheduler(s, optimizer) as LrScheduler);
      return new SequentialLR(optimizer, { schedulers: parts, milestones: o.milestones as number[] });
    }
    default: throw new Error(`unknown scheduler ${spec.type}`);
  }
}

function buildOptimizer(spec: Spec, params: Record<'W' | 'b', Variable>): Optimizer {
  const groups = (spec.groups ?? [{ params: ['W', 'b'] }]).map(({ params: names, ...rest }) => ({ params: names.map((n) => params[n]), ...rest }));
  const make = { SGD: (g: never, o: never) => new SGD(g, o), Adam: (g: never, o: never) => new Adam(g, o), AdamW: (g: never, o: never) => new AdamW(g, o) }[spec.optimizer];
  return make(groups as never, spec.options as never);
}

function assertNear(actual: ArrayLike<number>, expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= TOLERANCE, `${what}[${i}]: ${actual[i]} vs PyTorch ${expected[i]}`);
  }
}

describe(`training follows PyTorch ${fixture.torch} for ${fixture.steps} steps`, () => {
  assert.equal(fixture.schema, 1);
  const x = tensor(fixture.x, fixture.xShape), y = tensor(fixture.y, fixture.yShape);
  for (const c of fixture.cases) {
    it(c.name, () => {
      const params = { W: variable(tensor(fixture.W0, fixture.WShape), { requiresGrad: true }), b: variable(tensor(fixture.b0, [fixture.b0.length]), { requiresGrad: true }) };
      for (const name of c.spec.frozen ?? []) params[name].requiresGrad = false;
      const optimizer = buildOptimizer(c.spec, params);
      const schedule = c.spec.scheduler && buildScheduler(c.spec.scheduler, optimizer);
      for (let step = 0; step < fixture.steps; step++) {
        optimizer.zeroGrad();
        const loss = F.mseLoss(F.linear(x, params.W, params.b), y);
        backward(loss);
        optimizer.step();
        if (schedule instanceof ReduceLROnPlateau) schedule.step(loss.data[0]);
        else schedule?.step();
        assertNear([loss.data[0]], [c.losses[step]], `loss at step ${step}`);
        assertNear(optimizer.paramGroups.map((g) => g.lr), c.lrs[step], `lr at step ${step}`);
        assertNear(params.W.data, c.W[step], `W after step ${step}`);
        assertNear(params.b.data, c.b[step], `b after step ${step}`);
      }
      for (const name of c.spec.frozen ?? []) {
        assertNear(params[name].data, name === 'W' ? fixture.W0 : fixture.b0, `frozen ${name}`);
        assert.equal(params[name].grad, null, `frozen ${name} gets no gradient`);
      }
    });
  }
});
