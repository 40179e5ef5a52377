/**
 * A 1-D convolution whose weight is reparameterized as `g·v/‖v‖` (PyTorch `weight_norm(nn.Conv1d(...))`, the
 * normalization of Bai et al.'s TCN). Parameters are named `weight_g` `[Cout, 1, 1]`, `weight_v` and `bias`, as
 * in a PyTorch state dict.
 */
import { conv } from '../autograd/conv.js';
import type { Variable, VariableLike } from '../autograd/variable.js';
import { weightNorm } from '../autograd/weight-norm.js';
import { channelNorms } from '../ops/weight-norm.js';
import { Conv1d, type ConvLayerOptions } from './conv.js';
import { Module } from './module.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/**
 * Weight-normalized `Conv1d`, initialized as PyTorch's `weight_norm` leaves a fresh conv: `v` is the conv's
 * default weight and `g = ‖v‖`, so the layer starts out computing exactly that weight.
 *
 * @example new WeightNormConv1d({ inChannels: 8, outChannels: 8, kernelSize: 3, dilation: 4, padding: 'causal' })
 */
export class WeightNormConv1d extends Module {
  readonly weightG: Variable;
  readonly weightV: Variable;
  readonly bias: Variable | null;
  readonly options: ConvLayerOptions;

  constructor(options: ConvLayerOptions) {
    super();
    checkOptionKeys('WeightNormConv1d', options, optionKeys<typeof options>({ inChannels: true, outChannels: true, kernelSize: true, stride: true, padding: true, dilation: true, groups: true, bias: true, paddingMode: true, random: true }));
    const plain = new Conv1d(options);
    const v = plain.weight.value;
    this.options = options;
    this.weightG = this.registerParameter('weight_g', channelNorms(v));
    this.weightV = this.registerParameter('weight_v', v);
    this.bias = this.registerParameter('bias', plain.bias ? plain.bias.value : null);
  }

  forward(x: VariableLike): Variable {
    const { stride, padding, dilation, groups, paddingMode } = this.options;
    return conv(x, weightNorm(this.weightV, this.weightG), { bias: this.bias, stride, padding, dilation, groups, paddingMode });
  }
}
