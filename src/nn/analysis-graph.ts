/**
 * `nn` modules as the analysis graph IR, so `analyzeGraph` (receptive field, coverage, gridding, cost) reads a
 * model exactly as built: every convolution keeps its kernel, stride, dilation, padding rule and groups; blocks
 * become their branches and merges (ASPP's parallel rates and image pooling, residual adds, WaveNet's gates and
 * skip sum). Node names are the modules' dotted names. A `ResNet` maps as its `features` backbone (what dense
 * prediction analyses), without the classifier head.
 */
import { GraphBuilder, type Graph } from '../analysis/graph.js';
import { resolveGraph } from '../analysis/resolve.js';
import { OptionError, describeValue } from '../errors.js';
import { GELU, Identity, LeakyReLU, ReLU, Sigmoid, Tanh } from './activation.js';
import { BatchNormNd } from './batch-norm.js';
import { ASPP } from './blocks/aspp.js';
import { ContextModule } from './blocks/context-module.js';
import { DilatedCausalConv1d } from './blocks/dilated-causal-conv1d.js';
import { BasicBlock, Bottleneck, ResNet } from './blocks/resnet.js';
import { TCN, TemporalBlock } from './blocks/tcn.js';
import { WaveNet } from './blocks/wavenet.js';
import { ConvNd, ConvTransposeNd } from './conv.js';
import { Dropout } from './dropout.js';
import { Linear } from './linear.js';
import type { Module } from './module.js';
import { GroupNorm, LayerNorm } from './normalization.js';
import { AdaptiveAvgPoolNd, AvgPoolNd, MaxPoolNd } from './pool.js';
import { Sequential } from './sequential.js';
import { Upsample } from './upsample.js';
import { WeightNormConv1d } from './weight-norm-conv.js';

/** The input the graph starts from. */
export interface ModuleGraphInput {
  /** Spatial dimensions: 1 (sequences), 2 (images) or 3 (volumes). */
  rank: number;
  channels?: number;
  /** Spatial size; needed for output shapes, cost and 'same' padding. */
  size?: number[];
}

/**
 * Traces a module's structure into a {@link Graph}.
 *
 * @example
 * const report = analyzeGraph(moduleGraph(new TCN({ inputChannels: 1, channels: [8, 8, 8, 8], kernelSize: 3 }), { rank: 1 }));
 * report.output.rf // [61]
 */
export function moduleGraph(module: Module, input: ModuleGraphInput): Graph {
  const builder = new GraphBuilder({ rank: input.rank, channels: input.channels, size: input.size, name: '<input>' });
  const output = new Tracer(builder).visit(module, builder.input, '');
  return builder.build(output);
}

class Tracer {
  constructor(private readonly b: GraphBuilder) {}

  visit(m: Module, from: string, path: string): string {
    const at = (child: string) => (path ? `${path}.${child}` : child);
    const name = path || m.constructor.name.toLowerCase();
    if (m instanceof ConvNd) {
      const o = m.options;
      return this.b.conv(from, { kernel: o.kernelSize, stride: o.stride as number | number[], dilation: o.dilation as number | number[], padding: o.padding, groups: o.groups, outChannels: o.outChannels, bias: o.bias }, name);
    }
    if (m instanceof WeightNormConv1d) {
      const o = m.options;
      return this.b.conv(from, { kernel: o.kernelSize as number, stride: o.stride as number, dilation: o.dilation as number, padding: o.padding, groups: o.groups, outChannels: o.outChannels, bias: m.bias !== null }, name);
    }
    if (m instanceof ConvTransposeNd) {
      const o = m.options;
      return this.b.convTranspose(from, { kernel: o.kernelSize as number[], stride: o.stride as number, dilation: o.dilation as number, padding: o.padding as number, outputPadding: o.outputPadding as number, groups: o.groups, outChannels: o.outChannels, bias: m.bias !== null }, name);
    }
    if (m instanceof MaxPoolNd || m instanceof AvgPoolNd) {
      const o = m.options;
      return this.b.pool(from, m instanceof MaxPoolNd ? 'maxPool' : 'avgPool', {
        kernel: o.kernel as number | number[], stride: o.stride as number | number[] | undefined,
        dilation: o.dilation as number | number[] | undefined, padding: o.padding, ceilMode: o.ceilMode,
      }, name);
    }
    if (m instanceof AdaptiveAvgPoolNd) {
      if ([m.outputSize].flat().some((n) => n !== 1)) {
        throw new OptionError('moduleGraph', path, `adaptive pooling to ${describeValue(m.outputSize)} has input-dependent windows; only global pooling (output size 1) maps to the graph`);
      }
      return this.b.global(from, 'globalPool', {}, name);
    }
    if (m instanceof Upsample) {
      const factor = m.options.scaleFactor;
      if (factor === undefined || [factor].flat().some((f) => !Number.isInteger(f))) {
        throw new OptionError('moduleGraph', path, 'only upsampling by an integer scaleFactor maps to the graph (a target size depends on the input)');
      }
      return this.b.upsample(from, { factor: factor as number, mode: m.options.mode === 'nearest' || m.options.mode === undefined ? 'nearest' : 'linear' }, name);
    }
    if (m instanceof Linear) return this.b.global(from, 'fullyConnected', { outFeatures: m.weight.shape[0], bias: m.bias !== null }, name);
    if (m instanceof ReLU || m instanceof LeakyReLU || m instanceof Tanh || m instanceof Sigmoid || m instanceof GELU ||
        m instanceof Identity || m instanceof Dropout || m instanceof BatchNormNd || m instanceof LayerNorm || m instanceof GroupNorm) {
      return this.b.elementwise(from, m.constructor.name, name);
    }
    if (m instanceof Sequential) {
      let x = from;
      m.modules.forEach((child, i) => { x = this.visit(child, x, at(String(i))); });
      return x;
    }
    if (m instanceof DilatedCausalConv1d) return this.visit(m.conv, from, at('conv'));
    if (m instanceof TCN) return this.visit(m.network, from, at('network'));
    if (m instanceof TemporalBlock) {
      let y = this.b.elementwise(this.visit(m.conv1, from, at('conv1')), 'ReLU', at('relu1'));
      y = this.b.elementwise(this.visit(m.conv2, y, at('conv2')), 'ReLU', at('relu2'));
      const shortcut = m.downsample ? this.visit(m.downsample, from, at('downsample')) : from;
      return this.b.elementwise(this.b.add([y, shortcut], at('add')), 'ReLU', at('relu'));
    }
    if (m instanceof ASPP) {
      // The image-pooling branch is resized from 1×1 back to the input's size: an integer upsampling when the
      // size is known, else a pass-through (the field is global either way).
      const size = this.sizeOf(from);
      const branches = m.convs.modules.map((branch, i) => {
        const y = this.visit(branch, from, at(`convs.${i}`));
        if (i < m.convs.length - 1) return y;
        return size ? this.b.upsample(y, { factor: size, mode: 'linear' }, at(`convs.${i}.resize`)) : this.b.elementwise(y, 'resize', at(`convs.${i}.resize`));
      });
      return this.visit(m.project, this.b.merge(branches, 'concat', at('concat')), at('project'));
    }
    if (m instanceof WaveNet) {
      let x = this.visit(m.input, from, at('input'));
      const skips: string[] = [];
      m.layers.modules.forEach((layer, i) => {
        const p = at(`layers.${i}`);
        const gated = this.b.merge([this.visit(layer.filter, x, `${p}.filter`), this.visit(layer.gate, x, `${p}.gate`)], 'add', `${p}.gated`);
        skips.push(this.visit(layer.skip, gated, `${p}.skip`));
        x = this.b.add([x, this.visit(layer.residual, gated, `${p}.residual`)], `${p}.add`);
      });
      const summed = this.b.elementwise(this.b.add(skips, at('skips')), 'ReLU', at('relu1'));
      const hidden = this.b.elementwise(this.visit(m.output1, summed, at('output1')), 'ReLU', at('relu2'));
      return this.visit(m.output2, hidden, at('output2'));
    }
    if (m instanceof ContextModule) {
      let x = from;
      m.layers.modules.forEach((layer, i) => {
        x = this.visit(layer, x, at(`layers.${i}`));
        if (i < m.layers.length - 1) x = this.b.elementwise(x, 'ReLU', at(`relu${i}`));
      });
      return x;
    }
    if (m instanceof BasicBlock || m instanceof Bottleneck) {
      const convs = m instanceof Bottleneck ? [[m.conv1, m.bn1], [m.conv2, m.bn2], [m.conv3, m.bn3]] as const : [[m.conv1, m.bn1], [m.conv2, m.bn2]] as const;
      let y = from;
      convs.forEach(([conv, bn], i) => {
        const n = i + 1;
        y = this.visit(bn, this.visit(conv, y, at(`conv${n}`)), at(`bn${n}`));
        if (i < convs.length - 1) y = this.b.elementwise(y, 'ReLU', at(`relu${n}`));
      });
      const shortcut = m.downsample ? this.visit(m.downsample, from, at('downsample')) : from;
      return this.b.elementwise(this.b.add([y, shortcut], at('add')), 'ReLU', at('relu'));
    }
    if (m instanceof ResNet) {
      let y = this.visit(m.bn1, this.visit(m.conv1, from, at('conv1')), at('bn1'));
      y = this.visit(m.maxpool, this.b.elementwise(y, 'ReLU', at('relu')), at('maxpool'));
      for (const stage of ['layer1', 'layer2', 'layer3', 'layer4'] as const) y = this.visit(m[stage], y, at(stage));
      if (m.degrid) y = this.visit(m.degrid, y, at('degrid'));
      return y;
    }
    throw new OptionError('moduleGraph', 'module', `no graph mapping for ${m.constructor.name}${path ? ` at ${path}` : ''}; map its parts or build the graph with GraphBuilder`);
  }

  /** The spatial size of a node built so far, when the input size is known. */
  private sizeOf(name: string): number[] | undefined {
    const resolved = resolveGraph(this.b.build(name));
    return resolved.nodes.find((n) => n.node.name === name)?.size;
  }
}
