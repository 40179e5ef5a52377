/**
 * `BatchNorm1d/2d/3d`: learnable γ (`weight`) and β (`bias`), running statistics as buffers (`running_mean`,
 * `running_var`, `num_batches_tracked`, PyTorch's names so state dicts interchange), momentum 0.1, eps 1e-5.
 */
import { batchNorm } from '../autograd/batch-norm.js';
import type { Variable, VariableLike } from '../autograd/variable.js';
import { ShapeError, describeValue } from '../errors.js';
import { ones, Tensor, zeros } from '../tensor/tensor.js';
import { Module } from './module.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** Options of the batch-norm layers. */
export interface BatchNormLayerOptions {
  numFeatures: number;
  eps?: number;
  /** Weight of each batch in the running statistics (default 0.1); null for a cumulative average, as PyTorch's `momentum=None`. */
  momentum?: number | null;
  /** Learnable γ and β (default true). */
  affine?: boolean;
  /** Keep running statistics for evaluation (default true). */
  trackRunningStats?: boolean;
}

/** Batch normalization over the channel axis; use the 1d/2d/3d classes. */
export class BatchNormNd extends Module {
  readonly weight: Variable | null;
  readonly bias: Variable | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  readonly numBatchesTracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;
  readonly numFeatures: number;
  private readonly spatialRanks: readonly number[];

  constructor(spatialRanks: readonly number[], options: BatchNormLayerOptions) {
    super();
    checkOptionKeys(new.target.name, options, optionKeys<typeof options>({ numFeatures: true, eps: true, momentum: true, affine: true, trackRunningStats: true }));
    const c = options.numFeatures;
    this.numFeatures = c;
    this.spatialRanks = spatialRanks;
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    const affine = options.affine ?? true;
    this.weight = this.registerParameter('weight', affine ? ones([c]) : null);
    this.bias = this.registerParameter('bias', affine ? zeros([c]) : null);
    const track = options.trackRunningStats ?? true;
    this.runningMean = track ? this.registerBuffer('running_mean', zeros([c])) : null;
    this.runningVar = track ? this.registerBuffer('running_var', ones([c])) : null;
    this.numBatchesTracked = track ? this.registerBuffer('num_batches_tracked', zeros([])) : null;
  }

  forward(x: VariableLike): Variable {
    const spatial = x.shape.length - 2;
    if (!this.spatialRanks.includes(spatial) || x.shape[1] !== this.numFeatures) {
      throw new ShapeError(this.constructor.name, 'input', `input shape ${describeValue(x.shape)} must be [N, ${this.numFeatures}${', ·'.repeat(Math.max(0, this.spatialRanks[this.spatialRanks.length - 1]))}] (${this.numFeatures} channels, ${this.spatialRanks.join(' or ')} spatial dimension(s))`);
    }
    const useBatchStatistics = this.training || !this.runningMean;
    if (this.training && this.numBatchesTracked) this.numBatchesTracked.data[0] += 1;
    return batchNorm(x, {
      weight: this.weight, bias: this.bias, eps: this.eps, training: useBatchStatistics,
      // A cumulative average weighs the n-th batch by 1/n.
      momentum: this.momentum ?? 1 / Math.max(1, this.numBatchesTracked?.data[0] ?? 1),
      runningMean: this.runningMean, runningVar: this.runningVar,
    });
  }
}

/** Over `[N, C]` or `[N, C, L]`. @example new BatchNorm1d({ numFeatures: 32 }) */
export class BatchNorm1d extends BatchNormNd { constructor(options: BatchNormLayerOptions) { super([0, 1], options); } }
/** Over `[N, C, H, W]`. @example new BatchNorm2d({ numFeatures: 256 }) */
export class BatchNorm2d extends BatchNormNd { constructor(options: BatchNormLayerOptions) { super([2], options); } }
/** Over `[N, C, D, H, W]`. @example new BatchNorm3d({ numFeatures: 8 }) */
export class BatchNorm3d extends BatchNormNd { constructor(options: BatchNormLayerOptions) { super([3], options); } }
