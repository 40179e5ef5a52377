import {
  IDENTITY_FIELD, composeFields, fieldCentre, transposedWindowField, unionFields, windowField, type FieldGeometry,
} from '../geometry/receptive-field.js';
import type { Graph } from './graph.js';
import { resolveGraph, type DimWindow, type ResizeWindow, type ResolvedGraph } from './resolve.js';
import { traceReceptiveField } from './trace.js';

/** The receptive field of one node's outputs with respect to the graph input, per spatial dimension. */
export interface NodeField {
  name: string;
  op: string;
  /** `[channels, ...spatial]` when the input size is known (channels `null` when unknown). */
  outputShape: (number | null)[] | null;
  /** Receptive field size; for a global node the input size (`null` when unknown). */
  rf: (number | null)[];
  /** Effective stride (fractional after upsampling); for a global node the input size. */
  stride: (number | null)[];
  /** Effective padding P (Araujo et al.): output `o` sees `o·stride − P … o·stride − P + rf − 1`. */
  padding: number[];
  /** Input coordinate of output 0's centre, `(rf − 1)/2 − padding`. */
  centre: number[];
  /** True when some path reaches the whole input (global pooling, fully connected). */
  global: boolean;
  /** False when branches that meet at or before this node disagree on stride or share no window anchor. */
  aligned: boolean;
  /**
   * True when the window is the same for every output. After a fractional stride (upsampling, transposed
   * convolution) it depends on the output's phase; every phase is then traced exactly and `rf` is the widest
   * phase's window, `padding` the largest lead `o·stride − first index` over the phases.
   */
  phaseInvariant: boolean;
  /**
   * False when the field is a bound rather than the exact answer: the phase pattern is longer than
   * {@link MAX_PHASES} (or a resize factor is no ratio of small integers), so `rf` and `padding` are those of
   * the affine envelope, which contains every phase's window.
   */
  exact: boolean;
}

/** Branches that meet with different strides, or whose windows share no anchor (centre, first or last input). */
export interface Misalignment {
  /** The node where the branches meet. */
  node: string;
  dim: number;
  /** Each incoming branch (the node feeding the merge) with its stride and centre. */
  branches: { input: string; stride: number | null; centre: number; rf: number | null }[];
}

/** Receptive fields of every node and of the output, with the misaligned merges. */
export interface ReceptiveFieldReport {
  rank: number;
  layers: NodeField[];
  output: NodeField;
  misalignments: Misalignment[];
}

interface Working {
  fields: FieldGeometry[];
  global: boolean;
  aligned: boolean;
  fractional: boolean;
  /**
   * Per dimension, a multiple of the period of the phase pattern (how many outputs until the windows repeat,
   * shifted); `null` once it exceeds {@link MAX_PHASES} or a resize is not exact, where only a bound is given.
   */
  period: (number | null)[];
}

const TOLERANCE = 1e-9;

/**
 * The most output phases traced exactly per node. Beyond it (long chains of fractional strides, resizes by
 * ratios of large integers) the field is the affine envelope, reported with `exact: false`.
 */
export const MAX_PHASES = 1024;

/**
 * Receptive field size, effective stride, effective padding and centre of every node, per spatial dimension,
 * by the recurrences of Araujo et al. through the whole DAG. Where branches meet, their fields are united when
 * stride and centre agree and reported in `misalignments` when they do not.
 *
 * @example
 * receptiveField(convStack({ kernel: 3, dilations: [1, 2, 4, 8, 16] })).output.rf // [63]
 */
export function receptiveField(graph: Graph | ResolvedGraph): ReceptiveFieldReport {
  const resolved = 'windows' in (graph.nodes[0] ?? {}) ? graph as ResolvedGraph : resolveGraph(graph as Graph);
  const { rank, nodes } = resolved;
  const inputSize = nodes[0].size;
  const work: Working[] = [];
  const layers: NodeField[] = [];
  const misalignments: Misalignment[] = [];
  for (const rn of nodes) {
    let state: Working;
    if (rn.index === 0) {
      state = { fields: Array.from({ length: rank }, () => ({ ...IDENTITY_FIELD })), global: false, aligned: true, fractional: false, period: Array(rank).fill(1) };
    } else {
      const ins = rn.inputs.map((i) => work[i]);
      const merged = mergeInputs(rn.node.name, rn.inputs.map((i) => nodes[i].node.name), ins, misalignments);
      const isGlobal = merged.global || rn.windows.some((w) => w.kind === 'global');
      if (isGlobal) {
        // A global node reads everything whatever its phase: no phases to trace, and none passed on.
        state = { fields: merged.fields, global: true, aligned: merged.aligned, fractional: false, period: Array(rank).fill(1) };
      } else {
        const fields = merged.fields.map((f, d) => composeFields(f, localField(rn.windows[d])));
        const period = merged.period.map((p, d) => phasePeriod(p, rn.windows[d]));
        const fractional = merged.fractional || rn.windows.some((w) => isFractional(w));
        state = { fields, global: false, aligned: merged.aligned, fractional, period };
      }
    }
    work.push(state);
    layers.push(describe(resolved, rn.index, state, inputSize));
  }
  return { rank, layers, output: layers[resolved.output], misalignments };
}

/**
 * Where a branch's window is anchored to its output position: the centre (symmetric padding, the usual case),
 * the last input (causal stacks: WaveNet, TCN) or the first (anti-causal). Branches that share the stride and
 * any one anchor read consistent positions for each output, so adding or concatenating them is aligned; a
 * residual around a causal dilated conv shares the right edge though its centre moves.
 */
const ANCHORS: readonly ((f: FieldGeometry) => number)[] = [
  fieldCentre,
  (f) => f.rf - 1 - f.padding,
  (f) => -f.padding,
];

function mergeInputs(name: string, inputNames: string[], ins: Working[], misalignments: Misalignment[]): Working {
  if (ins.length === 1) return ins[0];
  const global = ins.some((w) => w.global);
  if (global) return { fields: ins[0].fields, global, aligned: ins.every((w) => w.aligned), fractional: false, period: ins[0].period.map(() => 1) };
  let aligned = ins.every((w) => w.aligned);
  const live = ins.filter((w) => !w.global);
  const fields = live.length === 0 ? ins[0].fields : ins[0].fields.map((_, d) => {
    const branch = live.map((w) => w.fields[d]);
    const strides = branch.map((f) => f.stride);
    const sameStride = strides.every((s) => Math.abs(s - strides[0]) < TOLERANCE);
    const agree = sameStride && ANCHORS.some((anchor) => {
      const at = branch.map(anchor);
      return at.every((a) => Math.abs(a - at[0]) < TOLERANCE);
    });
    if (!agree) {
      aligned = false;
      misalignments.push({
        node: name, dim: d,
        branches: ins.map((w, i) => ({
          input: inputNames[i], stride: w.global ? null : w.fields[d].stride, centre: fieldCentre(w.fields[d]), rf: w.global ? null : w.fields[d].rf,
        })),
      });
    }
    // Misaligned strides have no common window; the union at output 0 with the largest stride is an envelope.
    const union = unionFields(branch);
    return { ...union, stride: Math.max(...strides) };
  });
  return {
    fields, global, aligned,
    fractional: ins.some((w) => w.fractional),
    period: ins[0].period.map((_, d) => ins.reduce<number | null>((p, w) => boundedLcm(p, w.period[d]), 1)),
  };
}

function localField(w: DimWindow): FieldGeometry {
  switch (w.kind) {
    case 'window': return windowField(w.kernel, w.stride, w.dilation, w.padBefore);
    case 'transposed': return transposedWindowField(w.kernel, w.stride, w.dilation, w.padBefore);
    case 'upsample': return resizeField(w);
    case 'shift': return { rf: 1, stride: w.step, padding: -w.start };
    case 'global': return { rf: 1, stride: 1, padding: 0 };
  }
}

/**
 * The affine envelope of a resize window: output `o` reads `⌊(A·o + Blo)/C⌋ … ⌊(A·o + Bhi)/C⌋`, inside
 * `(A·o + Blo − C + 1)/C … (A·o + Bhi)/C`: stride `A/C`, padding `(C − 1 − Blo)/C`, rf `(Bhi − Blo + C − 1)/C + 1`.
 * A factor of 1 with an integer source coordinate reads each sample itself.
 */
function resizeField(w: ResizeWindow): FieldGeometry {
  if (w.scale % w.divisor === 0 && w.exact) {
    // An integer stride (a factor of 1, or downsampling by a whole number): the same window for every output.
    const lo = Math.floor(w.shiftLo / w.divisor);
    return { rf: Math.floor(w.shiftHi / w.divisor) - lo + 1, stride: w.scale / w.divisor, padding: -lo };
  }
  return {
    rf: (w.shiftHi - w.shiftLo + w.divisor - 1) / w.divisor + 1,
    stride: w.scale / w.divisor,
    padding: (w.divisor - 1 - w.shiftLo) / w.divisor,
  };
}

/** True when the window's reads depend on the output's phase (a fractional or non-integer stride). */
function isFractional(w: DimWindow): boolean {
  if (w.kind === 'transposed') return w.stride > 1;
  if (w.kind === 'upsample') return w.scale % w.divisor !== 0 || !w.exact;
  return false;
}

/**
 * A multiple of the phase period after one more window: a transposed conv of stride `s` multiplies it by `s`,
 * a resize reading `(A·o + B)/C` by `C/gcd(A, C)` (shifting `o` by that moves the source by a whole number).
 */
function phasePeriod(period: number | null, w: DimWindow): number | null {
  if (period === null) return null;
  let factor = 1;
  if (w.kind === 'transposed') factor = w.stride;
  if (w.kind === 'upsample') {
    if (!w.exact) return null;
    factor = w.divisor / gcd(w.scale, w.divisor);
  }
  const next = period * factor;
  return next > MAX_PHASES ? null : next;
}

function describe(graph: ResolvedGraph, index: number, state: Working, inputSize: number[] | undefined): NodeField {
  const rn = graph.nodes[index];
  const outputShape = rn.size ? [rn.channels ?? null, ...rn.size] : null;
  const base = { name: rn.node.name, op: rn.node.op, outputShape, global: state.global, aligned: state.aligned };
  if (state.global) {
    const whole = Array.from({ length: graph.rank }, (_, d) => inputSize?.[d] ?? null);
    const padding = Array(graph.rank).fill(0);
    return { ...base, rf: whole, stride: whole, padding, centre: whole.map((n) => (n === null ? 0 : (n - 1) / 2)), phaseInvariant: true, exact: true };
  }
  const phases = state.period.reduce<number | null>((p, q) => boundedLcm(p, q), 1);
  const exact = !state.fractional || phases !== null;
  const fields = state.fractional && phases !== null ? tightFields(graph, index, state, phases) : state.fields;
  return {
    ...base, rf: fields.map((f) => f.rf), stride: fields.map((f) => f.stride), padding: fields.map((f) => f.padding),
    centre: fields.map(fieldCentre), phaseInvariant: !state.fractional, exact,
  };
}

/**
 * After a fractional stride, trace every output phase exactly: `rf = max(hi(o) − lo(o) + 1)`,
 * `P = max(o·S − lo(o))`.
 */
function tightFields(graph: ResolvedGraph, index: number, state: Working, phases: number): FieldGeometry[] {
  const lead = state.fields.map(() => -Infinity);
  const widest = state.fields.map(() => 0);
  for (let phase = 0; phase < phases; phase++) {
    const ranges = traceReceptiveField(graph, index, state.fields.map(() => phase));
    if (!ranges) continue;
    ranges.forEach((range, d) => {
      if (!range) return;
      lead[d] = Math.max(lead[d], phase * state.fields[d].stride - range[0]);
      widest[d] = Math.max(widest[d], range[1] - range[0] + 1);
    });
  }
  return state.fields.map((f, d) => ({
    // A node no input reaches in any phase (every tap of a transposed conv misses it) sees nothing: rf 0.
    stride: f.stride, padding: widest[d] === 0 ? 0 : round(lead[d]), rf: widest[d],
  }));
}

function round(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Least common multiple of two phase periods; `null` (too many phases) when either is or it exceeds the bound. */
function boundedLcm(a: number | null, b: number | null): number | null {
  if (a === null || b === null) return null;
  const m = (a / gcd(a, b)) * b;
  return m > MAX_PHASES ? null : m;
}
