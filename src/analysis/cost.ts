import { spatialSize } from '../geometry/conv-geometry.js';
import type { Graph } from './graph.js';
import { resolveGraph, type ResolvedGraph, type ResolvedNode } from './resolve.js';

/** Parameters, multiply-accumulates and output activation memory of one node (`null` where a shape is unknown). */
export interface LayerCost {
  name: string;
  op: string;
  params: number | null;
  /** Multiply-accumulates for one input (batch 1). Pooling and elementwise nodes count 0. */
  macs: number | null;
  /** Bytes of the node's float32 output for one input. */
  activationBytes: number | null;
}

/** Per-node costs and their totals (totals over the nodes whose cost is known). */
export interface CostReport {
  layers: LayerCost[];
  params: number;
  macs: number;
  activationBytes: number;
  /** False when some node's cost is unknown (missing channels or input size). */
  complete: boolean;
}

const FLOAT32_BYTES = 4;

/**
 * Parameters (weights and biases), MACs and activation memory of every node. Weights of a convolution are
 * `Cout·(Cin/groups)·∏k` whatever the dilation — seed 001's point: a 31×31 kernel from 32 to 64 channels holds
 * 1,968,128 weights, a 3×3 kernel at dilation 15 with the same span 18,432.
 *
 * @example
 * const b = new GraphBuilder({ rank: 2, channels: 32, size: [64, 64] });
 * b.conv(b.input, { kernel: 3, dilation: 15, padding: 15, outChannels: 64 });
 * graphCost(b.build()).params // 18432
 */
export function graphCost(graph: Graph | ResolvedGraph): CostReport {
  const resolved = 'windows' in (graph.nodes[0] ?? {}) ? graph as ResolvedGraph : resolveGraph(graph as Graph);
  const layers = resolved.nodes.map((rn) => layerCost(resolved, rn));
  const sum = (key: 'params' | 'macs' | 'activationBytes'): number => layers.reduce((acc, l) => acc + (l[key] ?? 0), 0);
  return {
    layers, params: sum('params'), macs: sum('macs'), activationBytes: sum('activationBytes'),
    complete: layers.every((l) => l.params !== null && l.macs !== null && l.activationBytes !== null),
  };
}

function layerCost(graph: ResolvedGraph, rn: ResolvedNode): LayerCost {
  const node = rn.node;
  const from = rn.inputs.length ? graph.nodes[rn.inputs[0]] : undefined;
  const activationBytes = rn.size && rn.channels !== undefined ? rn.channels * spatialSize(rn.size) * FLOAT32_BYTES : null;
  const base = { name: node.name, op: node.op, activationBytes };
  switch (node.op) {
    case 'conv': case 'convTranspose': {
      const cin = node.work?.inChannels ?? from?.channels;
      const cout = node.outChannels;
      if (cin === undefined || cout === undefined) return { ...base, params: null, macs: null };
      const taps = spatialSize(node.kernel);
      const weights = cout * (cin / node.groups) * taps;
      const params = weights + (node.bias ? cout : 0);
      // A transposed conv does one weight's work per input position, a conv one per output position.
      const grid = node.op === 'conv' ? rn.size : from?.size;
      const positions = node.work?.positions ?? (grid ? spatialSize(grid) : undefined);
      return { ...base, params, macs: positions !== undefined ? weights * positions : null };
    }
    case 'fullyConnected': {
      const features = node.inFeatures ?? (from?.size && from.channels !== undefined ? from.channels * spatialSize(from.size) : undefined);
      if (features === undefined || node.outFeatures === undefined) return { ...base, params: null, macs: null };
      const weights = features * node.outFeatures;
      return { ...base, params: weights + (node.bias ? node.outFeatures : 0), macs: weights * (node.rows ?? 1) };
    }
    default:
      return { ...base, params: 0, macs: 0 };
  }
}
