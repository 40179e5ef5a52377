import { GraphBuilder, type Graph } from '../analysis/graph.js';
import { AtrousError, OnnxError, describeValue } from '../errors.js';
import type { OnnxModel } from './model.js';
import { convTransposeOptions, windowAttributes } from './operators/conv.js';
import { axisIndex } from './operators/helpers.js';
import { sliceWindowOf } from './operators/layout.js';
import { resizePlan } from './operators/resize.js';
import type { ValueInfo } from './operators/index.js';
import type { PlannedStep } from './plan.js';

/** The analysis graph of an ONNX model, and what could not be represented in it. */
export interface OnnxAnalysisGraph {
  graph: Graph;
  /** The ONNX op type behind each analysis node, by node name (the input node is absent). */
  opTypes: Map<string, string>;
  /** Nodes the IR cannot express, each ending the paths through it, with the reason. */
  notes: string[];
  /**
   * Set when the analysed output lies behind a node the IR cannot express: the graph's output is then the last
   * node before it, and its field is only a lower bound of the model's (never to be reported as the answer).
   */
  partial: { node: string; opType: string; reason: string } | null;
  /**
   * Parameters of the model: elements of its float weights (initializers), BatchNormalization running
   * statistics excluded — PyTorch's `sum(p.numel() for p in model.parameters())` for a model exported with its
   * BatchNorms unfused.
   */
  params: number;
}

/** Ops that map each output position to the same input position (activations, normalization, casts...). */
const POINTWISE = new Set([
  'Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Gelu', 'Erf', 'Exp', 'Log', 'Sqrt', 'Reciprocal', 'HardSigmoid',
  'HardSwish', 'Softplus', 'Elu', 'Neg', 'Abs', 'Floor', 'Ceil', 'Round', 'Not', 'Clip', 'BatchNormalization',
  'Dropout', 'Identity', 'Cast', 'CastLike', 'PRelu',
]);
/** Binary and variadic ops: branches meet when two or more inputs come from the network input. */
const MERGING = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Mod', 'Where', 'Sum', 'Mean', 'Min', 'Max', 'Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'And', 'Or']);

/**
 * Builds the analysis graph IR (receptive field, coverage, cost) of an ONNX model for concrete input shapes:
 * every node that depends on the chosen input becomes an IR node with its window, padding, channels and
 * output shape; constant subgraphs and folded shape arithmetic disappear. Nodes whose geometry the IR cannot
 * express (a resize by a non-integer factor, a channel subset, a transpose of the grid) end the analysed path
 * and are listed in `notes`; the analysed output is the requested output or the last node before them.
 *
 * @example onnxAnalysisGraph(loadOnnxFile('vgg16.onnx'), { input: [1, 3, 224, 224] }).graph.nodes.length
 */
export function onnxAnalysisGraph(model: OnnxModel, shapes: Record<string, readonly number[]> = {}, outputName?: string): OnnxAnalysisGraph {
  const plan = model.plan(shapes);
  const input = model.graph.inputs.find((i) => i.type === 'float' && (plan.inputShapes.get(i.name)?.length ?? 0) >= 3);
  if (!input) throw new OnnxError('analyze', 'input', `the model has no float input of shape [N, C, ...spatial] to analyse (inputs: ${model.inputNames.join(', ')})`);
  const inShape = plan.inputShapes.get(input.name)!;
  const rank = inShape.length - 2;
  if (rank > 3) throw new OnnxError('analyze', 'input', `input ${describeValue(input.name)} has ${rank} spatial dimensions; the analysis handles 1 to 3`);
  const builder = new GraphBuilder({ rank, channels: inShape[1], size: inShape.slice(2), name: input.name || 'input' });
  const producer = new Map<string, string>([[input.name, builder.input]]);
  const used = new Set<string>([builder.input]);
  const stopped = new Map<string, string>();
  const reasons = new Map<string, { node: string; opType: string; reason: string }>();
  const notes: string[] = [];
  const opTypes = new Map<string, string>();
  // Where each value keeps its spatial grid: the axis positions of the grid (NCHW: the trailing ones; after a
  // transpose to channels-last, NHWC: 1…rank), or null once the grid is gone (global pooling, flatten).
  const layouts = new Map<string, number[] | null>([[input.name, Array.from({ length: rank }, (_, i) => i + 2)]]);
  // For values whose grid a reshape merged away from an [N, C, ...spatial] tensor: that tensor's shape.
  const lostGrids = new Map<string, readonly number[]>();
  // Values every position of which already reads the whole input (past global pooling, attention, a flatten).
  const globalValues = new Set<string>();
  const infoOf = (name: string): ValueInfo | undefined => (name === '' ? undefined : plan.infos.get(name));
  for (const step of plan.steps) {
    const fed = step.node.inputs.filter((n) => n !== '' && producer.has(n));
    const blocked = step.node.inputs.find((n) => stopped.has(n));
    if (blocked) { for (const o of step.node.outputs) stopped.set(o, stopped.get(blocked)!); continue; }
    if (fed.length === 0) continue;
    const name = uniqueName(step.node.name, used);
    let added: Added;
    // Which fed value a pass-through output continues (the first; a global one when passing a global value on).
    let passed = fed[0];
    const fedValues = fed.map((n) => ({ info: infoOf(n)!, layout: layouts.get(n) ?? null, global: globalValues.has(n) }));
    try {
      added = addNode(builder, step, name, fed.map((n) => producer.get(n)!), step.node.inputs.map(infoOf), rank, fedValues, inShape[0]);
      let layout = outputLayout(step, fedValues[0].layout, rank, fedValues[0].info.shape);
      // GroupNorm's [N, G, −1] view loses the grid; the reshape back to the very shape it came from restores it.
      const lost = fedValues[0].layout === null ? lostGrids.get(fed[0]) : fedValues[0].layout.every((a, i) => a === i + 2) && fedValues[0].info.shape.length === rank + 2 ? fedValues[0].info.shape : undefined;
      const outShape = step.outputs[0]?.shape;
      if (layout === null && lost && outShape) {
        if (outShape.length === lost.length && outShape.every((n, i) => n === lost[i])) layout = Array.from({ length: rank }, (_, i) => i + 2);
        else for (const o of step.node.outputs) if (o !== '') lostGrids.set(o, lost);
      }
      for (const o of step.node.outputs) if (o !== '') layouts.set(o, layout);
    } catch (error) {
      if (error instanceof NotRepresentable && fedValues.some((v) => v.global)) {
        // On a value that already reads the whole input (Swin's shifted windows after its first attention), an
        // op the IR cannot express changes no field: it passes the global value on. A conv there (MViT's pooling
        // convs on heads folded into the batch axis) still costs its multiply-adds.
        passed = fed.find((n) => globalValues.has(n))!;
        added = convCostOnGlobal(builder, step, name, producer.get(passed)!, step.node.inputs.map(infoOf), inShape[0]);
        for (const o of step.node.outputs) if (o !== '') layouts.set(o, layouts.get(passed) ?? null);
      } else if (error instanceof NotRepresentable) {
        notes.push(`${step.node.name} (${step.node.opType}): ${error.message}; the analysis stops before it`);
        reasons.set(step.node.name, { node: step.node.name, opType: step.node.opType, reason: error.message });
        for (const o of step.node.outputs) stopped.set(o, step.node.name);
        continue;
      } else if (error instanceof AtrousError) {
        throw error;
      } else {
        // A failure nobody foresaw still names the node the user can look up, and keeps the original as cause.
        const wrapped = new OnnxError(step.node.name, 'analyze', `analysing ${step.node.opType} node ${describeValue(step.node.name)} failed: ${error instanceof Error ? error.message : String(error)}`);
        (wrapped as Error).cause = error;
        throw wrapped;
      }
    }
    const names = Array.isArray(added) ? added : step.node.outputs.map(() => added as string | null);
    for (const n of new Set(names)) if (n !== null) { used.add(n); opTypes.set(n, step.node.opType); }
    const madeGlobal = names.some((n) => n !== null && ['globalPool', 'fullyConnected'].includes(builder.opOf(n)!));
    if (madeGlobal || fed.some((n) => globalValues.has(n))) for (const o of step.node.outputs) if (o !== '') globalValues.add(o);
    step.node.outputs.forEach((o, i) => {
      if (o !== '' && (i === 0 || step.node.opType !== 'Dropout')) producer.set(o, names[i] ?? producer.get(passed)!);
    });
  }
  const wanted = outputName ?? model.outputNames[0];
  if (!model.outputNames.includes(wanted) && !producer.has(wanted)) {
    throw new OnnxError('analyze', 'output', `no value named ${describeValue(wanted)}; outputs: ${model.outputNames.join(', ')}`);
  }
  const target = producer.get(wanted) ?? lastBefore(stopped.get(wanted), plan.steps, producer) ?? builder.input;
  const stoppedAt = producer.has(wanted) ? undefined : stopped.get(wanted);
  const partial = stoppedAt === undefined ? null : reasons.get(stoppedAt)!;
  return { graph: builder.build(target), opTypes, notes, partial, params: modelParameters(model) };
}

/**
 * A Conv or ConvTranspose on a global value the IR cannot place on a grid, as a fully connected layer of the
 * same weights applied at the positions the file's shapes give per input sample (cost only), or null for any
 * other op.
 */
function convCostOnGlobal(b: GraphBuilder, step: PlannedStep, name: string, from: string, inputs: (ValueInfo | undefined)[], batch: number): string | null {
  const op = step.node.opType, w = inputs[1], x = inputs[0];
  if ((op !== 'Conv' && op !== 'ConvTranspose') || !w || !x) return null;
  const taps = w.shape.slice(2).reduce((p, n) => p * n, 1);
  // Conv weights [Cout, Cin/g, ...k] work at every output position; ConvTranspose's [Cin, Cout/g, ...k] at every input one.
  const at = op === 'Conv' ? step.outputs[0].shape : x.shape;
  const rows = Math.max(1, Math.round(at.reduce((p, n) => p * n, 1) / (at[1] * batch)));
  const [inFeatures, outFeatures] = op === 'Conv' ? [w.shape[1] * taps, w.shape[0]] : [w.shape[0], w.shape[1] * taps];
  return b.global(from, 'fullyConnected', { inFeatures, outFeatures, rows, bias: op === 'Conv' && inputs[2] !== undefined }, name);
}

/** What `addNode` made: one IR node for every output, one per output (Split), or none (a pass-through). */
type Added = string | null | (string | null)[];

class NotRepresentable extends Error {}

/** Elements of the model's float initializers, BatchNormalization running mean and variance excluded. */
function modelParameters(model: OnnxModel): number {
  const statistics = new Set<string>();
  for (const node of model.graph.nodes) {
    if (node.opType === 'BatchNormalization') for (const i of [3, 4]) if (node.inputs[i]) statistics.add(node.inputs[i]);
  }
  let total = 0;
  for (const [name, value] of model.graph.initializers) {
    if (value.type === 'float' && !statistics.has(name)) total += value.data.length;
  }
  return total;
}

/** Ops that carry weights: still counted past a global node. */
const COSTED = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);

/** Ops whose attributes address `[N, C, ...spatial]` axes by position. */
const NEEDS_NCHW = new Set(['Conv', 'ConvTranspose', 'MaxPool', 'AveragePool', 'Resize', 'Slice', 'Concat', 'Split', 'ArgMax', 'ArgMin']);

/** Where the grid axes of a value at `layout` land after `Transpose(perm)`. */
function transposedLayout(layout: number[], perm: number[]): number[] {
  return layout.map((a) => perm.indexOf(a));
}

/** The grid positions of a step's output, from its first fed input's. */
function outputLayout(step: PlannedStep, layout: number[] | null, rank: number, inShape: readonly number[]): number[] | null {
  const out = step.outputs[0];
  if (layout === null || out.shape.length < rank + 2) return null;
  if (step.node.opType === 'Transpose') {
    return transposedLayout(layout, step.context.attributes.ints('perm', out.shape.map((_, i) => out.shape.length - 1 - i)));
  }
  if (['Flatten', 'Reshape', 'Squeeze', 'Unsqueeze', 'Expand', 'Tile', 'Gather'].includes(step.node.opType)) {
    const grid = layout.map((a) => inShape[a]);
    const trailing = out.shape.slice(-rank);
    // The grid survives only where the trailing axes still hold it; else positions are no longer tracked.
    if (trailing.some((n, i) => n !== grid[i])) return null;
    return Array.from({ length: rank }, (_, i) => out.shape.length - rank + i);
  }
  if (step.node.opType.startsWith('Reduce') && out.shape.length !== inShape.length) return null;
  return layout;
}

function lastBefore(stoppedAt: string | undefined, steps: PlannedStep[], producer: Map<string, string>): string | undefined {
  if (!stoppedAt) return undefined;
  const step = steps.find((s) => s.node.name === stoppedAt);
  const fed = step?.node.inputs.find((n) => producer.has(n));
  return fed && producer.get(fed);
}

function uniqueName(name: string, used: Set<string>): string {
  let candidate = name || 'node';
  for (let i = 1; used.has(candidate); i++) candidate = `${name}#${i}`;
  return candidate;
}

/** Adds the IR node(s) for one step; returns the name(s), or null when the step passes its input through unchanged. */
function addNode(
  b: GraphBuilder, step: PlannedStep, name: string, from: string[], inputs: (ValueInfo | undefined)[], rank: number,
  fed: { info: ValueInfo; layout: number[] | null; global: boolean }[], batch: number,
): Added {
  const node = step.context;
  const x = inputs[0];
  const out = step.outputs[0];
  // A weighted layer's work from the file's shapes, per input sample: the grid the IR tracks can be stale past a
  // global value (Swin's windows fold positions into the batch axis and its patch merging passes through), the
  // shapes never are. `channelAxis` holds the channels (or features) of a shape; every other axis is positions.
  const work = (inChannels: number, shape: readonly number[], channelAxis: number) => ({
    inChannels, positions: Math.max(1, Math.round(shape.reduce((p, n) => p * n, 1) / (shape[channelAxis] * batch))),
  });
  const layout = fed[0].layout;
  const canonical = layout !== null && fed[0].info.shape.length === rank + 2 && layout.every((a, i) => a === i + 2);
  // Past a global node every output already reads the whole input: what follows (attention, reshapes, norms)
  // changes no field; only weighted layers still add cost.
  if (fed.every((v) => v.layout === null) && !COSTED.has(node.opType)) {
    // Axis 1 of values past a global node need not hold channels (MViT-V2's attention terms broadcast there).
    return fed.length > 1 && MERGING.has(node.opType) ? b.merge(from, 'add', name, { unchecked: true, outChannels: Math.max(1, out.shape[1] ?? 1) }) : null;
  }
  if (NEEDS_NCHW.has(node.opType) && !canonical) {
    throw new NotRepresentable(`${node.opType} on a tensor whose spatial grid is not in [N, C, ...spatial] order (${describeValue(fed[0].info.shape)})`);
  }
  /** Spatial sizes of a value with a grid at `positions` (aligned at the end for broadcasting into `out`). */
  const gridSizes = (shape: readonly number[], positions: number[] | null): number[] | null => positions && positions.map((a) => shape[a]);
  switch (node.opType) {
    case 'Conv': {
      const w = inputs[1]!;
      const a = windowAttributes(node, x!.shape.slice(2), w.shape.slice(2));
      return b.conv(from[0], {
        kernel: a.kernel, stride: a.stride, dilation: a.dilation, padding: a.padding,
        groups: node.attributes.int('group', 1), outChannels: w.shape[0], bias: inputs[2] !== undefined,
        work: work(x!.shape[1], out.shape, 1),
      }, name);
    }
    case 'ConvTranspose': {
      const w = inputs[1]!;
      const o = convTransposeOptions(node, x!.shape, w.shape);
      return b.convTranspose(from[0], {
        kernel: w.shape.slice(2), stride: o.stride, dilation: o.dilation, padding: o.padding,
        outputPadding: o.outputPadding, groups: o.groups, outChannels: w.shape[1] * o.groups, bias: inputs[2] !== undefined,
        work: work(x!.shape[1], x!.shape, 1),
      }, name);
    }
    case 'MaxPool': case 'AveragePool': {
      const a = windowAttributes(node, x!.shape.slice(2));
      return b.pool(from[0], node.opType === 'MaxPool' ? 'maxPool' : 'avgPool', {
        kernel: a.kernel, stride: a.stride, dilation: a.dilation, padding: a.padding,
        ceilMode: node.attributes.int('ceil_mode', 0) === 1,
      }, name);
    }
    case 'GlobalAveragePool': case 'GlobalMaxPool':
      return b.global(from[0], 'globalPool', {}, name);
    case 'ReduceMean': case 'ReduceSum': case 'ReduceL1': case 'ReduceL2': case 'ReduceSumSquare':
    case 'ReduceMax': case 'ReduceMin': case 'ReduceProd': {
      // Reduced over grid axes: every output reads the whole grid; over others (channels, LayerNorm's last
      // axis when channels-last): position by position.
      const reducesGrid = layout === null || layout.some((a) => out.shape.length === x!.shape.length ? out.shape[a] !== x!.shape[a] : true);
      if (!reducesGrid) return b.elementwise(from[0], node.opType, name);
      return b.global(from[0], 'globalPool', {}, name);
    }
    case 'Resize': {
      const p = resizePlan(inputs, node, x!.shape);
      const inSize = x!.shape.slice(2);
      const size = p.size.slice(2);
      if (size.every((n, i) => n === inSize[i]) && p.scale.slice(2).every((f) => f === 1) && p.coordinateMode !== 'tf_half_pixel_for_nearest') {
        return b.elementwise(from[0], 'Resize', name);
      }
      if (p.coordinateMode === 'half_pixel_symmetric' as string) throw new NotRepresentable('the half_pixel_symmetric coordinate transform has no receptive-field model');
      return b.upsample(from[0], { factor: p.scale.slice(2), mode: p.mode, coordinate: p.coordinateMode, nearestMode: p.nearestMode, size }, name);
    }
    case 'MaxUnpool': {
      // The indices (input 1) pick a place inside each pooling window: the window, not the data, bounds the field.
      const a = node.attributes;
      const kernel = a.ints('kernel_shape');
      const pads = a.ints('pads', Array(2 * rank).fill(0));
      return b.maxUnpool(from[0], {
        kernel, stride: a.ints('strides', Array(rank).fill(1)), padding: kernel.map((_, d) => [pads[d], pads[d + rank]] as [number, number]),
        size: out.shape.slice(2),
      }, name);
    }
    case 'Pad': {
      // Grid axes wherever the layout has them (Swin pads its channels-last [N, H, W, C] maps).
      if (layout === null) throw new NotRepresentable('Pad on a tensor whose spatial grid is not tracked');
      if (out.shape[0] !== x!.shape[0]) throw new NotRepresentable('padding of the batch axis');
      const channels = canonical && out.shape[1] !== x!.shape[1] ? out.shape[1] : undefined;
      return b.pad(from[0], gridPads(inputs, layout, x!.shape.length), name, channels);
    }
    case 'Slice': {
      const w = sliceWindowOf(inputs, node, x!.shape);
      if (w.step.slice(2).some((s) => s < 1)) throw new NotRepresentable('a slice with a negative step along the grid (a flip)');
      const channels = w.size[1] !== x!.shape[1] ? w.size[1] : undefined;
      if (w.step.slice(2).every((s) => s === 1) && w.start.slice(2).every((s) => s === 0) && w.size.slice(2).every((n, i) => n === x!.shape[i + 2])) {
        return b.elementwise(from[0], 'Slice', name, channels);
      }
      return b.slice(from[0], { start: w.start.slice(2), step: w.step.slice(2), size: w.size.slice(2), outChannels: channels }, name);
    }
    case 'Concat': {
      const axis = axisIndex(node, 'axis', node.attributes.int('axis'), x?.shape.length ?? out.shape.length);
      if (axis === 0) return from.length === 1 ? null : b.merge(from, 'add', name);
      if (axis !== 1) throw new NotRepresentable(`concatenation along axis ${axis} (only channel concatenation keeps the spatial grid)`);
      // Constant inputs (ENet's zero channels through torch.cat) add channels but no field.
      const fedChannels = fed.reduce((sum, v) => sum + v.info.shape[1], 0);
      return b.merge(from, 'concat', name, { extraChannels: out.shape[1] - fedChannels, outChannels: out.shape[1] });
    }
    case 'InstanceNormalization':
      // Statistics over each whole (n, c) plane: every output reads the whole grid (GroupNorm exports this way).
      return b.global(from[0], 'globalPool', { keepsGrid: true }, name);
    case 'Softmax': case 'LogSoftmax': case 'LayerNormalization': {
      // Softmax from opset 13 normalizes `axis` alone; before 13, and LayerNormalization, every axis from `axis` on.
      const length = x!.shape.length;
      const axis = axisIndex(node, 'axis', node.attributes.int('axis', node.opType === 'LayerNormalization' || node.opset >= 13 ? -1 : 1), length);
      const last = node.opType !== 'LayerNormalization' && node.opset >= 13 ? axis : length - 1;
      const acrossGrid = layout !== null && layout.some((a) => a >= axis && a <= last);
      return acrossGrid ? b.global(from[0], 'globalPool', { keepsGrid: true }, name) : b.elementwise(from[0], node.opType, name);
    }
    case 'Split': {
      // One IR node per piece: a channel split keeps the grid with fewer channels, a split of the grid is a crop.
      const axis = axisIndex(node, 'axis', node.attributes.int('axis', 0), x!.shape.length);
      let offset = 0;
      return step.outputs.map((o, i) => {
        const piece = `${name}:${i}`;
        const start = offset;
        offset += o.shape[axis];
        if (!node.usedOutputs[i]) return null;
        if (axis < 2) return b.elementwise(from[0], 'Split', piece, axis === 1 ? o.shape[1] : undefined);
        const starts = Array(rank).fill(0);
        starts[axis - 2] = start;
        return b.slice(from[0], { start: starts, step: 1, size: o.shape.slice(2) }, piece);
      });
    }
    case 'ArgMax': case 'ArgMin': {
      const axis = axisIndex(node, 'axis', node.attributes.int('axis', 0), x!.shape.length);
      if (axis >= 2) throw new NotRepresentable(`${node.opType} along spatial axis ${axis}`);
      return b.elementwise(from[0], node.opType, name, axis === 1 ? 1 : undefined);
    }
    case 'Gemm': case 'MatMul': {
      // A constant matrix applied to a non-grid last axis (a Linear on channels-last features) is a 1×1 conv.
      const weight = inputs[1];
      const lastAxis = x!.shape.length - 1;
      if (node.opType === 'MatMul' && weight?.value && weight.shape.length === 2 && layout !== null && !layout.includes(lastAxis)) {
        return b.conv(from[0], { kernel: 1, outChannels: weight.shape[1], bias: false, work: work(weight.shape[0], out.shape, out.shape.length - 1) }, name);
      }
      const outFeatures = out.shape[out.shape.length - 1];
      const inFeatures = x!.shape[x!.shape.length - 1];
      // Rows per input sample: a Linear on tokens [N, L, D] does L rows of D·E multiply-accumulates, one on Swin's
      // windows [N·W, L, D] does W·L.
      const rows = work(inFeatures, out.shape, out.shape.length - 1).positions;
      // A product of two activations (attention scores) has no weights and is not a layer's MACs.
      const weighted = weight?.value !== undefined;
      return weighted
        ? b.global(from[0], 'fullyConnected', { outFeatures, inFeatures, rows, bias: inputs[2] !== undefined }, name)
        : b.global(from[0], 'globalPool', {}, name);
    }
    case 'Transpose': {
      const moved = layout && transposedLayout(layout, node.attributes.ints('perm', x!.shape.map((_, i) => x!.shape.length - 1 - i)));
      if (moved && moved.every((a, i) => i === 0 || a > moved[i - 1])) return null;
      if (layout === null) return null;
      throw new NotRepresentable(`Transpose reorders the spatial axes of ${describeValue(x!.shape)}`);
    }
    case 'Flatten': case 'Reshape': case 'Squeeze': case 'Unsqueeze': case 'Expand': case 'Tile': case 'Gather': {
      // Row-major data whose trailing grid dims are unchanged only moves between channels at each position
      // (a channel shuffle, a squeeze of a unit channel axis): the grid passes through.
      if (layout === null) return null;
      const inGrid = gridSizes(x!.shape, layout)!;
      const outGrid = out.shape.length >= rank + 2 ? out.shape.slice(-rank) : null;
      const gatherAxis = node.opType === 'Gather' ? axisIndex(node, 'axis', node.attributes.int('axis', 0), x!.shape.length) : 0;
      if (canonical || x!.shape.length > rank + 2) {
        if (outGrid && outGrid.every((n, i) => n === inGrid[i]) && !layout.includes(gatherAxis)) {
          // A channel gather (x[:, idx]) or a reshape that only moves channels: the grid passes with new channels.
          if (x!.shape.length === rank + 2 && out.shape.length === rank + 2 && out.shape[1] !== x!.shape[1]) {
            return b.elementwise(from[0], node.opType, name, out.shape[1]);
          }
          return null;
        }
      }
      // Positions merged with other axes (Flatten before a classifier, GroupNorm's [N, G, −1] view) are no
      // longer tracked: the field is taken as global, as the normalization or layer that follows makes it.
      if (['Flatten', 'Reshape', 'Squeeze', 'Unsqueeze'].includes(node.opType)) return b.global(from[0], 'globalPool', { keepsGrid: true }, name);
      throw new NotRepresentable(`${node.opType} rearranges the spatial grid ${describeValue(x?.shape)} → ${describeValue(out.shape)}`);
    }
    default:
      if (POINTWISE.has(node.opType)) return b.elementwise(from[0], node.opType, name);
      if (MERGING.has(node.opType)) {
        if (from.length === 1) return b.elementwise(from[0], node.opType, name);
        // Past a global node axis 1 need not hold channels (MViT-V2's attention terms broadcast there): the
        // file's shapes, checked when planning, decide, not the channels the IR last saw.
        const merged = fed.every((v) => v.global || v.layout === null) ? { unchecked: true, outChannels: Math.max(1, out.shape[1] ?? 1) } : {};
        if (fed.every((v) => v.layout === null)) return b.merge(from, 'add', name, merged);
        const sizes = fed.map((v) => gridSizes(v.info.shape, v.layout));
        const target = sizes.reduce<number[] | null>((t, size) => (size && (!t || size.some((n, d) => n > t[d])) ? size : t), null)!;
        // A 1×…×1 map broadcast over the grid (squeeze-and-excitation gates, pooled context) is exactly a
        // nearest upsampling by the grid size.
        const aligned = from.map((source, i) => {
          const size = sizes[i];
          // A value without a grid is past a global node: it reads everything and broadcasts over the grid.
          if (size === null) return source;
          if (size.every((n, d) => n === target[d])) return source;
          if (size.every((n) => n === 1)) return b.upsample(source, { factor: target, mode: 'nearest' }, `${name}:broadcast${i}`);
          throw new NotRepresentable(`${node.opType} broadcasts feature maps of different sizes (${sizes.map((v) => v?.join('×')).join(', ')})`);
        });
        return b.merge(aligned, 'add', name, merged);
      }
      throw new NotRepresentable(`${node.opType} has no receptive-field model`);
  }
}

/** A Pad node's `[before, after]` per grid dimension, the grid at axes `layout` (`pads`, `axes` are load-time constants). */
function gridPads(inputs: (ValueInfo | undefined)[], layout: number[], fullRank: number): [number, number][] {
  const pads = inputs[1]?.value ? Array.from(inputs[1].value.data) : [];
  const axes = inputs[3]?.value ? Array.from(inputs[3].value.data).map((a) => (a < 0 ? a + fullRank : a)) : Array.from({ length: fullRank }, (_, i) => i);
  return layout.map((gridAxis) => {
    const i = axes.indexOf(gridAxis);
    return i < 0 ? [0, 0] : [pads[i], pads[i + axes.length]];
  });
}
