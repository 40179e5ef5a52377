import { OptionError, ShapeError, describeValue } from '../errors.js';
import { convOutputSize, effectiveKernelSize, transposedOutputSize } from '../geometry/conv-arithmetic.js';
import { resolvePadding } from '../geometry/padding.js';
import { poolOutputSize } from '../geometry/pool-arithmetic.js';
import type { Graph, GraphNode } from './graph.js';

/**
 * How one node reads its input along one spatial dimension, with padding resolved to numbers:
 * - `window`: output `o` reads `o·stride − padBefore + t·dilation`, `t < kernel` (conv, pools);
 * - `transposed`: input `i` feeds output `i·stride − padBefore + t·dilation` (transposed conv);
 * - `upsample`: a resize by any factor: output `o` reads `⌊(scale·o + shiftLo)/divisor⌋ … ⌊(scale·o + shiftHi)/divisor⌋`
 *   (nearest: one index, linear: the two neighbours of the source coordinate; see {@link resizeWindow});
 * - `shift`: output `o` reads `o·step + start` (pad, crop, slice, and `step 1, start 0` for pass-through);
 * - `global`: every output reads every input.
 */
export type DimWindow =
  | { kind: 'window'; kernel: number; stride: number; dilation: number; padBefore: number }
  | { kind: 'transposed'; kernel: number; stride: number; dilation: number; padBefore: number }
  | ResizeWindow
  | { kind: 'shift'; step: number; start: number }
  | { kind: 'global' };

/**
 * A resize along one dimension in integers: output `o` reads input indices `⌊(scale·o + shiftLo)/divisor⌋`
 * through `⌊(scale·o + shiftHi)/divisor⌋`. `factor` is output size over input size, `mode` the interpolation.
 * When the factor is not a ratio of small integers, `exact` is false and the range is widened by one index on
 * each side so that it bounds what the floating-point resize reads.
 */
export interface ResizeWindow {
  kind: 'upsample';
  factor: number;
  mode: 'nearest' | 'linear';
  scale: number;
  divisor: number;
  shiftLo: number;
  shiftHi: number;
  exact: boolean;
}

/** A node with its inputs as indices, its windows per dimension, and its output shape when the input size is known. */
export interface ResolvedNode {
  node: GraphNode;
  index: number;
  /** Indices of the nodes it reads, into `ResolvedGraph.nodes`. */
  inputs: number[];
  /** One window per spatial dimension (empty for the input node). */
  windows: DimWindow[];
  /** Channels of the output, when known. */
  channels?: number;
  /** Spatial output size, when the input size is known. */
  size?: number[];
}

/** A graph ready for analysis: nodes in topological order with resolved windows and shapes. */
export interface ResolvedGraph {
  rank: number;
  nodes: ResolvedNode[];
  /** Index of the analysed output node. */
  output: number;
}

const IDENTITY: DimWindow = Object.freeze({ kind: 'shift', step: 1, start: 0 }) as DimWindow;

/**
 * Resolves padding rules and shapes node by node. With an unknown input size, `'same'` padding is resolved
 * for a size that the stride divides (where it does not depend on the size).
 *
 * @example resolveGraph(convStack({ kernel: 3, dilations: [1, 2] })).nodes[2].windows[0] // { kind: 'window', kernel: 3, stride: 1, dilation: 2, padBefore: 0 }
 */
export function resolveGraph(graph: Graph): ResolvedGraph {
  const index = new Map<string, number>();
  const nodes: ResolvedNode[] = [];
  graph.nodes.forEach((node, i) => {
    if (index.has(node.name)) throw new OptionError('graph', 'name', `node name ${describeValue(node.name)} is used twice`);
    const inputs = node.inputs.map((name) => {
      const at = index.get(name);
      if (at === undefined) throw new OptionError(node.name, 'inputs', `input ${describeValue(name)} is not an earlier node`);
      return at;
    });
    if ((node.op === 'input') !== (i === 0)) {
      throw new OptionError('graph', 'nodes', `the first node, and only the first, must be the input (node ${i} is ${describeValue(node.name)}, op ${node.op})`);
    }
    nodes.push(resolveNode(graph.rank, node, i, inputs.map((j) => nodes[j])));
    index.set(node.name, i);
  });
  const output = index.get(graph.output);
  if (output === undefined) throw new OptionError('graph', 'output', `output ${describeValue(graph.output)} is not a node`);
  return { rank: graph.rank, nodes, output };
}

function resolveNode(rank: number, node: GraphNode, index: number, inputs: ResolvedNode[]): ResolvedNode {
  const base = { node, index, inputs: inputs.map((n) => n.index) };
  const from = inputs[0];
  const inSize = from?.size;
  switch (node.op) {
    case 'input':
      return { ...base, windows: [], channels: node.channels, size: node.size };
    case 'conv': case 'maxPool': case 'avgPool': {
      const nominal = inSize ?? node.kernel.map((k, i) => node.stride[i] * effectiveKernelSize(k, node.dilation[i]));
      const pads = resolvePadding(node.name, node.padding, { inSize: nominal, kernelSize: node.kernel, stride: node.stride, dilation: node.dilation });
      const windows: DimWindow[] = node.kernel.map((kernel, i) => ({
        kind: 'window', kernel, stride: node.stride[i], dilation: node.dilation[i], padBefore: pads.before[i],
      }));
      let size: number[] | undefined;
      if (inSize) {
        size = node.kernel.map((k, i) => node.op === 'conv'
          ? convOutputSize(inSize[i], k, node.stride[i], node.dilation[i], pads.before[i], pads.after[i])
          : poolOutputSize(inSize[i], k, node.stride[i], node.dilation[i], pads.before[i], pads.after[i], node.ceilMode));
        checkSize(node, size, inSize);
      }
      if (node.op === 'conv' && from.channels !== undefined && from.channels % node.groups !== 0) {
        throw new ShapeError(node.name, 'groups', `groups ${node.groups} does not divide the ${from.channels} input channels`);
      }
      if (node.op === 'conv' && node.outChannels !== undefined && node.outChannels % node.groups !== 0) {
        throw new ShapeError(node.name, 'groups', `groups ${node.groups} does not divide the ${node.outChannels} output channels`);
      }
      const channels = node.op === 'conv' ? node.outChannels : from.channels;
      return { ...base, windows, channels, size };
    }
    case 'convTranspose': {
      const windows: DimWindow[] = node.kernel.map((kernel, i) => ({
        kind: 'transposed', kernel, stride: node.stride[i], dilation: node.dilation[i], padBefore: node.padding[i][0],
      }));
      const size = inSize?.map((n, i) => transposedOutputSize(n, node.kernel[i], node.stride[i], node.dilation[i], node.padding[i][0], node.padding[i][1], node.outputPadding[i]));
      if (size && inSize) checkSize(node, size, inSize);
      return { ...base, windows, channels: node.outChannels, size };
    }
    case 'maxUnpool': {
      const windows: DimWindow[] = node.kernel.map((kernel, i) => ({
        kind: 'transposed', kernel, stride: node.stride[i], dilation: 1, padBefore: node.padding[i][0],
      }));
      const size = node.size ?? inSize?.map((n, i) => (n - 1) * node.stride[i] + node.kernel[i] - node.padding[i][0] - node.padding[i][1]);
      if (size && inSize) checkSize(node, size, inSize);
      return { ...base, windows, channels: from.channels, size };
    }
    case 'upsample': {
      const size = node.size ?? inSize?.map((n, i) => Math.floor(n * node.factor[i] + 1e-9));
      if (size && inSize) checkSize(node, size, inSize);
      const windows = node.factor.map((factor, i) => resizeWindow(factor, node.mode, node.coordinate, node.nearestMode, inSize?.[i], size?.[i]));
      return { ...base, windows, channels: from.channels, size };
    }
    case 'pad': {
      const size = inSize?.map((n, i) => n + node.pads[i][0] + node.pads[i][1]);
      if (size && inSize) checkSize(node, size, inSize);
      return { ...base, windows: node.pads.map(([before]) => ({ kind: 'shift', step: 1, start: -before })), channels: node.outChannels ?? from.channels, size };
    }
    case 'slice': {
      const size = node.size ?? inSize?.map((n, i) => Math.ceil((n - node.start[i]) / node.step[i]));
      if (size && inSize) checkSize(node, size, inSize);
      return { ...base, windows: node.start.map((start, i) => ({ kind: 'shift', step: node.step[i], start })), channels: node.outChannels ?? from.channels, size };
    }
    case 'elementwise':
      return { ...base, windows: Array(rank).fill(IDENTITY), channels: node.outChannels ?? from.channels, size: inSize };
    case 'add': case 'concat': {
      // A 1×…×1 input (a pooled map, a global node) broadcasts over the others' grid, as in ONNX.
      const sizes = inputs.map((n) => n.size);
      const grids = sizes.filter((s) => s !== undefined && s.some((n) => n !== 1)) as number[][];
      if (grids.some((s) => s.join() !== grids[0].join())) {
        throw new ShapeError(node.name, 'inputs', `${node.op} needs inputs of one spatial size (or 1×…×1), got ${inputs.map((n) => `${n.node.name} ${n.size?.join('×') ?? '?'}`).join(', ')}`);
      }
      const channels = mergedChannels(node, inputs);
      return { ...base, windows: Array(rank).fill(IDENTITY), channels, size: sizes.every((s) => s !== undefined) ? grids[0] ?? sizes[0] : undefined };
    }
    case 'globalPool': case 'fullyConnected':
      return {
        ...base, windows: Array(rank).fill({ kind: 'global' }),
        channels: node.op === 'globalPool' ? from.channels : node.outFeatures,
        size: node.keepsGrid ? inSize : Array(rank).fill(1),
      };
  }
}

/**
 * Channels after branches meet: a sum needs equal channel counts (or 1, broadcast), as ONNX's Add does; a
 * concatenation adds them, plus the channels of constants it stacks (`extraChannels`).
 */
function mergedChannels(node: Extract<GraphNode, { op: 'add' | 'concat' }>, inputs: ResolvedNode[]): number | undefined {
  const known = inputs.map((n) => n.channels);
  if (known.some((c) => c === undefined)) return node.op === 'concat' && node.outChannels !== undefined ? node.outChannels : undefined;
  const counts = known as number[];
  if (node.op === 'concat') {
    const total = counts.reduce((a, b) => a + b, 0) + (node.extraChannels ?? 0);
    if (node.outChannels !== undefined && node.outChannels !== total) {
      throw new ShapeError(node.name, 'outChannels', `concat of ${inputs.map((n) => `${n.node.name} (${n.channels} channels)`).join(', ')}${node.extraChannels ? ` and ${node.extraChannels} constant channels` : ''} has ${total} channels, not ${node.outChannels}`);
    }
    return total;
  }
  const widest = Math.max(...counts);
  if (node.unchecked) return node.outChannels ?? widest;
  if (counts.some((c) => c !== widest && c !== 1)) {
    throw new ShapeError(node.name, 'inputs', `add needs inputs with one channel count (or 1, broadcast), got ${inputs.map((n) => `${n.node.name} ${n.channels}`).join(', ')}`);
  }
  return widest;
}

/** Largest numerator or denominator of a resize factor whose phases are traced exactly. */
const MAX_FRACTION_TERM = 1 << 16;

/**
 * The integer read rule of a resize (see {@link ResizeWindow}) by `factor` = output/input size, for ONNX's
 * coordinate transforms (`half_pixel`, `pytorch_half_pixel`, `asymmetric`, `align_corners`,
 * `tf_half_pixel_for_nearest`) and nearest modes. The source coordinate `x = (a·o + b)/c` is written in
 * integers, then nearest rounds it (floor, ceil, or to the nearest with ties either way) and linear reads
 * `⌊x⌋ … ⌈x⌉`.
 *
 * @example resizeWindow(2, 'nearest', 'asymmetric', 'floor') // { scale: 1, divisor: 2, shiftLo: 0, shiftHi: 0, ... }
 */
export function resizeWindow(
  factor: number, mode: 'nearest' | 'linear', coordinate: ResizeCoordinate = mode === 'nearest' ? 'asymmetric' : 'half_pixel',
  nearestMode: ResizeNearestMode = 'floor', inSize?: number, outSize?: number,
): ResizeWindow {
  let ratio: [number, number] | null;
  if (coordinate === 'align_corners') {
    // x = o·(in − 1)/(out − 1): the size, not the factor, fixes the ratio (a single output reads index 0).
    ratio = inSize !== undefined && outSize !== undefined ? (outSize > 1 ? [outSize - 1, inSize - 1] : [1, 0]) : fraction(factor);
  } else {
    ratio = fraction(factor);
  }
  const exact = ratio !== null;
  const [num, den] = ratio ?? approximateFraction(factor);
  // x = (a·o + b)/c for each coordinate transform, with factor = num/den.
  let a = den, b = 0, c = num;
  if (coordinate === 'half_pixel' || (coordinate === 'pytorch_half_pixel' && (outSize === undefined || outSize > 1))) {
    a = 2 * den; b = den - num; c = 2 * num;
  } else if (coordinate === 'pytorch_half_pixel') {
    a = 0; b = 0; c = 1;
  } else if (coordinate === 'tf_half_pixel_for_nearest') {
    a = 2 * den; b = den; c = 2 * num;
  }
  if (c === 0) { a = 0; b = 0; c = 1; }
  let w: Omit<ResizeWindow, 'kind' | 'factor' | 'mode' | 'exact'>;
  if (mode === 'linear') w = { scale: a, divisor: c, shiftLo: b, shiftHi: b + c - 1 };
  else if (nearestMode === 'floor') w = { scale: a, divisor: c, shiftLo: b, shiftHi: b };
  else if (nearestMode === 'ceil') w = { scale: a, divisor: c, shiftLo: b + c - 1, shiftHi: b + c - 1 };
  else if (nearestMode === 'round_prefer_ceil') w = { scale: 2 * a, divisor: 2 * c, shiftLo: 2 * b + c, shiftHi: 2 * b + c };
  else w = { scale: 2 * a, divisor: 2 * c, shiftLo: 2 * b + c - 1, shiftHi: 2 * b + c - 1 };
  if (!exact) w = { ...w, shiftLo: w.shiftLo - w.divisor, shiftHi: w.shiftHi + w.divisor };
  const g = gcd(gcd(w.scale, w.divisor), gcd(Math.abs(w.shiftLo), Math.abs(w.shiftHi)));
  if (g > 1) w = { scale: w.scale / g, divisor: w.divisor / g, shiftLo: w.shiftLo / g, shiftHi: w.shiftHi / g };
  return { kind: 'upsample', factor, mode, ...w, exact };
}

/** Coordinate transforms of a resize (ONNX `coordinate_transformation_mode`). */
export type ResizeCoordinate = 'half_pixel' | 'pytorch_half_pixel' | 'asymmetric' | 'align_corners' | 'tf_half_pixel_for_nearest';
/** How nearest resizing rounds the source coordinate (ONNX `nearest_mode`). */
export type ResizeNearestMode = 'floor' | 'ceil' | 'round_prefer_floor' | 'round_prefer_ceil';

/**
 * The input indices `[lo, hi]` output `o` reads through a resize window.
 *
 * @example resizeReads(resizeWindow(2, 'linear'), 1) // [0, 1]
 */
export function resizeReads(w: ResizeWindow, o: number): [number, number] {
  return [Math.floor((w.scale * o + w.shiftLo) / w.divisor), Math.floor((w.scale * o + w.shiftHi) / w.divisor)];
}

/** `num/den` equal to `x` to float32 precision with both terms at most {@link MAX_FRACTION_TERM}, or null. */
function fraction(x: number): [number, number] | null {
  const [num, den] = approximateFraction(x);
  return Math.abs(num / den - x) <= 1e-7 * x && num <= MAX_FRACTION_TERM && den <= MAX_FRACTION_TERM ? [num, den] : null;
}

/** The continued-fraction convergent of `x` closest to it with terms at most {@link MAX_FRACTION_TERM}. */
function approximateFraction(x: number): [number, number] {
  let [h0, h1, k0, k1] = [0, 1, 1, 0];
  let rest = x;
  let best: [number, number] = [Math.max(1, Math.round(x)), 1];
  for (let i = 0; i < 40; i++) {
    const whole = Math.floor(rest);
    const h = whole * h1 + h0, k = whole * k1 + k0;
    if (h > MAX_FRACTION_TERM || k > MAX_FRACTION_TERM) break;
    [h0, h1, k0, k1] = [h1, h, k1, k];
    if (h > 0) best = [h, k];
    if (Math.abs(h / k - x) <= 1e-12 * x) break;
    const frac = rest - whole;
    if (frac < 1e-12) break;
    rest = 1 / frac;
  }
  return best;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return Math.abs(a);
}

function checkSize(node: GraphNode, size: number[], inSize: number[]): void {
  if (size.some((n) => n < 1)) {
    throw new ShapeError(node.name, 'input', `${node.op} ${describeValue(node.name)} leaves an output of ${size.join('×')} from an input of ${inSize.join('×')}; the window is larger than the padded input — add padding or a larger input`);
  }
}
