/**
 * Compiles a causal model into a stream plan: each layer becomes ops over per-time-step buffers, in the order the
 * full forward runs them, with the numbers of eval mode (dropout off, batch norm on its running statistics). A layer
 * that reads the future or changes the sample rate is refused with a {@link StreamError} naming it.
 */
import { describeValue } from '../../errors.js';
import { resolvePadding } from '../../geometry/padding.js';
import { weightNorm } from '../../ops/weight-norm.js';
import { GELU, Identity, LeakyReLU, ReLU, Sigmoid, Tanh } from '../activation.js';
import { BatchNorm1d } from '../batch-norm.js';
import { DilatedCausalConv1d } from '../blocks/dilated-causal-conv1d.js';
import { TCN, TemporalBlock } from '../blocks/tcn.js';
import { WaveNet } from '../blocks/wavenet.js';
import { ConvNd } from '../conv.js';
import { Dropout } from '../dropout.js';
import type { Module } from '../module.js';
import { Sequential } from '../sequential.js';
import { WeightNormConv1d } from '../weight-norm-conv.js';
import { PlanBuilder, type PlanConv, type PlanValue, type StreamPlan } from './plan.js';
import { StreamError } from './stream-error.js';

/** What {@link compileStreamPlan} needs besides the model. */
export interface CompileOptions {
  batch: number;
  maxSteps: number;
  /** Global conditioning of a conditioned WaveNet, `[batch][conditionChannels]` row-major. */
  condition: Float32Array | null;
}

/**
 * Builds the plan of `model` for `batch` streams.
 *
 * @example const plan = compileStreamPlan(tcn, { batch: 8, maxSteps: 64, condition: null });
 */
export function compileStreamPlan(model: Module, options: CompileOptions): StreamPlan {
  const channels = inputChannels(model);
  if (channels === null) {
    throw new StreamError('stream', 'model', `cannot tell how many input channels ${model.constructor.name} takes: it holds only elementwise layers; put a convolution first`);
  }
  const ctx = new Compiler(new PlanBuilder(options.batch), options.condition);
  const input = ctx.builder.newValue(channels);
  let output = ctx.compile(model, input, 'model');
  if (output.buffer === input.buffer || output.offset !== 0 || ctx.hasHistory(output)) {
    // The streamer reads results from a buffer of their own, which holds the current steps only.
    const copy = ctx.builder.newValue(output.channels);
    ctx.builder.unary('copy', copy, output);
    output = copy;
  }
  return ctx.builder.finish({ input, output, maxSteps: options.maxSteps, signature: ctx.signature.join(';') });
}

/** Input channels of a model, from its first layer that has a fixed count; null for elementwise-only models. */
function inputChannels(module: Module): number | null {
  if (module instanceof WaveNet) return module.inChannels;
  if (module instanceof TCN) return module.inputChannels;
  if (module instanceof TemporalBlock) return module.inChannels;
  if (module instanceof DilatedCausalConv1d) return module.conv.options.inChannels;
  if (module instanceof ConvNd) return module.options.inChannels;
  if (module instanceof WeightNormConv1d) return module.options.inChannels;
  if (module instanceof BatchNorm1d) return module.numFeatures;
  if (module instanceof Sequential) {
    for (const m of module.modules) {
      const c = inputChannels(m);
      if (c !== null) return c;
    }
  }
  return null;
}

class Compiler {
  readonly signature: string[] = [];
  private readonly histories = new Set<number>();

  constructor(readonly builder: PlanBuilder, private readonly condition: Float32Array | null) {}

  hasHistory(value: PlanValue): boolean { return this.histories.has(value.buffer); }

  compile(module: Module, input: PlanValue, path: string): PlanValue {
    if (module instanceof Sequential) return this.sequential(module, input, path);
    if (module instanceof WaveNet) return this.wavenet(module, input, path);
    if (module instanceof TCN) return this.sequential(module.network, input, `${path}.network`);
    if (module instanceof TemporalBlock) return this.temporalBlock(module, input, path);
    if (module instanceof DilatedCausalConv1d) return this.conv(module.conv, input, `${path}.conv`);
    if (module instanceof ConvNd || module instanceof WeightNormConv1d) return this.conv(module, input, path);
    if (module instanceof BatchNorm1d) return this.batchNorm(module, input, path);
    if (module instanceof Identity || module instanceof Dropout) return input;
    const unary = unaryKind(module);
    if (unary) {
      const out = this.builder.newValue(input.channels);
      this.builder.unary(unary.kind, out, input, unary.parameter);
      this.signature.push(unary.kind);
      return out;
    }
    throw new StreamError('stream', path, `layer ${path} (${module.constructor.name}) cannot stream: the streamer takes causal 1-D convolutions (Conv1d with padding "causal", DilatedCausalConv1d, WeightNormConv1d), pointwise layers (ReLU, LeakyReLU, Tanh, Sigmoid, GELU, Identity, Dropout, BatchNorm1d), TemporalBlock, TCN, WaveNet and Sequentials of them`);
  }

  private sequential(module: Sequential, input: PlanValue, path: string): PlanValue {
    let value = input;
    const layers = module.modules;
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i];
      const next = layers[i + 1];
      // A ReLU right after a convolution is applied as the convolution writes its output.
      if ((layer instanceof ConvNd || layer instanceof WeightNormConv1d) && next instanceof ReLU) {
        value = this.conv(layer, value, `${path}.${i}`, { relu: true });
        this.signature.push('relu');
        i++;
      } else {
        value = this.compile(layer, value, `${path}.${i}`);
      }
    }
    return value;
  }

  /** A causal conv layer: checks it, packs its weights, emits one op. */
  private conv(layer: ConvNd | WeightNormConv1d, input: PlanValue, path: string, options: { relu?: boolean; src?: PlanValue } = {}): PlanValue {
    const spec = causalConv(layer, path);
    if (spec.inChannels !== input.channels) {
      throw new StreamError('stream', path, `layer ${path} takes ${spec.inChannels} channels but the layer before it gives ${input.channels}`);
    }
    const out = this.builder.newValue(spec.outChannels);
    this.emitConv(out, input, spec, options);
    this.signature.push(`conv${spec.inChannels}>${spec.outChannels}k${spec.taps}d${spec.dilation}g${spec.groups}`);
    return out;
  }

  private emitConv(out: PlanValue, input: PlanValue, spec: PlanConv, options: { relu?: boolean; src?: PlanValue }): void {
    if (spec.taps > 1) this.histories.add(input.buffer);
    this.builder.conv(out, input, spec, options);
  }

  private batchNorm(layer: BatchNorm1d, input: PlanValue, path: string): PlanValue {
    const c = layer.numFeatures;
    if (c !== input.channels) throw new StreamError('stream', path, `layer ${path} takes ${c} channels but the layer before it gives ${input.channels}`);
    if (!layer.runningMean || !layer.runningVar) {
      throw new StreamError('stream', path, `layer ${path} (BatchNorm1d) keeps no running statistics, so it normalizes with statistics of the whole signal: it cannot stream`);
    }
    const scale = new Float32Array(c), shift = new Float32Array(c);
    for (let i = 0; i < c; i++) {
      const s = (layer.weight ? layer.weight.data[i] : 1) / Math.sqrt(layer.runningVar.data[i] + layer.eps);
      scale[i] = s;
      shift[i] = (layer.bias ? layer.bias.data[i] : 0) - layer.runningMean.data[i] * s;
    }
    const out = this.builder.newValue(c);
    this.builder.affine(out, input, scale, shift);
    this.signature.push(`bn${c}`);
    return out;
  }

  /** Bai et al.'s block: relu(relu(conv2(relu(conv1(x)))) + residual). */
  private temporalBlock(block: TemporalBlock, input: PlanValue, path: string): PlanValue {
    const hidden = this.conv(block.conv1 as ConvNd | WeightNormConv1d, input, `${path}.conv1`, { relu: true });
    const y = this.conv(block.conv2 as ConvNd | WeightNormConv1d, hidden, `${path}.conv2`, { relu: true });
    const residual = block.downsample ? this.conv(block.downsample, input, `${path}.downsample`) : input;
    const out = this.builder.newValue(y.channels);
    this.builder.add(out, y, residual, true);
    this.signature.push('tb');
    return out;
  }

  /**
   * WaveNet: filter and gate of a layer run as one conv of 2·gate rows (their weights stacked), the gated unit
   * reads its two halves, and the residual and skip 1×1s add into the next layer's input and the skip sum as they
   * store; the last layer's residual, which nothing reads, is skipped.
   */
  private wavenet(net: WaveNet, input: PlanValue, path: string): PlanValue {
    const b = this.builder;
    let x = this.conv(net.input, input, `${path}.input`);
    const layers = net.layers.modules;
    const skipChannels = layers[0].skip.options.outChannels;
    const skip = b.newValue(skipChannels);
    const condition = this.conditionOf(net, path);
    layers.forEach((layer, i) => {
      const name = `${path}.layers.${i}`;
      const filter = causalConv(layer.filter, `${name}.filter`), gate = causalConv(layer.gate, `${name}.gate`);
      const G = filter.outChannels;
      const fused: PlanConv = {
        ...filter, outChannels: 2 * G,
        weight: concat(filter.weight, gate.weight),
        bias: filter.bias || gate.bias ? concat(filter.bias ?? new Float32Array(G), gate.bias ?? new Float32Array(G)) : null,
      };
      const fg = b.newValue(2 * G);
      this.emitConv(fg, x, fused, {});
      if (condition) b.streamBias(fg, layerConditionBias(layer.conditionFilter!.weight.data, layer.conditionGate!.weight.data, condition, G, b.batch));
      const z = b.newValue(G);
      b.gate(z, b.slice(fg, 0, G), b.slice(fg, G, G));
      if (i < layers.length - 1) {
        const next = b.newValue(x.channels);
        this.emitConv(next, z, causalConv(layer.residual, `${name}.residual`), { src: x });
        x = next;
      }
      this.emitConv(skip, z, causalConv(layer.skip, `${name}.skip`), i > 0 ? { src: skip } : {});
      this.signature.push(`wn${G}k${filter.taps}d${filter.dilation}`);
    });
    const rectified = b.newValue(skipChannels);
    b.unary('relu', rectified, skip);
    const hidden = this.conv(net.output1, rectified, `${path}.output1`, { relu: true });
    return this.conv(net.output2, hidden, `${path}.output2`);
  }

  private conditionOf(net: WaveNet, path: string): Float32Array | null {
    if (net.conditionChannels === null) {
      if (this.condition) throw new StreamError('stream', 'condition', `${path} (WaveNet) was built without conditionChannels, so it takes no condition`);
      return null;
    }
    if (!this.condition) {
      throw new StreamError('stream', 'condition', `${path} (WaveNet) is conditioned: pass condition, ${net.conditionChannels} values per stream ([batch, ${net.conditionChannels}])`);
    }
    if (this.condition.length !== this.builder.batch * net.conditionChannels) {
      throw new StreamError('stream', 'condition', `condition has ${this.condition.length} values; ${path} needs ${net.conditionChannels} per stream × ${this.builder.batch} streams`);
    }
    return this.condition;
  }
}

/** The per-stream bias a global condition h adds to filter and gate: `[batch][V_f·h, V_g·h]`. */
function layerConditionBias(filter: Float32Array, gate: Float32Array, condition: Float32Array, G: number, batch: number): Float32Array {
  const H = condition.length / batch;
  const bias = new Float32Array(batch * 2 * G);
  for (let s = 0; s < batch; s++) {
    for (let o = 0; o < G; o++) {
      let f = 0, g = 0;
      for (let i = 0; i < H; i++) {
        f += filter[o * H + i] * condition[s * H + i];
        g += gate[o * H + i] * condition[s * H + i];
      }
      bias[s * 2 * G + o] = f;
      bias[s * 2 * G + G + o] = g;
    }
  }
  return bias;
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The conv's numbers if it is a causal stride-1 1-D conv with zero padding; otherwise a StreamError saying why. */
function causalConv(layer: ConvNd | WeightNormConv1d, path: string): PlanConv {
  const name = `layer ${path} (${layer.constructor.name})`;
  const o = layer.options;
  const kernel = Array.isArray(o.kernelSize) ? o.kernelSize : [o.kernelSize as number];
  if (kernel.length !== 1) throw new StreamError('stream', path, `${name} is ${kernel.length}-D; streams run 1-D convolutions over time`);
  const first = (v: number | readonly number[] | undefined, fallback: number): number => (v === undefined ? fallback : typeof v === 'number' ? v : v[0]);
  const stride = first(o.stride, 1), dilation = first(o.dilation, 1), taps = kernel[0];
  const groups = o.groups ?? 1;
  if (stride !== 1) throw new StreamError('stream', path, `${name} has stride ${stride}: it changes the sample rate, and a stream gives one output per input step (stride 1)`);
  const span = dilation * (taps - 1);
  const pads = resolvePadding(path, o.padding, { inSize: [span + 1], kernelSize: [taps], stride: [1], dilation: [dilation] });
  const before = pads.before[0], after = pads.after[0];
  if (after > 0) {
    throw new StreamError('stream', path, `${name} pads ${after} after the signal (padding ${describeValue(o.padding)}), so output t reads inputs up to t+${after}: it is not causal; use padding "causal"`);
  }
  if (before !== span) {
    throw new StreamError('stream', path, `${name} pads ${before} before the signal but its taps span ${span} (padding ${describeValue(o.padding)}): the output is ${span - before} steps shorter than the input; use padding "causal"`);
  }
  if (span > 0 && (o.paddingMode ?? 'zeros') !== 'zeros') {
    throw new StreamError('stream', path, `${name} pads with paddingMode ${describeValue(o.paddingMode)}, which copies later samples into the padding; a stream starts from silence (paddingMode "zeros")`);
  }
  const weight = layer instanceof WeightNormConv1d ? weightNorm(layer.weightV.value, layer.weightG.value).data : layer.weight.data;
  return {
    weight: Float32Array.from(weight), bias: layer.bias ? Float32Array.from(layer.bias.data) : null,
    outChannels: o.outChannels, inChannels: o.inChannels, taps, dilation, groups,
  };
}

function unaryKind(module: Module): { kind: 'relu' | 'leakyRelu' | 'tanh' | 'sigmoid' | 'gelu'; parameter: number } | null {
  if (module instanceof ReLU) return { kind: 'relu', parameter: 0 };
  if (module instanceof LeakyReLU) return { kind: 'leakyRelu', parameter: module.negativeSlope };
  if (module instanceof Tanh) return { kind: 'tanh', parameter: 0 };
  if (module instanceof Sigmoid) return { kind: 'sigmoid', parameter: 0 };
  if (module instanceof GELU) return { kind: 'gelu', parameter: 0 };
  return null;
}
