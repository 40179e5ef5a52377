/**
 * ResNet-18/34/50/101 as torchvision builds them (same parameter names, so torchvision state dicts load), with
 * torchvision's `replace_stride_with_dilation`: a stage whose stride is replaced keeps the resolution and
 * multiplies the dilation by that stride instead, so output stride 32 becomes 16 (last stage dilated 2) or 8
 * (last two dilated 2 and 4) — DeepLab's backbone. Unlike torchvision, BasicBlock nets (18/34) may be dilated too,
 * as in DRN (Yu, Koltun & Funkhouser 2017).
 *
 * `degridding: true` appends DRN-C's two residual-free levels (3×3 convolutions at dilation 2, then 1, each
 * conv-BN-ReLU twice) that smooth the gridding artifacts of the dilated stages. DRN-C's other change, replacing
 * the stem's max pooling with strided convolutions, is not applied.
 */
import { add } from '../../autograd/arithmetic.js';
import { relu } from '../../autograd/activations.js';
import { reshape } from '../../autograd/shape.js';
import { asVariable, type Variable, type VariableLike } from '../../autograd/variable.js';
import { OptionError, describeValue } from '../../errors.js';
import type { Random } from '../../tensor/random.js';
import { ReLU } from '../activation.js';
import { BatchNorm2d } from '../batch-norm.js';
import { Conv2d } from '../conv.js';
import { defaultGenerator, kaimingNormalFanOut } from '../init.js';
import { Linear } from '../linear.js';
import { expectInput, Module } from '../module.js';
import { AdaptiveAvgPool2d, MaxPool2d } from '../pool.js';
import { Sequential } from '../sequential.js';
import { checkOptionKeys, optionKeys } from '../../options.js';

/** Options of {@link BasicBlock} and {@link Bottleneck}, as torchvision's constructor arguments. */
export interface ResidualBlockOptions {
  inplanes: number;
  planes: number;
  stride?: number;
  dilation?: number;
  /** Projection of the shortcut when shape changes (conv1x1 + BN). */
  downsample?: Sequential | null;
  random?: Random;
}

/** ResNet-18/34's block: two 3×3 convolutions (expansion 1). */
export class BasicBlock extends Module {
  static readonly expansion = 1;
  readonly conv1: Conv2d; readonly bn1: BatchNorm2d; readonly conv2: Conv2d; readonly bn2: BatchNorm2d;
  readonly downsample: Sequential | null;

  constructor(options: ResidualBlockOptions) {
    super();
    checkOptionKeys(new.target.name, options, optionKeys<typeof options>({ inplanes: true, planes: true, stride: true, dilation: true, downsample: true, random: true }));
    const o = withBlockDefaults(options);
    this.conv1 = this.registerModule('conv1', conv3x3(o.inplanes, o.planes, o.stride, o.dilation, o.random));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d({ numFeatures: o.planes }));
    this.conv2 = this.registerModule('conv2', conv3x3(o.planes, o.planes, 1, o.dilation, o.random));
    this.bn2 = this.registerModule('bn2', new BatchNorm2d({ numFeatures: o.planes }));
    this.downsample = o.downsample ? this.registerModule('downsample', o.downsample) : null;
  }

  forward(x: VariableLike): Variable {
    const input = asVariable('BasicBlock', x);
    const out = this.bn2.forward(this.conv2.forward(relu(this.bn1.forward(this.conv1.forward(input)))));
    return relu(add(out, this.downsample ? this.downsample.forward(input) : input));
  }
}

/** ResNet-50/101's block: 1×1 reduce, 3×3 (strided, dilated), 1×1 expand ×4. */
export class Bottleneck extends Module {
  static readonly expansion = 4;
  readonly conv1: Conv2d; readonly bn1: BatchNorm2d; readonly conv2: Conv2d; readonly bn2: BatchNorm2d;
  readonly conv3: Conv2d; readonly bn3: BatchNorm2d;
  readonly downsample: Sequential | null;

  constructor(options: ResidualBlockOptions) {
    super();
    checkOptionKeys(new.target.name, options, optionKeys<typeof options>({ inplanes: true, planes: true, stride: true, dilation: true, downsample: true, random: true }));
    const o = withBlockDefaults(options);
    this.conv1 = this.registerModule('conv1', conv1x1(o.inplanes, o.planes, 1, o.random));
    this.bn1 = this.registerModule('bn1', new BatchNorm2d({ numFeatures: o.planes }));
    this.conv2 = this.registerModule('conv2', conv3x3(o.planes, o.planes, o.stride, o.dilation, o.random));
    this.bn2 = this.registerModule('bn2', new BatchNorm2d({ numFeatures: o.planes }));
    this.conv3 = this.registerModule('conv3', conv1x1(o.planes, o.planes * 4, 1, o.random));
    this.bn3 = this.registerModule('bn3', new BatchNorm2d({ numFeatures: o.planes * 4 }));
    this.downsample = o.downsample ? this.registerModule('downsample', o.downsample) : null;
  }

  forward(x: VariableLike): Variable {
    const input = asVariable('Bottleneck', x);
    let out = relu(this.bn1.forward(this.conv1.forward(input)));
    out = relu(this.bn2.forward(this.conv2.forward(out)));
    out = this.bn3.forward(this.conv3.forward(out));
    return relu(add(out, this.downsample ? this.downsample.forward(input) : input));
  }
}

/** Options of {@link ResNet}. */
export interface ResNetOptions {
  depth: 18 | 34 | 50 | 101;
  /** Classes of the final fully connected layer (default 1000). */
  numClasses?: number;
  /** Per stage 2–4: replace its stride by dilation (torchvision's `replace_stride_with_dilation`). */
  replaceStrideWithDilation?: readonly [boolean, boolean, boolean];
  /** Shorthand: 8 → [false, true, true], 16 → [false, false, true], 32 → none. */
  outputStride?: 8 | 16 | 32;
  /** Append DRN-C's residual-free degridding levels (see the module comment). */
  degridding?: boolean;
  inChannels?: number;
  random?: Random;
}

const LAYOUTS = { 18: [2, 2, 2, 2], 34: [3, 4, 6, 3], 50: [3, 4, 6, 3], 101: [3, 4, 23, 3] } as const;

/**
 * A ResNet whose `features(x)` is the dilated backbone output `[N, C, H/os, W/os]` and `forward(x)` the
 * classifier logits.
 *
 * @example
 * const backbone = new ResNet({ depth: 50, outputStride: 8 });
 * backbone.features(x).shape // [1, 2048, 28, 28] for a 224×224 input
 */
export class ResNet extends Module {
  readonly conv1: Conv2d; readonly bn1: BatchNorm2d; readonly relu = new ReLU(); readonly maxpool: MaxPool2d;
  readonly layer1: Sequential; readonly layer2: Sequential; readonly layer3: Sequential; readonly layer4: Sequential;
  readonly degrid: Sequential | null;
  readonly avgpool: AdaptiveAvgPool2d; readonly fc: Linear;
  readonly inChannels: number;
  /** Input pixels per output pixel of `features`. */
  readonly outputStride: number;
  /** Dilation of each of the four stages. */
  readonly stageDilations: readonly number[];

  constructor(options: ResNetOptions) {
    super();
    checkOptionKeys('ResNet', options, optionKeys<typeof options>({ depth: true, numClasses: true, replaceStrideWithDilation: true, outputStride: true, degridding: true, inChannels: true, random: true }));
    const layout = LAYOUTS[options.depth];
    if (!layout) throw new OptionError('ResNet', 'depth', `depth ${describeValue(options.depth)} must be 18, 34, 50 or 101`);
    const replace = resolveDilation(options);
    const random = options.random ?? defaultGenerator();
    const Block = options.depth >= 50 ? Bottleneck : BasicBlock;
    const expansion = Block.expansion;
    this.inChannels = options.inChannels ?? 3;
    this.conv1 = this.registerModule('conv1', new Conv2d({ inChannels: this.inChannels, outChannels: 64, kernelSize: 7, stride: 2, padding: 3, bias: false, random }));
    this.conv1.weight.data.set(kaimingNormalFanOut(this.conv1.weight.shape, random).data);
    this.bn1 = this.registerModule('bn1', new BatchNorm2d({ numFeatures: 64 }));
    this.maxpool = this.registerModule('maxpool', new MaxPool2d({ kernel: 3, stride: 2, padding: 1 }));
    let inplanes = 64, dilation = 1, stride = 4;
    const dilations: number[] = [];
    const makeLayer = (planes: number, blocks: number, layerStride: number, dilate: boolean): Sequential => {
      const previousDilation = dilation;
      if (dilate) { dilation *= layerStride; layerStride = 1; }
      stride *= layerStride;
      dilations.push(dilation);
      const downsample = layerStride !== 1 || inplanes !== planes * expansion
        ? new Sequential(conv1x1(inplanes, planes * expansion, layerStride, random), new BatchNorm2d({ numFeatures: planes * expansion }))
        : null;
      const list: Module[] = [new Block({ inplanes, planes, stride: layerStride, dilation: previousDilation, downsample, random })];
      inplanes = planes * expansion;
      for (let i = 1; i < blocks; i++) list.push(new Block({ inplanes, planes, stride: 1, dilation, downsample: null, random }));
      return new Sequential(...list);
    };
    this.layer1 = this.registerModule('layer1', makeLayer(64, layout[0], 1, false));
    this.layer2 = this.registerModule('layer2', makeLayer(128, layout[1], 2, replace[0]));
    this.layer3 = this.registerModule('layer3', makeLayer(256, layout[2], 2, replace[1]));
    this.layer4 = this.registerModule('layer4', makeLayer(512, layout[3], 2, replace[2]));
    this.outputStride = stride;
    this.stageDilations = dilations;
    this.degrid = options.degridding
      ? this.registerModule('degrid', new Sequential(...[2, 1].flatMap((d) => [0, 1].flatMap(() => [
        conv3x3(inplanes, inplanes, 1, d, random), new BatchNorm2d({ numFeatures: inplanes }), new ReLU(),
      ]))))
      : null;
    this.avgpool = this.registerModule('avgpool', new AdaptiveAvgPool2d(1));
    this.fc = this.registerModule('fc', new Linear({ inFeatures: 512 * expansion, outFeatures: options.numClasses ?? 1000, random }));
  }

  /** The backbone: stem, four stages (and the degridding levels), `[N, C, H/os, W/os]`. */
  features(x: VariableLike): Variable {
    expectInput('ResNet', x, this.inChannels, 2);
    let y = this.maxpool.forward(this.relu.forward(this.bn1.forward(this.conv1.forward(x))));
    for (const stage of [this.layer1, this.layer2, this.layer3, this.layer4]) y = stage.forward(y);
    return this.degrid ? this.degrid.forward(y) : y;
  }

  /** Classifier logits `[N, numClasses]`. */
  forward(x: VariableLike): Variable {
    const pooled = this.avgpool.forward(this.features(x));
    return this.fc.forward(reshape(pooled, [pooled.shape[0], pooled.shape[1]]));
  }
}

/**
 * Builds a dilated ResNet backbone for dense prediction at output stride 8 or 16.
 *
 * @example const backbone = dilatedResNet(50, 8); // stages 3 and 4 at dilation 2 and 4
 */
export function dilatedResNet(depth: ResNetOptions['depth'], outputStride: 8 | 16 | 32, options: Omit<ResNetOptions, 'depth' | 'outputStride'> = {}): ResNet {
  checkOptionKeys('dilatedResNet', options, optionKeys<typeof options>({ numClasses: true, replaceStrideWithDilation: true, degridding: true, inChannels: true, random: true }));
  return new ResNet({ ...options, depth, outputStride });
}

function resolveDilation(options: ResNetOptions): readonly [boolean, boolean, boolean] {
  if (options.outputStride !== undefined && options.replaceStrideWithDilation !== undefined) {
    throw new OptionError('ResNet', 'outputStride', 'give outputStride or replaceStrideWithDilation, not both');
  }
  if (options.replaceStrideWithDilation !== undefined) {
    const r = options.replaceStrideWithDilation;
    if (!Array.isArray(r) || r.length !== 3) {
      throw new OptionError('ResNet', 'replaceStrideWithDilation', `replaceStrideWithDilation ${describeValue(r)} must be three booleans (stages 2, 3, 4)`);
    }
    return r;
  }
  switch (options.outputStride ?? 32) {
    case 8: return [false, true, true];
    case 16: return [false, false, true];
    case 32: return [false, false, false];
    default: throw new OptionError('ResNet', 'outputStride', `outputStride ${describeValue(options.outputStride)} must be 8, 16 or 32`);
  }
}

function withBlockDefaults(o: ResidualBlockOptions): Required<ResidualBlockOptions> {
  return { inplanes: o.inplanes, planes: o.planes, stride: o.stride ?? 1, dilation: o.dilation ?? 1, downsample: o.downsample ?? null, random: o.random ?? defaultGenerator() };
}

/** torchvision's `conv3x3`: padding = dilation keeps the size at stride 1; weights kaiming-normal (fan-out). */
function conv3x3(inChannels: number, outChannels: number, stride: number, dilation: number, random: Random): Conv2d {
  const conv = new Conv2d({ inChannels, outChannels, kernelSize: 3, stride, padding: dilation, dilation, bias: false, random });
  conv.weight.data.set(kaimingNormalFanOut(conv.weight.shape, random).data);
  return conv;
}

function conv1x1(inChannels: number, outChannels: number, stride: number, random: Random): Conv2d {
  const conv = new Conv2d({ inChannels, outChannels, kernelSize: 1, stride, bias: false, random });
  conv.weight.data.set(kaimingNormalFanOut(conv.weight.shape, random).data);
  return conv;
}
