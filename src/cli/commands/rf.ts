import { readFileSync } from 'node:fs';
import { asciiRow } from '../../analysis/ascii-row.js';
import { checkerboardFrequency } from '../../analysis/checkerboard.js';
import { coverage, type Coverage } from '../../analysis/coverage.js';
import { graphFromLayers, convStack, type Graph, type GraphSpec } from '../../analysis/graph.js';
import type { EffectiveReceptiveField } from '../../analysis/effective-receptive-field.js';
import { graphEffectiveReceptiveField } from '../../analysis/graph-effective-receptive-field.js';
import { griddingVerdict } from '../../analysis/gridding.js';
import { hdcCheck, type HdcReport } from '../../analysis/hdc.js';
import { receptiveField, type NodeField } from '../../analysis/receptive-field.js';
import { resolveGraph, type ResolvedGraph } from '../../analysis/resolve.js';
import { designSchedules } from '../../analysis/schedule-design.js';
import { FormatError, OptionError } from '../../errors.js';
import { checkCoverageSize, checkErfSize, checkLayerCount, designBudget } from '../analysis-limits.js';
import { checkApplicable, parseArgs, parseInteger, parseIntList } from '../args.js';
import { formatRows } from '../../viz/ascii/labelled-rows.js';
import { UsageError, type Command, type CommandIO } from '../command.js';

const VALUES = ['kernel', 'kernels', 'dilations', 'strides', 'paddings', 'dims', 'layers', 'count', 'max-dilation', 'target-rf', 'limit'];
const SWITCHES = ['json', 'hdc', 'design', 'erf'];
/** The options of each mode; any other option given is refused rather than ignored. */
const STACK_OPTIONS = ['kernel', 'kernels', 'dilations', 'strides', 'paddings', 'dims', 'hdc', 'erf', 'json'];
const FILE_OPTIONS = ['layers', 'hdc', 'erf', 'json'];
const DESIGN_OPTIONS = ['design', 'kernel', 'count', 'max-dilation', 'target-rf', 'limit', 'json'];

/** `--erf`: channels and random draws of the measurement (graphEffectiveReceptiveField's defaults). */
const GRAPH_ERF_CHANNELS = 4;
const GRAPH_ERF_SEEDS = 4;

/** `--design --limit`: schedules listed at most. */
const MAX_DESIGN_LIMIT = 1000;

/** Maps are drawn cell by cell up to this size; larger 2-D fields show their centre row. */
const MAP_LIMIT = 64;

const usage = `atrous rf — receptive field, exact coverage and gridding of a conv stack

usage:
  atrous rf --kernel 3 --dilations 1,2,4,8,16          1-D stack of 3-tap layers (stride 1, no padding)
  atrous rf --kernels 3,3,3 --dilations 1,2,5 --strides 1,2,1 --paddings 1,2,5
  atrous rf --kernel 3 --dilations 2,2 --dims 2        2-D map of path counts
  atrous rf --layers net.json                          any graph from a JSON layer list
  atrous rf --kernel 3 --dilations 2,2,2 --hdc         Wang et al.'s HDC rule next to the exact coverage
  atrous rf --kernel 3 --dilations 1,1,1,1,1,1 --erf   effective receptive field (Luo et al.): where the gradient mass lies
  atrous rf --design --kernel 3 --count 3              rank hole-free dilation schedules

a stack (lists: commas or spaces, one entry per layer):
  --dilations LIST       dilation of each layer (required)
  --kernel K             taps of every layer (default 3)
  --kernels LIST         taps per layer instead of --kernel
  --strides LIST         stride per layer (default 1 each)
  --paddings LIST        zero padding per layer, each side (default 0 each)
  --dims N               spatial dimensions, 1 to 3 (default 1, as atrous plot)
  --hdc                  also check the Hybrid Dilated Convolution rule (Wang et al.: M_2 ≤ K)
  --erf                  also measure the effective receptive field (gradient of one output, random weights)
a graph:
  --layers FILE          JSON { "rank": 1, "layers": [{ "op": "conv", "kernel": 3, "dilation": 2 }, ...] };
                         takes --hdc, --erf, --json
the designer:
  --design               rank hole-free dilation schedules instead of analysing one
  --count N              layers in the schedule (required)
  --kernel K             taps per layer (default 3)
  --max-dilation D       largest dilation allowed (default: none)
  --target-rf N          keep schedules reaching this receptive field (default: none)
  --limit N              schedules listed (default 10)
output:
  --json                 machine-readable output: { rf, ascii, multiplicity, holes, gridding, ... }

the table's columns:
  layer, op              the layer's name and operation
  k, s, d                its kernel size, stride and dilation
  rf                     receptive field of the stack up to and including the layer, in input samples
  stride                 effective stride: input samples between neighbouring outputs of the layer
  padding                effective padding: how far the first output's field reaches before input 0
  step                   distance between the layer's taps in input samples (dilation × effective stride below);
                         a step larger than the field below leaves holes
  checker                for a layer both strided and dilated, gcd(s, d)/d: the share of its taps' phases
                         that are ever read (1 = all; below 1 = a checkerboard pattern)`;

/** `atrous rf`: a receptive-field calculator for stacks with strides, padding, 2-D/3-D and any graph. */
export const rfCommand: Command = {
  name: 'rf',
  summary: 'receptive field, coverage row, exact path counts and gridding verdict of a conv stack',
  usage,
  run(args: string[], io: CommandIO): number {
    const parsed = parseArgs(args, VALUES, SWITCHES);
    if (parsed.positional.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positional[0])}; see atrous rf --help`);
    const flag = (name: string) => parsed.flags.get(name);
    const json = parsed.switches.has('json');
    if (parsed.switches.has('design')) {
      checkApplicable(parsed, 'rf --design', DESIGN_OPTIONS);
      return runDesign(flag, json, io);
    }
    if (flag('layers') !== undefined) checkApplicable(parsed, 'rf --layers', FILE_OPTIONS);
    else checkApplicable(parsed, 'rf on a stack', STACK_OPTIONS);
    const graph = buildGraph(flag);
    const resolved = resolveGraph(graph);
    const fields = receptiveField(resolved);
    const taps = resolved.nodes.map((n) => ((n.node as { kernel?: number[] }).kernel ?? [1]).reduce((a, b) => a * b, 1));
    const layers = layerRows(resolved, fields.layers);
    const out = fields.output;
    const scalar = <T>(values: T[]): T | T[] => (resolved.rank === 1 ? values[0] : values);
    if (out.global) {
      // Every output reads the whole input: there is no field to draw or count paths over.
      const summary = { rf: scalar(out.rf), stride: scalar(out.stride), padding: scalar(out.padding), ascii: null, multiplicity: null, holes: null, gridding: null, aligned: out.aligned, global: true, layers };
      io.out(json ? JSON.stringify(summary) : `${table(layers)}

global: ${out.name} sees the whole input (${out.rf.map((n) => n ?? 'any size').join('×')}); no coverage map`);
      return 0;
    }
    checkCoverageSize('rf', fields.layers, out, taps);
    const covered = coverage(resolved);
    const verdict = griddingVerdict(resolved, covered);
    let hdc: HdcReport | undefined;
    if (parsed.switches.has('hdc')) hdc = runHdc(resolved);
    if (parsed.switches.has('erf')) checkErfSize('rf', out.rf, resolved.nodes.length - 1, Math.max(...taps), GRAPH_ERF_CHANNELS, GRAPH_ERF_SEEDS);
    const erf = parsed.switches.has('erf') ? graphEffectiveReceptiveField(graph, { channels: GRAPH_ERF_CHANNELS, seeds: GRAPH_ERF_SEEDS }) : undefined;
    if (json) {
      io.out(JSON.stringify({
        rf: scalar(out.rf), stride: scalar(out.stride), padding: scalar(out.padding),
        ascii: asciiRow(covered.multiplicity), multiplicity: covered.multiplicity,
        ...(resolved.rank > 1 ? { multiplicityCenterRow: covered.multiplicityCenterRow } : {}),
        holes: covered.holes, covered: covered.covered, area: covered.area,
        minPaths: covered.min, maxPaths: covered.max, uniform: covered.uniform, exact: covered.exact,
        gridding: verdict.gridding, griddingCause: verdict.message, holePositions: verdict.holePositions,
        aligned: out.aligned, global: out.global,
        layers,
        ...(hdc ? { hdc } : {}),
        ...(erf ? { erf: { shares: erf.shares, gaussian: erf.gaussian } } : {}),
      }));
      return 0;
    }
    io.out(describe(resolved, layers, out, covered, verdict.message, hdc));
    if (erf) io.out(describeErf(erf));
    return 0;
  },
};

function buildGraph(flag: (name: string) => string | undefined): Graph {
  const file = flag('layers');
  if (file !== undefined) {
    for (const other of ['kernels', 'dilations', 'strides', 'paddings']) {
      if (flag(other) !== undefined) throw new UsageError(`--layers describes the whole graph; drop --${other}`);
    }
    let spec: GraphSpec;
    try {
      spec = JSON.parse(readFileSync(file, 'utf8')) as GraphSpec;
    } catch (error) {
      throw new FormatError('rf', 'layers', `cannot read the layer list ${JSON.stringify(file)}: ${(error as Error).message}; expected JSON { "rank": 1, "layers": [{ "op": "conv", "kernel": 3, "dilation": 2 }, ...] }`);
    }
    if (Array.isArray(spec?.layers)) checkLayerCount('rf', 'layers', spec.layers.length);
    return graphFromLayers(spec);
  }
  const dilationsText = flag('dilations');
  if (dilationsText === undefined) throw new UsageError('give --dilations d1,d2,... (one per layer), or --layers file.json, or --design');
  const dilations = parseIntList('dilations', dilationsText);
  checkLayerCount('rf', 'dilations', dilations.length);
  const list = (name: string, min: number) => {
    const text = flag(name);
    if (text === undefined) return undefined;
    const values = parseIntList(name, text, min);
    if (values.length !== dilations.length) throw new UsageError(`--${name} has ${values.length} entries but --dilations has ${dilations.length}; give one per layer`);
    return values;
  };
  const kernelText = flag('kernel');
  return convStack({
    kernel: kernelText === undefined ? 3 : parseInteger('kernel', kernelText),
    kernels: list('kernels', 1), dilations, strides: list('strides', 1), paddings: list('paddings', 0),
    rank: flag('dims') === undefined ? 1 : dims(flag('dims')!),
  });
}

function dims(text: string): number {
  const n = parseInteger('dims', text);
  if (n > 3) throw new UsageError(`--dims ${n} must be 1, 2 or 3`);
  return n;
}

function runHdc(graph: ResolvedGraph): HdcReport {
  const convs = graph.nodes.filter((n) => n.node.op === 'conv');
  const chain = graph.nodes.every((n, i) => i === 0 || (n.inputs.length === 1 && n.inputs[0] === i - 1));
  const kernels = convs.map((n) => (n.node as { kernel: number[] }).kernel[0]);
  const strided = convs.some((n) => (n.node as { stride: number[] }).stride.some((s) => s !== 1));
  if (!chain || convs.length !== graph.nodes.length - 1 || strided || kernels.some((k) => k !== kernels[0])) {
    throw new UsageError('--hdc applies to a chain of stride-1 convolutions with one kernel size (the rule of Wang et al.)');
  }
  return hdcCheck(kernels[0], convs.map((n) => (n.node as { dilation: number[] }).dilation[0]));
}

function runDesign(flag: (name: string) => string | undefined, json: boolean, io: CommandIO): number {
  const countText = flag('count');
  if (countText === undefined) throw new UsageError('--design needs --count N (the number of layers)');
  const optional = (name: string) => (flag(name) === undefined ? undefined : parseInteger(name, flag(name)!));
  const kernel = optional('kernel') ?? 3;
  const layers = parseInteger('count', countText);
  const maxDilation = optional('max-dilation');
  const limit = optional('limit');
  checkLayerCount('rf', 'count', layers);
  if (limit !== undefined && limit > MAX_DESIGN_LIMIT) throw new OptionError('rf', 'limit', `--limit ${limit} is more than the ${MAX_DESIGN_LIMIT} schedules the CLI lists`);
  const design = designSchedules({
    kernel, layers, maxDilation, targetRf: optional('target-rf'), limit,
    budget: designBudget('rf', kernel, layers, maxDilation ?? Infinity),
  });
  if (json) {
    io.out(JSON.stringify(design));
    return 0;
  }
  const lines = [
    `hole-free dilation schedules for ${design.layers} layers of ${design.kernel} taps (${design.found} found${design.complete ? '' : ', search budget exhausted: not exhaustive'})`,
    '',
    `${'dilations'.padEnd(28)} ${'rf'.padStart(6)}  paths per offset`,
    ...design.schedules.map((s) => `${s.dilations.join(',').padEnd(28)} ${String(s.rf).padStart(6)}  ${s.minPaths === s.maxPaths ? `exactly ${s.minPaths} (perfect)` : `${s.minPaths}–${s.maxPaths}`}`),
  ];
  if (design.schedules.length === 0) lines.push('(none: no schedule meets the constraints without holes)');
  io.out(lines.join('\n'));
  return 0;
}

interface LayerRow {
  name: string;
  op: string;
  kernel: number[] | null;
  stride: number[] | null;
  dilation: number[] | null;
  rf: (number | null)[];
  effectiveStride: (number | null)[];
  effectivePadding: number[];
  /** Input coordinate of output 0's centre. */
  centre: number[];
  /** Distance between taps in input units, `dilation × effective stride below`. */
  step: number[] | null;
  /** `gcd(s, d)/d` where the layer is both strided and dilated. */
  checkerboard: number[] | null;
}

function layerRows(graph: ResolvedGraph, fields: NodeField[]): LayerRow[] {
  return graph.nodes.slice(1).map((rn) => {
    const f = fields[rn.index];
    const below = fields[rn.inputs[0]];
    const node = rn.node as { kernel?: number[]; stride?: number[]; dilation?: number[] };
    const dilation = node.dilation ?? null;
    const stride = node.stride ?? null;
    const strided = stride !== null && dilation !== null && stride.some((s, d) => s > 1 && dilation[d] > 1);
    return {
      name: rn.node.name, op: rn.node.op, kernel: node.kernel ?? null, stride, dilation,
      rf: f.rf, effectiveStride: f.stride, effectivePadding: f.padding, centre: f.centre,
      step: dilation && below.stride.every((s) => s !== null) ? dilation.map((d, i) => d * (below.stride[i] as number)) : null,
      checkerboard: strided ? stride!.map((s, d) => checkerboardFrequency(s, dilation![d])) : null,
    };
  });
}

function show(v: readonly (number | null)[] | null): string {
  return v === null ? '-' : v.map((x) => (x === null ? '?' : String(x))).join('×');
}

/** The per-layer table: kernel, stride, dilation, then the field after the layer and its tap step. */
function table(rows: LayerRow[]): string {
  const header = ['layer', 'op', 'k', 's', 'd', 'rf', 'stride', 'padding', 'step', 'checker'];
  const cells = [header, ...rows.map((r) => [
    r.name, r.op, show(r.kernel), show(r.stride), show(r.dilation), show(r.rf), show(r.effectiveStride),
    show(r.effectivePadding), show(r.step), show(r.checkerboard),
  ])];
  const widths = header.map((_, c) => Math.max(...cells.map((row) => row[c].length)));
  return cells.map((row) => row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd()).join('\n');
}

function describeErf(erf: EffectiveReceptiveField): string {
  const boxes = erf.shares.map((s) => `${Math.round(s.mass * 100)}% in the central ${Array(erf.rf.length).fill(s.extent).join('×')} (${(100 * s.share).toFixed(1)}% of the field)`);
  return `effective receptive field (gradient of one output, random weights and inputs; field ${erf.rf.join('×')}): ${boxes.join(', ')}; Gaussian σ ${erf.gaussian.sigma.map((v) => v.toFixed(2)).join('×')}`;
}

function describe(graph: ResolvedGraph, rows: LayerRow[], out: NodeField, covered: Coverage, cause: string, hdc: HdcReport | undefined): string {
  const rank = graph.rank;
  const lines = [
    `${rows.length} layer${rows.length === 1 ? '' : 's'}, ${rank}-D`,
    '',
    table(rows),
    '',
    `receptive field ${show(out.rf)}, effective stride ${show(out.stride)}, effective padding ${show(out.padding)}${out.aligned ? '' : ' (branches misaligned)'}`,
  ];
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (rank === 1) lines.push(formatRows([{ label: 'coverage', row: asciiRow(covered.multiplicity) }]));
  else if (rank === 2 && covered.size.every((n) => n <= MAP_LIMIT)) {
    for (let i = 0; i < covered.size[0]; i++) lines.push(asciiRow(covered.map.subarray(i * covered.size[1], (i + 1) * covered.size[1])));
  } else lines.push(formatRows([{ label: 'centre row', row: asciiRow(covered.multiplicityCenterRow) }]));
  const where = rank > 1 ? ' (centre row)' : '';
  lines.push(covered.multiplicity.length <= MAP_LIMIT
    ? `paths per offset${where}: ${covered.multiplicity.join(' ')}`
    : `paths per offset${where}: ${covered.multiplicity.length} offsets, too many to list here (--json lists them)`);
  const paths = covered.uniform ? `every offset by exactly ${plural(covered.max, 'path')}` : `${covered.minCovered}–${covered.max} paths per reached offset`;
  lines.push(`coverage: ${covered.covered} of ${covered.area} offsets reached, ${plural(covered.holes, 'hole')}, ${paths}${covered.exact ? '' : ' (counts above 2^53 rounded)'}`);
  lines.push(cause);
  if (hdc) lines.push(`${hdc.message} (M = ${hdc.M.join(', ')})`);
  return lines.join('\n');
}
