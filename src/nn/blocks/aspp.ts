/**
 * Atrous Spatial Pyramid Pooling (Chen et al. 2017, DeepLabv3), built exactly as torchvision's
 * `models.segmentation.deeplabv3.ASPP` so state dicts interchange: a 1×1 branch, one 3×3 branch per atrous rate
 * (padding = rate keeps the size), an image-pooling branch (global average → 1×1 → bilinearly upsampled back),
 * each with BN + ReLU, then a 1×1 projection with BN, ReLU and dropout 0.5. `ASPP(256 → 256, rates 6/12/18)`
 * has 2,231,296 parameters, as PyTorch counts them (conv weights and BN γ, β).
 */
import { concat } from '../../autograd/shape.js';
import { interpolate } from '../../autograd/interpolate.js';
import { asVariable, type Variable, type VariableLike } from '../../autograd/variable.js';
import { OptionError, describeValue } from '../../errors.js';
import type { Random } from '../../tensor/random.js';
import { ReLU } from '../activation.js';
import { BatchNorm2d } from '../batch-norm.js';
import { Conv2d } from '../conv.js';
import { Dropout } from '../dropout.js';
import { defaultGenerator } from '../init.js';
import { expectInput, Module } from '../module.js';
import { AdaptiveAvgPool2d } from '../pool.js';
import { ModuleList, Sequential } from '../sequential.js';
import { checkOptionKeys, optionKeys } from '../../options.js';

/** Options of {@link ASPP}. */
export interface AsppOptions {
  inChannels: number;
  /** Channels of every branch and of the output (default 256). */
  outChannels?: number;
  /** Atrous rates of the 3×3 branches (default DeepLabv3's 6, 12, 18 for output stride 16). */
  rates?: readonly number[];
  /** Dropout after the projection (default 0.5, as torchvision). */
  dropout?: number;
  random?: Random;
}

/** The image-pooling branch: global average, 1×1 conv, BN, ReLU, then bilinear upsampling to the input size. */
class AsppPooling extends Sequential {
  override forward(x: VariableLike): Variable {
    const input = asVariable('ASPP', x);
    const pooled = super.forward(input);
    return interpolate(pooled, { size: input.shape.slice(2), mode: 'bilinear', alignCorners: false });
  }
}

/**
 * `[N, Cin, H, W] → [N, Cout, H, W]`; parameter names `convs.0.0.weight` ... `project.1.running_var`, as torchvision.
 *
 * @example const aspp = new ASPP({ inChannels: 256, outChannels: 256, rates: [6, 12, 18] }); aspp.parameterCount() // 2231296
 */
export class ASPP extends Module {
  readonly convs: ModuleList;
  readonly project: Sequential;
  readonly inChannels: number;
  readonly rates: readonly number[];

  constructor(options: AsppOptions) {
    super();
    checkOptionKeys('ASPP', options, optionKeys<typeof options>({ inChannels: true, outChannels: true, rates: true, dropout: true, random: true }));
    const out = options.outChannels ?? 256;
    const rates = options.rates ?? [6, 12, 18];
    if (!Array.isArray(rates) || rates.some((r) => !Number.isInteger(r) || r < 1)) {
      throw new OptionError('ASPP', 'rates', `rates ${describeValue(rates)} must be positive integers`);
    }
    const random = options.random ?? defaultGenerator();
    const cin = options.inChannels;
    this.inChannels = cin;
    this.rates = rates.slice();
    const convBnRelu = (conv: Conv2d) => [conv, new BatchNorm2d({ numFeatures: out }), new ReLU()];
    const branches: Module[] = [
      new Sequential(...convBnRelu(new Conv2d({ inChannels: cin, outChannels: out, kernelSize: 1, bias: false, random }))),
      ...rates.map((rate) => new Sequential(...convBnRelu(new Conv2d({ inChannels: cin, outChannels: out, kernelSize: 3, padding: rate, dilation: rate, bias: false, random })))),
      new AsppPooling(new AdaptiveAvgPool2d(1), ...convBnRelu(new Conv2d({ inChannels: cin, outChannels: out, kernelSize: 1, bias: false, random }))),
    ];
    this.convs = this.registerModule('convs', new ModuleList(branches));
    this.project = this.registerModule('project', new Sequential(
      ...convBnRelu(new Conv2d({ inChannels: branches.length * out, outChannels: out, kernelSize: 1, bias: false, random })),
      new Dropout(options.dropout ?? 0.5, random),
    ));
  }

  forward(x: VariableLike): Variable {
    expectInput('ASPP', x, this.inChannels, 2);
    return this.project.forward(concat(this.convs.modules.map((branch) => branch.forward(x)), 1));
  }
}
