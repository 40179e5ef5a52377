import { OptionError, ShapeError, describeValue } from '../errors.js';
import { convOutputSize, effectiveKernelSize, transposedOutputSize } from '../geometry/conv-arithmetic.js';
import { resolvePadding } from '../geometry/padding.js';
import { poolOutputSize } from '../geometry/pool-arithmetic.js';
import type { Graph, GraphNode } from './graph.js';

/**
 * How one node reads its input along one spatial dimension, with padding resolved to numbers:
 * - `window`: output `o` reads `o·stride − padBefore + t·dilation`, `t < kernel` (conv, pools);
 * - `transposed`: input `i` feeds output `i·stride − padBefore + t·dilation` (transposed conv);
 * - `upsample`: nearest reads `⌊o/f⌋`, linear the neighbours of `(o + ½)/f − ½`;
 * - `shift`: output `o` reads `o·step + start` (pad, crop, slice, and `step 1, start 0` for pass-through);
 * - `global`: every output reads every input.
 */
export type DimWindow =
  | { kind: 'window'; kernel: number; stride: number; dilation: number; padBefore: number }
  | { kind: 'transposed'; kernel: number; stride: number; dilation: number; padBefore: number }
  | { kind: 'upsample'; factor: number; mode: 'nearest' | 'linear' }
  | { kind: 'shift'; step: number; start: number }
  | { kind: 'global' };

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
    case 'upsample':
      return {
        ...base, windows: node.factor.map((factor) => ({ kind: 'upsample', factor, mode: node.mode })),
        channels: from.channels, size: inSize?.map((n, i) => n * node.factor[i]),
      };
    case 'pad': {
      const size = inSize?.map((n, i) => n + node.pads[i][0] + node.pads[i][1]);
      if (size && inSize) checkSize(node, size, inSize);
      return { ...base, windows: node.pads.map(([before]) => ({ kind: 'shift', step: 1, start: -before })), channels: from.channels, size };
    }
    case 'slice': {
      const size = node.size ?? inSize?.map((n, i) => Math.ceil((n - node.start[i]) / node.step[i]));
      if (size && inSize) checkSize(node, size, inSize);
      return { ...base, windows: node.start.map((start, i) => ({ kind: 'shift', step: node.step[i], start })), channels: from.channels, size };
    }
    case 'elementwise':
      return { ...base, windows: Array(rank).fill(IDENTITY), channels: from.channels, size: inSize };
    case 'add': case 'concat': {
      const sizes = inputs.map((n) => n.size);
      if (sizes.every((s) => s !== undefined) && sizes.some((s) => s!.join() !== sizes[0]!.join())) {
        throw new ShapeError(node.name, 'inputs', `${node.op} needs inputs of one spatial size, got ${inputs.map((n) => `${n.node.name} ${n.size!.join('×')}`).join(', ')}`);
      }
      const known = inputs.map((n) => n.channels);
      const channels = known.some((c) => c === undefined) ? undefined
        : node.op === 'add' ? known[0] : known.reduce((a, b) => a! + b!, 0);
      return { ...base, windows: Array(rank).fill(IDENTITY), channels, size: sizes.every((s) => s !== undefined) ? sizes[0] : undefined };
    }
    case 'globalPool': case 'fullyConnected':
      return {
        ...base, windows: Array(rank).fill({ kind: 'global' }),
        channels: node.op === 'globalPool' ? from.channels : node.outFeatures, size: Array(rank).fill(1),
      };
  }
}

function checkSize(node: GraphNode, size: number[], inSize: number[]): void {
  if (size.some((n) => n < 1)) {
    throw new ShapeError(node.name, 'input', `${node.op} ${describeValue(node.name)} leaves an output of ${size.join('×')} from an input of ${inSize.join('×')}; the window is larger than the padded input — add padding or a larger input`);
  }
}
