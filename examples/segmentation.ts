/**
 * Exercise 2 — "compare segmentation outputs with dilation = 1 vs 4" (and HDC 1, 2, 5): three networks with the same
 * four 3×3 layers and parameters, dilations 1,1,1,1 (field 9), 4,4,4,4 (field 33 with 15 of every 16 offsets
 * missing) and 1,2,5,1 (field 19, no holes), trained on marked squares, where a pixel's class is decided by a
 * dot up to 6 pixels away.
 */
import type { Example, ExampleOptions, ExampleResult } from './lib/example.js';
import { markedSquares, masksFigure } from './lib/marked-squares.js';
import { dilatedSegmenter, networkFacts } from './lib/networks.js';
import { writeFigure } from './lib/output.js';
import { argmaxClasses, segmentationScores } from './lib/segmentation-metrics.js';
import { compact, fixed } from './lib/table.js';
import { predict, trainModel } from './lib/train.js';

export const SCHEDULES = [
  { name: 'dilation 1', dilations: [1, 1, 1, 1] },
  { name: 'dilation 4', dilations: [4, 4, 4, 4] },
  { name: 'HDC 1,2,5,1', dilations: [1, 2, 5, 1] },
] as const;

const SIZE = 24, WIDTH = 16;

export const segmentation: Example = {
  name: 'segmentation',
  summary: 'dilation 1 vs 4 vs HDC 1,2,5 on a task that needs a 13-pixel field: mIoU, field, holes, MACs, masks',
  async run(options: ExampleOptions): Promise<ExampleResult> {
    const { smoke, seed, log } = options;
    const data = { size: SIZE, sides: [9, 13] as const, maxSquares: 2 };
    const train = markedSquares({ ...data, count: smoke ? 16 : 192, seed });
    const test = markedSquares({ ...data, count: smoke ? 8 : 64, seed: seed + 1 });
    const steps = smoke ? 4 : 300;
    const rows: (string | number)[][] = [];
    const metrics: ExampleResult['metrics'] = {};
    const predictions: Int32Array[] = [];
    for (const schedule of SCHEDULES) {
      const model = dilatedSegmenter(1, WIDTH, 3, schedule.dilations, seed);
      const facts = networkFacts(model, 1, SIZE);
      log(`${schedule.name} (dilations ${schedule.dilations.join(',')}): training ${steps} steps`);
      const { seconds } = trainModel({ model, inputs: train.images, targets: train.labels, steps, batch: 16, lr: 5e-3, seed, log });
      const logits = predict(model, test.images);
      const scores = segmentationScores(logits, test.labels);
      predictions.push(argmaxClasses(logits));
      rows.push([schedule.name, schedule.dilations.join(','), facts.rf, facts.holes, compact(facts.params), compact(facts.macs),
        fixed(scores.iou[1]), fixed(scores.iou[2]), fixed(scores.meanIoU), `${seconds.toFixed(1)} s`]);
      metrics[`${schedule.name}.meanIoU`] = scores.meanIoU;
      metrics[`${schedule.name}.rf`] = facts.rf;
      metrics[`${schedule.name}.holes`] = facts.holes;
      metrics[`${schedule.name}.params`] = facts.params;
      metrics[`${schedule.name}.macs`] = facts.macs;
    }
    const svg = masksFigure(test, SCHEDULES.map((schedule, i) => ({ name: schedule.name, classes: predictions[i] })),
      'Segmentation of marked squares: dilation 1 vs 4 vs HDC',
      'a square is red when a dot sits at its centre, blue when not; the dot can be 6 px from the pixel');
    return {
      tables: [{
        title: `Segmentation, ${test.images.shape[0]} held-out images ${SIZE}×${SIZE}, ${steps} Adam steps each (seed ${seed})`,
        columns: ['network', 'dilations', 'RF', 'holes', 'params', 'MACs', 'IoU dotted', 'IoU plain', 'mIoU', 'train time'],
        rows,
      }],
      figures: [writeFigure(options.outDir, 'segmentation-masks', svg)],
      metrics,
    };
  },
};
