import { OptionError, describeValue } from '../errors.js';
import type { Padding } from '../geometry/padding.js';
import type { ResizeCoordinate, ResizeNearestMode } from './resolve.js';

const RESIZE_COORDINATES: readonly ResizeCoordinate[] = ['half_pixel', 'pytorch_half_pixel', 'asymmetric', 'align_corners', 'tf_half_pixel_for_nearest'];
const NEAREST_MODES: readonly ResizeNearestMode[] = ['floor', 'ceil', 'round_prefer_floor', 'round_prefer_ceil'];
import { checkOptionKeys, optionKeys } from '../options.js';

/**
 * The graph IR every analysis runs on (receptive field, coverage, gridding, cost). It is built from a layer
 * list (JSON or CLI flags, {@link graphFromLayers}), from `nn` modules and from ONNX files; it knows nothing
 * of either. A graph is a DAG of named nodes over `rank` spatial dimensions (1 to 3); every per-dimension
 * option is a number (the same in every dimension) or one number per dimension.
 *
 * Node semantics, per spatial dimension (output index `o`, input index `i`):
 * - `conv`: reads `o·s − padBefore + t·d` for taps `t < k` (PyTorch); `taps` may mark taps as absent.
 * - `convTranspose`: the adjoint of a conv: input `i` writes `i·s − padBefore + t·d` (fractional stride `1/s`).
 * - `maxPool` / `avgPool`: a window like a conv's (max pooling may be dilated), no weights.
 * - `upsample`: resize by any `factor` (output over input size); by default `nearest` reads `⌊o/f⌋`, `linear`
 *   the two neighbours of `(o + ½)/f − ½` (align_corners false); ONNX's other coordinate transforms and
 *   nearest modes are options. A factor that is a ratio of small integers is traced exactly at every phase.
 * - `maxUnpool`: the adjoint of a max pool's window: input `i` may land on `i·s − padBefore + t`, `t < k`.
 * - `pad`: `[before, after]` per dimension; negative amounts crop. Shifts alignment, never widens the field.
 * - `slice`: keeps `start, start + step, …` (ONNX Slice / strided crop): reads `o·step + start`.
 * - `elementwise`: activations, batch norm, dropout, scaling: output `o` reads input `o`.
 * - `add` / `concat`: branches meet; every input must see the same grid (checked by the analysis).
 * `pad`, `slice` and `elementwise` may also change the channel count (`outChannels`: a channel slice, split,
 * gather or pad), which never changes the spatial field.
 * - `globalPool`, `fullyConnected`: every output reads the whole input (global receptive field).
 *
 * @example
 * const b = new GraphBuilder({ rank: 1, channels: 1 });
 * let x = b.input;
 * for (const d of [1, 2, 4]) x = b.conv(x, { kernel: 3, dilation: d });
 * const graph = b.build(); // graph.nodes.length === 4, graph.output === x
 */
export interface Graph {
  /** Number of spatial dimensions, 1 to 3. */
  rank: number;
  /** Nodes in topological order; `nodes[0]` is the input. */
  nodes: GraphNode[];
  /** Name of the node whose receptive field the analyses report (the last node unless chosen). */
  output: string;
}

/** Every node kind of the IR. */
export type NodeOp =
  | 'input' | 'conv' | 'convTranspose' | 'maxPool' | 'avgPool' | 'maxUnpool' | 'upsample' | 'pad' | 'slice'
  | 'elementwise' | 'add' | 'concat' | 'globalPool' | 'fullyConnected';

/** One node after validation: every per-dimension option expanded to `rank` entries. */
export type GraphNode =
  | InputNode | ConvNode | ConvTransposeNode | PoolNode | UnpoolNode | UpsampleNode | PadNode | SliceNode
  | ElementwiseNode | MergeNode | GlobalNode;

interface NodeBase {
  /** Unique name, e.g. `conv1_1`; layer tables and warnings use it. */
  name: string;
  /** Names of the nodes this one reads, in order (empty for the input). */
  inputs: string[];
}

/** The network input; `size` (spatial) and `channels` are needed only for shapes and cost. */
export interface InputNode extends NodeBase {
  op: 'input';
  channels?: number;
  size?: number[];
}

/** A (dilated, strided, grouped) convolution, PyTorch semantics. */
export interface ConvNode extends NodeBase {
  op: 'conv';
  kernel: number[];
  stride: number[];
  dilation: number[];
  /** As the user wrote it; resolved per dimension by `resolvePadding` once the input size is known. */
  padding: Padding;
  groups: number;
  /** Output channels; the input channels come from the producer. Needed only for cost. */
  outChannels?: number;
  bias: boolean;
  /**
   * Which taps are present, row-major over `kernel` (all when absent). A zero tap contributes no path, as a
   * kernel weight that is exactly zero (seed 001's "implicit zeros") does not.
   */
  taps?: boolean[];
  /** Cost only: input channels and output positions per input sample, where the caller knows them better (below). */
  work?: LayerWork;
}

/**
 * What a layer's cost is computed from when the caller knows it better than the tracked grid: an importer that
 * passes a global value on through ops the IR cannot express (Swin's window partition and patch merging) keeps
 * the last grid it saw, while the file's shapes say how many positions the layer really runs on.
 */
export interface LayerWork {
  /** All input channels the weights read (groups × channels per group). */
  inChannels: number;
  /** Positions per input sample the weights are applied at: output positions for a conv, input for a transposed conv. */
  positions: number;
}

/** A transposed (dilated, strided, grouped) convolution, PyTorch semantics. */
export interface ConvTransposeNode extends NodeBase {
  op: 'convTranspose';
  kernel: number[];
  stride: number[];
  dilation: number[];
  /** Explicit `[before, after]` per dimension (transposed convolutions have no `'same'`). */
  padding: [number, number][];
  outputPadding: number[];
  groups: number;
  outChannels?: number;
  bias: boolean;
  /** Cost only, as for a conv ({@link LayerWork}). */
  work?: LayerWork;
}

/** Max or average pooling over a window; max pooling may be dilated. */
export interface PoolNode extends NodeBase {
  op: 'maxPool' | 'avgPool';
  kernel: number[];
  stride: number[];
  dilation: number[];
  padding: Padding;
  /** Output size rounds up (PyTorch `ceil_mode`); only the shape changes, never the field. */
  ceilMode: boolean;
}

/** Places each input value somewhere in its pooling window (ONNX MaxUnpool): a transposed window, no weights. */
export interface UnpoolNode extends NodeBase {
  op: 'maxUnpool';
  kernel: number[];
  stride: number[];
  padding: [number, number][];
  /** Output size per dimension when the model gives one (ONNX `output_shape`). */
  size?: number[];
}

/** Resize by a factor per dimension (fractional stride `1/factor`). */
export interface UpsampleNode extends NodeBase {
  op: 'upsample';
  /** Output size over input size, any positive number. */
  factor: number[];
  mode: 'nearest' | 'linear';
  coordinate: ResizeCoordinate;
  nearestMode: ResizeNearestMode;
  /** Output size per dimension when known (else `⌊input·factor⌋`). */
  size?: number[];
}

/** Constant/reflect padding or cropping (negative amounts): shifts the grid. */
export interface PadNode extends NodeBase {
  op: 'pad';
  pads: [number, number][];
  /** Channels after padding the channel axis too (ENet's zero channels); the input's when absent. */
  outChannels?: number;
}

/** Keeps input positions `start + o·step` (ONNX Slice with steps, a strided crop). */
export interface SliceNode extends NodeBase {
  op: 'slice';
  start: number[];
  step: number[];
  /** Output size per dimension when known (else the slice runs to the end of the input). */
  size?: number[];
  /** Channels kept when the slice also selects channels; the input's when absent. */
  outChannels?: number;
}

/** Output `o` reads input `o` only: activations, normalization, dropout, scaling. */
export interface ElementwiseNode extends NodeBase {
  op: 'elementwise';
  /** What it is, for tables (`relu`, `batchNorm`, ...). */
  kind: string;
  /** Channels of the output when the node selects or adds channels (a channel slice, split, gather, pad). */
  outChannels?: number;
}

/** Branches meet: `add` sums same-shaped inputs, `concat` stacks channels. */
export interface MergeNode extends NodeBase {
  op: 'add' | 'concat';
  /** Channels a concatenation stacks from constants besides its inputs (ENet's zero channels). */
  extraChannels?: number;
  /** The output's channel count when the producer knows it (checked against the inputs'). */
  outChannels?: number;
  /**
   * A sum whose inputs' channel counts are not checked, `outChannels` taken as given: an importer merging values
   * past a global node, where axis 1 no longer holds channels and the file's shapes were checked already.
   */
  unchecked?: boolean;
}

/** Every output reads every input position: global pooling, or a fully connected layer on flattened features. */
export interface GlobalNode extends NodeBase {
  op: 'globalPool' | 'fullyConnected';
  /** Output features of a fully connected layer (cost only). */
  outFeatures?: number;
  /** Input features per row when known (else all of the input's values: a Linear on flattened features). */
  inFeatures?: number;
  /** Rows the layer is applied to for one input (tokens of a transformer; 1 for a classifier head). */
  rows?: number;
  /**
   * The output keeps the input's grid (a normalization over the whole plane: InstanceNorm, GroupNorm, a softmax
   * over positions) though every output reads every input; else the grid collapses to 1×…×1.
   */
  keepsGrid?: boolean;
  bias: boolean;
}

/**
 * One layer as written in a JSON layer list or built by {@link GraphBuilder}. Per-dimension options take a
 * number or one number per dimension; `inputs` defaults to the previous layer, `name` to `<op><index>`.
 *
 * @example
 * { "op": "conv", "kernel": 3, "dilation": 2, "padding": 2, "outChannels": 64 }
 */
export type LayerSpec =
  | ({ op: 'conv' } & ConvNodeOptions & SpecBase)
  | ({ op: 'convTranspose' } & ConvTransposeNodeOptions & SpecBase)
  | ({ op: 'maxPool' | 'avgPool' } & PoolNodeOptions & SpecBase)
  | ({ op: 'maxUnpool' } & UnpoolNodeOptions & SpecBase)
  | ({ op: 'upsample' } & UpsampleNodeOptions & SpecBase)
  | ({ op: 'pad'; pads: number | number[] | [number, number][]; outChannels?: number } & SpecBase)
  | ({ op: 'slice' } & SliceNodeOptions & SpecBase)
  | ({ op: 'elementwise'; kind?: string; outChannels?: number } & SpecBase)
  | ({ op: 'add' | 'concat' } & MergeNodeOptions & SpecBase)
  | ({ op: 'globalPool' } & SpecBase)
  | ({ op: 'fullyConnected' } & GlobalNodeOptions & SpecBase);

interface SpecBase {
  name?: string;
  inputs?: string[];
}

/** A number for every dimension, or one per dimension. */
export type PerDim = number | number[];

/** Options of a `conv` node (PyTorch's Conv arguments; `taps` marks absent taps). */
export interface ConvNodeOptions {
  kernel: PerDim;
  stride?: PerDim;
  dilation?: PerDim;
  padding?: Padding;
  groups?: number;
  outChannels?: number;
  bias?: boolean;
  taps?: boolean[];
  work?: LayerWork;
}

/** Options of a `convTranspose` node (PyTorch's ConvTranspose arguments). */
export interface ConvTransposeNodeOptions {
  kernel: PerDim;
  stride?: PerDim;
  dilation?: PerDim;
  padding?: number | number[] | [number, number][];
  outputPadding?: PerDim;
  groups?: number;
  outChannels?: number;
  bias?: boolean;
  work?: LayerWork;
}

/** Options of a `maxPool` / `avgPool` node. */
export interface PoolNodeOptions {
  kernel: PerDim;
  /** Defaults to the kernel size, as PyTorch. */
  stride?: PerDim;
  dilation?: PerDim;
  padding?: Padding;
  ceilMode?: boolean;
}

/** Options of a `maxUnpool` node (ONNX MaxUnpool's attributes); the stride defaults to the kernel size. */
export interface UnpoolNodeOptions {
  kernel: PerDim;
  stride?: PerDim;
  padding?: number | number[] | [number, number][];
  size?: PerDim;
}

/**
 * Options of an `upsample` node: a factor per dimension (output over input size, any positive number),
 * the interpolation, and ONNX's coordinate transform and nearest rounding (defaults: nearest `asymmetric` +
 * `floor`, linear `half_pixel` — PyTorch's `interpolate` with align_corners false).
 */
export interface UpsampleNodeOptions {
  factor: number | number[];
  mode?: 'nearest' | 'linear';
  coordinate?: ResizeCoordinate;
  nearestMode?: ResizeNearestMode;
  size?: PerDim;
}

/** Options of a `slice` node: first kept index and step per dimension, and the channels it keeps. */
export interface SliceNodeOptions {
  start?: PerDim;
  step?: PerDim;
  size?: PerDim;
  outChannels?: number;
}

/** Options of a fully connected layer (cost only): features in and out per row, rows, bias. */
export interface GlobalNodeOptions {
  outFeatures?: number;
  inFeatures?: number;
  rows?: number;
  keepsGrid?: boolean;
  bias?: boolean;
}

/** Options of a merge: constant channels a concatenation adds, and the output's channel count to check. */
export interface MergeNodeOptions {
  extraChannels?: number;
  outChannels?: number;
  /** See {@link MergeNode.unchecked}. */
  unchecked?: boolean;
}

/** A whole network as JSON: the input and the layers in order (see {@link LayerSpec}). */
export interface GraphSpec {
  rank: number;
  input?: { name?: string; channels?: number; size?: number[] };
  layers: LayerSpec[];
  /** Which node to analyse; the last layer by default. */
  output?: string;
}

const OP = 'graph';

/**
 * Builds a {@link Graph} node by node; every method validates its options and returns the new node's name.
 *
 * @example
 * const b = new GraphBuilder({ rank: 2, channels: 3, size: [224, 224] });
 * const a = b.conv(b.input, { kernel: 3, padding: 1, outChannels: 64 });
 * const c = b.conv(b.input, { kernel: 3, padding: 2, dilation: 2, outChannels: 64 });
 * b.add([a, c]);
 * const g = b.build();
 */
export class GraphBuilder {
  /** Name of the input node. */
  readonly input: string;
  private readonly rank: number;
  private readonly nodes: GraphNode[] = [];
  private readonly names = new Set<string>();

  constructor(options: { rank: number; channels?: number; size?: number[]; name?: string }) {
    checkOptionKeys('GraphBuilder', options, optionKeys<typeof options>({ rank: true, channels: true, size: true, name: true }));
    const rank = options.rank;
    if (!Number.isInteger(rank) || rank < 1 || rank > 3) {
      throw new OptionError(OP, 'rank', `rank ${describeValue(rank)} must be 1, 2 or 3 spatial dimensions`);
    }
    this.rank = rank;
    const name = options.name ?? 'input';
    const node: InputNode = { op: 'input', name, inputs: [] };
    if (options.channels !== undefined) node.channels = positive(name, 'channels', options.channels);
    if (options.size !== undefined) node.size = perDim(name, 'size', options.size, rank, 1);
    this.push(node);
    this.input = name;
  }

  /** A convolution reading `from`. */
  conv(from: string, options: ConvNodeOptions, name?: string): string {
    checkOptionKeys('GraphBuilder.conv', options, optionKeys<typeof options>({ kernel: true, stride: true, dilation: true, padding: true, groups: true, outChannels: true, bias: true, taps: true, work: true }));
    const id = this.claim(name, 'conv');
    const kernel = perDim(id, 'kernel', options.kernel, this.rank, 1);
    const node: ConvNode = {
      op: 'conv', name: id, inputs: [this.known(id, from)], kernel,
      stride: perDim(id, 'stride', options.stride ?? 1, this.rank, 1),
      dilation: perDim(id, 'dilation', options.dilation ?? 1, this.rank, 1),
      padding: options.padding ?? 0,
      groups: positive(id, 'groups', options.groups ?? 1),
      bias: options.bias ?? false,
    };
    if (options.outChannels !== undefined) node.outChannels = positive(id, 'outChannels', options.outChannels);
    if (options.taps !== undefined) node.taps = checkTaps(id, options.taps, kernel);
    if (options.work !== undefined) node.work = checkWork(id, options.work);
    return this.push(node);
  }

  /** A transposed convolution reading `from`. */
  convTranspose(from: string, options: ConvTransposeNodeOptions, name?: string): string {
    checkOptionKeys('GraphBuilder.convTranspose', options, optionKeys<typeof options>({ kernel: true, stride: true, dilation: true, padding: true, outputPadding: true, groups: true, outChannels: true, bias: true, work: true }));
    const id = this.claim(name, 'convTranspose');
    const stride = perDim(id, 'stride', options.stride ?? 1, this.rank, 1);
    const dilation = perDim(id, 'dilation', options.dilation ?? 1, this.rank, 1);
    const node: ConvTransposeNode = {
      op: 'convTranspose', name: id, inputs: [this.known(id, from)],
      kernel: perDim(id, 'kernel', options.kernel, this.rank, 1), stride, dilation,
      padding: pairs(id, 'padding', options.padding ?? 0, this.rank, 0),
      outputPadding: perDim(id, 'outputPadding', options.outputPadding ?? 0, this.rank, 0),
      groups: positive(id, 'groups', options.groups ?? 1),
      bias: options.bias ?? false,
    };
    if (options.outChannels !== undefined) node.outChannels = positive(id, 'outChannels', options.outChannels);
    if (options.work !== undefined) node.work = checkWork(id, options.work);
    return this.push(node);
  }

  /** Max or average pooling reading `from`; the stride defaults to the kernel size. */
  pool(from: string, op: 'maxPool' | 'avgPool', options: PoolNodeOptions, name?: string): string {
    checkOptionKeys('GraphBuilder.pool', options, optionKeys<typeof options>({ kernel: true, stride: true, dilation: true, padding: true, ceilMode: true }));
    const id = this.claim(name, op);
    const kernel = perDim(id, 'kernel', options.kernel, this.rank, 1);
    const dilation = perDim(id, 'dilation', options.dilation ?? 1, this.rank, 1);
    if (op === 'avgPool' && dilation.some((d) => d !== 1)) {
      throw new OptionError(id, 'dilation', `average pooling has no dilation (got ${describeValue(options.dilation)}); use maxPool or dilation 1`);
    }
    return this.push({
      op, name: id, inputs: [this.known(id, from)], kernel,
      stride: perDim(id, 'stride', options.stride ?? kernel, this.rank, 1), dilation,
      padding: options.padding ?? 0, ceilMode: options.ceilMode ?? false,
    });
  }

  /** Unpooling: each input value lands somewhere in its window (ONNX MaxUnpool). */
  maxUnpool(from: string, options: UnpoolNodeOptions, name?: string): string {
    checkOptionKeys('GraphBuilder.maxUnpool', options, optionKeys<UnpoolNodeOptions>({ kernel: true, stride: true, padding: true, size: true }));
    const id = this.claim(name, 'maxUnpool');
    const kernel = perDim(id, 'kernel', options.kernel, this.rank, 1);
    const node: UnpoolNode = {
      op: 'maxUnpool', name: id, inputs: [this.known(id, from)], kernel,
      stride: perDim(id, 'stride', options.stride ?? kernel, this.rank, 1),
      padding: pairs(id, 'padding', options.padding ?? 0, this.rank, 0),
    };
    if (options.size !== undefined) node.size = perDim(id, 'size', options.size, this.rank, 1);
    return this.push(node);
  }

  /** Resize by any positive factor per dimension. */
  upsample(from: string, options: UpsampleNodeOptions, name?: string): string {
    checkOptionKeys('GraphBuilder.upsample', options, optionKeys<typeof options>({ factor: true, mode: true, coordinate: true, nearestMode: true, size: true }));
    const id = this.claim(name, 'upsample');
    const mode = options.mode ?? 'nearest';
    if (mode !== 'nearest' && mode !== 'linear') {
      throw new OptionError(id, 'mode', `mode ${describeValue(mode)} must be "nearest" or "linear"`);
    }
    const coordinate = options.coordinate ?? (mode === 'nearest' ? 'asymmetric' : 'half_pixel');
    if (!RESIZE_COORDINATES.includes(coordinate)) {
      throw new OptionError(id, 'coordinate', `coordinate ${describeValue(coordinate)} must be one of ${RESIZE_COORDINATES.join(', ')}`);
    }
    const nearestMode = options.nearestMode ?? 'floor';
    if (!NEAREST_MODES.includes(nearestMode)) {
      throw new OptionError(id, 'nearestMode', `nearestMode ${describeValue(nearestMode)} must be one of ${NEAREST_MODES.join(', ')}`);
    }
    const factor = typeof options.factor === 'number' ? Array(this.rank).fill(options.factor) : options.factor;
    if (!Array.isArray(factor) || factor.length !== this.rank || !factor.every((f) => typeof f === 'number' && f > 0 && f <= 1e6 && Number.isFinite(f))) {
      throw new OptionError(id, 'factor', `factor ${describeValue(options.factor)} must be a positive number (at most 1e6) or ${this.rank} of them (one per spatial dimension)`);
    }
    const node: UpsampleNode = { op: 'upsample', name: id, inputs: [this.known(id, from)], factor: factor.slice(), mode, coordinate, nearestMode };
    if (options.size !== undefined) node.size = perDim(id, 'size', options.size, this.rank, 1);
    return this.push(node);
  }

  /** Pad (positive) or crop (negative) by `[before, after]` per dimension; `outChannels` when channels are padded too. */
  pad(from: string, pads: number | number[] | [number, number][], name?: string, outChannels?: number): string {
    const id = this.claim(name, 'pad');
    const node: PadNode = { op: 'pad', name: id, inputs: [this.known(id, from)], pads: pairs(id, 'pads', pads, this.rank, -Infinity) };
    if (outChannels !== undefined) node.outChannels = positive(id, 'outChannels', outChannels);
    return this.push(node);
  }

  /** Keep positions `start + o·step`. */
  slice(from: string, options: SliceNodeOptions, name?: string): string {
    checkOptionKeys('GraphBuilder.slice', options, optionKeys<typeof options>({ start: true, step: true, size: true, outChannels: true }));
    const id = this.claim(name, 'slice');
    const node: SliceNode = {
      op: 'slice', name: id, inputs: [this.known(id, from)],
      start: perDim(id, 'start', options.start ?? 0, this.rank, 0),
      step: perDim(id, 'step', options.step ?? 1, this.rank, 1),
    };
    if (options.size !== undefined) node.size = perDim(id, 'size', options.size, this.rank, 1);
    if (options.outChannels !== undefined) node.outChannels = positive(id, 'outChannels', options.outChannels);
    return this.push(node);
  }

  /** A pass-through node (activation, normalization, dropout), or a channel selection with `outChannels`. */
  elementwise(from: string, kind = 'elementwise', name?: string, outChannels?: number): string {
    const id = this.claim(name, kind);
    const node: ElementwiseNode = { op: 'elementwise', name: id, inputs: [this.known(id, from)], kind };
    if (outChannels !== undefined) node.outChannels = positive(id, 'outChannels', outChannels);
    return this.push(node);
  }

  /** Branches meeting by sum (`add`) or channel concatenation (`concat`, optionally with constant channels). */
  merge(from: string[], op: 'add' | 'concat' = 'add', name?: string, options: MergeNodeOptions = {}): string {
    checkOptionKeys('GraphBuilder.merge', options, optionKeys<MergeNodeOptions>({ extraChannels: true, outChannels: true, unchecked: true }));
    const id = this.claim(name, op);
    if (!Array.isArray(from) || from.length < 1) {
      throw new OptionError(id, 'inputs', `${op} needs at least one input node name, got ${describeValue(from)}`);
    }
    const node: MergeNode = { op, name: id, inputs: from.map((f) => this.known(id, f)) };
    if (options.extraChannels !== undefined && options.extraChannels !== 0) node.extraChannels = positive(id, 'extraChannels', options.extraChannels);
    if (options.outChannels !== undefined) node.outChannels = positive(id, 'outChannels', options.outChannels);
    if (options.unchecked !== undefined) {
      if (typeof options.unchecked !== 'boolean') throw new OptionError(id, 'unchecked', `unchecked must be true or false, got ${describeValue(options.unchecked)}`);
      if (options.unchecked) node.unchecked = true;
    }
    return this.push(node);
  }

  /** Shorthand for `merge(from, 'add')`. */
  add(from: string[], name?: string): string {
    return this.merge(from, 'add', name);
  }

  /** Global pooling or a fully connected layer: the receptive field becomes the whole input. */
  global(from: string, op: 'globalPool' | 'fullyConnected' = 'globalPool', options: GlobalNodeOptions = {}, name?: string): string {
    checkOptionKeys('GraphBuilder.global', options, optionKeys<typeof options>({ outFeatures: true, inFeatures: true, rows: true, keepsGrid: true, bias: true }));
    const id = this.claim(name, op);
    const node: GlobalNode = { op, name: id, inputs: [this.known(id, from)], bias: options.bias ?? op === 'fullyConnected' };
    if (options.outFeatures !== undefined) node.outFeatures = positive(id, 'outFeatures', options.outFeatures);
    if (options.inFeatures !== undefined) node.inFeatures = positive(id, 'inFeatures', options.inFeatures);
    if (options.rows !== undefined) node.rows = positive(id, 'rows', options.rows);
    if (options.keepsGrid) node.keepsGrid = true;
    return this.push(node);
  }

  /** Adds one layer from a {@link LayerSpec}; `inputs` defaults to `[previous]`. */
  layer(spec: LayerSpec, previous: string): string {
    if (spec === null || typeof spec !== 'object') {
      throw new OptionError(OP, 'layers', `a layer must be an object with an "op", got ${describeValue(spec)}`);
    }
    const from = spec.inputs ?? [previous];
    const single = (): string => {
      if (from.length !== 1) throw new OptionError(spec.name ?? spec.op, 'inputs', `${spec.op} reads exactly one input, got ${describeValue(from)}`);
      return from[0];
    };
    switch (spec.op) {
      case 'conv': return this.conv(single(), layerOptions(spec), spec.name);
      case 'convTranspose': return this.convTranspose(single(), layerOptions(spec), spec.name);
      case 'maxPool': case 'avgPool': return this.pool(single(), spec.op, layerOptions(spec), spec.name);
      case 'maxUnpool': return this.maxUnpool(single(), layerOptions(spec), spec.name);
      case 'upsample': return this.upsample(single(), layerOptions(spec), spec.name);
      case 'pad': return this.pad(single(), spec.pads, spec.name, spec.outChannels);
      case 'slice': return this.slice(single(), layerOptions(spec), spec.name);
      case 'elementwise': return this.elementwise(single(), spec.kind, spec.name, spec.outChannels);
      case 'add': case 'concat': return this.merge(from, spec.op, spec.name, layerOptions(spec));
      case 'globalPool': return this.global(single(), 'globalPool', {}, spec.name);
      case 'fullyConnected': return this.global(single(), 'fullyConnected', layerOptions(spec), spec.name);
      default:
        throw new OptionError(OP, 'op', `unknown layer op ${describeValue((spec as { op: unknown }).op)}; valid ops: conv, convTranspose, maxPool, avgPool, maxUnpool, upsample, pad, slice, elementwise, add, concat, globalPool, fullyConnected`);
    }
  }

  /** The op of an added node (`undefined` for an unknown name). @example b.opOf(b.input) // 'input' */
  opOf(name: string): NodeOp | undefined {
    return this.nodes.find((n) => n.name === name)?.op;
  }

  /** The finished graph; `output` defaults to the last node added. */
  build(output?: string): Graph {
    const last = this.nodes[this.nodes.length - 1].name;
    const chosen = output === undefined ? last : this.known(OP, output);
    return { rank: this.rank, nodes: this.nodes.slice(), output: chosen };
  }

  private push(node: GraphNode): string {
    this.nodes.push(node);
    this.names.add(node.name);
    return node.name;
  }

  private claim(name: string | undefined, prefix: string): string {
    if (name !== undefined) {
      if (typeof name !== 'string' || name.length === 0 || this.names.has(name)) {
        throw new OptionError(OP, 'name', `node name ${describeValue(name)} must be a non-empty string not used by another node`);
      }
      return name;
    }
    let i = this.nodes.length;
    while (this.names.has(`${prefix}${i}`)) i++;
    return `${prefix}${i}`;
  }

  private known(op: string, name: string): string {
    if (!this.names.has(name)) {
      throw new OptionError(op, 'inputs', `input ${describeValue(name)} is not an earlier node; known nodes: ${[...this.names].join(', ')}`);
    }
    return name;
  }
}

/**
 * Builds a graph from a JSON layer list (the format `atrous rf --layers file.json` reads).
 *
 * @example
 * graphFromLayers({ rank: 1, layers: [{ op: 'conv', kernel: 3 }, { op: 'conv', kernel: 3, dilation: 2 }] })
 */
export function graphFromLayers(spec: GraphSpec): Graph {
  if (spec === null || typeof spec !== 'object' || !Array.isArray(spec.layers)) {
    throw new OptionError(OP, 'layers', `a layer list is { "rank": 1|2|3, "input"?: {...}, "layers": [...] }, got ${describeValue(spec)}`);
  }
  const builder = new GraphBuilder({ rank: spec.rank, ...(spec.input ?? {}) });
  let previous = builder.input;
  for (const layer of spec.layers) previous = builder.layer(layer, previous);
  return builder.build(spec.output);
}

/** Options of {@link convStack}: a chain of convolutions, one entry per layer in each list. */
export interface ConvStackOptions {
  /** Kernel size of every layer, or `kernels` per layer. */
  kernel?: number;
  kernels?: number[];
  dilations: number[];
  strides?: number[];
  /** Padding per layer (symmetric); omitted means none. */
  paddings?: number[];
  rank?: number;
  channels?: number;
  size?: number[];
}

/** A layer spec's own options: the spec without the keys that place it in the graph (`op`, `name`, `inputs`). */
function layerOptions<S extends { op: string; name?: string; inputs?: string[] }>(spec: S): Omit<S, 'op' | 'name' | 'inputs'> {
  const { op: _op, name: _name, inputs: _inputs, ...options } = spec;
  return options;
}

/**
 * A plain chain of convolutions (the seeds' stacks): `convStack({ kernel: 3, dilations: [1, 2, 4, 8, 16] })`.
 *
 * @example receptiveField(convStack({ kernel: 3, dilations: [1, 2, 4, 8, 16] })).output.rf // [63]
 */
export function convStack(options: ConvStackOptions): Graph {
  checkOptionKeys('convStack', options, optionKeys<typeof options>({ kernel: true, kernels: true, dilations: true, strides: true, paddings: true, rank: true, channels: true, size: true }));
  const n = options.dilations.length;
  const kernels = options.kernels ?? Array(n).fill(options.kernel ?? 3);
  for (const [argument, list] of [['kernels', kernels], ['strides', options.strides], ['paddings', options.paddings]] as const) {
    if (list !== undefined && list.length !== n) {
      throw new OptionError('convStack', argument, `${argument} ${describeValue(list)} must have one entry per layer (${n}, as many as dilations)`);
    }
  }
  const builder = new GraphBuilder({ rank: options.rank ?? 1, channels: options.channels, size: options.size });
  let x = builder.input;
  for (let i = 0; i < n; i++) {
    x = builder.conv(x, {
      kernel: kernels[i], dilation: options.dilations[i], stride: options.strides?.[i] ?? 1,
      padding: options.paddings?.[i] ?? 0, outChannels: options.channels,
    }, `conv${i + 1}`);
  }
  return builder.build();
}

/** The node with this name (a typed error listing the names when there is none). @example nodeByName(g, 'conv1').op // 'conv' */
export function nodeByName(graph: Graph, name: string): GraphNode {
  const node = graph.nodes.find((n) => n.name === name);
  if (!node) throw new OptionError(OP, 'node', `no node named ${describeValue(name)}; nodes: ${graph.nodes.map((n) => n.name).join(', ')}`);
  return node;
}

function perDim(op: string, argument: string, value: unknown, rank: number, min: number): number[] {
  const values = typeof value === 'number' ? Array(rank).fill(value) : value;
  if (!Array.isArray(values) || values.length !== rank || !values.every((v) => Number.isInteger(v) && v >= min)) {
    throw new OptionError(op, argument, `${argument} ${describeValue(value)} must be an integer ≥ ${min} or ${rank} of them (one per spatial dimension)`);
  }
  return values.slice();
}

function pairs(op: string, argument: string, value: unknown, rank: number, min: number): [number, number][] {
  const entries = typeof value === 'number' ? Array(rank).fill(value) : value;
  const ok = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= min;
  if (Array.isArray(entries) && entries.length === rank) {
    const out: [number, number][] = [];
    for (const e of entries) {
      if (ok(e)) out.push([e, e]);
      else if (Array.isArray(e) && e.length === 2 && ok(e[0]) && ok(e[1])) out.push([e[0], e[1]]);
      else break;
    }
    if (out.length === rank) return out;
  }
  const bound = min === -Infinity ? 'integers' : `integers ≥ ${min}`;
  throw new OptionError(op, argument, `${argument} ${describeValue(value)} must be a number, one per spatial dimension (${rank}), or [before, after] pairs of ${bound}`);
}

function positive(op: string, argument: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 1) {
    throw new OptionError(op, argument, `${argument} ${describeValue(value)} must be a positive integer`);
  }
  return value as number;
}

function checkWork(op: string, work: unknown): LayerWork {
  if (typeof work !== 'object' || work === null) throw new OptionError(op, 'work', `work must be { inChannels, positions }, got ${describeValue(work)}`);
  checkOptionKeys(op, work as Record<string, unknown>, optionKeys<LayerWork>({ inChannels: true, positions: true }));
  const { inChannels, positions } = work as LayerWork;
  return { inChannels: positive(op, 'work.inChannels', inChannels), positions: positive(op, 'work.positions', positions) };
}

function checkTaps(op: string, taps: unknown, kernel: number[]): boolean[] {
  const count = kernel.reduce((a, b) => a * b, 1);
  if (!Array.isArray(taps) || taps.length !== count || !taps.every((t) => typeof t === 'boolean')) {
    throw new OptionError(op, 'taps', `taps must be ${count} booleans (row-major over kernel ${kernel.join('×')}), got ${describeValue(taps)}`);
  }
  return taps.slice();
}
