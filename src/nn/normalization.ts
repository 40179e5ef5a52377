/** `LayerNorm` and `GroupNorm` layers (learnable elementwise / per-channel affine, PyTorch's names and defaults). */
import { groupNorm, layerNorm } from '../autograd/normalization.js';
import type { Variable, VariableLike } from '../autograd/variable.js';
import { OptionError, describeValue } from '../errors.js';
import { ones, zeros } from '../tensor/tensor.js';
import { Module } from './module.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/**
 * Normalizes over the trailing `normalizedShape`.
 *
 * @example new LayerNorm([64])
 */
export class LayerNorm extends Module {
  readonly weight: Variable | null;
  readonly bias: Variable | null;

  constructor(readonly normalizedShape: readonly number[], readonly options: { eps?: number; elementwiseAffine?: boolean } = {}) {
    super();
    checkOptionKeys('LayerNorm', options, optionKeys<typeof options>({ eps: true, elementwiseAffine: true }));
    const affine = options.elementwiseAffine ?? true;
    this.weight = this.registerParameter('weight', affine ? ones(normalizedShape) : null);
    this.bias = this.registerParameter('bias', affine ? zeros(normalizedShape) : null);
  }

  forward(x: VariableLike): Variable {
    return layerNorm(x, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.options.eps });
  }
}

/**
 * Normalizes channel groups of `[N, C, ...]` (batch-size independent, for small batches).
 *
 * @example new GroupNorm(8, 64)
 */
export class GroupNorm extends Module {
  readonly weight: Variable | null;
  readonly bias: Variable | null;

  constructor(readonly numGroups: number, readonly numChannels: number, readonly options: { eps?: number; affine?: boolean } = {}) {
    super();
    checkOptionKeys('GroupNorm', options, optionKeys<typeof options>({ eps: true, affine: true }));
    if (!Number.isInteger(numGroups) || numGroups < 1 || numChannels % numGroups !== 0) {
      throw new OptionError('GroupNorm', 'numGroups', `numGroups ${describeValue(numGroups)} must be a positive integer dividing numChannels ${numChannels}`);
    }
    const affine = options.affine ?? true;
    this.weight = this.registerParameter('weight', affine ? ones([numChannels]) : null);
    this.bias = this.registerParameter('bias', affine ? zeros([numChannels]) : null);
  }

  forward(x: VariableLike): Variable {
    return groupNorm(x, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.options.eps });
  }
}
