import { toResizeOptions } from '../../autograd/interpolate.js';
import { noGrad, type Variable } from '../../autograd/variable.js';
import { OnnxError, describeValue } from '../../errors.js';
import { computeConvGeometry, computeConvTransposeGeometry } from '../../geometry/conv-geometry.js';
import { resolvePadding } from '../../geometry/padding.js';
import { GELU, Identity, LeakyReLU, ReLU, Sigmoid, Tanh } from '../../nn/activation.js';
import { BatchNormNd } from '../../nn/batch-norm.js';
import { ASPP } from '../../nn/blocks/aspp.js';
import { ContextModule } from '../../nn/blocks/context-module.js';
import { DilatedCausalConv1d } from '../../nn/blocks/dilated-causal-conv1d.js';
import { BasicBlock, Bottleneck, ResNet } from '../../nn/blocks/resnet.js';
import { TCN, TemporalBlock } from '../../nn/blocks/tcn.js';
import { WaveNet, WaveNetLayer } from '../../nn/blocks/wavenet.js';
import { ConvNd, ConvTransposeNd } from '../../nn/conv.js';
import { Dropout } from '../../nn/dropout.js';
import { Linear } from '../../nn/linear.js';
import type { Module } from '../../nn/module.js';
import { AdaptiveAvgPoolNd, AvgPoolNd, MaxPoolNd } from '../../nn/pool.js';
import { Sequential } from '../../nn/sequential.js';
import { Upsample } from '../../nn/upsample.js';
import { WeightNormConv1d } from '../../nn/weight-norm-conv.js';
import { gelu, relu, sigmoid, tanh } from '../../ops/activations.js';
import { concat } from '../../ops/concat.js';
import { add, mul } from '../../ops/elementwise.js';
import { weightNorm } from '../../ops/weight-norm.js';
import { ones, zeros, Tensor } from '../../tensor/tensor.js';
import { OnnxWriter } from './onnx-writer.js';
import { checkOptionKeys, optionKeys } from '../../options.js';

/** A value of the graph being written: its ONNX name and the tensor it holds for the example input. */
interface Traced { name: string; value: Tensor }

/** Options of {@link exportOnnx}. */
export interface ExportOptions {
  /** Default-domain opset of the written model, 11–21 (default 17). */
  opset?: number;
  inputName?: string;
  outputName?: string;
}

const PADDING_MODE_NAMES = { reflect: 'reflect', replicate: 'edge', circular: 'wrap' } as const;

/**
 * Writes an atrous `nn` model as ONNX for the shape of `example`, so it can run on onnxruntime (CPU, CUDA,
 * TensorRT) or anything else that serves ONNX. Layers and blocks (Conv/ConvTranspose, BatchNorm, Linear,
 * activations, pools, Upsample, Sequential, ASPP, WaveNet, TCN, ContextModule, dilated ResNet) map to
 * standard ops; the model is exported in evaluation mode. As a guard, the written graph's result on
 * `example` (computed while writing) must equal `model.forward(example)`.
 *
 * @example
 * const bytes = exportOnnx(new ASPP({ inChannels: 64 }), randn([1, 64, 33, 33], 0));
 * writeFileSync('aspp.onnx', bytes);   // then: await ort.InferenceSession.create('aspp.onnx')
 */
export function exportOnnx(model: Module, example: Tensor, options: ExportOptions = {}): Uint8Array {
  checkOptionKeys('exportOnnx', options, optionKeys<typeof options>({ opset: true, inputName: true, outputName: true }));
  const opset = options.opset ?? 17;
  if (!Number.isInteger(opset) || opset < 11 || opset > 21) throw new OnnxError('exportOnnx', 'opset', `opset ${describeValue(opset)} must be an integer in 11–21`);
  if (!(example instanceof Tensor)) throw new OnnxError('exportOnnx', 'example', 'example must be a Tensor with the input shape to export for');
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const writer = new OnnxWriter();
      const inputName = writer.fresh(options.inputName ?? 'input');
      const result = new Exporter(writer, opset).emit(model, { name: inputName, value: example }, '');
      const expected = model.forward(example).value;
      checkMirror(model, result.value, expected);
      const outputName = options.outputName ?? 'output';
      const output = writer.node('Identity', [result.name], {}, outputName);
      return writer.encode({ name: inputName, shape: example.shape }, { name: output, shape: result.value.shape }, opset);
    });
  } finally {
    model.train(wasTraining);
  }
}

function checkMirror(model: Module, actual: Tensor, expected: Tensor): void {
  let err = 0, scale = 0;
  const same = actual.shape.length === expected.shape.length && actual.shape.every((n, i) => n === expected.shape[i]);
  if (same) for (let i = 0; i < expected.size; i++) { err = Math.max(err, Math.abs(actual.data[i] - expected.data[i])); scale = Math.max(scale, Math.abs(expected.data[i])); }
  if (!same || err > 1e-5 * Math.max(scale, 1)) {
    throw new OnnxError('exportOnnx', 'model', `the written graph of ${model.constructor.name} does not reproduce its forward (shape ${describeValue(actual.shape)} vs ${describeValue(expected.shape)}, max difference ${err}); a layer has no faithful ONNX mapping`);
  }
}

class Exporter {
  constructor(private readonly w: OnnxWriter, private readonly opset: number) {}

  /** Writes `module` applied to `x` and returns its output. */
  emit(module: Module, x: Traced, path: string): Traced {
    const at = (child: string) => (path ? `${path}.${child}` : child);
    if (module instanceof ConvNd) return this.conv(module, x, path || 'conv');
    if (module instanceof WeightNormConv1d) return this.weightNormConv(module, x, path || 'conv');
    if (module instanceof ConvTransposeNd) return this.convTranspose(module, x, path || 'convTranspose');
    if (module instanceof BatchNormNd) return this.batchNorm(module, x, path || 'bn');
    if (module instanceof Linear) return this.linear(module, x, path || 'linear');
    if (module instanceof ReLU) return this.unary('Relu', x, relu(x.value), path || 'relu');
    if (module instanceof LeakyReLU) return { name: this.w.node('LeakyRelu', [x.name], { alpha: { f: module.negativeSlope } }, path || 'leakyRelu'), value: module.forward(x.value).value };
    if (module instanceof Tanh) return this.unary('Tanh', x, tanh(x.value), path || 'tanh');
    if (module instanceof Sigmoid) return this.unary('Sigmoid', x, sigmoid(x.value), path || 'sigmoid');
    if (module instanceof GELU) return this.gelu(x, path || 'gelu');
    if (module instanceof Identity || module instanceof Dropout) return x;
    if (module instanceof MaxPoolNd || module instanceof AvgPoolNd) return this.pool(module, x, path || 'pool');
    if (module instanceof AdaptiveAvgPoolNd) return this.adaptivePool(module, x, path || 'avgpool');
    if (module instanceof Upsample) return this.resize(x, module.options, module.forward(x.value).value, path || 'upsample');
    if (module instanceof DilatedCausalConv1d) return this.emit(module.conv, x, at('conv'));
    if (module instanceof TemporalBlock) return this.temporalBlock(module, x, path);
    if (module instanceof TCN) return this.emit(module.network, x, at('network'));
    if (module instanceof WaveNet) return this.wavenet(module, x, path);
    if (module instanceof WaveNetLayer) return this.wavenetLayer(module, x, path).residual;
    if (module instanceof BasicBlock || module instanceof Bottleneck) return this.residualBlock(module, x, path);
    if (module instanceof ResNet) return this.resnet(module, x, path);
    if (module instanceof ASPP) return this.aspp(module, x, path);
    if (module instanceof ContextModule) return this.contextModule(module, x, path);
    if (module instanceof Sequential && module.constructor === Sequential) {
      return module.modules.reduce((y, m, i) => this.emit(m, y, at(String(i))), x);
    }
    throw new OnnxError('exportOnnx', 'model', `no ONNX mapping for ${module.constructor.name}${path ? ` (at ${path})` : ''}; exportable: Conv1d/2d/3d, ConvTranspose1d/2d/3d, WeightNormConv1d, BatchNorm1d/2d/3d, Linear, ReLU, LeakyReLU, Tanh, Sigmoid, GELU, Identity, Dropout, MaxPool, AvgPool, AdaptiveAvgPool(1), Upsample, Sequential, ASPP, WaveNet, TCN, ContextModule, ResNet and their parts`);
  }

  private unary(op: string, x: Traced, value: Tensor, hint: string): Traced {
    return { name: this.w.node(op, [x.name], {}, hint), value };
  }

  private binary(op: 'Add' | 'Mul', a: Traced, b: Traced, hint: string): Traced {
    return { name: this.w.node(op, [a.name, b.name], {}, hint), value: op === 'Add' ? add(a.value, b.value) : mul(a.value, b.value) };
  }

  /** Conv with every padding form resolved for this input; reflect/replicate/circular padding as a Pad node. */
  private convCore(x: Traced, weight: Tensor, bias: Tensor | null, o: ConvNd['options'], value: Tensor, hint: string): Traced {
    const g = computeConvGeometry(hint, x.value.shape, weight.shape, o);
    let input = x.name;
    let pads = [...g.padBefore, ...g.padAfter];
    if (g.paddingMode !== 'zeros') {
      if (g.paddingMode === 'circular' && this.opset < 19) throw new OnnxError('exportOnnx', 'opset', `${hint}: circular padding needs Pad mode "wrap" (opset 19 or later); export with { opset: 19 }`);
      const all = [0, 0, ...g.padBefore, 0, 0, ...g.padAfter];
      input = this.w.node('Pad', [x.name, this.w.int64(all, `${hint}.pads`)], { mode: { s: PADDING_MODE_NAMES[g.paddingMode] } }, `${hint}.pad`);
      pads = pads.map(() => 0);
    }
    const inputs = [input, this.w.weight(weight, `${hint}.weight`), ...(bias ? [this.w.weight(bias, `${hint}.bias`)] : [])];
    const name = this.w.node('Conv', inputs, {
      kernel_shape: { ints: g.kernelSize }, strides: { ints: g.stride }, dilations: { ints: g.dilation }, pads: { ints: pads }, group: { i: g.groups },
    }, hint);
    return { name, value };
  }

  private conv(m: ConvNd, x: Traced, hint: string): Traced {
    return this.convCore(x, m.weight.value, m.bias?.value ?? null, m.options, m.forward(x.value).value, hint);
  }

  private weightNormConv(m: WeightNormConv1d, x: Traced, hint: string): Traced {
    const weight = weightNorm(m.weightV.value, m.weightG.value);
    const o = { stride: m.options.stride ?? 1, padding: m.options.padding ?? 0, dilation: m.options.dilation ?? 1, groups: m.options.groups ?? 1, paddingMode: m.options.paddingMode ?? 'zeros' };
    return this.convCore(x, weight, m.bias?.value ?? null, o as ConvNd['options'], m.forward(x.value).value, hint);
  }

  private convTranspose(m: ConvTransposeNd, x: Traced, hint: string): Traced {
    const o = m.options;
    const g = computeConvTransposeGeometry(hint, x.value.shape, m.weight.shape, o);
    const pads = resolvePadding(hint, o.padding, { inSize: g.outSize, kernelSize: g.kernelSize, stride: g.stride, dilation: g.dilation });
    const outputPadding = g.padAfter.map((p, i) => pads.after[i] - p);
    const inputs = [x.name, this.w.weight(m.weight.value, `${hint}.weight`), ...(m.bias ? [this.w.weight(m.bias.value, `${hint}.bias`)] : [])];
    const name = this.w.node('ConvTranspose', inputs, {
      kernel_shape: { ints: g.kernelSize }, strides: { ints: g.stride }, dilations: { ints: g.dilation },
      pads: { ints: [...pads.before, ...pads.after] }, output_padding: { ints: outputPadding }, group: { i: g.groups },
    }, hint);
    return { name, value: m.forward(x.value).value };
  }

  private batchNorm(m: BatchNormNd, x: Traced, hint: string): Traced {
    if (!m.runningMean || !m.runningVar) throw new OnnxError('exportOnnx', 'model', `${hint}: a BatchNorm without running statistics normalizes by batch statistics even in evaluation; it has no inference-time ONNX form`);
    const c = m.numFeatures;
    const inputs = [
      x.name, this.w.weight(m.weight?.value ?? ones([c]), `${hint}.weight`), this.w.weight(m.bias?.value ?? zeros([c]), `${hint}.bias`),
      this.w.weight(m.runningMean, `${hint}.running_mean`), this.w.weight(m.runningVar, `${hint}.running_var`),
    ];
    return { name: this.w.node('BatchNormalization', inputs, { epsilon: { f: m.eps } }, hint), value: m.forward(x.value).value };
  }

  private linear(m: Linear, x: Traced, hint: string): Traced {
    const value = m.forward(x.value).value;
    const weight = this.w.weight(m.weight.value, `${hint}.weight`);
    if (x.value.rank === 2) {
      const inputs = [x.name, weight, ...(m.bias ? [this.w.weight(m.bias.value, `${hint}.bias`)] : [])];
      return { name: this.w.node('Gemm', inputs, { transB: { i: 1 } }, hint), value };
    }
    const transposed = this.w.node('Transpose', [weight], { perm: { ints: [1, 0] } }, `${hint}.weight_t`);
    const product = this.w.node('MatMul', [x.name, transposed], {}, `${hint}.matmul`);
    return { name: m.bias ? this.w.node('Add', [product, this.w.weight(m.bias.value, `${hint}.bias`)], {}, hint) : product, value };
  }

  /** GELU: the Gelu op from opset 20, before that its erf form `x·½·(1 + erf(x/√2))`. */
  private gelu(x: Traced, hint: string): Traced {
    const value = gelu(x.value);
    if (this.opset >= 20) return { name: this.w.node('Gelu', [x.name], {}, hint), value };
    const scalar = (v: number, h: string) => this.w.weight(new Tensor(Float32Array.of(v), []), h);
    const scaled = this.w.node('Div', [x.name, scalar(Math.SQRT2, `${hint}.sqrt2`)], {}, `${hint}.div`);
    const erf = this.w.node('Erf', [scaled], {}, `${hint}.erf`);
    const shifted = this.w.node('Add', [erf, scalar(1, `${hint}.one`)], {}, `${hint}.add`);
    const product = this.w.node('Mul', [x.name, shifted], {}, `${hint}.mul`);
    return { name: this.w.node('Mul', [product, scalar(0.5, `${hint}.half`)], {}, hint), value };
  }

  private pool(m: MaxPoolNd | AvgPoolNd, x: Traced, hint: string): Traced {
    const o = m.options;
    const rank = x.value.rank - 2;
    const perDim = (v: number | readonly number[] | undefined, fallback: number[]): number[] => (v === undefined ? fallback : typeof v === 'number' ? Array(rank).fill(v) : v.slice());
    const kernel = perDim(o.kernel, []);
    const stride = perDim(o.stride, kernel);
    const dilation = perDim(o.dilation, Array(rank).fill(1));
    const pads = resolvePadding(hint, o.padding, { inSize: x.value.shape.slice(2), kernelSize: kernel, stride, dilation });
    const isMax = m instanceof MaxPoolNd;
    const attributes = {
      kernel_shape: { ints: kernel }, strides: { ints: stride }, pads: { ints: [...pads.before, ...pads.after] },
      ceil_mode: { i: o.ceilMode ? 1 : 0 },
      ...(isMax ? { dilations: { ints: dilation } } : { count_include_pad: { i: (o.countIncludePad ?? true) ? 1 : 0 } }),
    };
    return { name: this.w.node(isMax ? 'MaxPool' : 'AveragePool', [x.name], attributes, hint), value: m.forward(x.value).value };
  }

  private adaptivePool(m: AdaptiveAvgPoolNd, x: Traced, hint: string): Traced {
    const size = typeof m.outputSize === 'number' ? [m.outputSize] : m.outputSize;
    if (size.some((n) => n !== 1)) throw new OnnxError('exportOnnx', 'model', `${hint}: adaptive pooling to ${describeValue(m.outputSize)} has no ONNX operator; only output size 1 (GlobalAveragePool) exports`);
    return { name: this.w.node('GlobalAveragePool', [x.name], {}, hint), value: m.forward(x.value).value };
  }

  /** Resize with PyTorch's interpolate conventions: `sizes` for a size, `scales` for a scale factor. */
  private resize(x: Traced, options: Upsample['options'], value: Tensor, hint: string): Traced {
    const r = toResizeOptions(x.value.shape, options);
    const linear = r.mode === 'linear';
    const attributes = {
      mode: { s: r.mode ?? 'nearest' },
      coordinate_transformation_mode: { s: r.coordinateMode ?? 'half_pixel' },
      ...(linear ? {} : { nearest_mode: { s: r.nearestMode ?? 'round_prefer_floor' } }),
    };
    const [n, c] = x.value.shape;
    // Before opset 13, roi and scales are required inputs: empty tensors stand for "not given".
    const empty = (what: string) => (this.opset < 13 ? this.w.weight(new Tensor(new Float32Array(0), [0]), `${hint}.${what}`) : '');
    const inputs = options.scaleFactor !== undefined
      ? [x.name, empty('roi'), this.w.weight(new Tensor(Float32Array.from([1, 1, ...(r.scale ?? [])]), [2 + r.size.length]), `${hint}.scales`)]
      : [x.name, empty('roi'), empty('scales'), this.w.int64([n, c, ...r.size], `${hint}.sizes`)];
    return { name: this.w.node('Resize', inputs, attributes, hint), value };
  }

  private temporalBlock(m: TemporalBlock, x: Traced, path: string): Traced {
    const at = (c: string) => (path ? `${path}.${c}` : c);
    const h1 = this.emit(m.conv1, x, at('conv1'));
    const r1 = this.unary('Relu', h1, relu(h1.value), at('relu1'));
    const h2 = this.emit(m.conv2, r1, at('conv2'));
    const r2 = this.unary('Relu', h2, relu(h2.value), at('relu2'));
    const residual = m.downsample ? this.emit(m.downsample, x, at('downsample')) : x;
    const sum = this.binary('Add', r2, residual, at('add'));
    return this.unary('Relu', sum, relu(sum.value), at('relu'));
  }

  private wavenetLayer(m: WaveNetLayer, x: Traced, path: string): { residual: Traced; skip: Traced } {
    if (m.conditionFilter) throw new OnnxError('exportOnnx', 'model', `${path}: conditioned WaveNet layers take a second input; export supports single-input models`);
    const at = (c: string) => (path ? `${path}.${c}` : c);
    const f = this.emit(m.filter, x, at('filter'));
    const g = this.emit(m.gate, x, at('gate'));
    const z = this.binary('Mul', this.unary('Tanh', f, tanh(f.value), at('tanh')), this.unary('Sigmoid', g, sigmoid(g.value), at('sigmoid')), at('gated'));
    return { residual: this.binary('Add', x, this.emit(m.residual, z, at('residual')), at('add')), skip: this.emit(m.skip, z, at('skip')) };
  }

  private wavenet(m: WaveNet, x: Traced, path: string): Traced {
    if (m.conditionChannels !== null) throw new OnnxError('exportOnnx', 'model', 'a conditioned WaveNet takes a second input; export supports single-input models');
    const at = (c: string) => (path ? `${path}.${c}` : c);
    let residual = this.emit(m.input, x, at('input'));
    let skips: Traced | null = null;
    m.layers.modules.forEach((layer, i) => {
      const out = this.wavenetLayer(layer, residual, at(`layers.${i}`));
      residual = out.residual;
      skips = skips ? this.binary('Add', skips, out.skip, at(`skips.${i}`)) : out.skip;
    });
    const s = skips as unknown as Traced;
    const h = this.emit(m.output1, this.unary('Relu', s, relu(s.value), at('relu1')), at('output1'));
    return this.emit(m.output2, this.unary('Relu', h, relu(h.value), at('relu2')), at('output2'));
  }

  private residualBlock(m: BasicBlock | Bottleneck, x: Traced, path: string): Traced {
    const at = (c: string) => (path ? `${path}.${c}` : c);
    const stages: [Module, Module][] = m instanceof Bottleneck
      ? [[m.conv1, m.bn1], [m.conv2, m.bn2], [m.conv3, m.bn3]]
      : [[m.conv1, m.bn1], [m.conv2, m.bn2]];
    let y = x;
    stages.forEach(([conv, bn], i) => {
      const n = i + 1;
      y = this.emit(bn, this.emit(conv, y, at(`conv${n}`)), at(`bn${n}`));
      if (i < stages.length - 1) y = this.unary('Relu', y, relu(y.value), at(`relu${n}`));
    });
    const shortcut = m.downsample ? this.emit(m.downsample, x, at('downsample')) : x;
    const sum = this.binary('Add', y, shortcut, at('add'));
    return this.unary('Relu', sum, relu(sum.value), at('relu'));
  }

  private resnet(m: ResNet, x: Traced, path: string): Traced {
    const at = (c: string) => (path ? `${path}.${c}` : c);
    let y = this.emit(m.bn1, this.emit(m.conv1, x, at('conv1')), at('bn1'));
    y = this.emit(m.maxpool, this.unary('Relu', y, relu(y.value), at('relu')), at('maxpool'));
    for (const stage of ['layer1', 'layer2', 'layer3', 'layer4'] as const) y = this.emit(m[stage], y, at(stage));
    if (m.degrid) y = this.emit(m.degrid, y, at('degrid'));
    const pooled = this.emit(m.avgpool, y, at('avgpool'));
    const flat = { name: this.w.node('Flatten', [pooled.name], { axis: { i: 1 } }, at('flatten')), value: pooled.value.reshape([pooled.value.shape[0], pooled.value.shape[1]]) };
    return this.emit(m.fc, flat, at('fc'));
  }

  /** ASPP: parallel branches (the image-pooling branch resized back to the input), concatenated, projected. */
  private aspp(m: ASPP, x: Traced, path: string): Traced {
    const at = (c: string) => (path ? `${path}.${c}` : c);
    const branches = m.convs.modules.map((branch, i) => {
      if (!(branch instanceof Sequential)) return this.emit(branch, x, at(`convs.${i}`));
      const y = branch.modules.reduce((v, layer, j) => this.emit(layer, v, at(`convs.${i}.${j}`)), x);
      if (branch.constructor === Sequential) return y;
      const options = { size: x.value.shape.slice(2), mode: 'bilinear' as const, alignCorners: false };
      return this.resize(y, options, (branch.forward(x.value) as Variable).value, at(`convs.${i}.resize`));
    });
    const joined = { name: this.w.node('Concat', branches.map((b) => b.name), { axis: { i: 1 } }, at('concat')), value: concat(branches.map((b) => b.value), 1) };
    return this.emit(m.project, joined, at('project'));
  }

  private contextModule(m: ContextModule, x: Traced, path: string): Traced {
    const at = (c: string) => (path ? `${path}.${c}` : c);
    let y = x;
    m.layers.modules.forEach((layer, i) => {
      y = this.emit(layer, y, at(`layers.${i}`));
      if (i < m.layers.length - 1) y = this.unary('Relu', y, relu(y.value), at(`relu${i}`));
    });
    return y;
  }
}
