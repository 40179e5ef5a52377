/**
 * Exercise 1 — "implement 1-D dilated convolution for audio sequences": a real speech recording through causal
 * dilated stacks. First the receptive field in milliseconds layer by layer (what a stack can hear), then a small
 * causal TCN trained to take the noise out of noisy speech as it arrives, against the same depth without dilation.
 * Voiced speech repeats every pitch period (≈ 8–10 ms here) while the noise does not, so a filter that hears a few
 * periods back can average the noise away — a 32 ms field can, a 3 ms one cannot.
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

const CHANNELS = 16, BLOCKS = 6, CROP = 512;
/** Noise standard deviation against the standardized speech's 1: a signal-to-noise ratio of 0 dB. */
const NOISE = 1.0;

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
  summary: 'speech through causal dilated stacks: field in ms per layer, and a causal TCN denoiser vs no dilation',
  async run(options: ExampleOptions): Promise<ExampleResult> {
    const { smoke, seed, log } = options;
    const wav = readWav(new Uint8Array(readFileSync(SPEECH_FILE)));
    const rate = wav.sampleRate;
    const signal = standardize(wav.channels[0]);
    const split = Math.floor(signal.length * 0.8);
    const train = noisyCrops(signal.subarray(0, split), smoke ? 8 : 256, new Random(seed));
    const test = noisyCrops(signal.subarray(split), smoke ? 4 : 32, new Random(seed + 1));
    const steps = smoke ? 3 : 500;
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
        loss: (output, target) => F.mseLoss(output, target),
      });
      const output = predict(model, test.inputs, 8);
      const snr = snrDb(output, test.targets);
      predictions.push(output.data);
      rows.push([name, rf, `${fixed((1000 * rf) / rate, 1)} ms`, model.parameterCount(), `${fixed(snr, 2)} dB`, `${seconds.toFixed(1)} s`]);
      metrics[`${dilated ? 'dilated' : 'undilated'}.rf`] = rf;
      metrics[`${dilated ? 'dilated' : 'undilated'}.snr`] = snr;
      metrics[`${dilated ? 'dilated' : 'undilated'}.params`] = model.parameterCount();
    }
    const noisy = snrDb(test.inputs, test.targets);
    rows.push(['the noisy input itself', 1, `${fixed(1000 / rate, 2)} ms`, 0, `${fixed(noisy, 2)} dB`, '–']);
    metrics['noisy.snr'] = noisy;
    // Show the loudest held-out crop: a stretch of voiced speech, not a pause.
    const loudest = loudestCrop(test.targets);
    const from = loudest * CROP, shown = Math.min(320, CROP);
    const figure = signalTracesFigure({
      title: 'Causal denoising of held-out speech',
      subtitle: 'each model outputs sample t from the noisy input up to t (noise at 0 dB)',
      samplesPerUnit: rate / 1000, timeLabel: 'time (ms)',
      traces: [
        { label: 'clean speech', values: test.targets.data.subarray(from, from + shown) },
        { label: 'noisy input', values: test.inputs.data.subarray(from, from + shown) },
        { label: 'dilated TCN', values: predictions[0].subarray(from, from + shown) },
        { label: 'no dilation', values: predictions[1].subarray(from, from + shown) },
      ],
    });
    return {
      tables: [
        { title: `Receptive field of the dilated TCN at ${rate} Hz (two k = 3 convolutions per block)`, columns: ['after', 'dilation', 'RF (samples)', 'RF'], rows: fieldRows },
        {
          title: `Causal denoising of held-out speech (white noise at 0 dB SNR), output SNR, ${steps} Adam steps (seed ${seed})`,
          columns: ['model', 'RF (samples)', 'RF', 'params', 'SNR', 'train time'],
          rows,
        },
      ],
      figures: [writeFigure(options.outDir, 'audio-denoising', figure)],
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

/** Random crops `[N, 1, CROP]` of the speech with seeded white noise added (inputs), and the clean crops (targets). */
function noisyCrops(signal: Float32Array, count: number, random: Random): { inputs: Tensor; targets: Tensor } {
  const inputs = new Float32Array(count * CROP), targets = new Float32Array(count * CROP);
  for (let n = 0; n < count; n++) {
    const start = random.int(signal.length - CROP);
    targets.set(signal.subarray(start, start + CROP), n * CROP);
    for (let t = 0; t < CROP; t++) inputs[n * CROP + t] = signal[start + t] + NOISE * random.normal();
  }
  return { inputs: new Tensor(inputs, [count, 1, CROP]), targets: new Tensor(targets, [count, 1, CROP]) };
}

function loudestCrop(clean: Tensor): number {
  let best = 0, bestEnergy = -1;
  for (let n = 0; n < clean.shape[0]; n++) {
    let energy = 0;
    for (let t = 0; t < CROP; t++) energy += clean.data[n * CROP + t] ** 2;
    if (energy > bestEnergy) { bestEnergy = energy; best = n; }
  }
  return best;
}

/** Signal-to-noise ratio of `estimate` against `clean`, in dB: 10·log10(Σ clean² / Σ (estimate − clean)²). */
export function snrDb(estimate: Tensor, clean: Tensor): number {
  let signal = 0, error = 0;
  for (let i = 0; i < clean.data.length; i++) { signal += clean.data[i] ** 2; error += (estimate.data[i] - clean.data[i]) ** 2; }
  return 10 * Math.log10(signal / error);
}
