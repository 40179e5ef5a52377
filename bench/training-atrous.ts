/**
 * One training step in atrous, child-process side: the net of `scripts/make_bench_models.py` built from atrous's
 * nn modules, its exported initial weights and batch loaded from bench/models/train/<name>.safetensors (the same
 * file PyTorch loads in scripts/bench_torch_training.py), then forward + backward + Adam (lr 1e-3), timed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { backward } from '../src/autograd/backward.js';
import { crossEntropy, mseLoss } from '../src/autograd/loss.js';
import { ready, setThreads } from '../src/kernels/index.js';
import { ASPP } from '../src/nn/blocks/aspp.js';
import { TCN } from '../src/nn/blocks/tcn.js';
import { WaveNet } from '../src/nn/blocks/wavenet.js';
import { BatchNorm2d } from '../src/nn/batch-norm.js';
import { Conv1d, Conv2d } from '../src/nn/conv.js';
import { ReLU } from '../src/nn/activation.js';
import type { Module } from '../src/nn/module.js';
import { Adam } from '../src/nn/optim/adam.js';
import { Sequential } from '../src/nn/sequential.js';
import { Upsample } from '../src/nn/upsample.js';
import { readSafetensors } from '../src/tensor/safetensors.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { MODELS_DIR, trainingEntry } from './model-files.js';

/** The nets of make_bench_models.py's TRAINING table, with the same parameter names. */
function build(name: string): Module {
  switch (name) {
    case 'tcn':
      return new Sequential(
        new TCN({ inputChannels: 1, channels: [16, 16, 16], kernelSize: 3 }),
        new Conv1d({ inChannels: 16, outChannels: 1, kernelSize: 1 }));
    case 'wavenet-train':
      return new WaveNet({ inChannels: 1, outChannels: 256, residualChannels: 32, gateChannels: 32, skipChannels: 32, kernelSize: 2, layersPerStack: 8, stacks: 2 });
    case 'segmentation':
      return new Sequential(
        new Conv2d({ inChannels: 3, outChannels: 16, kernelSize: 3, stride: 2, padding: 1, bias: false }), new BatchNorm2d({ numFeatures: 16 }), new ReLU(),
        new Conv2d({ inChannels: 16, outChannels: 32, kernelSize: 3, padding: 1, bias: false }), new BatchNorm2d({ numFeatures: 32 }), new ReLU(),
        new ASPP({ inChannels: 32, outChannels: 32, rates: [2, 4, 6], dropout: 0 }),
        new Conv2d({ inChannels: 32, outChannels: 8, kernelSize: 1 }),
        new Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: false }));
    default:
      throw new Error(`unknown bench training net "${name}"`);
  }
}

export interface TrainingTiming {
  /** Loss of the first step, before any update: equal to PyTorch's when both start from the same weights. */
  firstLoss: number;
  samplesMs: number[];
  threads: number;
}

/** `warmup` untimed steps (the first gives `firstLoss`), then `samples` timed steps, on `threads` threads. */
export async function timeTrainingStep(name: string, threads: number, options: { samples: number; warmup: number }): Promise<TrainingTiming> {
  await ready();
  setThreads(threads);
  const entry = trainingEntry(name);
  const file = readSafetensors(readFileSync(join(MODELS_DIR, entry.file)));
  const model = build(name).train();
  const state: Record<string, Tensor> = {};
  for (const [key, value] of file) if (key.startsWith('state.')) state[key.slice('state.'.length)] = value;
  model.loadStateDict(state);
  const input = file.get('input')!, target = file.get('target')!;
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const step = (): number => {
    optimizer.zeroGrad();
    const output = model.forward(input);
    const loss = entry.loss === 'mse' ? mseLoss(output, target) : crossEntropy(output, target);
    backward(loss);
    optimizer.step();
    return loss.value.data[0];
  };
  let firstLoss = NaN;
  for (let i = 0; i < Math.max(1, options.warmup); i++) {
    const loss = step();
    if (i === 0) firstLoss = loss;
  }
  const samplesMs: number[] = [];
  for (let i = 0; i < options.samples; i++) {
    const start = performance.now();
    step();
    samplesMs.push(performance.now() - start);
  }
  return { firstLoss, samplesMs, threads };
}
