import { OptionError } from '../errors.js';
import { checkerboardFrequency } from './checkerboard.js';
import { graphCost } from './cost.js';
import { coverage, type Coverage } from './coverage.js';
import type { Graph } from './graph.js';
import { griddingVerdict } from './gridding.js';
import { MAX_PHASES, receptiveField, type NodeField } from './receptive-field.js';
import { resolveGraph } from './resolve.js';

/** One row of the per-layer table of `atrous analyze`: the node's field (see {@link NodeField}) and its cost. */
export interface AnalyzedLayer extends Pick<NodeField, 'name' | 'op' | 'outputShape' | 'rf' | 'stride' | 'padding'> {
  params: number | null;
  macs: number | null;
}

/** A warning a user should read: gridding, misaligned branches, checkerboard strides, coverage not computable. */
export interface AnalysisWarning {
  kind: 'gridding' | 'misaligned' | 'checkerboard' | 'coverage' | 'bound';
  message: string;
}

/** The `atrous analyze --json` object of DESIGN.md. */
export interface AnalysisReport {
  /** `exact` is false when `rf` and `padding` are a bound (see {@link NodeField.exact}), with a `bound` warning. */
  output: { rf: (number | null)[]; stride: (number | null)[]; padding: number[]; global: boolean; aligned: boolean; exact: boolean };
  layers: AnalyzedLayer[];
  /** Multiplicities of an interior output, or `null` with a `coverage` warning saying why. */
  coverage: {
    multiplicity: number[]; multiplicityCenterRow: number[]; covered: number; area: number; holes: number;
    min: number; max: number; exact: boolean;
  } | null;
  params: number;
  macs: number;
  warnings: AnalysisWarning[];
}

/**
 * Everything `atrous analyze` prints for a graph, in DESIGN.md's JSON shape: the output's receptive field,
 * the per-layer table with cost, the exact coverage of an interior output, and warnings (gridding with its
 * cause, misaligned branches, strided dilated layers with a checkerboard frequency below 1, and why coverage
 * could not be counted for a global head). After upsampling, coverage is that of output 0 (it depends on the phase).
 *
 * @example analyzeGraph(convStack({ kernel: 3, dilations: [2, 2] })).warnings[0].kind // 'gridding'
 */
export function analyzeGraph(graph: Graph): AnalysisReport {
  const resolved = resolveGraph(graph);
  const fields = receptiveField(resolved);
  const cost = graphCost(resolved);
  const warnings: AnalysisWarning[] = [];
  for (const m of fields.misalignments) {
    warnings.push({
      kind: 'misaligned',
      message: `branches meeting at ${m.node} disagree along dimension ${m.dim}: ${m.branches.map((b) => `${b.input} (stride ${b.stride ?? 'global'}, centre ${b.centre})`).join(', ')}`,
    });
  }
  for (const rn of resolved.nodes) {
    rn.windows.forEach((w, d) => {
      if (w.kind !== 'window' || w.stride < 2 || w.dilation < 2) return;
      const f = checkerboardFrequency(w.stride, w.dilation);
      if (f < 1) warnings.push({ kind: 'checkerboard', message: `${rn.node.name} combines stride ${w.stride} and dilation ${w.dilation} along dimension ${d}: checkerboard frequency gcd(s, d)/d = ${f}` });
    });
  }
  let covered: Coverage | null = null;
  try {
    covered = coverage(resolved);
  } catch (error) {
    if (!(error instanceof OptionError)) throw error;
    warnings.push({ kind: 'coverage', message: error.message });
  }
  if (covered) {
    const verdict = griddingVerdict(resolved, covered);
    if (verdict.gridding) warnings.push({ kind: 'gridding', message: verdict.message });
  }
  const out = fields.output;
  if (!out.exact) {
    warnings.push({ kind: 'bound', message: `${out.name}'s output phases repeat only after more than ${MAX_PHASES} positions (or a resize factor is no ratio of small integers): rf ${out.rf.join('×')} and padding ${out.padding.join('×')} are an upper bound (the affine envelope of every phase), not the exact field` });
  }
  return {
    output: { rf: out.rf, stride: out.stride, padding: out.padding, global: out.global, aligned: out.aligned, exact: out.exact },
    layers: fields.layers.map((l, i) => ({
      name: l.name, op: l.op, outputShape: l.outputShape, rf: l.rf, stride: l.stride, padding: l.padding,
      params: cost.layers[i].params, macs: cost.layers[i].macs,
    })),
    coverage: covered && {
      multiplicity: covered.multiplicity, multiplicityCenterRow: covered.multiplicityCenterRow,
      covered: covered.covered, area: covered.area, holes: covered.holes, min: covered.min, max: covered.max, exact: covered.exact,
    },
    params: cost.params,
    macs: cost.macs,
    warnings,
  };
}
