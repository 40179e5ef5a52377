/**
 * Exercise 3 — "build ASPP-style parallel dilations": on marked squares of many sizes (sides 3 to 17, so the dot
 * is 1 to 8 pixels from a square's edge), a small backbone with DeepLab's ASPP head (a 1×1 branch, 3×3 branches at
 * rates 2, 4, 8 chosen for a 32×32 map, image pooling) against a single 3×3 head at rate 4 widened to the same
 * multiply-adds. Then each ASPP branch is switched off in turn (its columns of the projection zeroed) to see which
 * square sizes it answers for.
 */
import {
  ASPP, BatchNorm2d, Conv2d, ReLU, Sequential, Tensor, graphCost, manualSeed, moduleGraph, type Module,
} from '../src/index.js';
import type { Example, ExampleOptions, ExampleResult } from './lib/example.js';
import { markedSquares, masksFigure, type MarkedSquares } from './lib/marked-squares.js';
import { writeFigure } from './lib/output.js';
import { argmaxClasses, segmentationScores } from './lib/segmentation-metrics.js';
import { compact, fixed } from './lib/table.js';
import { predict, trainModel } from './lib/train.js';

const SIZE = 32, WIDTH = 16, RATES = [2, 4, 8];
/** Channels of the single-rate head's 3×3 conv that give it ASPP's multiply-adds per pixel (≈ 8.4k). */
const SINGLE_RATE_CHANNELS = 52;
export const SIZE_BINS = [{ name: 'small (3–7)', min: 3, max: 7 }, { name: 'medium (9–11)', min: 9, max: 11 }, { name: 'large (13–17)', min: 13, max: 17 }];
export const BRANCH_NAMES = ['1×1', ...RATES.map((r) => `3×3 rate ${r}`), 'image pooling'];

function convBnRelu(inChannels: number, outChannels: number, kernelSize: number, dilation = 1): Module[] {
  return [new Conv2d({ inChannels, outChannels, kernelSize, dilation, padding: kernelSize === 1 ? 0 : dilation, bias: false }), new BatchNorm2d({ numFeatures: outChannels }), new ReLU()];
}

/** Backbone (two 3×3 layers), a head, and a 1×1 classifier into the three classes. */
export function segmenterWithHead(head: 'aspp' | 'single-rate', seed: number): Sequential {
  manualSeed(seed);
  const backbone = [...convBnRelu(1, WIDTH, 3), ...convBnRelu(WIDTH, WIDTH, 3)];
  const headLayers = head === 'aspp'
    ? [new ASPP({ inChannels: WIDTH, outChannels: WIDTH, rates: RATES, dropout: 0 })]
    : [...convBnRelu(WIDTH, SINGLE_RATE_CHANNELS, 3, 4), ...convBnRelu(SINGLE_RATE_CHANNELS, WIDTH, 1)];
  return new Sequential(...backbone, ...headLayers, new Conv2d({ inChannels: WIDTH, outChannels: 3, kernelSize: 1 }));
}

export const aspp: Example = {
  name: 'aspp',
  summary: 'an ASPP head vs a single-rate head of the same MACs on squares of many sizes, and which sizes each branch serves',
  async run(options: ExampleOptions): Promise<ExampleResult> {
    const { smoke, seed, log } = options;
    const data = { size: SIZE, sides: [3, 17] as const, maxSquares: 3 };
    const train = markedSquares({ ...data, count: smoke ? 16 : 192, seed });
    const test = markedSquares({ ...data, count: smoke ? 8 : 96, seed: seed + 1 });
    const steps = smoke ? 4 : 300;
    const rows: (string | number)[][] = [];
    const metrics: ExampleResult['metrics'] = {};
    let asppModel: Sequential | undefined;
    const predictions: Int32Array[] = [];
    for (const head of ['aspp', 'single-rate'] as const) {
      const model = segmenterWithHead(head, seed);
      const cost = graphCost(moduleGraph(model, { rank: 2, channels: 1, size: [SIZE, SIZE] }));
      log(`${head} head: training ${steps} steps`);
      const { seconds } = trainModel({ model, inputs: train.images, targets: train.labels, steps, batch: 16, lr: 5e-3, seed, log });
      const logits = predict(model, test.images);
      const scores = segmentationScores(logits, test.labels);
      const predicted = argmaxClasses(logits);
      predictions.push(predicted);
      const bins = accuracyBySize(predicted, test);
      rows.push([head === 'aspp' ? `ASPP (rates ${RATES.join(', ')} + 1×1 + pooling)` : 'single 3×3 at rate 4', compact(model.parameterCount()), compact(cost.macs),
        ...bins.map((b) => `${(100 * b).toFixed(1)}%`), fixed(scores.meanIoU), `${seconds.toFixed(1)} s`]);
      metrics[`${head}.meanIoU`] = scores.meanIoU;
      metrics[`${head}.macs`] = cost.macs;
      metrics[`${head}.params`] = model.parameterCount();
      metrics[`${head}.accuracyBySize`] = bins;
      if (head === 'aspp') asppModel = model;
    }
    const ablation = branchAblation(asppModel!, test);
    ablation.forEach((drops, i) => { metrics[`ablation.${BRANCH_NAMES[i]}`] = drops; });
    return {
      tables: [
        {
          title: `ASPP vs a single rate, ${test.images.shape[0]} held-out ${SIZE}×${SIZE} images, ${steps} Adam steps (seed ${seed}); accuracy on square pixels by square side`,
          columns: ['head', 'params', 'MACs', ...SIZE_BINS.map((b) => b.name), 'mIoU', 'train time'],
          rows,
        },
        {
          title: 'Which sizes each ASPP branch answers for: drop in square-pixel accuracy when the branch is switched off',
          columns: ['branch off', ...SIZE_BINS.map((b) => b.name)],
          rows: ablation.map((drops, i) => [BRANCH_NAMES[i], ...drops.map((d) => `${(100 * d).toFixed(1)} pt`)]),
        },
      ],
      figures: [writeFigure(options.outDir, 'aspp-masks', masksFigure(test, [{ name: 'ASPP head', classes: predictions[0] }, { name: 'single rate 4', classes: predictions[1] }],
        'ASPP vs a single rate on squares of sides 3 to 17', 'same multiply-adds; red: a dot at the square\'s centre, blue: none'))],
      metrics,
    };
  },
};

/** Share of square pixels given the right class, per size bin. */
function accuracyBySize(predicted: Int32Array, set: MarkedSquares): number[] {
  const correct = SIZE_BINS.map(() => 0), total = SIZE_BINS.map(() => 0);
  for (const sq of set.squares) {
    const bin = SIZE_BINS.findIndex((b) => sq.side >= b.min && sq.side <= b.max);
    for (let i = sq.top; i < sq.top + sq.side; i++) {
      for (let j = sq.left; j < sq.left + sq.side; j++) {
        const p = sq.image * SIZE * SIZE + i * SIZE + j;
        total[bin]++;
        if (predicted[p] === set.labels.data[p]) correct[bin]++;
      }
    }
  }
  return correct.map((c, b) => (total[b] ? c / total[b] : NaN));
}

/**
 * For each ASPP branch: the accuracy lost per size bin when its output is removed — its input columns of the 1×1
 * projection set to zero through `loadStateDict` (so the weights are replaced the ordinary way), then restored.
 */
function branchAblation(model: Sequential, test: MarkedSquares): number[][] {
  const state = model.stateDict();
  const key = [...state.keys()].find((k) => k.endsWith('project.0.weight'))!;
  const original = state.get(key)!;
  const saved = new Map([...state].map(([k, t]) => [k, new Tensor(t.data.slice(), t.shape)]));
  const baseline = accuracyBySize(argmaxClasses(predict(model, test.images)), test);
  const [outChannels, inChannels] = original.shape;
  const drops = BRANCH_NAMES.map((_, branch) => {
    const zeroed = new Float32Array(saved.get(key)!.data);
    for (let o = 0; o < outChannels; o++) zeroed.fill(0, o * inChannels + branch * WIDTH, o * inChannels + (branch + 1) * WIDTH);
    model.loadStateDict(new Map([...saved, [key, new Tensor(zeroed, original.shape)]]));
    const accuracy = accuracyBySize(argmaxClasses(predict(model, test.images)), test);
    return accuracy.map((a, b) => baseline[b] - a);
  });
  model.loadStateDict(saved);
  return drops;
}
