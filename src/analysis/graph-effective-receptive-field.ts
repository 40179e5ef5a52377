import '../kernels/index.js';
import { grad } from '../autograd/backward.js';
import * as F from '../autograd/functional.js';
import { variable, type Variable } from '../autograd/variable.js';
import { OptionError, describeValue } from '../errors.js';
import { randn } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import type { EffectiveReceptiveField } from './effective-receptive-field.js';
import { ERF_MASSES, fitGaussian, massShare } from './erf-statistics.js';
import type { Graph, GraphNode } from './graph.js';
import { receptiveField } from './receptive-field.js';
import { resolveGraph } from './resolve.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** How the graph is instantiated for measuring. */
export interface GraphErfOptions {
  /** Channels of the input and of every conv without `outChannels` (default 4). */
  channels?: number;
  /** Random weight and input draws averaged (default 4). */
  seeds?: number;
}

/**
 * The effective receptive field (Luo et al. 2016) of any analysable graph, through autograd: random weights
 * (normal, scaled by 1/√fan-in) and inputs, the gradient of one interior output (all channels) with respect to
 * the input, |gradient| summed over channels and averaged over seeds, cropped to the theoretical field.
 * Elementwise nodes of kind `relu` apply ReLU; other elementwise nodes (batch norm, dropout) pass through.
 * Refused for global heads and phase-dependent graphs (upsampling), whose field has no single box.
 *
 * @example
 * const b = new GraphBuilder({ rank: 2 });
 * b.add([b.input, b.conv(b.input, { kernel: 3, padding: 1 })]);
 * graphEffectiveReceptiveField(b.build()).shares[1].share // the residual path keeps half the mass at the centre
 */
export function graphEffectiveReceptiveField(graph: Graph, options: GraphErfOptions = {}): EffectiveReceptiveField {
  checkOptionKeys('graphEffectiveReceptiveField', options, optionKeys<typeof options>({ channels: true, seeds: true }));
  const channels = options.channels ?? 4;
  const seeds = options.seeds ?? 4;
  for (const [argument, value] of [['channels', channels], ['seeds', seeds]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new OptionError('graphEffectiveReceptiveField', argument, `${argument} ${describeValue(value)} must be a positive integer`);
  }
  const field = receptiveField(graph).output;
  if (field.global || !field.phaseInvariant) {
    throw new OptionError('graphEffectiveReceptiveField', 'graph', `output ${JSON.stringify(field.name)} is ${field.global ? 'global' : 'phase-dependent (after upsampling)'}: its receptive field is not one box to measure the gradient over`);
  }
  const rf = field.rf as number[];
  const stride = field.stride as number[];
  // An output whose window starts at or after input index 0, with a margin of one stride after it.
  const at = field.padding.map((p, d) => Math.max(0, Math.ceil(p / stride[d])));
  const start = at.map((o, d) => o * stride[d] - field.padding[d]);
  const size = start.map((s, d) => s + rf[d] + stride[d]);
  const sized: Graph = { ...graph, nodes: [{ ...graph.nodes[0], size, channels } as GraphNode, ...graph.nodes.slice(1)] };
  const cells = rf.reduce((a, b) => a * b, 1);
  const total = new Float64Array(cells);
  for (let seed = 0; seed < seeds; seed++) {
    const gradient = inputGradient(sized, size, channels, at, 7919 * (seed + 1));
    accumulateWindow(total, gradient, size, start, rf, channels);
  }
  const sum = total.reduce((a, b) => a + b, 0);
  const map = total.map((v) => (sum > 0 ? v / sum : 0));
  return { rf, map, shares: ERF_MASSES.map((mass) => massShare(map, rf, mass)), gaussian: fitGaussian(map, rf) };
}

function inputGradient(graph: Graph, size: number[], channels: number, at: number[], seed: number): Tensor {
  const resolved = resolveGraph(graph);
  const input = variable(randn([1, channels, ...size], seed), { requiresGrad: true });
  const values: Variable[] = [input];
  let draw = seed;
  const weight = (shape: number[]): Tensor => {
    const w = randn(shape, ++draw);
    const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
    return new Tensor(w.data.map((v) => v / Math.sqrt(fanIn)), shape);
  };
  for (const rn of resolved.nodes.slice(1)) {
    const node = rn.node;
    const xs = rn.inputs.map((i) => values[i]);
    const x = xs[0];
    const inChannels = x.shape[1];
    let y: Variable;
    switch (node.op) {
      case 'conv': {
        const out = node.outChannels ?? channels;
        let w = weight([out, inChannels / node.groups, ...node.kernel]);
        if (node.taps) {
          const per = node.taps.length;
          w = new Tensor(w.data.map((v, i) => (node.taps![i % per] ? v : 0)), w.shape);
        }
        y = F.conv(x, w, { stride: node.stride, dilation: node.dilation, padding: node.padding, groups: node.groups });
        break;
      }
      case 'convTranspose':
        y = F.convTranspose(x, weight([inChannels, (node.outChannels ?? channels) / node.groups, ...node.kernel]), {
          stride: node.stride, dilation: node.dilation, padding: node.padding, outputPadding: node.outputPadding, groups: node.groups,
        });
        break;
      case 'maxPool': case 'avgPool': {
        const pool = node.op === 'maxPool' ? F.maxPool : F.avgPool;
        y = pool(x, { kernel: node.kernel, stride: node.stride, dilation: node.dilation, padding: node.padding, ceilMode: node.ceilMode });
        break;
      }
      case 'upsample':
        y = F.interpolate(x, { scaleFactor: node.factor, mode: node.mode, alignCorners: false });
        break;
      case 'pad': {
        const grown = F.pad(x, node.pads.map(([b, a]) => [Math.max(b, 0), Math.max(a, 0)]));
        const spatial = grown.shape.slice(2);
        y = F.slice(grown, {
          starts: node.pads.map(([b]) => Math.max(-b, 0)),
          ends: node.pads.map(([, a], d) => spatial[d] - Math.max(-a, 0)),
          axes: node.pads.map((_, d) => d + 2),
        });
        break;
      }
      case 'slice': {
        const spatial = x.shape.slice(2);
        y = F.slice(x, {
          starts: node.start, axes: node.start.map((_, d) => d + 2), steps: node.step,
          ends: spatial.map((n, d) => (node.size ? Math.min(n, node.start[d] + node.size[d] * node.step[d]) : n)),
        });
        break;
      }
      case 'elementwise':
        y = node.kind === 'relu' ? F.relu(x) : x;
        break;
      case 'add':
        y = xs.slice(1).reduce((acc, v) => F.add(acc, v), x);
        break;
      case 'concat':
        y = F.concat(xs, 1);
        break;
      default:
        throw new OptionError('graphEffectiveReceptiveField', 'graph', `${JSON.stringify(node.name)} (${node.op}) has no single receptive-field box`);
    }
    values.push(y);
  }
  const output = values[resolved.output];
  const outSize = output.shape.slice(2);
  if (outSize.some((n, d) => n <= at[d])) {
    throw new OptionError('graphEffectiveReceptiveField', 'graph', `the output ${outSize.join('×')} has no interior position ${at.join(',')} for an input of ${size.join('×')}`);
  }
  const seedGradient = new Float32Array(output.value.data.length);
  const strides = outSize.map((_, d) => outSize.slice(d + 1).reduce((a, b) => a * b, 1));
  const offset = at.reduce((acc, o, d) => acc + o * strides[d], 0);
  const plane = outSize.reduce((a, b) => a * b, 1);
  for (let c = 0; c < output.shape[1]; c++) seedGradient[c * plane + offset] = 1;
  return grad(output, [input], new Tensor(seedGradient, output.shape))[0];
}

function accumulateWindow(total: Float64Array, gradient: Tensor, size: number[], start: number[], rf: number[], channels: number): void {
  const plane = size.reduce((a, b) => a * b, 1);
  const rank = rf.length;
  for (let i = 0; i < total.length; i++) {
    let rest = i;
    let offset = 0;
    let scale = 1;
    for (let d = rank - 1; d >= 0; d--) {
      offset += (start[d] + (rest % rf[d])) * scale;
      rest = Math.floor(rest / rf[d]);
      scale *= size[d];
    }
    for (let c = 0; c < channels; c++) total[i] += Math.abs(gradient.data[c * plane + offset]);
  }
}
