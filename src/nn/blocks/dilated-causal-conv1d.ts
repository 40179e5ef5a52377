/**
 * Seed 001's `DilatedCausalConv1d`: a dilated `Conv1d` whose output at time t sees only inputs ≤ t. The seed pads
 * `d(k−1)` on both sides and chops the right end; padding `'causal'` (all `d(k−1)` before) computes the same
 * numbers without the wasted right half. The inner layer is named `conv`, so the seed's PyTorch state dict loads.
 */
import type { Variable, VariableLike } from '../../autograd/variable.js';
import { effectiveKernelSize } from '../../geometry/conv-arithmetic.js';
import type { Random } from '../../tensor/random.js';
import { Conv1d } from '../conv.js';
import { Module } from '../module.js';
import { Sequential } from '../sequential.js';
import { checkOptionKeys, optionKeys } from '../../options.js';

/** Options of {@link DilatedCausalConv1d}. */
export interface DilatedCausalConv1dOptions {
  inChannels: number;
  outChannels: number;
  kernelSize: number;
  dilation: number;
  bias?: boolean;
  random?: Random;
}

/**
 * Causal dilated 1-D convolution: `[N, Cin, L] → [N, Cout, L]`.
 *
 * @example new DilatedCausalConv1d({ inChannels: 1, outChannels: 16, kernelSize: 2, dilation: 8 })
 */
export class DilatedCausalConv1d extends Module {
  readonly conv: Conv1d;
  /** How many past samples (including the current one) each output sees: `d(k−1)+1`. */
  readonly receptiveField: number;

  constructor(options: DilatedCausalConv1dOptions) {
    super();
    checkOptionKeys('DilatedCausalConv1d', options, optionKeys<typeof options>({ inChannels: true, outChannels: true, kernelSize: true, dilation: true, bias: true, random: true }));
    this.conv = this.registerModule('conv', new Conv1d({ ...options, padding: 'causal' }));
    this.receptiveField = effectiveKernelSize(options.kernelSize, options.dilation);
  }

  forward(x: VariableLike): Variable { return this.conv.forward(x); }
}

/**
 * Seed 001's `build_wavenet_stack`: `numLayers` causal convolutions with dilations 1, 2, 4, ..., 2^(L−1), whose
 * receptive field is `1 + (k−1)(2^L − 1)` (1024 for k = 2, L = 10).
 *
 * @example const stack = buildWavenetStack(16, 2, 10); // names 0.conv.weight ... 9.conv.bias
 */
export function buildWavenetStack(channels: number, kernelSize = 2, numLayers = 10, random?: Random): Sequential {
  const layers = Array.from({ length: numLayers }, (_, i) =>
    new DilatedCausalConv1d({ inChannels: channels, outChannels: channels, kernelSize, dilation: 2 ** i, random }));
  return new Sequential(...layers);
}
