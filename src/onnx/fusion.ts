/**
 * Graph fusion at plan time: rewrites a plan's steps into fewer passes over memory without changing what they
 * compute (beyond float32 rounding of a reordered sum):
 *
 *   Pad → Conv                 the pad becomes the conv's own padding (zeros; reflect/edge/wrap as padding modes
 *                              when the conv has no padding of its own)
 *   Conv → BatchNormalization  folded into the conv's weights and bias (both constant)
 *   Conv → Add(r)              the add becomes the conv's residual epilogue
 *   Conv → Relu/LeakyRelu/Sigmoid/Tanh/Clip/HardSwish   the activation epilogue (PRelu with one slope: leaky)
 *   Mul(Tanh(a), Sigmoid(b))   WaveNet's gate as one pass, a and b channel windows (Slice/Split) of one tensor
 *   Reshape → InstanceNormalization → Reshape → Mul(γ) → Add(β)
 *                              GroupNorm as PyTorch ≤ 1.13 exports it: one statistics pass and one output pass
 *                              with the per-group and per-channel affines combined
 *
 * A step is absorbed only when its input is read by nothing else (and is not a graph output), so no value the
 * rest of the graph needs disappears. The fused step runs at the position of the first absorbed step when it only
 * needs values computed before it, which the rules check.
 */
import { computeConvGeometry } from '../geometry/conv-geometry.js';
import type { EpilogueActivation } from '../kernels/epilogue.js';
import { gate } from '../kernels/pointwise/pointwise-kernels.js';
import { convWithEpilogue, type ConvOptions } from '../ops/conv.js';
import { Attributes } from './attributes.js';
import type { OnnxNode } from './onnx-graph.js';
import { convOptions } from './operators/conv.js';
import { modeOf, padPairs, shiftedMoments } from './operators/normalization.js';
import { normalize } from '../kernels/pointwise/pointwise-kernels.js';
import type { NodeContext, Operator, ValueInfo } from './operators/index.js';
import type { PlannedStep } from './plan.js';
import { fromTensor, toNumbers, toTensor } from './value.js';

/** Where values come from and who reads them, kept current while the rules rewrite the steps. */
class StepGraph {
  readonly producer = new Map<string, PlannedStep>();
  readonly readers = new Map<string, PlannedStep[]>();

  constructor(readonly steps: PlannedStep[], readonly infos: Map<string, ValueInfo>, readonly outputs: Set<string>) {
    for (const step of steps) {
      step.node.outputs.forEach((name) => { if (name !== '') this.producer.set(name, step); });
      step.node.inputs.forEach((name) => {
        if (name === '') return;
        const list = this.readers.get(name) ?? [];
        list.push(step);
        this.readers.set(name, list);
      });
    }
  }

  /** The one step reading `value`, when exactly one does and the value is not a graph output. */
  soleReader(value: string): PlannedStep | undefined {
    const readers = this.readers.get(value);
    if (!readers || readers.length !== 1 || this.outputs.has(value)) return undefined;
    return readers[0].node.inputs.filter((n) => n === value).length === 1 ? readers[0] : undefined;
  }

  /** The constant data of a value, when the planner knows it. */
  constant(name: string | undefined): Float32Array | undefined {
    if (!name) return undefined;
    const value = this.infos.get(name)?.value;
    return value && value.type === 'float' && value.data instanceof Float32Array ? value.data : undefined;
  }

  /** True when `value` exists before `step` runs (a graph input, a constant, or produced by an earlier step). */
  availableBefore(value: string, step: PlannedStep): boolean {
    const producer = this.producer.get(value);
    return !producer || this.steps.indexOf(producer) < this.steps.indexOf(step);
  }
}

/** Applies every fusion rule; returns the new step list (the input list is not modified). */
export function fuseSteps(steps: readonly PlannedStep[], infos: Map<string, ValueInfo>, outputs: Set<string>): PlannedStep[] {
  const graph = new StepGraph(steps.slice(), infos, outputs);
  const removed = new Set<PlannedStep>();
  const result: PlannedStep[] = [];
  for (const step of graph.steps) {
    if (removed.has(step)) continue;
    const fused = step.node.opType === 'Conv' ? fuseConv(graph, step, removed)
      : step.node.opType === 'Mul' ? fuseGate(graph, step, removed)
        : step.node.opType === 'Reshape' ? fuseGroupNorm(graph, step, removed) : null;
    result.push(fused ?? step);
  }
  return result.filter((s) => !removed.has(s));
}

interface ConvParts {
  x: string;
  weight: string;
  bias: string;
  options: ConvOptions;
  residual?: string;
  activation?: EpilogueActivation;
  output: string;
  info: ValueInfo;
  absorbed: string[];
}

function fuseConv(graph: StepGraph, conv: PlannedStep, removed: Set<PlannedStep>): PlannedStep | null {
  const node = conv.node;
  const [x, weight, bias = ''] = node.inputs;
  const xInfo = graph.infos.get(x), wInfo = graph.infos.get(weight);
  if (!xInfo || !wInfo || node.attributes.string('auto_pad', 'NOTSET') === 'SAME_UPPER' || node.attributes.string('auto_pad', 'NOTSET') === 'SAME_LOWER') return null;
  const parts: ConvParts = {
    x, weight, bias, options: convOptions(conv.context, xInfo.shape, wInfo.shape),
    output: node.outputs[0], info: conv.outputs[0], absorbed: [],
  };
  const absorb = (step: PlannedStep): void => { removed.add(step); parts.absorbed.push(step.node.name); };
  const pad = absorbablePad(graph, conv, x, parts);
  if (pad) absorb(pad);
  let next = graph.soleReader(parts.output);
  if (next?.node.opType === 'BatchNormalization' && foldBatchNorm(graph, next, parts)) {
    absorb(next);
    next = graph.soleReader(parts.output);
  }
  if (next?.node.opType === 'Add') {
    const other = next.node.inputs[0] === parts.output ? next.node.inputs[1] : next.node.inputs[0];
    const otherInfo = graph.infos.get(other);
    if (otherInfo && otherInfo.type === 'float' && sameShape(otherInfo.shape, parts.info.shape) && sameShape(next.outputs[0].shape, parts.info.shape) && graph.availableBefore(other, conv)) {
      parts.residual = other;
      parts.output = next.node.outputs[0];
      absorb(next);
      next = graph.soleReader(parts.output);
    }
  }
  const activation = next && epilogueActivation(graph, next);
  if (next && activation) {
    parts.activation = activation;
    parts.output = next.node.outputs[0];
    absorb(next);
  }
  if (parts.absorbed.length === 0) return null;
  return fusedConvStep(conv, parts);
}

/** The Pad feeding `x`, when it pads only spatial axes, is read by this conv alone, and folds into its padding. */
function absorbablePad(graph: StepGraph, conv: PlannedStep, x: string, parts: ConvParts): PlannedStep | null {
  const pad = graph.producer.get(x);
  if (!pad || pad.node.opType !== 'Pad' || graph.soleReader(x) !== conv) return null;
  const source = pad.node.inputs[0];
  const sourceInfo = graph.infos.get(source);
  if (!sourceInfo) return null;
  const infos = pad.node.inputs.map((name) => (name === '' ? undefined : graph.infos.get(name)));
  const pairs = padPairs(infos, pad.context, sourceInfo.shape.length);
  if (pairs[0][0] || pairs[0][1] || pairs[1][0] || pairs[1][1]) return null;
  const mode = modeOf(pad.context);
  if (mode === 'zeros' && pad.node.inputs[2]) {
    const value = graph.infos.get(pad.node.inputs[2])?.value;
    if (!value || value.data[0] !== 0) return null;
  }
  const own = parts.options.padding as [number, number][];
  if (mode !== 'zeros' && own.some(([b, e]) => b !== 0 || e !== 0)) return null;
  const options: ConvOptions = {
    ...parts.options,
    padding: own.map(([b, e], i) => [b + pairs[i + 2][0], e + pairs[i + 2][1]]),
    ...(mode === 'zeros' ? {} : { paddingMode: mode }),
  };
  try {
    computeConvGeometry(conv.node.name, sourceInfo.shape, graph.infos.get(parts.weight)!.shape, options);
  } catch {
    return null;
  }
  parts.x = source;
  parts.options = options;
  return pad;
}

/** Folds an inference BatchNormalization into constant conv weights: w·s per output channel, (b − μ)·s + β. */
function foldBatchNorm(graph: StepGraph, bn: PlannedStep, parts: ConvParts): boolean {
  const [, scaleName, shiftName, meanName, varName] = bn.node.inputs;
  const w = graph.constant(parts.weight), b = parts.bias ? graph.constant(parts.bias) : new Float32Array(parts.info.shape[1]);
  const scale = graph.constant(scaleName), shift = graph.constant(shiftName), mean = graph.constant(meanName), variance = graph.constant(varName);
  if (!w || !b || !scale || !shift || !mean || !variance || bn.node.attributes.int('training_mode', 0) !== 0) return false;
  const channels = parts.info.shape[1];
  if ([b, scale, shift, mean, variance].some((v) => v.length !== channels)) return false;
  const eps = bn.node.attributes.float('epsilon', 1e-5);
  const perChannel = w.length / channels;
  const foldedW = new Float32Array(w.length), foldedB = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const s = scale[c] / Math.sqrt(variance[c] + eps);
    for (let i = c * perChannel; i < (c + 1) * perChannel; i++) foldedW[i] = w[i] * s;
    foldedB[c] = (b[c] - mean[c]) * s + shift[c];
  }
  parts.weight = defineConstant(graph, `${bn.node.name}::folded_weight`, foldedW, graph.infos.get(parts.weight)!.shape);
  parts.bias = defineConstant(graph, `${bn.node.name}::folded_bias`, foldedB, [channels]);
  parts.output = bn.node.outputs[0];
  return true;
}

function defineConstant(graph: StepGraph, name: string, data: Float32Array, shape: number[]): string {
  graph.infos.set(name, { type: 'float', shape, value: { type: 'float', shape, data } });
  return name;
}

/** The activation a step applies, when it is one the conv epilogue carries (Clip with constant bounds). */
function epilogueActivation(graph: StepGraph, step: PlannedStep): EpilogueActivation | null {
  const node = step.node;
  switch (node.opType) {
    case 'Relu': return { kind: 'relu' };
    case 'LeakyRelu': return { kind: 'leakyRelu', alpha: node.attributes.float('alpha', 0.01) };
    case 'PRelu': {
      // One slope for every channel (PyTorch's nn.PReLU() default) is a leaky relu.
      const slope = graph.constant(node.inputs[1]);
      return slope && slope.length > 0 && slope.every((v) => v === slope[0]) ? { kind: 'leakyRelu', alpha: slope[0] } : null;
    }
    case 'Sigmoid': return { kind: 'sigmoid' };
    case 'Tanh': return { kind: 'tanh' };
    case 'HardSwish': return { kind: 'hardSwish' };
    case 'Clip': {
      if (step.context.opset < 11) return null;
      const bound = (i: number, fallback: number): number | null => {
        const name = node.inputs[i];
        if (!name) return fallback;
        const data = graph.infos.get(name)?.value?.data;
        return data ? data[0] : null;
      };
      const min = bound(1, -Infinity), max = bound(2, Infinity);
      return min === null || max === null ? null : { kind: 'clip', min, max };
    }
    default: return null;
  }
}

function fusedConvStep(conv: PlannedStep, parts: ConvParts): PlannedStep {
  const inputs = [parts.x, parts.weight, parts.bias, parts.residual ?? ''];
  const { options, activation } = parts;
  const operator: Operator = {
    infer: () => [parts.info],
    run(values, _node, arena) {
      const [x, w, b, residual] = values;
      const out = arena?.take(parts.info.shape.reduce((p, n) => p * n, 1)) ?? null;
      const y = convWithEpilogue(toTensor(x!), toTensor(w!), { ...options, bias: b ? toTensor(b) : null },
        { residual: residual ? (residual.data as Float32Array) : null, activation: activation ?? null }, out);
      return [fromTensor(y)];
    },
  };
  return fusedStep(conv, 'FusedConv', [conv.node.name, ...parts.absorbed], inputs, parts.output, parts.info, operator);
}

/** A channel window `[start, start + size)` of `source` along axis 1, as a Slice or a Split output reads it. */
interface ChannelWindow { source: string; start: number; size: number; step: PlannedStep }

function channelWindow(graph: StepGraph, value: string): ChannelWindow | null {
  const step = graph.producer.get(value);
  if (!step) return null;
  const source = step.node.inputs[0];
  const sourceShape = graph.infos.get(source)?.shape;
  if (!sourceShape || sourceShape.length < 2) return null;
  if (step.node.opType === 'Split') {
    const axis = step.node.attributes.int('axis', 0);
    if (axis !== 1 && axis !== 1 - sourceShape.length) return null;
    const index = step.node.outputs.indexOf(value);
    const start = step.outputs.slice(0, index).reduce((sum, o) => sum + o.shape[1], 0);
    return { source, start, size: step.outputs[index].shape[1], step };
  }
  if (step.node.opType !== 'Slice') return null;
  const read = (i: number): number[] | undefined => {
    const name = step.node.inputs[i];
    const v = name ? graph.infos.get(name)?.value : undefined;
    return v ? toNumbers(v) : undefined;
  };
  const starts = read(1), axes = read(3) ?? starts?.map((_, i) => i), steps = read(4);
  if (!starts || !axes) return null;
  const outShape = step.outputs[0].shape;
  if (steps && steps.some((s) => s !== 1)) return null;
  if (outShape.some((n, d) => d !== 1 && n !== sourceShape[d])) return null;
  const i = axes.findIndex((a) => a === 1 || a === 1 - sourceShape.length);
  const start = i === -1 ? 0 : starts[i] < 0 ? Math.max(0, starts[i] + sourceShape[1]) : Math.min(starts[i], sourceShape[1]);
  return { source, start, size: outShape[1], step };
}

/** Mul(Tanh(a), Sigmoid(b)) with a and b channel windows of one tensor → one gate pass over that tensor. */
function fuseGate(graph: StepGraph, mul: PlannedStep, removed: Set<PlannedStep>): PlannedStep | null {
  const [left, right] = mul.node.inputs;
  const producers = [graph.producer.get(left), graph.producer.get(right)];
  const tanhStep = producers.find((p) => p?.node.opType === 'Tanh');
  const sigmoidStep = producers.find((p) => p?.node.opType === 'Sigmoid');
  if (!tanhStep || !sigmoidStep || left === right) return null;
  if (graph.soleReader(tanhStep.node.outputs[0]) !== mul || graph.soleReader(sigmoidStep.node.outputs[0]) !== mul) return null;
  const a = channelWindow(graph, tanhStep.node.inputs[0]), b = channelWindow(graph, sigmoidStep.node.inputs[0]);
  if (!a || !b || a.source !== b.source || a.size !== b.size) return null;
  const info = mul.outputs[0];
  const sourceShape = graph.infos.get(a.source)!.shape;
  if (!sameShape(info.shape, [sourceShape[0], a.size, ...sourceShape.slice(2)])) return null;
  // The Slice/Split steps disappear with the fusion: everything they produce may feed only the gate.
  const feedsOnlyTheGate = (o: string): boolean => o === '' ||
    (!graph.outputs.has(o) && (graph.readers.get(o) ?? []).every((r) => r === tanhStep || r === sigmoidStep));
  if (![a, b].every((w) => w.step.node.outputs.every(feedsOnlyTheGate))) return null;
  for (const s of [a.step, b.step, tanhStep, sigmoidStep]) removed.add(s);
  const inner = sourceShape.slice(2).reduce((p, n) => p * n, 1);
  const layout = {
    rows: sourceShape[0], length: a.size * inner, rowStride: sourceShape[1] * inner,
    aOffset: a.start * inner, bOffset: b.start * inner,
  };
  const operator: Operator = {
    infer: () => [info],
    run(values, _node, arena) {
      const src = values[0]!.data as Float32Array;
      const out = arena?.take(layout.rows * layout.length) ?? new Float32Array(layout.rows * layout.length);
      return [{ type: 'float', shape: info.shape.slice(), data: gate(src, layout, out) }];
    },
  };
  const names = [...new Set([a.step, b.step, tanhStep, sigmoidStep, mul].map((s) => s.node.name))];
  return fusedStep(mul, 'FusedGate', names, [a.source], mul.node.outputs[0], info, operator);
}

/**
 * PyTorch's GroupNorm(G, C) export, `Reshape(x, [N, G, −1]) → InstanceNormalization(s, B) → Reshape(x's shape)`
 * followed by an optional per-channel `Mul(γ)` and `Add(β)` (constants), as one step: per (n, g) the mean and
 * variance of the group, then y = (x − μ)·(s_g·γ_c/σ) + (B_g·γ_c + β_c) in one pass. The statistics are those of
 * InstanceNormalization's own loop (sums shifted by the group's first value), so the result differs from the
 * unfused steps only by the rounding of the combined affine.
 */
function fuseGroupNorm(graph: StepGraph, view: PlannedStep, removed: Set<PlannedStep>): PlannedStep | null {
  const x = view.node.inputs[0];
  const xShape = graph.infos.get(x)?.shape;
  const grouped = view.outputs[0].shape;
  if (!xShape || xShape.length < 3 || grouped.length !== 3 || grouped[0] !== xShape[0]) return null;
  const norm = graph.soleReader(view.node.outputs[0]);
  if (norm?.node.opType !== 'InstanceNormalization' || norm.node.inputs[0] !== view.node.outputs[0]) return null;
  const groups = grouped[1], channels = xShape[1];
  if (channels % groups !== 0) return null;
  const scale = graph.constant(norm.node.inputs[1]), shift = graph.constant(norm.node.inputs[2]);
  if (!scale || !shift || scale.length !== groups || shift.length !== groups) return null;
  const back = graph.soleReader(norm.node.outputs[0]);
  if (back?.node.opType !== 'Reshape' || back.node.inputs[0] !== norm.node.outputs[0] || !sameShape(back.outputs[0].shape, xShape)) return null;
  const steps = [view, norm, back];
  let output = back.node.outputs[0];
  // Per-channel affine after the view back: a constant that broadcasts along the channel axis only.
  const gamma = new Float32Array(channels).fill(1), beta = new Float32Array(channels);
  for (const [opType, target] of [['Mul', gamma], ['Add', beta]] as const) {
    const next = graph.soleReader(output);
    if (next?.node.opType !== opType) continue;
    const other = next.node.inputs[0] === output ? next.node.inputs[1] : next.node.inputs[0];
    const values = perChannelConstant(graph, other, xShape);
    if (!values || !sameShape(next.outputs[0].shape, xShape)) continue;
    target.set(values);
    steps.push(next);
    output = next.node.outputs[0];
  }
  for (const s of steps.slice(1)) removed.add(s);
  const eps = norm.node.attributes.float('epsilon', 1e-5);
  const perGroup = channels / groups, plane = xShape.slice(2).reduce((p, n) => p * n, 1);
  const info = steps[steps.length - 1].outputs[0];
  const operator: Operator = {
    infer: () => [info],
    run(values, _node, arena) {
      const src = values[0]!.data as Float32Array;
      const out = arena?.take(src.length) ?? new Float32Array(src.length);
      const length = perGroup * plane;
      const onWasm = normalize('GroupNorm', src, xShape[0] * groups, plane, (moments) => {
        const pairs = new Float32Array(2 * xShape[0] * channels);
        for (let ng = 0; ng < xShape[0] * groups; ng++) {
          const g = ng % groups, first = moments[3 * ng], centred = moments[3 * ng + 1], variance = moments[3 * ng + 2];
          const rstd = 1 / Math.sqrt(variance + eps);
          const mean = first + centred;
          for (let k = 0; k < perGroup; k++) {
            const c = g * perGroup + k, row = ng * perGroup + k;
            const a = scale[g] * rstd * gamma[c];
            pairs[2 * row] = a;
            pairs[2 * row + 1] = shift[g] * gamma[c] + beta[c] - mean * a;
          }
        }
        return pairs;
      }, out);
      if (onWasm) return [{ type: 'float', shape: info.shape.slice(), data: out }];
      for (let ng = 0; ng < xShape[0] * groups; ng++) {
        const base = ng * length, g = ng % groups;
        const { centred, variance, first } = shiftedMoments(src, base, length);
        const rstd = 1 / Math.sqrt(variance + eps);
        const mean = first + centred;
        for (let k = 0; k < perGroup; k++) {
          const c = g * perGroup + k;
          const a = scale[g] * rstd * gamma[c], b = shift[g] * gamma[c] + beta[c] - mean * a;
          const from = base + k * plane;
          for (let i = from; i < from + plane; i++) out[i] = src[i] * a + b;
        }
      }
      return [{ type: 'float', shape: info.shape.slice(), data: out }];
    },
  };
  return fusedStep(view, 'FusedGroupNorm', steps.map((s) => s.node.name), [x], output, info, operator);
}

/** The values of a constant that broadcasts onto `shape` along axis 1 only (one per channel, or one for all). */
function perChannelConstant(graph: StepGraph, name: string, shape: readonly number[]): Float32Array | null {
  const data = graph.constant(name);
  const own = graph.infos.get(name)?.shape;
  if (!data || !own || own.length > shape.length) return null;
  const channels = shape[1];
  if (data.length === 1) return new Float32Array(channels).fill(data[0]);
  const aligned = [...Array(shape.length - own.length).fill(1), ...own];
  return data.length === channels && aligned.every((n, d) => (d === 1 ? n === channels : n === 1)) ? data : null;
}

function fusedStep(at: PlannedStep, opType: string, names: string[], inputs: string[], output: string, info: ValueInfo, operator: Operator): PlannedStep {
  const name = names.join('+');
  const node: OnnxNode = { name, opType, inputs, outputs: [output], attributes: new Attributes(name, []) };
  const context: NodeContext = { ...at.context, name, opType, attributes: node.attributes, usedOutputs: [true] };
  return { node, context, operator, outputs: [info], release: [] };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}
