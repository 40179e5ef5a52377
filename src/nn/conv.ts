/**
 * Convolution layers `Conv1d/2d/3d` and `ConvTranspose1d/2d/3d` with every option of the ops — stride,
 * dilation, padding (numbers, pairs, 'valid', 'same', 'causal'), `paddingMode`, groups, bias — and PyTorch's
 * default initialization (kaiming-uniform a=√5 weights, uniform ±1/√fanIn bias).
 */
import { conv, convTranspose } from '../autograd/conv.js';
import type { Variable, VariableLike } from '../autograd/variable.js';
import { OptionError, ShapeError, describeValue } from '../errors.js';
import { perDimension } from '../geometry/conv-geometry.js';
import type { Padding, PaddingMode } from '../geometry/padding.js';
import type { Random } from '../tensor/random.js';
import { defaultGenerator, fans, kaimingUniform, uniform } from './init.js';
import { Module } from './module.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** Options of a convolution layer. */
export interface ConvLayerOptions {
  inChannels: number;
  outChannels: number;
  kernelSize: number | readonly number[];
  stride?: number | readonly number[];
  padding?: Padding;
  dilation?: number | readonly number[];
  groups?: number;
  /** Learnable bias (default true). */
  bias?: boolean;
  paddingMode?: PaddingMode;
  /** Generator for the initial weights (default: the one `manualSeed` sets). */
  random?: Random;
}

/** N-D convolution layer; use {@link Conv1d}, {@link Conv2d} or {@link Conv3d}. */
export class ConvNd extends Module {
  readonly weight: Variable;
  readonly bias: Variable | null;
  readonly options: Readonly<Required<Omit<ConvLayerOptions, 'random' | 'bias' | 'kernelSize'>>> & { kernelSize: number[]; bias: boolean };

  constructor(spatialRank: number, options: ConvLayerOptions) {
    super();
    checkOptionKeys(new.target.name, options, optionKeys<typeof options>({ inChannels: true, outChannels: true, kernelSize: true, stride: true, padding: true, dilation: true, groups: true, bias: true, paddingMode: true, random: true }));
    const name = `Conv${spatialRank}d`;
    const kernelSize = perDimension(name, 'kernelSize', options.kernelSize, spatialRank);
    const groups = options.groups ?? 1;
    checkChannels(name, options.inChannels, options.outChannels, groups);
    if (options.padding === 'causal' && spatialRank !== 1) {
      throw new OptionError(name, 'padding', `padding "causal" is defined for 1-D convolutions only; ${name} needs explicit [before, after] pairs`);
    }
    this.options = {
      inChannels: options.inChannels, outChannels: options.outChannels, kernelSize,
      stride: options.stride ?? 1, padding: options.padding ?? 0, dilation: options.dilation ?? 1,
      groups, bias: options.bias ?? true, paddingMode: options.paddingMode ?? 'zeros',
    };
    perDimension(name, 'stride', this.options.stride, spatialRank);
    perDimension(name, 'dilation', this.options.dilation, spatialRank);
    const random = options.random ?? defaultGenerator();
    const shape = [options.outChannels, options.inChannels / groups, ...kernelSize];
    this.weight = this.registerParameter('weight', kaimingUniform(shape, Math.sqrt(5), random));
    this.bias = this.registerParameter('bias', this.options.bias ? uniform([options.outChannels], 1 / Math.sqrt(fans(shape).fanIn), random) : null);
  }

  forward(x: VariableLike): Variable {
    const { stride, padding, dilation, groups, paddingMode } = this.options;
    return conv(x, this.weight, { bias: this.bias, stride, padding, dilation, groups, paddingMode });
  }
}

/** 1-D convolution over `[N, C, L]`; `padding: 'causal'` makes output t depend on inputs ≤ t. @example new Conv1d({ inChannels: 16, outChannels: 16, kernelSize: 2, dilation: 8, padding: 'causal' }) */
export class Conv1d extends ConvNd { constructor(options: ConvLayerOptions) { super(1, options); } }
/** 2-D convolution over `[N, C, H, W]`. @example new Conv2d({ inChannels: 64, outChannels: 128, kernelSize: 3, dilation: 2, padding: 2 }) // 73,856 parameters */
export class Conv2d extends ConvNd { constructor(options: ConvLayerOptions) { super(2, options); } }
/** 3-D convolution over `[N, C, D, H, W]`. @example new Conv3d({ inChannels: 1, outChannels: 8, kernelSize: 3, padding: 'same' }) */
export class Conv3d extends ConvNd { constructor(options: ConvLayerOptions) { super(3, options); } }

/** Options of a transposed convolution layer. */
export interface ConvTransposeLayerOptions {
  inChannels: number;
  outChannels: number;
  kernelSize: number | readonly number[];
  stride?: number | readonly number[];
  padding?: number | readonly number[] | readonly (readonly number[])[];
  outputPadding?: number | readonly number[];
  dilation?: number | readonly number[];
  groups?: number;
  bias?: boolean;
  random?: Random;
}

/** N-D transposed convolution layer; use {@link ConvTranspose1d}, {@link ConvTranspose2d} or {@link ConvTranspose3d}. */
export class ConvTransposeNd extends Module {
  readonly weight: Variable;
  readonly bias: Variable | null;
  readonly options: ConvTransposeLayerOptions;

  constructor(spatialRank: number, options: ConvTransposeLayerOptions) {
    super();
    checkOptionKeys(new.target.name, options, optionKeys<typeof options>({ inChannels: true, outChannels: true, kernelSize: true, stride: true, padding: true, outputPadding: true, dilation: true, groups: true, bias: true, random: true }));
    const name = `ConvTranspose${spatialRank}d`;
    const kernelSize = perDimension(name, 'kernelSize', options.kernelSize, spatialRank);
    const groups = options.groups ?? 1;
    checkChannels(name, options.inChannels, options.outChannels, groups);
    if (typeof options.padding === 'string') {
      throw new OptionError(name, 'padding', `padding ${describeValue(options.padding)} is not defined for transposed convolution (as in PyTorch); give explicit amounts`);
    }
    this.options = { ...options, kernelSize };
    const random = options.random ?? defaultGenerator();
    const shape = [options.inChannels, options.outChannels / groups, ...kernelSize];
    this.weight = this.registerParameter('weight', kaimingUniform(shape, Math.sqrt(5), random));
    this.bias = this.registerParameter('bias', (options.bias ?? true) ? uniform([options.outChannels], 1 / Math.sqrt(fans(shape).fanIn), random) : null);
  }

  forward(x: VariableLike): Variable {
    const { stride, padding, outputPadding, dilation, groups } = this.options;
    return convTranspose(x, this.weight, { bias: this.bias, stride, padding, outputPadding, dilation, groups });
  }
}

/** 1-D transposed convolution. @example new ConvTranspose1d({ inChannels: 8, outChannels: 4, kernelSize: 4, stride: 2, padding: 1 }) */
export class ConvTranspose1d extends ConvTransposeNd { constructor(options: ConvTransposeLayerOptions) { super(1, options); } }
/** 2-D transposed convolution. @example new ConvTranspose2d({ inChannels: 8, outChannels: 4, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1 }) */
export class ConvTranspose2d extends ConvTransposeNd { constructor(options: ConvTransposeLayerOptions) { super(2, options); } }
/** 3-D transposed convolution. @example new ConvTranspose3d({ inChannels: 2, outChannels: 2, kernelSize: 2, stride: 2 }) */
export class ConvTranspose3d extends ConvTransposeNd { constructor(options: ConvTransposeLayerOptions) { super(3, options); } }

function checkChannels(name: string, inChannels: number, outChannels: number, groups: number): void {
  const problems: string[] = [];
  if (!Number.isInteger(inChannels) || inChannels < 1) problems.push(`inChannels ${describeValue(inChannels)} must be a positive integer`);
  if (!Number.isInteger(outChannels) || outChannels < 1) problems.push(`outChannels ${describeValue(outChannels)} must be a positive integer`);
  if (!Number.isInteger(groups) || groups < 1) problems.push(`groups ${describeValue(groups)} must be a positive integer`);
  else {
    if (inChannels % groups !== 0) problems.push(`groups ${groups} must divide inChannels ${inChannels}`);
    if (outChannels % groups !== 0) problems.push(`groups ${groups} must divide outChannels ${outChannels}`);
  }
  if (problems.length > 0) throw new ShapeError(name, 'channels', problems.join('; '));
}
