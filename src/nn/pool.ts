/** Pooling layers: `MaxPool1d/2d/3d` (dilation, ceil mode), `AvgPool1d/2d/3d`, `AdaptiveAvgPool1d/2d/3d`. */
import { adaptiveAvgPool, avgPool, maxPool } from '../autograd/pool.js';
import type { Variable, VariableLike } from '../autograd/variable.js';
import type { PoolOptions } from '../ops/pool.js';
import { Module } from './module.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** Max pooling layer of any rank (the op checks the input's rank). */
export class MaxPoolNd extends Module {
  constructor(readonly options: PoolOptions) { super(); checkOptionKeys(new.target.name, options, optionKeys<typeof options>({ kernel: true, stride: true, dilation: true, padding: true, ceilMode: true, countIncludePad: true })); }
  forward(x: VariableLike): Variable { return maxPool(x, this.options); }
}
/** @example new MaxPool1d({ kernel: 2 }) */
export class MaxPool1d extends MaxPoolNd {}
/** @example new MaxPool2d({ kernel: 3, stride: 2, padding: 1 }) // ResNet's stem */
export class MaxPool2d extends MaxPoolNd {}
/** @example new MaxPool3d({ kernel: 2 }) */
export class MaxPool3d extends MaxPoolNd {}

/** Average pooling layer of any rank. */
export class AvgPoolNd extends Module {
  constructor(readonly options: PoolOptions) { super(); checkOptionKeys(new.target.name, options, optionKeys<typeof options>({ kernel: true, stride: true, dilation: true, padding: true, ceilMode: true, countIncludePad: true })); }
  forward(x: VariableLike): Variable { return avgPool(x, this.options); }
}
/** @example new AvgPool1d({ kernel: 4 }) */
export class AvgPool1d extends AvgPoolNd {}
/** @example new AvgPool2d({ kernel: 2, ceilMode: true }) */
export class AvgPool2d extends AvgPoolNd {}
/** @example new AvgPool3d({ kernel: 2 }) */
export class AvgPool3d extends AvgPoolNd {}

/** Adaptive average pooling to a fixed output size (1 = global average pooling). */
export class AdaptiveAvgPoolNd extends Module {
  constructor(readonly outputSize: number | readonly number[]) { super(); }
  forward(x: VariableLike): Variable { return adaptiveAvgPool(x, this.outputSize); }
}
/** @example new AdaptiveAvgPool1d(1) */
export class AdaptiveAvgPool1d extends AdaptiveAvgPoolNd {}
/** @example new AdaptiveAvgPool2d(1) // ASPP's image-pooling branch */
export class AdaptiveAvgPool2d extends AdaptiveAvgPoolNd {}
/** @example new AdaptiveAvgPool3d([1, 1, 1]) */
export class AdaptiveAvgPool3d extends AdaptiveAvgPoolNd {}
