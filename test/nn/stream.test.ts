import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { noGrad } from '../../src/autograd/variable.js';
import { OptionError, ShapeError } from '../../src/errors.js';
import { GELU, LeakyReLU, ReLU, Sigmoid, Tanh, Identity } from '../../src/nn/activation.js';
import { BatchNorm1d } from '../../src/nn/batch-norm.js';
import { DilatedCausalConv1d } from '../../src/nn/blocks/dilated-causal-conv1d.js';
import { TCN } from '../../src/nn/blocks/tcn.js';
import { WaveNet } from '../../src/nn/blocks/wavenet.js';
import { Conv1d, Conv2d } from '../../src/nn/conv.js';
import { Dropout } from '../../src/nn/dropout.js';
import { Linear } from '../../src/nn/linear.js';
import type { Module } from '../../src/nn/module.js';
import { LayerNorm } from '../../src/nn/normalization.js';
import { Sequential } from '../../src/nn/sequential.js';
import { stream, type Streamer } from '../../src/nn/stream/streamer.js';
import { StreamError } from '../../src/nn/stream/stream-error.js';
import { Random, randn } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';

/** Streamed output must equal the full forward to this (float32 sums in another order, tanh/σ/exp to ~1e-7). */
const TOLERANCE = 1e-5;
const ENGINES = ['wasm', 'js'] as const;

function wavenet(seed: number, conditioned = false): WaveNet {
  return new WaveNet({
    inChannels: 2, outChannels: 12, residualChannels: 8, gateChannels: 6, skipChannels: 10, kernelSize: 2,
    layersPerStack: 4, stacks: 2, conditionChannels: conditioned ? 3 : undefined, random: new Random(seed),
  }).eval();
}

function tcn(seed: number): TCN {
  return new TCN({ inputChannels: 2, channels: [6, 9, 9], kernelSize: 3, dropout: 0.2, random: new Random(seed) }).eval();
}

/** Every pointwise layer the streamer knows, grouped and dilated causal convs, batch norm with real statistics. */
function causalSequential(seed: number): Sequential {
  const random = new Random(seed);
  const bn = new BatchNorm1d({ numFeatures: 8 });
  bn.runningMean!.data.set(Array.from({ length: 8 }, () => random.normal() * 0.3));
  bn.runningVar!.data.set(Array.from({ length: 8 }, () => 0.5 + random.uniform()));
  bn.weight!.data.set(Array.from({ length: 8 }, () => 1 + 0.2 * random.normal()));
  bn.bias!.data.set(Array.from({ length: 8 }, () => 0.1 * random.normal()));
  return new Sequential(
    new Conv1d({ inChannels: 2, outChannels: 8, kernelSize: 3, dilation: 2, padding: 'causal', groups: 2, random }),
    new ReLU(),
    bn,
    new LeakyReLU(0.1),
    new Conv1d({ inChannels: 8, outChannels: 13, kernelSize: 2, dilation: 5, padding: [[5, 0]], random }),
    new Tanh(),
    new Dropout(0.5, random),
    new DilatedCausalConv1d({ inChannels: 13, outChannels: 7, kernelSize: 4, dilation: 3, random }),
    new GELU(),
    new Identity(),
    new Conv1d({ inChannels: 7, outChannels: 5, kernelSize: 1, random }),
    new Sigmoid(),
  ).eval();
}

function fullForward(model: Module, x: Tensor, condition?: Tensor): Tensor {
  return noGrad(() => (model as WaveNet).forward(x, condition)).value;
}

/** Streams `x` ([B, C, T]) in chunks of `chunk` (1: through `step`), returns [B, Cout, T]. */
function streamed(s: Streamer, x: Tensor, chunk: number, from = 0, to = x.shape[2]): Tensor {
  const [B, C, T] = x.shape;
  const parts: Tensor[] = [];
  for (let start = from; start < to; start += chunk) {
    const n = Math.min(chunk, to - start);
    if (chunk === 1) {
      const sample = new Float32Array(B * C);
      for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) sample[b * C + c] = x.data[(b * C + c) * T + start];
      const y = s.step(sample);
      parts.push(new Tensor(y.data.slice(), [B, s.outChannels, 1]));
    } else {
      parts.push(s.process(timeSlice(x, start, start + n)));
    }
  }
  return joinTime(parts);
}

function timeSlice(x: Tensor, from: number, to: number): Tensor {
  const [B, C, T] = x.shape;
  const n = to - from;
  const out = new Float32Array(B * C * n);
  for (let r = 0; r < B * C; r++) out.set(x.data.subarray(r * T + from, r * T + to), r * n);
  return new Tensor(out, [B, C, n]);
}

function joinTime(parts: Tensor[]): Tensor {
  const [B, C] = parts[0].shape;
  const T = parts.reduce((n, p) => n + p.shape[2], 0);
  const out = new Float32Array(B * C * T);
  let at = 0;
  for (const p of parts) {
    const n = p.shape[2];
    for (let r = 0; r < B * C; r++) out.set(p.data.subarray(r * n, (r + 1) * n), r * T + at);
    at += n;
  }
  return new Tensor(out, [B, C, T]);
}

function maxAbsDifference(a: Tensor, b: Tensor): number {
  assert.deepEqual(a.shape, b.shape);
  let worst = 0;
  for (let i = 0; i < a.size; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
  return worst;
}

const MODELS: [string, (seed: number) => Module][] = [
  ['WaveNet (2 stacks × dilations 1…8, gated, residual and skip)', (s) => wavenet(s)],
  ['TCN (weight-normalized dilated blocks, a 1×1 downsample)', tcn],
  ['causal Sequential (grouped and dilated convs, batch norm, every activation)', causalSequential],
];

describe('stream(model) equals the full forward over the same signal', () => {
  for (const [name, make] of MODELS) {
    for (const engine of ENGINES) {
      for (const batch of [1, 8]) {
        it(`${name}: chunks of 1, 7, 128 and 4096 on ${engine}, ${batch} stream(s), within ${TOLERANCE}`, () => {
          const model = make(11);
          const x = randn([batch, 2, 4500], 5 + batch);
          const expected = fullForward(model, x);
          for (const chunk of [1, 7, 128, 4096]) {
            const to = chunk === 1 ? 600 : 4500;
            const s = stream(model, { batch, engine });
            assert.equal(s.engineName, engine);
            const got = streamed(s, x, chunk, 0, to);
            assert.ok(maxAbsDifference(got, timeSlice(expected, 0, to)) <= TOLERANCE, `chunk ${chunk}: ${maxAbsDifference(got, timeSlice(expected, 0, to))}`);
          }
        });
      }
    }
  }

  it('a conditioned WaveNet, each stream with its own global condition', () => {
    const net = wavenet(3, true);
    const x = randn([4, 2, 300], 9);
    const condition = randn([4, 3], 10);
    const expected = fullForward(net, x, condition);
    for (const engine of ENGINES) {
      const got = streamed(stream(net, { batch: 4, condition, engine }), x, 7);
      assert.ok(maxAbsDifference(got, expected) <= TOLERANCE);
    }
  });

  it('WaveNet with three taps per layer and one stack', () => {
    const net = new WaveNet({ inChannels: 1, outChannels: 5, residualChannels: 4, skipChannels: 4, kernelSize: 3, layersPerStack: 5, random: new Random(2) }).eval();
    const x = randn([1, 1, 400], 2);
    assert.ok(maxAbsDifference(streamed(stream(net), x, 1), fullForward(net, x)) <= TOLERANCE);
  });
});

describe('reset, state and restore', () => {
  for (const engine of ENGINES) {
    it(`reset() starts every stream from silence again (${engine})`, () => {
      const model = tcn(4);
      const x = randn([8, 2, 700], 1);
      const s = stream(model, { batch: 8, engine });
      streamed(s, randn([8, 2, 333], 2), 128);
      s.reset();
      assert.equal(s.steps, 0);
      assert.ok(maxAbsDifference(streamed(s, x, 128), fullForward(model, x)) <= TOLERANCE);
    });

    it(`reset(i) silences stream i only; the others carry on (${engine})`, () => {
      const model = wavenet(6);
      const x = randn([8, 2, 500], 3);
      const s = stream(model, { batch: 8, engine });
      const first = streamed(s, x, 7, 0, 200);
      s.reset(3);
      const rest = streamed(s, x, 7, 200, 500);
      const expected = fullForward(model, x);
      const got = joinTime([first, rest]);
      const tail = fullForward(model, timeSlice(x, 200, 500));
      for (let b = 0; b < 8; b++) {
        for (let c = 0; c < 12; c++) {
          for (let t = 0; t < 500; t++) {
            const want = b === 3 && t >= 200 ? tail.data[(b * 12 + c) * 300 + t - 200] : expected.data[(b * 12 + c) * 500 + t];
            assert.ok(Math.abs(got.data[(b * 12 + c) * 500 + t] - want) <= TOLERANCE, `stream ${b} channel ${c} step ${t}`);
          }
        }
      }
    });

    it(`state() then restore() continues exactly, here and in a fresh stream of the same model (${engine})`, () => {
      const model = causalSequential(8);
      const x = randn([8, 2, 900], 4);
      const expected = fullForward(model, x);
      const s = stream(model, { batch: 8, engine });
      const head = streamed(s, x, 128, 0, 450);
      const saved = s.state();
      streamed(s, randn([8, 2, 300], 7), 7);
      s.restore(saved);
      assert.ok(maxAbsDifference(joinTime([head, streamed(s, x, 1, 450, 520)]), timeSlice(expected, 0, 520)) <= TOLERANCE);
      const other = stream(model, { batch: 8, engine });
      other.restore(saved);
      assert.equal(other.steps, 450);
      assert.ok(maxAbsDifference(streamed(other, x, 4096, 450, 900), timeSlice(expected, 450, 900)) <= TOLERANCE);
    });
  }

  it('a state moves between the engines (same layout)', () => {
    const model = wavenet(2);
    const x = randn([2, 2, 400], 8);
    const a = stream(model, { batch: 2, engine: 'wasm' });
    streamed(a, x, 128, 0, 250);
    const b = stream(model, { batch: 2, engine: 'js' });
    b.restore(a.state());
    assert.ok(maxAbsDifference(streamed(b, x, 7, 250, 400), timeSlice(fullForward(model, x), 250, 400)) <= TOLERANCE);
  });

  it('restore refuses a state of another model or batch', () => {
    const saved = stream(tcn(1), { batch: 2 }).state();
    assert.throws(() => stream(wavenet(1), { batch: 2 }).restore(saved), (e: unknown) => e instanceof StreamError && /another model or batch/.test(e.message));
    assert.throws(() => stream(tcn(1), { batch: 3 }).restore(saved), StreamError);
    assert.throws(() => stream(tcn(1), { batch: 2 }).restore({ ...saved, history: new Float32Array(3) }), ShapeError);
  });
});

describe('stream refuses what it cannot stream, naming the layer', () => {
  const conv = (options: Partial<ConstructorParameters<typeof Conv1d>[0]>): Conv1d => new Conv1d({ inChannels: 1, outChannels: 1, kernelSize: 3, ...options });
  const cases: [string, Module, RegExp][] = [
    ['a centred (same) convolution', new Sequential(new ReLU(), conv({ padding: 'same' })), /layer model\.1 \(Conv1d\) pads 1 after the signal.*not causal/],
    ['an unpadded convolution, which shortens the signal', new Sequential(conv({})), /model\.0 \(Conv1d\) pads 0 before.*2 steps shorter/],
    ['symmetric padding', conv({ dilation: 2, padding: 2 }), /layer model \(Conv1d\) pads 2 after/],
    ['a strided convolution', conv({ stride: 2, padding: 'causal' }), /stride 2: it changes the sample rate/],
    ['reflect padding', conv({ padding: 'causal', paddingMode: 'reflect' }), /paddingMode "reflect"/],
    ['a 2-D convolution', new Conv2d({ inChannels: 1, outChannels: 1, kernelSize: 3 }), /is 2-D/],
    ['a Linear over time', new Sequential(conv({ padding: 'causal' }), new Linear({ inFeatures: 4, outFeatures: 4 })), /layer model\.1 \(Linear\) cannot stream/],
    ['a LayerNorm', new Sequential(conv({ padding: 'causal' }), new LayerNorm([1])), /model\.1 \(LayerNorm\)/],
    ['a non-causal conv deep inside a TCN', (() => {
      const t = tcn(1);
      (t.network.at(1) as unknown as { conv2: { options: { padding: unknown } } }).conv2.options.padding = 'same';
      return t;
    })(), /model\.network\.1\.conv2 \(WeightNormConv1d\) pads/],
  ];
  for (const [what, model, message] of cases) {
    it(`refuses ${what}`, () => {
      assert.throws(() => stream(model), (e: unknown) => e instanceof StreamError && message.test(e.message));
    });
  }

  it('refuses a conditioned WaveNet without a condition, and a condition for an unconditioned one', () => {
    assert.throws(() => stream(wavenet(1, true)), (e: unknown) => e instanceof StreamError && e.argument === 'condition');
    assert.throws(() => stream(wavenet(1), { condition: [1, 2, 3] }), StreamError);
    assert.throws(() => stream(wavenet(1, true), { batch: 2, condition: [1, 2, 3] }), /needs 3 per stream × 2 streams/);
  });
});

describe('stream refuses bad input with a typed error', () => {
  it('unknown options and bad batch sizes', () => {
    assert.throws(() => stream(tcn(1), { batchSize: 2 } as never), (e: unknown) => e instanceof OptionError && e.argument === 'batchSize');
    assert.throws(() => stream(tcn(1), { batch: 0 }), OptionError);
    assert.throws(() => stream(tcn(1), { engine: 'gpu' as never }), OptionError);
  });

  it('the wrong number of channels or streams', () => {
    const s = stream(tcn(1), { batch: 2 });
    assert.throws(() => s.step([1, 2, 3]), (e: unknown) => e instanceof ShapeError && /takes 2 stream\(s\) × 2 channel\(s\) = 4/.test(e.message));
    assert.throws(() => s.step(new Tensor(new Float32Array(4), [4, 1])), /must be \[2, 2\]/);
    assert.throws(() => s.process(randn([2, 3, 10], 1)), (e: unknown) => e instanceof ShapeError && /must be \[2, 2, T\]/.test(e.message));
  });

  it('NaN and infinite samples, naming stream, channel and step; the stream is unchanged', () => {
    const model = tcn(1);
    const s = stream(model, { batch: 2 });
    const x = randn([2, 2, 50], 1);
    const head = streamed(s, x, 7, 0, 20);
    assert.throws(() => s.step([0, 1, Number.NaN, 0]), (e: unknown) => e instanceof StreamError && /stream 1, channel 0 at step 20 is NaN/.test(e.message));
    const bad = randn([2, 2, 5], 2);
    bad.data[2 * 5 + 3] = Infinity;
    assert.throws(() => s.process(bad), /stream 1, channel 0 at step 23 is Infinity/);
    assert.ok(maxAbsDifference(joinTime([head, streamed(s, x, 7, 20, 50)]), fullForward(model, x)) <= TOLERANCE);
  });

  it('reset of a stream that does not exist', () => {
    assert.throws(() => stream(tcn(1), { batch: 2 }).reset(2), (e: unknown) => e instanceof OptionError && /from 0 to 1/.test(e.message));
  });
});

describe('the per-sample path allocates nothing', () => {
  it('10^6 steps on the WASM engine run without a scavenge', async () => {
    const model = new Sequential(new DilatedCausalConv1d({ inChannels: 1, outChannels: 4, kernelSize: 2, dilation: 64, random: new Random(1) }), new ReLU(),
      new DilatedCausalConv1d({ inChannels: 4, outChannels: 1, kernelSize: 2, dilation: 128, random: new Random(2) })).eval();
    const s = stream(model, { engine: 'wasm' });
    const sample = new Float32Array(1);
    const run = (steps: number): number => {
      let checksum = 0;
      for (let i = 0; i < steps; i++) {
        sample[0] = Math.sin(i * 0.01);
        checksum += s.step(sample).data[0];
      }
      return checksum;
    };
    for (let round = 0; round < 5; round++) run(20_000); // optimized before we watch: V8's baseline tiers box numbers on the heap
    // Scavenges (minor collections, detail.kind 1) are what allocation causes; V8 may finish an old-generation
    // marking cycle it began earlier at any time, which says nothing about this loop.
    const scavengesDuring = async (steps: number): Promise<number> => {
      const collections: number[] = [];
      const observer = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (((e as unknown as { detail?: { kind?: number } }).detail)?.kind === constants.NODE_PERFORMANCE_GC_MINOR) collections.push(e.startTime);
      });
      observer.observe({ entryTypes: ['gc'] });
      const started = performance.now();
      const checksum = run(steps);
      const finished = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 50));
      observer.disconnect();
      assert.ok(Number.isFinite(checksum));
      return collections.filter((at) => at >= started && at <= finished).length;
    };
    // On a loaded machine the optimizing compiler (a background thread) may not have finished when the first
    // window starts, and the baseline code it replaces boxes numbers; a steady state that allocates shows
    // scavenges in every window. Allocating even 16 bytes a step would fill the young generation tens of times.
    const counts: number[] = [];
    for (let attempt = 0; attempt < 3 && !counts.includes(0); attempt++) counts.push(await scavengesDuring(1_000_000));
    assert.ok(counts.includes(0), `scavenges while stepping, in each of three windows of 10^6 steps: ${counts.join(', ')}`);
  });
});
