/**
 * Temporal convolutional network (Bai, Kolter & Koltun 2018, "An Empirical Evaluation of Generic Convolutional
 * and Recurrent Networks for Sequence Modeling"). Each residual block runs two dilated causal convolutions
 * (weight-normalized by default), each followed by ReLU and dropout, adds a 1×1-convolved residual when the
 * channel count changes, and applies a final ReLU. Dilations double per block, so the receptive field is
 * `1 + 2(k−1)(2^B − 1)` for B blocks.
 */
import { add } from '../../autograd/arithmetic.js';
import { relu } from '../../autograd/activations.js';
import { dropout } from '../../autograd/dropout.js';
import { asVariable, type Variable, type VariableLike } from '../../autograd/variable.js';
import { OptionError, describeValue } from '../../errors.js';
import type { Random } from '../../tensor/random.js';
import { Conv1d } from '../conv.js';
import { defaultGenerator } from '../init.js';
import { expectInput, Module } from '../module.js';
import { Sequential } from '../sequential.js';
import { WeightNormConv1d } from '../weight-norm-conv.js';
import { checkOptionKeys, optionKeys } from '../../options.js';
import type { StateDictAlias } from '../state-dict-aliases.js';

/** Options of {@link TemporalBlock}. */
export interface TemporalBlockOptions {
  inChannels: number;
  outChannels: number;
  kernelSize: number;
  dilation: number;
  /** Dropout after each convolution (Bai et al.: 0.2; default 0). */
  dropout?: number;
  /** Weight normalization on the two convolutions (default true, as Bai et al.). */
  weightNorm?: boolean;
  random?: Random;
}

/**
 * One TCN residual block: `relu(x' + res(x))` with `x' = drop(relu(conv2(drop(relu(conv1(x))))))`.
 * Parameters: `conv1.*`, `conv2.*` (`weight_g`/`weight_v`/`bias` when weight-normalized) and `downsample.*`.
 *
 * @example new TemporalBlock({ inChannels: 1, outChannels: 16, kernelSize: 3, dilation: 4 })
 */
export class TemporalBlock extends Module {
  readonly conv1: Module;
  readonly conv2: Module;
  readonly downsample: Conv1d | null;
  readonly inChannels: number;
  readonly dropoutRate: number;
  private readonly random: Random;

  constructor(options: TemporalBlockOptions) {
    super();
    checkOptionKeys('TemporalBlock', options, optionKeys<typeof options>({ inChannels: true, outChannels: true, kernelSize: true, dilation: true, dropout: true, weightNorm: true, random: true }));
    const random = options.random ?? defaultGenerator();
    this.random = random;
    this.inChannels = options.inChannels;
    this.dropoutRate = options.dropout ?? 0;
    const convOptions = (inChannels: number) => ({
      inChannels, outChannels: options.outChannels, kernelSize: options.kernelSize, dilation: options.dilation,
      padding: 'causal' as const, random,
    });
    // PyTorch's default conv initialization, not the N(0, 0.01) the paper's code appears to set: there the
    // assignment lands on weight_norm's derived `weight` and is overwritten on the first forward, so the
    // published runs used the default too — and with N(0, 0.01) a long-lag copy task does not train here.
    const makeConv = (inChannels: number): Module => (options.weightNorm ?? true)
      ? new WeightNormConv1d(convOptions(inChannels))
      : new Conv1d(convOptions(inChannels));
    this.conv1 = this.registerModule('conv1', makeConv(options.inChannels));
    this.conv2 = this.registerModule('conv2', makeConv(options.outChannels));
    this.downsample = options.inChannels === options.outChannels ? null
      : this.registerModule('downsample', new Conv1d({ inChannels: options.inChannels, outChannels: options.outChannels, kernelSize: 1, random }));
  }

  /** Bai et al.'s code also registers the convolutions inside `net` (`net.0` is conv1, `net.4` conv2). */
  override stateDictAliases(): readonly StateDictAlias[] {
    const keys = (conv: Module) => [...conv.stateDict().keys()];
    return [
      ...keys(this.conv1).map((k) => ({ from: [`net.0.${k}`], to: [`conv1.${k}`] })),
      ...keys(this.conv2).map((k) => ({ from: [`net.4.${k}`], to: [`conv2.${k}`] })),
    ];
  }

  forward(x: VariableLike): Variable {
    expectInput('TemporalBlock', x, this.inChannels, 1);
    const input = asVariable('TemporalBlock', x);
    let y = dropout(relu(this.conv1.forward(input)), this.dropoutRate, this.training, this.random);
    y = dropout(relu(this.conv2.forward(y)), this.dropoutRate, this.training, this.random);
    const residual = this.downsample ? this.downsample.forward(input) : input;
    return relu(add(y, residual));
  }
}

/** Options of {@link TCN}. */
export interface TcnOptions {
  inputChannels: number;
  /** Output channels of each residual block. */
  channels: readonly number[];
  kernelSize?: number;
  /** Dilation of each block (default 1, 2, 4, ...; all 1 gives the same depth without dilation). */
  dilations?: readonly number[];
  dropout?: number;
  weightNorm?: boolean;
  random?: Random;
}

/**
 * Bai et al.'s `TemporalConvNet`: residual blocks under the name `network.i`, `[N, Cin, L] → [N, C_last, L]`,
 * causal throughout.
 *
 * @example const tcn = new TCN({ inputChannels: 1, channels: [16, 16, 16, 16], kernelSize: 3 }); // RF 61
 */
export class TCN extends Module {
  readonly network: Sequential;
  readonly dilations: readonly number[];
  readonly kernelSize: number;
  readonly inputChannels: number;

  constructor(options: TcnOptions) {
    super();
    checkOptionKeys('TCN', options, optionKeys<typeof options>({ inputChannels: true, channels: true, kernelSize: true, dilations: true, dropout: true, weightNorm: true, random: true }));
    if (!Array.isArray(options.channels) || options.channels.length === 0) {
      throw new OptionError('TCN', 'channels', `channels ${describeValue(options.channels)} must be a non-empty array of output channels, one per block`);
    }
    const kernelSize = options.kernelSize ?? 2;
    const dilations = options.dilations ?? options.channels.map((_, i) => 2 ** i);
    if (dilations.length !== options.channels.length) {
      throw new OptionError('TCN', 'dilations', `dilations ${describeValue(dilations)} must have one entry per block (${options.channels.length})`);
    }
    this.dilations = dilations.slice();
    this.kernelSize = kernelSize;
    this.inputChannels = options.inputChannels;
    const blocks = options.channels.map((out, i) => new TemporalBlock({
      inChannels: i === 0 ? options.inputChannels : options.channels[i - 1], outChannels: out, kernelSize,
      dilation: dilations[i], dropout: options.dropout, weightNorm: options.weightNorm, random: options.random,
    }));
    this.network = this.registerModule('network', new Sequential(...blocks));
  }

  /** Past samples each output sees: `1 + 2(k−1)Σd`. */
  get receptiveField(): number {
    return 1 + 2 * (this.kernelSize - 1) * this.dilations.reduce((a, b) => a + b, 0);
  }

  forward(x: VariableLike): Variable {
    expectInput('TCN', x, this.inputChannels, 1);
    return this.network.forward(x);
  }
}
