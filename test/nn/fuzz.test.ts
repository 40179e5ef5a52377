/**
 * Fuzzing the nn API: layers, blocks, functional ops, optimizers and schedulers built and run with random option
 * objects (valid keys with wild values, unknown keys), random input shapes and random values. Every call either
 * succeeds with finite output or throws a typed atrous error (an `AtrousError` subclass) — never a TypeError,
 * RangeError, a NaN output or a hang. Seeded, so a failure names the case that reproduces it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ASPP, Adam, AdamW, AtrousError, AvgPool1d, BatchNorm1d, BatchNorm2d, ContextModule, Conv1d, Conv2d, ConvTranspose1d,
  CosineAnnealingLR, DilatedCausalConv1d, Dropout, GroupNorm, LambdaLR, LayerNorm, Linear, LinearLR, MaxPool1d,
  MaxPool2d, OneCycleLR, Random, ReduceLROnPlateau, SGD, StepLR, TCN, TemporalBlock, Upsample, WaveNet, backward,
  functional as F, tensor, variable, type Module, type Variable,
} from '../../src/index.js';

const CASES_PER_TARGET = 60;

/** Values a careless or hostile caller might pass for any option. */
const WILD = [-2, -1, 0, 1, 2, 3, 4, 0.5, 1.5, NaN, Infinity, -Infinity, 'same', 'valid', 'causal', 'zeros', 'reflect',
  'nearest', 'linear', 'cos', 'min', 'rel', null, undefined, true, false, [], [1], [2, 2], [1, 2, 3], [[1, 1]], {}, 'x'];

class Fuzzer {
  private readonly random: Random;
  constructor(seed: number) { this.random = new Random(seed); }
  int(lo: number, hi: number): number { return lo + Math.floor(this.random.uniform() * (hi - lo + 1)); }
  pick<T>(values: readonly T[]): T { return values[this.int(0, values.length - 1)]; }
  chance(p: number): boolean { return this.random.uniform() < p; }

  /** Mostly plausible values for `keys`, some wild ones, sometimes a missing or an unknown key. */
  options(plausible: Record<string, () => unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, make] of Object.entries(plausible)) {
      if (this.chance(0.1)) continue;
      out[key] = this.chance(0.2) ? this.pick(WILD) : make();
    }
    if (this.chance(0.05)) out[this.pick(['strid', 'learningRate', 'dilations', 'kernel_size', 'foo'])] = 1;
    return out;
  }

  /** A small input of rank `2 + spatial` (channels often right, sometimes wrong), random values. */
  input(channels: number, spatial: number): Variable {
    const shape = [this.int(1, 2), this.chance(0.85) ? channels : this.int(1, 5), ...Array.from({ length: this.chance(0.9) ? spatial : this.int(0, 3) }, () => this.int(1, 9))];
    const size = shape.reduce((a, b) => a * b, 1);
    return variable(tensor(Array.from({ length: size }, () => this.random.uniform() * 4 - 2), shape), { requiresGrad: this.chance(0.5) });
  }
}

/** What the last layer case built and fed, for the failure message. */
let lastCall = '';

function expectTypedOrFinite(label: string, run: () => unknown): void {
  lastCall = '';
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    assert.ok(error instanceof AtrousError, `${label} ${lastCall}: threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    return;
  }
  const values = result && typeof result === 'object' && 'data' in result ? (result as { data: Float32Array }).data : null;
  if (values) assert.ok(values.every(Number.isFinite), `${label} ${lastCall}: output has non-finite values`);
}

type Target = (f: Fuzzer) => unknown;

const ch = (f: Fuzzer) => () => f.int(1, 4);
const small = (f: Fuzzer) => () => f.int(1, 3);

/** Builds a layer from random options and runs it forward (and backward when it tracks gradients). */
function layer(make: (o: Record<string, unknown>) => Module, plausible: (f: Fuzzer) => Record<string, () => unknown>, spatial: number): Target {
  return (f) => {
    const options = f.options(plausible(f));
    const module = make(options);
    const channels = [options.inChannels, options.numFeatures, options.channels, options.inputChannels, options.inFeatures]
      .find((c) => typeof c === 'number') as number | undefined ?? f.int(1, 4);
    const input = f.input(channels, spatial);
    lastCall = `options ${JSON.stringify(options)} input ${JSON.stringify(input.shape)}`;
    const y = module.forward(input);
    if (y.requiresGrad && y.data.every(Number.isFinite)) backward(F.sum(y));
    return y;
  };
}

const TARGETS: Record<string, Target> = {
  Conv1d: layer((o) => new Conv1d(o as never), (f) => ({ inChannels: ch(f), outChannels: ch(f), kernelSize: small(f), stride: small(f), dilation: small(f), padding: () => f.pick([0, 1, 'same', 'valid', 'causal']), groups: () => f.pick([1, 2]), paddingMode: () => f.pick(['zeros', 'reflect', 'replicate', 'circular']) }), 1),
  Conv2d: layer((o) => new Conv2d(o as never), (f) => ({ inChannels: ch(f), outChannels: ch(f), kernelSize: small(f), dilation: small(f), padding: () => f.pick([0, 1, 'same']) }), 2),
  ConvTranspose1d: layer((o) => new ConvTranspose1d(o as never), (f) => ({ inChannels: ch(f), outChannels: ch(f), kernelSize: small(f), stride: small(f), dilation: small(f), padding: () => f.int(0, 2), outputPadding: () => f.int(0, 1) }), 1),
  DilatedCausalConv1d: layer((o) => new DilatedCausalConv1d(o as never), (f) => ({ inChannels: ch(f), outChannels: ch(f), kernelSize: small(f), dilation: () => f.pick([1, 2, 4]) }), 1),
  Linear: layer((o) => new Linear(o as never), (f) => ({ inFeatures: ch(f), outFeatures: ch(f), bias: () => f.chance(0.5) }), 0),
  BatchNorm1d: layer((o) => new BatchNorm1d(o as never), (f) => ({ numFeatures: ch(f), eps: () => 1e-5, momentum: () => f.pick([0.1, null]), affine: () => f.chance(0.5) }), 1),
  BatchNorm2d: layer((o) => new BatchNorm2d(o as never), (f) => ({ numFeatures: ch(f), trackRunningStats: () => f.chance(0.5) }), 2),
  LayerNorm: (f) => { const n = f.int(1, 4); const m = new LayerNorm(f.chance(0.9) ? [n] : (f.pick(WILD) as never), f.options({ eps: () => 1e-5, elementwiseAffine: () => f.chance(0.5) })); return m.forward(f.input(2, 1)); },
  GroupNorm: (f) => { const m = new GroupNorm(f.pick([1, 2, 3, 0, NaN]), f.pick([2, 4, 3]), f.options({ eps: () => 1e-5, affine: () => f.chance(0.5) })); return m.forward(f.input(4, 1)); },
  MaxPool1d: layer((o) => new MaxPool1d(o as never), (f) => ({ kernel: small(f), stride: small(f), dilation: small(f), padding: () => f.int(0, 1), ceilMode: () => f.chance(0.5) }), 1),
  MaxPool2d: layer((o) => new MaxPool2d(o as never), (f) => ({ kernel: small(f), stride: small(f), padding: () => f.int(0, 1) }), 2),
  AvgPool1d: layer((o) => new AvgPool1d(o as never), (f) => ({ kernel: small(f), stride: small(f), padding: () => f.int(0, 1), countIncludePad: () => f.chance(0.5) }), 1),
  Upsample: layer((o) => new Upsample(o as never), (f) => ({ scaleFactor: () => f.pick([2, 1.5, [2]]), mode: () => f.pick(['nearest', 'linear']), alignCorners: () => f.chance(0.5) }), 1),
  Dropout: (f) => { const m = new Dropout(f.pick([0, 0.5, 0.9, 1, -1, NaN]) as number, new Random(1)); return m.forward(f.input(2, 1)); },
  TemporalBlock: layer((o) => new TemporalBlock(o as never), (f) => ({ inChannels: ch(f), outChannels: ch(f), kernelSize: small(f), dilation: small(f), dropout: () => f.pick([0, 0.2]), weightNorm: () => f.chance(0.5) }), 1),
  TCN: layer((o) => new TCN(o as never), (f) => ({ inputChannels: ch(f), channels: () => [f.int(1, 3), f.int(1, 3)], kernelSize: small(f), dropout: () => 0 }), 1),
  WaveNet: layer((o) => new WaveNet(o as never), (f) => ({ inChannels: ch(f), outChannels: ch(f), residualChannels: ch(f), skipChannels: ch(f), kernelSize: small(f), layersPerStack: small(f), stacks: small(f) }), 1),
  ASPP: layer((o) => new ASPP(o as never), (f) => ({ inChannels: ch(f), outChannels: ch(f), rates: () => [1, f.int(1, 3)], dropout: () => 0 }), 2),
  ContextModule: layer((o) => new ContextModule(o as never), (f) => ({ channels: ch(f), variant: () => f.pick(['basic', 'large']), identityInit: () => f.chance(0.5) }), 2),
  'F.conv': (f) => F.conv(f.input(2, 1), variable(tensor(Array(2 * 2 * 3).fill(0.1), [2, f.pick([1, 2, 3]), 3])), f.options({ stride: small(f), dilation: small(f), padding: () => f.pick([0, 'same', 'causal']), groups: () => f.pick([1, 2]) }) as never),
  'F.dropout': (f) => F.dropout(f.input(2, 1), f.pick([0, 0.5, 1, -0.5, NaN]) as number, f.pick([true, false, undefined]) as boolean, f.pick([new Random(2), undefined]) as Random),
  'F.pad': (f) => {
    const options = f.options({ mode: () => f.pick(['zeros', 'reflect', 'replicate', 'circular']), value: () => f.int(-1, 1) });
    const y = F.pad(f.input(2, 1), f.pick([1, 2, [[1, 2]], [[-1, 0]], NaN]) as never, options as never);
    return Number.isFinite(options.value ?? 0) ? y : null; // a constant ±Infinity border is legitimate (max-pool style)
  },
  'F.interpolate': (f) => F.interpolate(f.input(2, 1), f.options({ size: () => f.int(1, 8), scaleFactor: () => f.pick([2, 0.5]), mode: () => f.pick(['nearest', 'linear']), alignCorners: () => f.chance(0.5) }) as never),
  'F.mseLoss': (f) => F.mseLoss(f.input(2, 1), f.input(2, 1), f.options({ reduction: () => f.pick(['mean', 'sum', 'none']) }) as never),
  optimizers: (f) => {
    const p = variable(tensor([1, 2, 3]), { requiresGrad: true });
    const groups = f.chance(0.5) ? [p] : [{ params: f.chance(0.9) ? [p] : (f.pick(WILD) as never), ...f.options({ lr: () => 0.1 }) }];
    const make = f.pick([(o: never) => new SGD(groups as never, o), (o: never) => new Adam(groups as never, o), (o: never) => new AdamW(groups as never, o)]);
    const optimizer = make(f.options({ lr: () => f.pick([0.1, 0.01]), momentum: () => 0.9, betas: () => [0.9, 0.99], eps: () => 1e-8, weightDecay: () => 0.01 }) as never);
    backward(F.sum(F.mul(p, p)));
    optimizer.step();
    const schedule = f.pick([
      () => new StepLR(optimizer, f.options({ stepSize: small(f), gamma: () => 0.5 }) as never),
      () => new CosineAnnealingLR(optimizer, f.options({ tMax: small(f), etaMin: () => 0 }) as never),
      () => new LinearLR(optimizer, f.options({ startFactor: () => 0.5, endFactor: () => 1, totalIters: small(f) }) as never),
      () => new LambdaLR(optimizer, f.options({ lrLambda: () => (t: number) => 1 / (t + 1) }) as never),
      () => new OneCycleLR(optimizer, f.options({ maxLr: () => 0.1, totalSteps: () => f.int(1, 5), pctStart: () => 0.3 }) as never),
      () => new ReduceLROnPlateau(optimizer, f.options({ patience: small(f), factor: () => 0.5, mode: () => f.pick(['min', 'max']) }) as never),
    ])();
    for (let i = 0; i < 3; i++) schedule.step(f.pick([1, 2, NaN, undefined]) as number);
    assert.ok(p.data.every(Number.isFinite) && Number.isFinite(optimizer.lr), 'optimizer produced non-finite numbers');
    return p;
  },
};

describe('nn fuzz: random options, shapes and values give typed errors only', () => {
  for (const [name, target] of Object.entries(TARGETS)) {
    it(`${name}: ${CASES_PER_TARGET} random cases`, () => {
      for (let i = 0; i < CASES_PER_TARGET; i++) {
        const fuzzer = new Fuzzer(i * 7919 + name.length);
        expectTypedOrFinite(`${name} case ${i}`, () => target(fuzzer));
      }
    });
  }
});
