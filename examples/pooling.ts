/**
 * Exercise 5 — "replace pooling with dilation in a toy CNN": the same three 3×3 layers, once with 2×2 max pooling
 * after the first two (the classic CNN: 32 → 16 → 8) and once with the pooling removed and the later layers dilated
 * by 2 and 4 instead (DeepLab's recipe). Same parameters; the dilated one sees as far at full resolution and pays
 * for it in multiply-adds. Both classify a shape and point at its centre.
 */
import {
  AdaptiveAvgPool2d, Conv2d, Linear, MaxPool2d, Module, ReLU, Sequential, Tensor, checkerboardFrequency, functional as F,
  manualSeed, moduleGraph, graphCost, noGrad, receptiveField, type Variable, type VariableLike,
} from '../src/index.js';
import type { Example, ExampleOptions, ExampleResult } from './lib/example.js';
import { SHAPE_NAMES, centredShapes } from './lib/centred-shapes.js';
import { compact, fixed } from './lib/table.js';
import { takeRows, trainModel } from './lib/train.js';
import { writeFigure } from './lib/output.js';
import { imagePanelsFigure } from '../src/index.js';

const SIZE = 32, WIDTH = 16;

/** A trunk of convolutions, a class head (global average → linear) and a location head (1×1 conv → heat map). */
export class ClassifyAndLocate extends Module {
  readonly trunk: Sequential;
  readonly pool = new AdaptiveAvgPool2d(1);
  readonly classifier: Linear;
  readonly locator: Conv2d;

  constructor(readonly kind: 'pooling' | 'dilation', seed: number) {
    super();
    manualSeed(seed);
    const conv = (inChannels: number, dilation: number) => new Conv2d({ inChannels, outChannels: WIDTH, kernelSize: 3, dilation, padding: dilation });
    this.trunk = this.registerModule('trunk', kind === 'pooling'
      ? new Sequential(conv(1, 1), new ReLU(), new MaxPool2d({ kernel: 2 }), conv(WIDTH, 1), new ReLU(), new MaxPool2d({ kernel: 2 }), conv(WIDTH, 1), new ReLU())
      : new Sequential(conv(1, 1), new ReLU(), conv(WIDTH, 2), new ReLU(), conv(WIDTH, 4), new ReLU()));
    this.classifier = this.registerModule('classifier', new Linear({ inFeatures: WIDTH, outFeatures: SHAPE_NAMES.length }));
    this.locator = this.registerModule('locator', new Conv2d({ inChannels: WIDTH, outChannels: 1, kernelSize: 1 }));
  }

  /** Class logits `[N, 3]`. */
  forward(x: VariableLike): Variable { return this.heads(x).classes; }

  /** Class logits and location logits `[N, S·S]` at input resolution (the pooled net's 8×8 map repeated 4×4). */
  heads(x: VariableLike): { classes: Variable; location: Variable } {
    const features = this.trunk.forward(x);
    const classes = this.classifier.forward(F.reshape(this.pool.forward(features), [features.shape[0], WIDTH]));
    let heat = this.locator.forward(features);
    if (heat.shape[2] !== SIZE) heat = F.interpolate(heat, { size: [SIZE, SIZE], mode: 'nearest' });
    return { classes, location: F.reshape(heat, [heat.shape[0], SIZE * SIZE]) };
  }
}

export const pooling: Example = {
  name: 'pooling',
  summary: 'a toy CNN with 2×2 pooling vs the same layers dilated 1,2,4 at full resolution: accuracy, centre error, params, MACs',
  async run(options: ExampleOptions): Promise<ExampleResult> {
    const { smoke, seed, log } = options;
    const train = centredShapes({ count: smoke ? 16 : 512, size: SIZE, seed });
    const test = centredShapes({ count: smoke ? 8 : 128, size: SIZE, seed: seed + 1 });
    const steps = smoke ? 4 : 400;
    const rows: (string | number)[][] = [];
    const metrics: ExampleResult['metrics'] = {};
    const heatmaps: Float32Array[] = [];
    for (const kind of ['pooling', 'dilation'] as const) {
      const model = new ClassifyAndLocate(kind, seed);
      const graph = moduleGraph(model.trunk, { rank: 2, channels: 1, size: [SIZE, SIZE] });
      const field = receptiveField(graph).output;
      const cost = graphCost(graph);
      const headMacs = WIDTH * SHAPE_NAMES.length + WIDTH * (field.stride[0] === 1 ? SIZE * SIZE : (SIZE / (field.stride[0] ?? 1)) ** 2);
      log(`${kind}: training ${steps} steps`);
      const { seconds } = trainModel({
        model, inputs: train.images, targets: train.classes, steps, batch: 32, lr: 5e-3, seed, log,
        batchLoss: (batch) => {
          const { classes, location } = model.heads(takeRows(train.images, batch));
          return F.add(F.crossEntropy(classes, takeRows(train.classes, batch)), F.crossEntropy(location, takeRows(train.centres, batch)));
        },
      });
      const scores = evaluate(model, test.images, test.classes, test.centres);
      heatmaps.push(scores.heatmaps);
      const outSize = SIZE / (field.stride[0] ?? 1);
      rows.push([kind === 'pooling' ? 'conv-pool-conv-pool-conv' : 'conv d1-d2-d4, no pooling', field.rf[0] ?? 'global', `${outSize}×${outSize}`,
        compact(model.parameterCount()), compact(cost.macs + headMacs), `${(100 * scores.accuracy).toFixed(1)}%`, fixed(scores.centreError, 2), `${seconds.toFixed(1)} s`]);
      metrics[`${kind}.accuracy`] = scores.accuracy;
      metrics[`${kind}.centreError`] = scores.centreError;
      metrics[`${kind}.params`] = model.parameterCount();
      metrics[`${kind}.macs`] = cost.macs + headMacs;
      metrics[`${kind}.rf`] = field.rf[0] ?? NaN;
      metrics[`${kind}.outputSize`] = outSize;
    }
    const checker = [1, 2, 3, 4].map((d) => {
      const period = Math.round(1 / checkerboardFrequency(2, d));
      return [`stride 2 into dilation ${d}`, period === 1 ? '1' : `1/${period}`, period === 1 ? 'none' : `every ${period} outputs`];
    });
    const plane = SIZE * SIZE;
    const figure = imagePanelsFigure({
      title: 'Where is the centre? Pooling vs dilation',
      subtitle: 'location heat maps (softmax over pixels); the pooled network can only answer in 4×4 blocks',
      columns: ['input', 'pooling', 'dilation'],
      rows: [0, 1, 2].filter((n) => n < test.images.shape[0]).map((n) => ({
        label: SHAPE_NAMES[test.classes.data[n]],
        panels: [
          { values: test.images.data.subarray(n * plane, (n + 1) * plane), width: SIZE, height: SIZE },
          ...heatmaps.map((h) => ({ values: h.subarray(n * plane, (n + 1) * plane), width: SIZE, height: SIZE })),
        ],
      })),
      panelSize: 140,
    });
    return {
      tables: [
        {
          title: `Pooling replaced by dilation, ${test.images.shape[0]} held-out ${SIZE}×${SIZE} images, ${steps} Adam steps (seed ${seed})`,
          columns: ['network', 'RF', 'output', 'params', 'MACs', 'accuracy', 'centre error (px)', 'train time'],
          rows,
        },
        { title: 'Checkerboard frequency gcd(s, d)/d where a stride-2 layer meets a dilated one', columns: ['layers', 'gcd(s,d)/d', 'checkerboard period'], rows: checker },
      ],
      figures: [writeFigure(options.outDir, 'pooling-vs-dilation', figure)],
      metrics,
    };
  },
};

/** Accuracy, mean distance in pixels between the predicted and true centre, and the location heat maps (softmax). */
function evaluate(model: ClassifyAndLocate, images: Tensor, classes: Tensor, centres: Tensor) {
  model.eval();
  let correct = 0, error = 0;
  const n = images.shape[0];
  const heatmaps = new Float32Array(n * SIZE * SIZE);
  noGrad(() => {
    for (let start = 0; start < n; start += 32) {
      const rows = Array.from({ length: Math.min(32, n - start) }, (_, i) => start + i);
      const out = model.heads(takeRows(images, rows));
      const location = F.softmax(out.location, 1);
      rows.forEach((row, r) => {
        const logits = out.classes.data.subarray(r * SHAPE_NAMES.length, (r + 1) * SHAPE_NAMES.length);
        if (argmax(logits) === classes.data[row]) correct++;
        const heat = location.data.subarray(r * SIZE * SIZE, (r + 1) * SIZE * SIZE);
        heatmaps.set(heat, row * SIZE * SIZE);
        // The centre of the best cell's block: a pooled map's 4×4 block of equal values is answered by its middle.
        const best = argmax(heat), peak = heat[best];
        let si = 0, sj = 0, count = 0;
        for (let p = 0; p < heat.length; p++) if (heat[p] === peak) { si += Math.floor(p / SIZE); sj += p % SIZE; count++; }
        const truth = centres.data[row];
        error += Math.hypot(si / count - Math.floor(truth / SIZE), sj / count - (truth % SIZE));
      });
    }
  });
  return { accuracy: correct / n, centreError: error / n, heatmaps };
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
