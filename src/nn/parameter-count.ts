/**
 * Seed 001's comparison of a dilated convolution with the standard convolution of the same receptive field:
 * a 3×3 kernel at dilation 2 spans 5×5 with the parameters of a 3×3 (64→128: 73,856 against 204,928).
 */
import { OptionError, describeValue } from '../errors.js';
import { effectiveKernelSize } from '../geometry/conv-arithmetic.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** Shape of a convolution for counting. */
export interface ConvCountOptions {
  inChannels: number;
  outChannels: number;
  kernelSize: number;
  /** Spatial dimensions (default 2). */
  spatialRank?: number;
  groups?: number;
  bias?: boolean;
}

/**
 * Weights plus biases of a convolution: `Cout·(Cin/groups)·k^rank + Cout`.
 *
 * @example convParameterCount({ inChannels: 64, outChannels: 128, kernelSize: 3 }) // 73856
 */
export function convParameterCount(options: ConvCountOptions): number {
  checkOptionKeys('convParameterCount', options, optionKeys<typeof options>({ inChannels: true, outChannels: true, kernelSize: true, spatialRank: true, groups: true, bias: true }));
  const { inChannels, outChannels, kernelSize } = options;
  const rank = options.spatialRank ?? 2;
  const groups = options.groups ?? 1;
  for (const [name, v] of Object.entries({ inChannels, outChannels, kernelSize, spatialRank: rank, groups })) {
    if (!Number.isInteger(v) || v < 1) throw new OptionError('convParameterCount', name, `${name} ${describeValue(v)} must be a positive integer`);
  }
  if (inChannels % groups !== 0) throw new OptionError('convParameterCount', 'groups', `groups ${groups} must divide inChannels ${inChannels}`);
  return outChannels * (inChannels / groups) * kernelSize ** rank + ((options.bias ?? true) ? outChannels : 0);
}

/** One side of {@link compareDilatedToStandard}. */
export interface ConvSummary {
  kernelSize: number;
  dilation: number;
  parameters: number;
  /** Span of the kernel per side: `d(k−1)+1`. */
  receptiveField: number;
}

/**
 * A dilated convolution next to the undilated one that covers the same span, as seed 001's `analyze_conv` pair.
 *
 * @example
 * compareDilatedToStandard({ inChannels: 64, outChannels: 128, kernelSize: 3 }, 2)
 * // { dilated: { parameters: 73856, receptiveField: 5, ... }, standard: { kernelSize: 5, parameters: 204928, ... }, savedFraction: 0.6396 }
 */
export function compareDilatedToStandard(options: ConvCountOptions, dilation: number): { dilated: ConvSummary; standard: ConvSummary; savedFraction: number } {
  checkOptionKeys('compareDilatedToStandard', options, optionKeys<typeof options>({ inChannels: true, outChannels: true, kernelSize: true, spatialRank: true, groups: true, bias: true }));
  if (!Number.isInteger(dilation) || dilation < 1) throw new OptionError('compareDilatedToStandard', 'dilation', `dilation ${describeValue(dilation)} must be a positive integer`);
  const span = effectiveKernelSize(options.kernelSize, dilation);
  const dilated = { kernelSize: options.kernelSize, dilation, parameters: convParameterCount(options), receptiveField: span };
  const standard = { kernelSize: span, dilation: 1, parameters: convParameterCount({ ...options, kernelSize: span }), receptiveField: span };
  return { dilated, standard, savedFraction: 1 - dilated.parameters / standard.parameters };
}
