/** Scores of a dense prediction: per-class intersection over union and their mean, as segmentation papers report. */
import type { Tensor } from '../../src/index.js';

/** Per-class IoU, mean IoU and pixel accuracy. */
export interface SegmentationScores {
  iou: number[];
  meanIoU: number;
  pixelAccuracy: number;
}

/**
 * Scores class logits `[N, C, H, W]` against labels `[N, H, W]`: each pixel's predicted class is its arg-max.
 * A class absent from both prediction and labels is left out of the mean.
 */
export function segmentationScores(logits: Tensor, labels: Tensor): SegmentationScores {
  const predicted = argmaxClasses(logits);
  const classes = logits.shape[1];
  const intersection = new Array<number>(classes).fill(0), union = new Array<number>(classes).fill(0);
  let correct = 0;
  for (let i = 0; i < predicted.length; i++) {
    const p = predicted[i], t = labels.data[i];
    if (p === t) { intersection[p]++; union[p]++; correct++; } else { union[p]++; union[t]++; }
  }
  const iou = intersection.map((v, c) => (union[c] === 0 ? NaN : v / union[c]));
  const present = iou.filter((v) => !Number.isNaN(v));
  return { iou, meanIoU: present.reduce((a, b) => a + b, 0) / present.length, pixelAccuracy: correct / predicted.length };
}

/** The arg-max class of every pixel of logits `[N, C, ...spatial]`, as `[N, ...spatial]` integers. */
export function argmaxClasses(logits: Tensor): Int32Array {
  const [n, c] = logits.shape;
  const plane = logits.shape.slice(2).reduce((a, b) => a * b, 1);
  const out = new Int32Array(n * plane);
  for (let b = 0; b < n; b++) {
    for (let p = 0; p < plane; p++) {
      let best = 0, bestValue = -Infinity;
      for (let k = 0; k < c; k++) {
        const v = logits.data[(b * c + k) * plane + p];
        if (v > bestValue) { bestValue = v; best = k; }
      }
      out[b * plane + p] = best;
    }
  }
  return out;
}
