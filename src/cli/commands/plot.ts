import { extname } from 'node:path';
import { asciiRow } from '../../analysis/ascii-row.js';
import { graphCost } from '../../analysis/cost.js';
import { coverage } from '../../analysis/coverage.js';
import { effectiveReceptiveField } from '../../analysis/effective-receptive-field.js';
import { convStack, GraphBuilder, type Graph } from '../../analysis/graph.js';
import { receptiveField } from '../../analysis/receptive-field.js';
import { effectiveKernelSize } from '../../geometry/index.js';
import { coverageMap } from '../../viz/ascii/coverage-map.js';
import { kernelGridPanel, KERNEL_GRID_LEGEND } from '../../viz/ascii/kernel-grid.js';
import { formatRows } from '../../viz/ascii/labelled-rows.js';
import { costBarsFigure, type CostItem } from '../../viz/figures/cost-bars.js';
import { coverageHeatmapFigure } from '../../viz/figures/coverage-heatmap.js';
import { effectiveKernelFigure } from '../../viz/figures/effective-kernel.js';
import { erfHeatmapFigure } from '../../viz/figures/erf-heatmap.js';
import { receptiveFieldGrowthFigure } from '../../viz/figures/rf-growth.js';
import { svgToPng } from '../../viz/raster.js';
import { parseArgs, parseInteger, parseIntList, type ParsedArgs } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { writeFileAtomically } from '../write-files.js';
import { checkCoverageSize, checkErfSize, checkKernelGridSpan, checkLayerCount } from '../analysis-limits.js';

/** What one figure produces: an SVG (for --out), terminal text (without --out) and the numbers drawn (--json). */
interface Rendered {
  svg?: string;
  ascii?: string;
  data: Record<string, unknown>;
}

interface Figure {
  name: string;
  summary: string;
  render(args: ParsedArgs): Rendered;
}

const DEFAULT_SCHEDULE_LAYERS = 6;
const DEFAULT_ERF_SEEDS = 32;
/** Channels of the ERF measurement (effectiveReceptiveField's default). */
const ERF_CHANNELS = 4;

const figures: Figure[] = [
  {
    name: 'effective-kernel',
    summary: 'effective kernel size d(k−1)+1 vs dilation (seed 000); --kernel 3[,5,..] --dilations 1,..,8',
    render(args) {
      const kernelSizes = parseIntList('kernel', args.flags.get('kernel') ?? '3');
      const dilations = parseIntList('dilations', args.flags.get('dilations') ?? '1,2,3,4,5,6,7,8');
      checkLayerCount('plot', 'kernel', kernelSizes.length * dilations.length);
      const width = Math.max(...kernelSizes.map((k) => String(effectiveKernelSize(k, Math.max(...dilations))).length), 2) + 1;
      const table = [
        `dilation d   ${dilations.map((d) => String(d).padStart(width)).join('')}`,
        ...kernelSizes.map((k) => `k_eff (k=${k})`.padEnd(13) + dilations.map((d) => String(effectiveKernelSize(k, d)).padStart(width)).join('')),
      ];
      const ascii = `${table.join('\n')}\n\n(atrous plot kernel --kernel K --dilations D shows the grids)`;
      return { svg: effectiveKernelFigure({ kernelSizes, dilations }), ascii, data: { kernelSizes, dilations } };
    },
  },
  {
    name: 'kernel',
    summary: "seed 001's kernel grids [●][ ][●] (terminal only); --kernel 3 --dilations 1,2,3",
    render(args) {
      const kernel = parseInteger('kernel', args.flags.get('kernel') ?? '3');
      const dilations = parseIntList('dilations', args.flags.get('dilations') ?? '1,2,3');
      checkLayerCount('plot', 'dilations', dilations.length);
      for (const d of dilations) checkKernelGridSpan('plot', kernel, d);
      return { ascii: `${kernelGridPanel(kernel, dilations)}\n\n${KERNEL_GRID_LEGEND}`, data: { kernel, dilations } };
    },
  },
  {
    name: 'rf-growth',
    summary: 'receptive field per layer: standard, doubling, HDC 1,2,5, base-k; --kernel 3 --layers 6 or --schedules "name:1,2,4;other:1,3,9"',
    render(args) {
      const kernel = parseInteger('kernel', args.flags.get('kernel') ?? '3');
      const schedules = parseSchedules(args, kernel);
      const series = schedules.map(({ label, dilations }) => {
        checkLayerCount('plot', 'layers', dilations.length);
        const report = receptiveField(convStack({ kernel, dilations }));
        checkCoverageSize('plot', report.layers, report.output, [1, ...dilations.map(() => kernel)]);
        const cover = coverage(convStack({ kernel, dilations }));
        return { label, dilations, receptiveField: report.layers.slice(1).map((l) => l.rf[0] as number), row: asciiRow(cover.multiplicity), holes: cover.holes };
      });
      const ascii = formatRows(series.map((s) => ({ label: s.label, row: s.row })), { alignLabels: true });
      return {
        svg: receptiveFieldGrowthFigure({ kernel, series }),
        ascii,
        data: { kernel, schedules: series.map(({ label, dilations, receptiveField: rf, holes }) => ({ label, dilations, rf, holes })) },
      };
    },
  },
  {
    name: 'coverage',
    summary: 'paths from each input offset to one output, gridding holes marked; --kernel 3 --dilations 2,2 --dims 2',
    render(args) {
      const kernel = parseInteger('kernel', args.flags.get('kernel') ?? '3');
      const dilations = parseIntList('dilations', args.flags.get('dilations') ?? '2,2');
      const dims = parseInteger('dims', args.flags.get('dims') ?? '2');
      if (dims > 2) throw new UsageError('--dims must be 1 or 2 for pictures');
      checkLayerCount('plot', 'dilations', dilations.length);
      const stack = convStack({ kernel, dilations, rank: dims });
      const report = receptiveField(stack);
      checkCoverageSize('plot', report.layers, report.output, [1, ...dilations.map(() => kernel ** dims)]);
      const cover = coverage(stack);
      const rows = dims === 1 ? [Array.from(cover.map)] : Array.from({ length: cover.size[0] }, (_, i) => Array.from(cover.map.subarray(i * cover.size[1], (i + 1) * cover.size[1])));
      const description = `kernel ${dims === 2 ? `${kernel}×${kernel}` : kernel}, dilations ${dilations.join(',')}`;
      const ascii = dims === 1
        ? formatRows([{ label: description, row: asciiRow(rows[0]) }])
        : `${description}\n${coverageMap(rows)}`;
      return {
        svg: coverageHeatmapFigure({ multiplicity: rows, description }),
        ascii,
        data: { kernel, dilations, dims, size: cover.size, holes: cover.holes, covered: cover.covered, area: cover.area, multiplicity: rows },
      };
    },
  },
  {
    name: 'erf',
    summary: 'effective receptive field (gradient of the centre output, random weights); --kernel 3 --dilations 1,2,4,8',
    render(args) {
      const kernel = parseInteger('kernel', args.flags.get('kernel') ?? '3');
      const dilations = parseIntList('dilations', args.flags.get('dilations') ?? '1,2,4,8');
      const dims = parseInteger('dims', args.flags.get('dims') ?? '2');
      if (dims > 2) throw new UsageError('--dims must be 1 or 2 for pictures');
      const seeds = parseInteger('seeds', args.flags.get('seeds') ?? String(DEFAULT_ERF_SEEDS));
      checkLayerCount('plot', 'dilations', dilations.length);
      checkErfSize('plot', receptiveField(convStack({ kernel, dilations, rank: dims })).output.rf, dilations.length, kernel ** dims, ERF_CHANNELS, seeds);
      const erf = effectiveReceptiveField({ kernel, dilations, rank: dims as 1 | 2, seeds });
      const [h, w] = dims === 2 ? erf.rf : [1, erf.rf[0]];
      const gradient = Array.from({ length: h }, (_, i) => Array.from(erf.map.subarray(i * w, (i + 1) * w)));
      const massBoxes = erf.shares.filter((s) => s.mass === 0.5 || s.mass === 0.9);
      const description = `kernel ${kernel}, dilations ${dilations.join(',')}, ReLU, random weights (mean of ${seeds} draws)`;
      return {
        svg: erfHeatmapFigure({ gradient, description, massBoxes }),
        data: { kernel, dilations, rf: erf.rf, shares: erf.shares, gaussian: erf.gaussian },
      };
    },
  },
  {
    name: 'cost',
    summary: 'params and MACs: 31×31 kernel vs 3×3 at d=15, conv→pool→conv vs conv→dilated conv (seed 002); --channels 32,64 --size 32',
    render(args) {
      const [cin, cout] = parseIntList('channels', args.flags.get('channels') ?? '32,64');
      if (cout === undefined) throw new UsageError('--channels needs two values: input,output');
      const size = parseInteger('size', args.flags.get('size') ?? '32');
      const items = costDesigns(cin, cout, size).map(({ label, graph }) => {
        const cost = graphCost(graph);
        const rf = receptiveField(graph).output.rf as number[];
        return { label, params: cost.params, macs: cost.macs, receptiveField: `RF ${rf.join('×')}` } satisfies CostItem;
      });
      return { svg: costBarsFigure({ items, description: `${cin} → ${cout} channels on a ${size}×${size} input, no bias; MACs for one image` }), data: { channels: [cin, cout], size, items } };
    },
  },
];

/** The designs seed 002 compares, as graphs the cost and RF analyses read. */
function costDesigns(cin: number, cout: number, size: number): { label: string; graph: Graph }[] {
  const build = (label: string, layers: (b: GraphBuilder, x: string) => string) => {
    const b = new GraphBuilder({ rank: 2, channels: cin, size: [size, size] });
    layers(b, b.input);
    return { label, graph: b.build() };
  };
  return [
    build('31×31 conv', (b, x) => b.conv(x, { kernel: 31, padding: 'same', outChannels: cout, bias: false })),
    build('3×3 conv, d=15', (b, x) => b.conv(x, { kernel: 3, dilation: 15, padding: 'same', outChannels: cout, bias: false })),
    build('conv→pool→conv', (b, x) => b.conv(b.pool(b.conv(x, { kernel: 3, padding: 1, outChannels: cout, bias: false }), 'maxPool', { kernel: 2 }), { kernel: 3, padding: 1, outChannels: cout, bias: false })),
    build('conv→conv d=2', (b, x) => b.conv(b.conv(x, { kernel: 3, padding: 1, outChannels: cout, bias: false }), { kernel: 3, dilation: 2, padding: 2, outChannels: cout, bias: false })),
  ];
}

function parseSchedules(args: ParsedArgs, kernel: number): { label: string; dilations: number[] }[] {
  const text = args.flags.get('schedules');
  if (text !== undefined) {
    const entries = text.split(';').filter((s) => s.trim());
    checkLayerCount('plot', 'schedules', entries.length);
    return entries.map((entry) => {
      const [label, list] = entry.includes(':') ? entry.split(':', 2) : [entry, entry];
      return { label: label.trim(), dilations: parseIntList('schedules', list) };
    });
  }
  const layers = parseInteger('layers', args.flags.get('layers') ?? String(DEFAULT_SCHEDULE_LAYERS));
  checkLayerCount('plot', 'layers', layers);
  const make = (f: (i: number) => number) => Array.from({ length: layers }, (_, i) => f(i));
  const named = (name: string, dilations: number[]) => ({ label: `${name} ${dilations.join(',')}`, dilations });
  return [
    named('standard', make(() => 1)),
    named('doubling', make((i) => 2 ** i)),
    named('HDC', make((i) => [1, 2, 5][i % 3])),
    named(`base-${kernel}`, make((i) => kernel ** i)),
  ];
}

/** `.svg` or `.png` from `--out`, refusing anything else. */
function outputKind(out: string, allowed: readonly string[]): string {
  const kind = extname(out).toLowerCase().slice(1);
  if (!allowed.includes(kind)) throw new UsageError(`--out ${JSON.stringify(out)} must end in ${allowed.map((k) => `.${k}`).join(' or ')}`);
  return kind;
}

const usage = `usage: atrous plot <figure> [options] [--out file.svg|file.png] [--scale 2] [--json]

Draws a figure from the analysis's numbers. Without --out, prints the terminal (ASCII) version.

figures:
${figures.map((f) => `  ${f.name.padEnd(17)} ${f.summary}`).join('\n')}

options:
  --kernel K          kernel size (effective-kernel: a list, one line each)
  --dilations LIST    dilation per layer, e.g. 1,2,4,8
  --dims 1|2          coverage, erf: a 1-D row or a 2-D map (default 2)
  --channels CIN,COUT cost: channels in and out (default 32,64)
  --size N            cost: input height and width (default 32)
  --seeds N           erf: random weight draws averaged (default ${DEFAULT_ERF_SEEDS})
  --layers N          rf-growth: layers per built-in schedule (default ${DEFAULT_SCHEDULE_LAYERS})
  --schedules S       rf-growth: "label:d1,d2,...;label:..." instead of the built-in four
  --out FILE          write .svg, or .png (rendered by resvg with the DejaVu fonts)
  --scale S           PNG zoom factor (default 1)
  --json              print the numbers drawn as JSON (and where the file went)

examples:
  atrous plot coverage --dilations 1,2,4,8 --out coverage.svg
  atrous plot coverage --dilations 2,2            # ASCII map with the holes
  atrous plot rf-growth --kernel 3 --out rf.png
  atrous plot kernel --kernel 3 --dilations 1,2,3`;

/** `atrous plot <figure>`: figures as SVG/PNG files, or their ASCII versions on the terminal. */
export const plotCommand: Command = {
  name: 'plot',
  summary: 'draw a figure (coverage, rf-growth, effective-kernel, erf, cost, kernel) as SVG/PNG or ASCII',
  usage,
  run(argv, io) {
    const args = parseArgs(argv, ['kernel', 'dilations', 'dims', 'layers', 'schedules', 'channels', 'size', 'seeds', 'out', 'scale'], ['json']);
    const [name, ...extra] = args.positional;
    if (name === undefined) throw new UsageError(`name a figure: ${figures.map((f) => f.name).join(', ')}`);
    if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
    const figure = figures.find((f) => f.name === name);
    if (!figure) throw new UsageError(`unknown figure ${JSON.stringify(name)}; figures: ${figures.map((f) => f.name).join(', ')}`);
    const rendered = figure.render(args);
    const out = args.flags.get('out');
    if (out !== undefined) {
      if (rendered.svg === undefined) throw new UsageError(`figure ${name} is terminal-only; omit --out`);
      const kind = outputKind(out, ['svg', 'png']);
      const scale = Number(args.flags.get('scale') ?? '1');
      if (!(scale > 0 && scale <= 8)) throw new UsageError('--scale must be a number in (0, 8]');
      writeFileAtomically(out, kind === 'svg' ? rendered.svg : svgToPng(rendered.svg, scale));
    }
    if (args.switches.has('json')) io.out(JSON.stringify({ figure: name, out: out ?? null, ...rendered.data }));
    else if (out !== undefined) io.out(`wrote ${out}`);
    else io.out(rendered.ascii ?? `figure ${name} has no terminal version; give --out file.svg or file.png`);
    return 0;
  },
};
