import { OptionError } from '../errors.js';
import type { Graph } from './graph.js';
import { receptiveField } from './receptive-field.js';
import { backwardPathCounts } from './backward-path-counts.js';
import { resolveGraph, type DimWindow, type ResolvedGraph, type ResolvedNode } from './resolve.js';
import { addPolys, equalPolys, multiplyTaps, unitPoly, type Poly } from './tap-polynomial.js';
import { countBuffer } from './count-buffer.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/**
 * Exact tap coverage of one interior output (its field touches no padding): how many distinct paths lead from
 * each input offset of its receptive field to it. The seed's `trace_dependencies`, with counts, for any graph.
 */
export interface Coverage {
  rank: number;
  /** The node whose output is covered. */
  node: string;
  /** Receptive field box per dimension (the map's shape). */
  size: number[];
  /** The output position counted (every interior output has the same map, shifted by its position × stride). */
  outputIndex: number[];
  /** Input index of the box's first cell (`outputIndex·stride − padding`). */
  start: number[];
  /** Path counts over the box, row-major (last dimension fastest). A zero is a gridding hole. */
  map: Float64Array;
  /** 1-D: the whole map; 2-D and 3-D: the centre row (as {@link Coverage.multiplicityCenterRow}). */
  multiplicity: number[];
  /** The row through the centre of the box along the last dimension. */
  multiplicityCenterRow: number[];
  /** Cells with at least one path. */
  covered: number;
  /** Cells in the box. */
  area: number;
  /** Cells with no path. */
  holes: number;
  /** `covered / area`. */
  coveredFraction: number;
  /** Smallest and largest path count over the box (`min` 0 when there are holes). */
  min: number;
  max: number;
  /** Smallest path count over the covered cells. */
  minCovered: number;
  /** Every cell reached by the same number of paths (seed 003's "perfect" (1,3) stack has all ones). */
  uniform: boolean;
  /** The first holes (at most `HOLE_LIMIT`), as offsets inside the box per dimension. */
  holePositions: number[][];
  /** False when some count passed 2^53 and is rounded (holes and the covered count stay exact). */
  exact: boolean;
}

/** How many hole positions a coverage lists. */
export const HOLE_LIMIT = 256;

/** Separable terms stay separable up to this many; beyond it the map is kept dense. */
const MAX_TERMS = 16;

/** A separable map: the product over dimensions of one polynomial each. */
type Term = Poly[];

/** A dense map, always as 3 dimensions (leading sizes 1 below rank 3). */
interface Dense {
  start: [number, number, number];
  size: [number, number, number];
  data: Float64Array;
}

type PathMap = { kind: 'terms'; terms: Term[] } | { kind: 'dense'; dense: Dense };

interface NodeState {
  /** Effective stride per dimension (integer: coverage needs integer strides). */
  stride: number[];
  paths: PathMap;
}

/**
 * Exact path counts from every input offset to one interior output of `node` (the graph's output by default),
 * as products of sparse tap polynomials through the DAG: each layer multiplies by Σ x^{t·d·S}, branches add.
 * Separable layers stay factorized per dimension, so a 2048×2048 map costs one outer product.
 *
 * Where the map depends on which output is looked at — after upsampling or a strided transposed convolution,
 * or where branches of different strides meet — the counts are taken for output `outputIndex` (default 0)
 * by walking the graph backward instead ({@link backwardPathCounts}). A global node has no map (typed error).
 *
 * @example coverage(convStack({ kernel: 3, dilations: [1, 4, 8] })).holes // 6
 */
export function coverage(graph: Graph | ResolvedGraph, options: { node?: string; outputIndex?: number[] } = {}): Coverage {
  checkOptionKeys('coverage', options, optionKeys<typeof options>({ node: true, outputIndex: true }));
  const resolved = 'windows' in (graph.nodes[0] ?? {}) ? graph as ResolvedGraph : resolveGraph(graph as Graph);
  const target = options.node === undefined ? resolved.output : resolved.nodes.findIndex((n) => n.node.name === options.node);
  if (target < 0) throw new OptionError('coverage', 'node', `no node named ${JSON.stringify(options.node)}`);
  const rank = resolved.rank;
  const fields = receptiveField(resolved);
  const report = fields.layers[target];
  if (report.global) {
    throw new OptionError('coverage', 'graph', `${JSON.stringify(report.name)} is global: every output reads the whole input, so there is no receptive-field map to count paths over`);
  }
  const phaseDependent = !report.phaseInvariant || fields.misalignments.some((m) => m.branches.some((b) => b.stride !== m.branches[0].stride));
  const outputIndex = options.outputIndex ?? Array(rank).fill(0);
  if (outputIndex.length !== rank || !outputIndex.every(Number.isInteger)) {
    throw new OptionError('coverage', 'outputIndex', `outputIndex ${JSON.stringify(options.outputIndex)} must be ${rank} integer(s), one per spatial dimension`);
  }
  if (phaseDependent) {
    const box = backwardPathCounts(resolved, target, outputIndex);
    return summarize(report.name, rank, outputIndex, box.start, box.size, box.data);
  }
  const states = pathCounts(resolved, target);
  const size = report.rf as number[];
  const start = report.padding.map((p) => -p);
  const dense = materialize(states[target].paths, start, size);
  // Output o's map is output 0's shifted by o·stride: report it at the requested position.
  const shifted = start.map((s, d) => s + outputIndex[d] * (report.stride[d] as number));
  return summarize(report.name, rank, outputIndex, shifted, size, dense.data);
}

/**
 * Path-count maps of every node up to `last`, forward from the input (the polynomial of a node is its
 * window's tap polynomial, in the variable scaled by its input's stride, times its input's polynomial).
 *
 * @example pathCounts(resolveGraph(convStack({ kernel: 3, dilations: [1, 2] })), 2)[2].stride // [1]
 */
export function pathCounts(graph: ResolvedGraph, last: number): NodeState[] {
  const rank = graph.rank;
  const states: NodeState[] = [];
  for (let n = 0; n <= last; n++) {
    const rn = graph.nodes[n];
    if (n === 0) {
      states.push({ stride: Array(rank).fill(1), paths: { kind: 'terms', terms: [Array.from({ length: rank }, unitPoly)] } });
      continue;
    }
    const ins = rn.inputs.map((i) => states[i]);
    const merged = ins.length === 1 ? ins[0] : mergeStates(rn, graph, ins);
    states.push(applyWindows(rn, merged, rank));
  }
  return states;
}

function mergeStates(rn: ResolvedNode, graph: ResolvedGraph, ins: NodeState[]): NodeState {
  const stride = ins[0].stride;
  ins.forEach((s) => {
    if (s.stride.join() !== stride.join()) {
      throw new OptionError('coverage', 'graph', `branches meeting at ${JSON.stringify(rn.node.name)} have different strides (${rn.inputs.map((j, k) => `${graph.nodes[j].node.name}: ${ins[k].stride.join('×')}`).join(', ')}), so no single map of path counts exists; check the alignment report`);
    }
  });
  if (ins.every((s) => s.paths.kind === 'terms')) {
    const terms = compactTerms(ins.flatMap((s) => (s.paths as { terms: Term[] }).terms));
    if (terms.length <= MAX_TERMS) return { stride, paths: { kind: 'terms', terms } };
  }
  const dense = ins.map((s) => toDense(s.paths, graph.rank)).reduce(addDense);
  return { stride, paths: { kind: 'dense', dense } };
}

function applyWindows(rn: ResolvedNode, below: NodeState, rank: number): NodeState {
  const name = rn.node.name;
  if (rn.windows.length === 0 || rn.windows.every((w) => w.kind === 'shift' && w.step === 1 && w.start === 0)) return below;
  const stride = below.stride.slice();
  const taps: number[][] = [];
  const shifts: number[] = [];
  rn.windows.forEach((w, d) => {
    const S = below.stride[d];
    const local = windowTaps(name, w);
    taps.push(local.exponents.map((e) => e * S));
    shifts.push(local.shift * S);
    stride[d] = S * local.stride;
  });
  const mask = rn.node.op === 'conv' ? rn.node.taps : undefined;
  const separable = mask === undefined || isSeparable(mask, (rn.node as { kernel: number[] }).kernel);
  if (separable && below.paths.kind === 'terms') {
    const kept = mask === undefined ? taps : projectMask(mask, (rn.node as { kernel: number[] }).kernel, taps);
    const terms = below.paths.terms.map((term) => term.map((p, d) => multiplyTaps(p, kept[d], shifts[d])));
    return { stride, paths: { kind: 'terms', terms } };
  }
  if (separable) {
    // One pass per dimension: area × (k₀ + k₁ + …) instead of area × k₀·k₁·….
    const kept = mask === undefined ? taps : projectMask(mask, (rn.node as { kernel: number[] }).kernel, taps);
    const offset = 3 - rank;
    let dense = toDense(below.paths, rank);
    kept.forEach((axisTaps, d) => { dense = convolveAxis(dense, d + offset, axisTaps, shifts[d]); });
    return { stride, paths: { kind: 'dense', dense } };
  }
  const vectors = tapVectors(taps, mask);
  const dense = convolveDense(toDense(below.paths, rank), vectors, shifts);
  return { stride, paths: { kind: 'dense', dense } };
}

/** Multiplies a dense map by a sparse tap polynomial along one of its three axes. */
function convolveAxis(input: Dense, axis: number, taps: readonly number[], shift: number): Dense {
  const span = taps[taps.length - 1];
  const size = input.size.slice() as [number, number, number];
  size[axis] += span;
  const start = input.start.slice() as [number, number, number];
  start[axis] += shift;
  const out: Dense = { start, size, data: countBuffer(size[0] * size[1] * size[2]) };
  const [n0, n1, n2] = input.size;
  const src = input.data;
  const dst = out.data;
  for (let i = 0; i < n0; i++) {
    for (let j = 0; j < n1; j++) {
      const from = (i * n1 + j) * n2;
      for (const e of taps) {
        const to = axis === 0 ? ((i + e) * size[1] + j) * size[2]
          : axis === 1 ? (i * size[1] + j + e) * size[2]
            : (i * size[1] + j) * size[2] + e;
        for (let k = 0; k < n2; k++) dst[to + k] += src[from + k];
      }
    }
  }
  return out;
}

/** The exponents (relative to `shift`) one output reads through a window, in units of the input's stride. */
function windowTaps(name: string, w: DimWindow): { exponents: number[]; shift: number; stride: number } {
  switch (w.kind) {
    case 'window':
      return { exponents: Array.from({ length: w.kernel }, (_, t) => t * w.dilation), shift: -w.padBefore, stride: w.stride };
    case 'shift':
      return { exponents: [0], shift: w.start, stride: w.step };
    case 'transposed':
      if (w.stride === 1) {
        return { exponents: Array.from({ length: w.kernel }, (_, t) => t * w.dilation), shift: w.padBefore - (w.kernel - 1) * w.dilation, stride: 1 };
      }
      throw new OptionError('coverage', 'graph', `${JSON.stringify(name)} is a transposed convolution with stride ${w.stride}: its outputs read different taps by phase, so path counts depend on the output position; analyse the graph before it`);
    case 'upsample':
      if (w.exact && w.scale % w.divisor === 0) {
        const lo = Math.floor(w.shiftLo / w.divisor);
        const span = Math.floor(w.shiftHi / w.divisor) - lo + 1;
        return { exponents: Array.from({ length: span }, (_, t) => t), shift: lo, stride: w.scale / w.divisor };
      }
      throw new OptionError('coverage', 'graph', `${JSON.stringify(name)} upsamples by ${w.factor}: path counts depend on the output's phase; analyse the graph before it`);
    case 'global':
      throw new OptionError('coverage', 'graph', `${JSON.stringify(name)} is global: every output reads the whole input, so there is no receptive-field map to count paths over`);
  }
}

function isSeparable(mask: boolean[], kernel: number[]): boolean {
  const projections = kernel.map((_, d) => projection(mask, kernel, d));
  return mask.every((on, i) => on === unravel(i, kernel).every((t, d) => projections[d][t]));
}

function projection(mask: boolean[], kernel: number[], dim: number): boolean[] {
  const out = Array(kernel[dim]).fill(false);
  mask.forEach((on, i) => { if (on) out[unravel(i, kernel)[dim]] = true; });
  return out;
}

function projectMask(mask: boolean[], kernel: number[], taps: number[][]): number[][] {
  return kernel.map((_, d) => {
    const keep = projection(mask, kernel, d);
    return taps[d].filter((_, t) => keep[t]);
  });
}

/** Every present tap as an exponent vector (product of the per-dimension taps, filtered by the mask). */
function tapVectors(taps: number[][], mask: boolean[] | undefined): number[][] {
  const kernel = taps.map((t) => t.length);
  const count = kernel.reduce((a, b) => a * b, 1);
  const out: number[][] = [];
  for (let i = 0; i < count; i++) {
    if (mask && !mask[i]) continue;
    const t = unravel(i, kernel);
    out.push(t.map((ti, d) => taps[d][ti]));
  }
  return out;
}

function unravel(index: number, shape: readonly number[]): number[] {
  const out = Array(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = index % shape[d];
    index = Math.floor(index / shape[d]);
  }
  return out;
}

/** Sums terms that agree in every dimension but one (the common case: branches of a separable network). */
function compactTerms(terms: Term[]): Term[] {
  const out: Term[] = [];
  for (const term of terms) {
    let merged = false;
    for (let j = 0; j < out.length && !merged; j++) {
      const other = out[j];
      const differing = term.map((p, d) => (equalPolys(p, other[d]) ? -1 : d)).filter((d) => d >= 0);
      if (differing.length <= 1) {
        const d = differing[0] ?? 0;
        out[j] = other.map((p, k) => (k === d ? addPolys(p, term[k]) : p));
        merged = true;
      }
    }
    if (!merged) out.push(term);
  }
  return out;
}

function pad3<T>(values: T[], fill: T): [T, T, T] {
  return [...Array(3 - values.length).fill(fill), ...values] as [T, T, T];
}

function toDense(paths: PathMap, rank: number): Dense {
  if (paths.kind === 'dense') return paths.dense;
  const lo = Array(rank).fill(Infinity);
  const hi = Array(rank).fill(-Infinity);
  for (const term of paths.terms) {
    term.forEach((p, d) => {
      lo[d] = Math.min(lo[d], p.start);
      hi[d] = Math.max(hi[d], p.start + p.coeffs.length);
    });
  }
  return materialize(paths, lo, lo.map((l, d) => hi[d] - l));
}

/** Writes a path map into a dense box `start … start + size − 1` (cells outside the map are 0). */
function materialize(paths: PathMap, start: number[], size: number[]): Dense {
  const s = pad3(start, 0);
  const n = pad3(size, 1);
  const data = countBuffer(n[0] * n[1] * n[2]);
  const box: Dense = { start: s, size: n, data };
  if (paths.kind === 'dense') {
    addInto(box, paths.dense);
    return box;
  }
  for (const term of paths.terms) {
    const [p0, p1, p2] = pad3<Poly>(term, unitPoly());
    for (let i = 0; i < p0.coeffs.length; i++) {
      const a = p0.coeffs[i];
      const x = p0.start + i - s[0];
      if (a === 0 || x < 0 || x >= n[0]) continue;
      for (let j = 0; j < p1.coeffs.length; j++) {
        const b = a * p1.coeffs[j];
        const y = p1.start + j - s[1];
        if (b === 0 || y < 0 || y >= n[1]) continue;
        const row = (x * n[1] + y) * n[2];
        const z0 = p2.start - s[2];
        const from = Math.max(0, -z0);
        const to = Math.min(p2.coeffs.length, n[2] - z0);
        for (let k = from; k < to; k++) data[row + z0 + k] += b * p2.coeffs[k];
      }
    }
  }
  return box;
}

function addInto(target: Dense, source: Dense): void {
  const [t0, t1, t2] = target.size;
  const [s0, s1, s2] = source.size;
  const o = source.start.map((v, d) => v - target.start[d]);
  for (let i = 0; i < s0; i++) {
    const x = i + o[0];
    if (x < 0 || x >= t0) continue;
    for (let j = 0; j < s1; j++) {
      const y = j + o[1];
      if (y < 0 || y >= t1) continue;
      const src = (i * s1 + j) * s2;
      const dst = (x * t1 + y) * t2 + o[2];
      for (let k = Math.max(0, -o[2]); k < Math.min(s2, t2 - o[2]); k++) target.data[dst + k] += source.data[src + k];
    }
  }
}

function addDense(a: Dense, b: Dense): Dense {
  const start = a.start.map((v, d) => Math.min(v, b.start[d])) as [number, number, number];
  const end = a.start.map((v, d) => Math.max(v + a.size[d], b.start[d] + b.size[d]));
  const size = end.map((e, d) => e - start[d]) as [number, number, number];
  const out: Dense = { start, size, data: countBuffer(size[0] * size[1] * size[2]) };
  addInto(out, a);
  addInto(out, b);
  return out;
}

function convolveDense(input: Dense, vectors: number[][], shifts: number[]): Dense {
  const v3 = vectors.map((v) => pad3(v, 0));
  const span = [0, 1, 2].map((d) => Math.max(...v3.map((v) => v[d])));
  const start = input.start.map((s, d) => s + (pad3(shifts, 0)[d])) as [number, number, number];
  const size = input.size.map((n, d) => n + span[d]) as [number, number, number];
  const out: Dense = { start, size, data: countBuffer(size[0] * size[1] * size[2]) };
  for (const v of v3) {
    addInto(out, { start: [start[0] + v[0], start[1] + v[1], start[2] + v[2]], size: input.size, data: input.data });
  }
  return out;
}

function summarize(node: string, rank: number, outputIndex: number[], start: number[], size: number[], map: Float64Array): Coverage {
  let covered = 0;
  let max = 0;
  let minCovered = Infinity;
  const holePositions: number[][] = [];
  for (let i = 0; i < map.length; i++) {
    const v = map[i];
    if (v > 0) {
      covered++;
      if (v > max) max = v;
      if (v < minCovered) minCovered = v;
    } else if (holePositions.length < HOLE_LIMIT) {
      holePositions.push(unravel(i, size));
    }
  }
  const area = map.length;
  const rowLength = size[rank - 1];
  const centre = size.slice(0, -1).map((n) => Math.floor((n - 1) / 2));
  const rowStart = centre.reduce((acc, c, d) => (acc + c) * size[d + 1], 0);
  const row = Array.from(map.subarray(rowStart, rowStart + rowLength));
  const holes = area - covered;
  return {
    rank, node, outputIndex, size, start, map,
    multiplicity: rank === 1 ? Array.from(map) : row,
    multiplicityCenterRow: row,
    covered, area, holes, coveredFraction: covered / area,
    min: holes > 0 ? 0 : minCovered, max, minCovered: covered > 0 ? minCovered : 0,
    uniform: holes === 0 && minCovered === max,
    holePositions,
    exact: max <= Number.MAX_SAFE_INTEGER,
  };
}
