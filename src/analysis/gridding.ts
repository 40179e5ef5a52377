import { OptionError } from '../errors.js';
import type { Graph } from './graph.js';
import { coverage, pathCounts, type Coverage } from './coverage.js';
import { resolveGraph, type ResolvedGraph, type ResolvedNode } from './resolve.js';
import { addPolys, type Poly } from './tap-polynomial.js';

/** One layer's contribution to the tap pattern along one dimension. */
export interface LayerStep {
  node: string;
  /** Distance between its taps in input units: dilation × the effective stride below it. */
  step: number;
  /** Receptive field of what it reads, along this dimension. */
  belowRf: number;
}

/** A layer whose output has holes although everything it reads had none. */
export interface HoleSource extends LayerStep {
  /** Holes in its own field along this dimension. */
  holes: number;
  /** The first hole offsets inside its field, counted from the field's first offset. */
  positions: number[];
  /** Its own receptive field along this dimension. */
  rf: number;
}

/** The cause of gridding along one spatial dimension (computed on that dimension's projection of the graph). */
export interface DimensionCause {
  dim: number;
  /** Every layer with more than one tap on some path to the output. */
  steps: LayerStep[];
  /** gcd of the steps: along every path, reached offsets differ by multiples of it. */
  gcd: number;
  /** Layers that introduce holes. */
  introducedBy: HoleSource[];
  /** Holes of the output's field along this dimension alone (offset lines no path reaches). */
  holes: number;
}

/** Whether an output sees its receptive field with holes, and why. */
export interface GriddingVerdict {
  /** True when some offset inside the receptive field has no path (exact coverage). */
  gridding: boolean;
  holes: number;
  coveredFraction: number;
  /** The first hole offsets inside the field, per dimension. */
  holePositions: number[][];
  /** Causes per dimension; empty where the map depends on the output phase (after upsampling). */
  dims: DimensionCause[];
  /** One paragraph a user can act on. */
  message: string;
}

const POSITION_LIMIT = 32;

/**
 * The gridding verdict of a graph's output from its exact coverage (authoritative), with the cause per
 * dimension: the gcd argument (every step a multiple of g > 1 leaves only every g-th offset reachable) and the
 * layers whose taps are farther apart than the field below them spans (seed 003's `[1, 4, 8]`: layer 2's taps
 * are 4 apart over a field of 3).
 *
 * @example griddingVerdict(convStack({ kernel: 3, dilations: [2, 2, 2] })).dims[0].gcd // 2
 */
export function griddingVerdict(graph: Graph | ResolvedGraph, covered?: Coverage): GriddingVerdict {
  const resolved = 'windows' in (graph.nodes[0] ?? {}) ? graph as ResolvedGraph : resolveGraph(graph as Graph);
  const full = covered ?? coverage(resolved);
  const gridding = full.holes > 0;
  let dims: DimensionCause[] = [];
  try {
    dims = Array.from({ length: resolved.rank }, (_, d) => dimensionCause(resolved, d));
  } catch (error) {
    // The per-layer cause is read off the forward product, which needs one stride per node: after upsampling
    // the verdict (from the exact backward count) stands without it.
    if (!(error instanceof OptionError)) throw error;
  }
  return {
    gridding, holes: full.holes, coveredFraction: full.coveredFraction,
    holePositions: full.holePositions.slice(0, POSITION_LIMIT),
    dims, message: explain(gridding, full, dims),
  };
}

function dimensionCause(graph: ResolvedGraph, dim: number): DimensionCause {
  const line = projectDimension(graph, dim);
  const states = pathCounts(line, line.output);
  const ancestors = ancestorsOf(line, line.output);
  const steps: LayerStep[] = [];
  const holeCounts = states.map((s) => holesOf(s.paths));
  const introducedBy: HoleSource[] = [];
  for (const rn of line.nodes) {
    if (!ancestors.has(rn.index) || rn.index === 0) continue;
    const w = rn.windows[0];
    if (w.kind !== 'window' || w.kernel < 2) continue;
    const below = rn.inputs.map((i) => states[i]);
    const step = w.dilation * below[0].stride[0];
    const belowRf = Math.max(...rn.inputs.map((i) => span(states[i].paths)));
    const entry = { node: rn.node.name, step, belowRf };
    steps.push(entry);
    const own = holeCounts[rn.index];
    if (own.count > 0 && rn.inputs.every((i) => holeCounts[i].count === 0)) {
      introducedBy.push({ ...entry, holes: own.count, positions: own.positions, rf: span(states[rn.index].paths) });
    }
  }
  const g = steps.reduce((acc, s) => gcd(acc, s.step), 0);
  return { dim, steps, gcd: g, introducedBy, holes: holeCounts[line.output].count };
}

/** The 1-D graph seen along one dimension (a conv's tap mask projected onto it). */
function projectDimension(graph: ResolvedGraph, dim: number): ResolvedGraph {
  const nodes: ResolvedNode[] = graph.nodes.map((rn) => {
    let node = rn.node;
    if (node.op === 'conv' && node.taps) {
      const kernel = node.kernel;
      const keep = Array(kernel[dim]).fill(false);
      node.taps.forEach((on, i) => {
        let rest = i;
        for (let d = kernel.length - 1; d >= 0; d--) {
          if (d === dim && on) keep[rest % kernel[d]] = true;
          rest = Math.floor(rest / kernel[d]);
        }
      });
      node = { ...node, kernel: [kernel[dim]], taps: keep };
    }
    return { ...rn, node, windows: rn.windows.length ? [rn.windows[dim]] : [] };
  });
  return { rank: 1, nodes, output: graph.output };
}

function ancestorsOf(graph: ResolvedGraph, node: number): Set<number> {
  const seen = new Set<number>([node]);
  for (let n = node; n >= 0; n--) {
    if (seen.has(n)) for (const i of graph.nodes[n].inputs) seen.add(i);
  }
  return seen;
}

function linePoly(paths: ReturnType<typeof pathCounts>[number]['paths']): Poly {
  if (paths.kind === 'dense') {
    const n = paths.dense.size[2];
    return { start: paths.dense.start[2], coeffs: paths.dense.data.subarray(0, n) };
  }
  return paths.terms.map((t) => t[0]).reduce(addPolys);
}

function holesOf(paths: ReturnType<typeof pathCounts>[number]['paths']): { count: number; positions: number[] } {
  const p = linePoly(paths);
  const positions: number[] = [];
  let count = 0;
  p.coeffs.forEach((v, i) => {
    if (v !== 0) return;
    count++;
    if (positions.length < POSITION_LIMIT) positions.push(i);
  });
  return { count, positions };
}

function span(paths: ReturnType<typeof pathCounts>[number]['paths']): number {
  return linePoly(paths).coeffs.length;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function explain(gridding: boolean, full: Coverage, dims: DimensionCause[]): string {
  const size = full.size.join('×');
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (!gridding) {
    const paths = full.minCovered === full.max ? `each by exactly ${plural(full.max, 'path')}` : `by ${full.minCovered} to ${full.max} paths`;
    return `no gridding: every one of the ${full.area} offsets of the receptive field (${size}) is reached, ${paths}`;
  }
  // Offsets are counted from the output's own position (the field's centre), as the pictures draw them.
  const centred = (position: readonly number[]) => position.map((p, d) => p - Math.floor(full.size[d] / 2));
  const shown = full.holePositions.slice(0, 12).map((p) => (p.length === 1 ? String(centred(p)[0]) : `(${centred(p).join(', ')})`));
  const parts = [`gridding: ${full.holes} of ${full.area} offsets of the receptive field (${size}) are never read (${(100 * full.coveredFraction).toFixed(1)}% covered), at offsets ${shown.join(', ')}${full.holes > shown.length ? ', …' : ''} from the output's position`];
  for (const c of dims) {
    const where = dims.length > 1 ? ` along dimension ${c.dim}` : '';
    if (c.gcd > 1) {
      parts.push(`every tap step${where} is a multiple of ${c.gcd} (gcd of ${c.steps.map((s) => `${s.node}: ${s.step}`).join(', ')}), so along any path only one offset in ${c.gcd} can be reached`);
    }
    for (const s of c.introducedBy) {
      parts.push(`${s.node}${where} places its taps ${s.step} apart over a field of ${s.belowRf}, so its own field of ${s.rf} has ${plural(s.holes, 'hole')} (at offsets ${s.positions.map((p) => p - Math.floor(s.rf / 2)).join(', ')}${s.holes > s.positions.length ? ', …' : ''} from its centre), which the layers above repeat`);
    }
  }
  return `${parts.join('; ')}.`;
}
