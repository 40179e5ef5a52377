/** Fully connected layer `x·Wᵀ + b`, initialized as PyTorch's `nn.Linear`. */
import { linear } from '../autograd/linear.js';
import type { Variable, VariableLike } from '../autograd/variable.js';
import type { Random } from '../tensor/random.js';
import { defaultGenerator, kaimingUniform, uniform } from './init.js';
import { Module } from './module.js';
import { OptionError, describeValue } from '../errors.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** Options of {@link Linear}. */
export interface LinearOptions {
  inFeatures: number;
  outFeatures: number;
  bias?: boolean;
  random?: Random;
}

/**
 * `[..., inFeatures] → [..., outFeatures]`.
 *
 * @example new Linear({ inFeatures: 512, outFeatures: 10 }).forward(features)
 */
export class Linear extends Module {
  readonly weight: Variable;
  readonly bias: Variable | null;

  constructor(options: LinearOptions) {
    super();
    checkOptionKeys('Linear', options, optionKeys<typeof options>({ inFeatures: true, outFeatures: true, bias: true, random: true }));
    for (const key of ['inFeatures', 'outFeatures'] as const) {
      if (!Number.isInteger(options[key]) || options[key] < 1) throw new OptionError('Linear', key, `${key} ${describeValue(options[key])} must be a positive integer`);
    }
    const random = options.random ?? defaultGenerator();
    this.weight = this.registerParameter('weight', kaimingUniform([options.outFeatures, options.inFeatures], Math.sqrt(5), random));
    this.bias = this.registerParameter('bias', (options.bias ?? true) ? uniform([options.outFeatures], 1 / Math.sqrt(options.inFeatures), random) : null);
  }

  forward(x: VariableLike): Variable { return linear(x, this.weight, this.bias); }
}
