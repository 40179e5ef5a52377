/**
 * Exercise 1 — "implement 1-D dilated convolution for audio sequences": a real speech recording through causal
 * dilated stacks. First the receptive field in milliseconds layer by layer (what a stack can hear), then a small
 * causal TCN trained to predict the speech 10 ms ahead, against the same depth without dilation. Voiced speech
 * repeats every pitch period (≈ 8–10 ms here), so a good guess of x[t + 10 ms] lies about one period back from
 * it — inside a 32 ms field, far outside a 3 ms one.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  Conv1d, Random, Sequential, TCN, Tensor, functional as F, manualSeed, moduleGraph, readWav, receptiveField, signalTracesFigure,
} from '../src/index.js';
import type { Example, ExampleOptions, ExampleResult } from './lib/example.js';
import { writeFigure } from './lib/output.js';
import { fixed } from './lib/table.js';
import { predict, trainModel } from './lib/train.js';

/** Our own sentence spoken by espeak-ng, 8 kHz mono (scripts/make_speech.sh). */
export const SPEECH_FILE = fileURLToPath(new URL('../../examples/data/speech.wav', import.meta.url));

const HORIZON_MS = 10, CHANNELS = 16, BLOCKS = 6, CROP = 1024;

/** A TCN of six residual blocks of 16 channels (k = 3) and a 1×1 output: dilations 1…32, or all 1. */
export function causalPredictor(dilated: boolean, seed: number): Sequential {
  manualSeed(seed);
  const dilations = Array.from({ length: BLOCKS }, (_, i) => (dilated ? 2 ** i : 1));
  return new Sequential(
    new TCN({ inputChannels: 1, channels: Array(BLOCKS).fill(CHANNELS), kernelSize: 3, dilations }),
    new Conv1d({ inChannels: CHANNELS, outChannels: 1, kernelSize: 1 }),
  );
}

export const audio: Example = {
  name: 'audio',
  summary: 'speech through causal dilated stacks: field in ms per layer, and a TCN predicting 10 ms ahead vs no dilation',
  async run(options: ExampleOptions): Promise<ExampleResult> {
    const { smoke, seed, log } = options;
    const wav = readWav(new Uint8Array(readFileSync(SPEECH_FILE)));
    const rate = wav.sampleRate;
    const signal = standardize(wav.channels[0]);
    const horizon = Math.round((HORIZON_MS * rate) / 1000);
    const split = Math.floor(signal.length * 0.8);
    const train = crops(signal.subarray(0, split), smoke ? 8 : 256, horizon, new Random(seed));
    const test = crops(signal.subarray(split), smoke ? 4 : 32, horizon, new Random(seed + 1));
    const steps = smoke ? 3 : 300;
    const fieldRows: (string | number)[][] = [];
    const rows: (string | number)[][] = [];
    const metrics: ExampleResult['metrics'] = {};
    const predictions: Float32Array[] = [];
    for (const dilated of [true, false]) {
      const name = dilated ? 'TCN, dilations 1…32' : 'TCN, no dilation';
      const model = causalPredictor(dilated, seed);
      const field = receptiveField(moduleGraph(model, { rank: 1, channels: 1, size: [CROP] }));
      if (dilated) {
        // The field after each residual block (its second convolution), as the analysis gives it.
        field.layers.filter((n) => /network\.\d+\.conv2$/.test(n.name)).forEach((n, i) => {
          const rf = n.rf[0] ?? NaN;
          fieldRows.push([`block ${i + 1}`, 2 ** i, rf, `${fixed((1000 * rf) / rate, 1)} ms`]);
        });
      }
      const rf = field.output.rf[0] ?? NaN;
      log(`${name} (field ${rf} samples): training ${steps} steps`);
      const { seconds } = trainModel({
        model, inputs: train.inputs, targets: train.targets, steps, batch: 8, lr: 3e-3, seed, log,
        loss: (output, target) => F.mseLoss(F.slice(output, { starts: [0], ends: [CROP - horizon], axes: [2] }), target),
      });
      const output = predict(model, test.inputs, 8);
      const mse = maskedMse(output, test.targets, horizon);
      predictions.push(output.data.subarray(0, CROP - horizon));
      rows.push([name, rf, `${fixed((1000 * rf) / rate, 1)} ms`, model.parameterCount(), fixed(mse), `${seconds.toFixed(1)} s`]);
      metrics[`${dilated ? 'dilated' : 'undilated'}.rf`] = rf;
      metrics[`${dilated ? 'dilated' : 'undilated'}.mse`] = mse;
      metrics[`${dilated ? 'dilated' : 'undilated'}.params`] = model.parameterCount();
    }
    const hold = holdLastMse(test.inputs, test.targets, horizon);
    rows.push(['repeat the last sample', 1, `${fixed(1000 / rate, 2)} ms`, 0, fixed(hold), '–']);
    metrics['holdLast.mse'] = hold;
    const shown = Math.min(320, CROP - horizon);
    const figure = signalTracesFigure({
      title: `Predicting speech ${HORIZON_MS} ms ahead`,
      subtitle: 'held-out speech; each trace is what a causal model outputs at time t for the sample at t + 10 ms',
      samplesPerUnit: rate / 1000, timeLabel: 'time of the predicted sample (ms)', start: (1000 * horizon) / rate,
      traces: [
        { label: 'speech', values: test.targets.data.subarray(0, shown) },
        { label: 'dilated TCN', values: predictions[0].subarray(0, shown) },
        { label: 'no dilation', values: predictions[1].subarray(0, shown) },
      ],
    });
    return {
      tables: [
        { title: `Receptive field of the dilated TCN at ${rate} Hz (two k = 3 convolutions per block)`, columns: ['after', 'dilation', 'RF (samples)', 'RF'], rows: fieldRows },
        {
          title: `Predicting ${HORIZON_MS} ms (${horizon} samples) ahead on held-out speech, MSE / variance, ${steps} Adam steps (seed ${seed})`,
          columns: ['model', 'RF (samples)', 'RF', 'params', 'normalized MSE', 'train time'],
          rows,
        },
      ],
      figures: [writeFigure(options.outDir, 'audio-prediction', figure)],
      metrics,
    };
  },
};

/** Zero mean, unit variance. */
function standardize(x: Float32Array): Float32Array {
  let mean = 0;
  for (const v of x) mean += v;
  mean /= x.length;
  let variance = 0;
  for (const v of x) variance += (v - mean) ** 2;
  const scale = 1 / Math.sqrt(variance / x.length);
  return x.map((v) => (v - mean) * scale);
}

/** Random crops `[N, 1, CROP]` and their targets, the same crop moved `horizon` samples on, cut to `CROP − horizon`. */
function crops(signal: Float32Array, count: number, horizon: number, random: Random): { inputs: Tensor; targets: Tensor } {
  const inputs = new Float32Array(count * CROP), targets = new Float32Array(count * (CROP - horizon));
  for (let n = 0; n < count; n++) {
    const start = random.int(signal.length - CROP);
    inputs.set(signal.subarray(start, start + CROP), n * CROP);
    targets.set(signal.subarray(start + horizon, start + CROP), n * (CROP - horizon));
  }
  return { inputs: new Tensor(inputs, [count, 1, CROP]), targets: new Tensor(targets, [count, 1, CROP - horizon]) };
}

function maskedMse(output: Tensor, targets: Tensor, horizon: number): number {
  const n = output.shape[0], kept = CROP - horizon;
  let sum = 0, variance = 0;
  for (let b = 0; b < n; b++) {
    for (let t = 0; t < kept; t++) {
      const target = targets.data[b * kept + t];
      sum += (output.data[b * CROP + t] - target) ** 2;
      variance += target ** 2;
    }
  }
  return sum / variance;
}

/** The naive forecast x̂[t + h] = x[t]. */
function holdLastMse(inputs: Tensor, targets: Tensor, horizon: number): number {
  const n = inputs.shape[0], kept = CROP - horizon;
  let sum = 0, variance = 0;
  for (let b = 0; b < n; b++) {
    for (let t = 0; t < kept; t++) {
      const target = targets.data[b * kept + t];
      sum += (inputs.data[b * CROP + t] - target) ** 2;
      variance += target ** 2;
    }
  }
  return sum / variance;
}
