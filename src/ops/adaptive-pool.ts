/**
 * Adaptive average pooling (`nn.AdaptiveAvgPool1d/2d/3d`): output cell `i` of `out` along a dimension of `in`
 * averages inputs `⌊i·in/out⌋ … ⌈(i+1)·in/out⌉ − 1`. Output size 1 is global average pooling (ASPP's image
 * branch, ResNet's head). With its gradient.
 */
import { ShapeError, describeValue } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { checkTensor } from './bias.js';
import { checkRank, checkSameShape } from './shape-checks.js';

/**
 * Averages `[N, C, ...spatial]` down to `[N, C, ...outSize]`.
 *
 * @example adaptiveAvgPool(x, [1, 1]) // global average pooling of [N, C, H, W]
 */
export function adaptiveAvgPool(x: Tensor, outSize: number | readonly number[]): Tensor {
  const plan = planAdaptive('adaptiveAvgPool', x, outSize);
  const out = new Float32Array(plan.planes * plan.cells.length);
  for (let p = 0; p < plan.planes; p++) {
    plan.cells.forEach((taps, c) => {
      let s = 0;
      for (const t of taps) s += x.data[p * plan.planeSize + t];
      out[p * plan.cells.length + c] = s / taps.length;
    });
  }
  return new Tensor(out, plan.outShape);
}

/** Gradient of {@link adaptiveAvgPool}: each cell's gradient shared evenly by the inputs it averaged. */
export function adaptiveAvgPoolBackward(x: Tensor, gradOutput: Tensor, outSize: number | readonly number[]): Tensor {
  const plan = planAdaptive('adaptiveAvgPoolBackward', x, outSize);
  checkSameShape('adaptiveAvgPoolBackward', 'gradOutput', gradOutput, plan.outShape);
  const grad = new Float32Array(x.size);
  for (let p = 0; p < plan.planes; p++) {
    plan.cells.forEach((taps, c) => {
      const share = gradOutput.data[p * plan.cells.length + c] / taps.length;
      for (const t of taps) grad[p * plan.planeSize + t] += share;
    });
  }
  return new Tensor(grad, x.shape);
}

/** The input offsets (within one plane) each output cell averages, in output order. */
function planAdaptive(op: string, x: Tensor, outSize: number | readonly number[]) {
  checkTensor(op, 'input', x);
  checkRank(op, x, 3, 5, '[N, C, ...spatial] with 1 to 3 spatial dimensions');
  const inSize = x.shape.slice(2);
  const size = typeof outSize === 'number' ? inSize.map(() => outSize) : outSize;
  if (!Array.isArray(size) || size.length !== inSize.length || size.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new ShapeError(op, 'outSize', `outSize ${describeValue(outSize)} must be a positive integer or ${inSize.length} of them`);
  }
  const ranges = size.map((m, d) => Array.from({ length: m }, (_, i) => {
    const n = inSize[d];
    return [Math.floor((i * n) / m), Math.ceil(((i + 1) * n) / m)];
  }));
  const strides = inSize.map((_, d) => inSize.slice(d + 1).reduce((a, b) => a * b, 1));
  let cells: number[][] = [[]];
  ranges.forEach((dimensionRanges, d) => {
    const next: number[][] = [];
    for (const prefix of cells) {
      for (const [start, end] of dimensionRanges) {
        const offsets: number[] = [];
        for (const base of prefix.length ? prefix : [0]) for (let i = start; i < end; i++) offsets.push(base + i * strides[d]);
        next.push(offsets);
      }
    }
    cells = next;
  });
  const planeSize = inSize.reduce((a, b) => a * b, 1);
  return { planes: x.shape[0] * x.shape[1], planeSize, cells, outShape: [x.shape[0], x.shape[1], ...size] };
}
