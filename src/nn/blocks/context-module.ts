/**
 * The context aggregation module of Yu & Koltun (ICLR 2016, "Multi-Scale Context Aggregation by Dilated
 * Convolutions", Table 1): seven 3×3 convolutions with dilations 1, 1, 2, 4, 8, 16, 1, each followed by ReLU,
 * then a 1×1 convolution; the receptive field grows 3, 5, 9, 17, 33, 65, 67, 67. `basic` keeps C channels
 * throughout; `large` widens to 2C, 2C, 4C, 8C, 16C, 32C, 32C before projecting back to C. Padding equals the
 * dilation, so the output keeps the input's size (the paper pads the input instead).
 *
 * Identity initialization, the paper's: in `basic`, every layer starts as the identity (centre tap 1 from
 * channel a to channel a), so on non-negative inputs the whole module initially passes its input through. In
 * `large`, the centre tap from input a to output b is C/c_out where ⌊aC/c_in⌋ = ⌊bC/c_out⌋, and every other weight
 * is small noise N(0, σ) with σ = 10⁻³·C/c_out (the paper asks only for σ ≪ C/c_out).
 */
import { relu } from '../../autograd/activations.js';
import { asVariable, type Variable, type VariableLike } from '../../autograd/variable.js';
import { OptionError, describeValue } from '../../errors.js';
import type { Random } from '../../tensor/random.js';
import { Conv2d } from '../conv.js';
import { defaultGenerator } from '../init.js';
import { expectInput, Module } from '../module.js';
import { ModuleList } from '../sequential.js';
import { checkOptionKeys, optionKeys } from '../../options.js';

/** Options of {@link ContextModule}. */
export interface ContextModuleOptions {
  /** C: the number of classes (feature maps) in and out. */
  channels: number;
  variant?: 'basic' | 'large';
  /** Identity initialization as the paper (default true); false keeps PyTorch's default conv init. */
  identityInit?: boolean;
  random?: Random;
}

const DILATIONS = [1, 1, 2, 4, 8, 16, 1];
const LARGE_WIDTHS = [2, 2, 4, 8, 16, 32, 32];

/**
 * `[N, C, H, W] → [N, C, H, W]`; layers are `layers.0` ... `layers.7` (the last is the 1×1).
 *
 * @example const context = new ContextModule({ channels: 21, variant: 'large' });
 */
export class ContextModule extends Module {
  readonly layers: ModuleList<Conv2d>;
  readonly channels: number;

  constructor(options: ContextModuleOptions) {
    super();
    checkOptionKeys('ContextModule', options, optionKeys<typeof options>({ channels: true, variant: true, identityInit: true, random: true }));
    const C = options.channels;
    const variant = options.variant ?? 'basic';
    if (variant !== 'basic' && variant !== 'large') throw new OptionError('ContextModule', 'variant', `variant ${describeValue(variant)} must be "basic" or "large"`);
    if (!Number.isInteger(C) || C < 1) throw new OptionError('ContextModule', 'channels', `channels ${describeValue(C)} must be a positive integer`);
    const random = options.random ?? defaultGenerator();
    this.channels = C;
    const widths = variant === 'basic' ? DILATIONS.map(() => C) : LARGE_WIDTHS.map((m) => m * C);
    const layers = DILATIONS.map((d, i) => new Conv2d({
      inChannels: i === 0 ? C : widths[i - 1], outChannels: widths[i], kernelSize: 3, dilation: d, padding: d, random,
    }));
    layers.push(new Conv2d({ inChannels: widths[widths.length - 1], outChannels: C, kernelSize: 1, random }));
    if (options.identityInit ?? true) for (const layer of layers) identityInitialize(layer, C, variant === 'large', random);
    this.layers = this.registerModule('layers', new ModuleList(layers));
  }

  forward(x: VariableLike): Variable {
    expectInput('ContextModule', x, this.channels, 2);
    let y = asVariable('ContextModule', x);
    this.layers.modules.forEach((layer, i) => {
      y = layer.forward(y);
      if (i < this.layers.length - 1) y = relu(y);
    });
    return y;
  }
}

/** Sets a layer to the paper's identity initialization (see the module comment); biases start at 0. */
function identityInitialize(layer: Conv2d, C: number, noisy: boolean, random: Random): void {
  const [cOut, cIn, kh, kw] = layer.weight.shape;
  const W = layer.weight.data;
  const value = C / cOut;
  const sigma = 1e-3 * value;
  const centre = Math.floor(kh / 2) * kw + Math.floor(kw / 2);
  for (let b = 0; b < cOut; b++) {
    for (let a = 0; a < cIn; a++) {
      for (let t = 0; t < kh * kw; t++) {
        const matches = t === centre && Math.floor((a * C) / cIn) === Math.floor((b * C) / cOut);
        W[(b * cIn + a) * kh * kw + t] = matches ? value : noisy ? sigma * random.normal() : 0;
      }
    }
  }
  layer.bias?.data.fill(0);
}
