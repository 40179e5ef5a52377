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
import { svgToPdf } from '../../viz/pdf.js';
import { svgToPng } from '../../viz/raster.js';
import { styleFigure, type FigureStyle } from '../../viz/style.js';
import { checkApplicable, parseArgs, parseInteger, parseIntList, type ParsedArgs } from '../args.js';
import { UsageError, type Command } from '../command.js';
import { writeFileAtomically } from '../write-files.js';
import { checkCoverageSize, checkErfSize, checkKernelGridSpan, checkLayerCount } from '../analysis-limits.js';

/** What one figure produces: an SVG (for --out), terminal text (without --out) and the numbers drawn (--json). */
interface Rendered {
  svg?: string;
  ascii?: string;
  data: Record<string, unknown>;
}

/** One option a figure reads: its value's shape, what it does, its default. */
interface FigureOption {
  name: string;
  value: string;
  help: string;
  fallback?: string;
}

interface Figure {
  name: string;
  summary: string;
  options: FigureOption[];
  render(args: ParsedArgs): Rendered;
}

const DEFAULT_SCHEDULE_LAYERS = 6;
/** Enough random draws that a symmetric stack's map is symmetric to within a few per cent of its peak. */
const DEFAULT_ERF_DRAWS = 512;
/** Channels of the ERF measurement (effectiveReceptiveField's default). */
const ERF_CHANNELS = 4;

/** The option's value, or its default from the figure's table (one place for both the help and the code). */
function option(figure: Figure, args: ParsedArgs, name: string): string {
  const spec = figure.options.find((o) => o.name === name);
  const value = args.flags.get(name) ?? spec?.fallback;
  if (value === undefined) throw new UsageError(`${figure.name} needs --${name}`);
  return value;
}

function dimsOption(figure: Figure, args: ParsedArgs): 1 | 2 {
  const dims = parseInteger('dims', option(figure, args, 'dims'));
  if (dims > 2) throw new UsageError(`--dims ${dims}: pictures are 1-D (a row of bars) or 2-D (a map); give 1 or 2`);
  return dims as 1 | 2;
}

const KERNEL: FigureOption = { name: 'kernel', value: 'K', help: 'taps per layer', fallback: '3' };
const DIMS: FigureOption = { name: 'dims', value: '1|2', help: 'a 1-D row or a 2-D map of k×k kernels (as atrous rf)', fallback: '1' };

const figures: Figure[] = [
  {
    name: 'effective-kernel',
    summary: 'effective kernel size d(k−1)+1 against dilation, one line per kernel size',
    options: [
      { name: 'kernel', value: 'K[,K…]', help: 'kernel sizes, one line each', fallback: '3' },
      { name: 'dilations', value: 'LIST', help: 'dilations on the x axis', fallback: '1,2,3,4,5,6,7,8' },
    ],
    render(args) {
      const kernelSizes = parseIntList('kernel', option(this, args, 'kernel'));
      const dilations = parseIntList('dilations', option(this, args, 'dilations'));
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
    summary: 'kernel grids [●][ ][●] at each dilation (terminal only)',
    options: [KERNEL, { name: 'dilations', value: 'LIST', help: 'one grid per dilation', fallback: '1,2,3' }],
    render(args) {
      const kernel = parseInteger('kernel', option(this, args, 'kernel'));
      const dilations = parseIntList('dilations', option(this, args, 'dilations'));
      checkLayerCount('plot', 'dilations', dilations.length);
      for (const d of dilations) checkKernelGridSpan('plot', kernel, d);
      return { ascii: `${kernelGridPanel(kernel, dilations)}\n\n${KERNEL_GRID_LEGEND}`, data: { kernel, dilations } };
    },
  },
  {
    name: 'rf-growth',
    summary: 'receptive field after each layer: standard, doubling, HDC 1,2,5, base-k (or your schedules)',
    options: [
      KERNEL,
      { name: 'layers', value: 'N', help: 'layers of each built-in schedule', fallback: String(DEFAULT_SCHEDULE_LAYERS) },
      { name: 'schedules', value: 'S', help: '"label:d1,d2,…;label:…" instead of the built-in four' },
    ],
    render(args) {
      const kernel = parseInteger('kernel', option(this, args, 'kernel'));
      if (args.flags.has('schedules') && args.flags.has('layers')) throw new UsageError('--layers sets the built-in schedules\' length; with --schedules each schedule has its own, so drop --layers');
      const schedules = parseSchedules(args, kernel, parseInteger('layers', option(this, args, 'layers')));
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
    summary: 'paths from each input offset to one output, gridding holes marked (any field size: large ones in bins)',
    options: [KERNEL, { name: 'dilations', value: 'LIST', help: 'dilation per layer', fallback: '2,2' }, DIMS],
    render(args) {
      const kernel = parseInteger('kernel', option(this, args, 'kernel'));
      const dilations = parseIntList('dilations', option(this, args, 'dilations'));
      const dims = dimsOption(this, args);
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
    summary: 'effective receptive field: gradient of the centre output over random weights (Luo et al.)',
    options: [
      KERNEL, { name: 'dilations', value: 'LIST', help: 'dilation per layer', fallback: '1,2,4,8' }, DIMS,
      { name: 'draws', value: 'N', help: 'random weight draws averaged (more: less noise, slower)', fallback: String(DEFAULT_ERF_DRAWS) },
    ],
    render(args) {
      const kernel = parseInteger('kernel', option(this, args, 'kernel'));
      const dilations = parseIntList('dilations', option(this, args, 'dilations'));
      const dims = dimsOption(this, args);
      const draws = parseInteger('draws', option(this, args, 'draws'));
      checkLayerCount('plot', 'dilations', dilations.length);
      checkErfSize('plot', receptiveField(convStack({ kernel, dilations, rank: dims })).output.rf, dilations.length, kernel ** dims, ERF_CHANNELS, draws, 'draws');
      const erf = effectiveReceptiveField({ kernel, dilations, rank: dims, seeds: draws });
      const [h, w] = dims === 2 ? erf.rf : [1, erf.rf[0]];
      const gradient = Array.from({ length: h }, (_, i) => Array.from(erf.map.subarray(i * w, (i + 1) * w)));
      const massBoxes = erf.shares.filter((s) => s.mass === 0.5 || s.mass === 0.9);
      const noise = mirrorDifference(erf.map);
      const description = `kernel ${kernel}, dilations ${dilations.join(',')}, ReLU, random weights: mean of ${draws} draws (differs from its mirror image by ≤ ${(100 * noise).toFixed(1)}% of the peak)`;
      return {
        svg: erfHeatmapFigure({ gradient, description, massBoxes }),
        data: { kernel, dilations, dims, draws, rf: erf.rf, shares: erf.shares, gaussian: erf.gaussian, mirrorDifference: noise },
      };
    },
  },
  {
    name: 'cost',
    summary: 'parameters and MACs of four designs and the field each reaches: 31×31 vs 3×3 at d=15 (both 31), conv→pool→conv vs conv→dilated conv',
    options: [
      { name: 'channels', value: 'CIN,COUT', help: 'channels in and out', fallback: '32,64' },
      { name: 'size', value: 'N', help: 'input height and width', fallback: '32' },
    ],
    render(args) {
      const [cin, cout, ...more] = parseIntList('channels', option(this, args, 'channels'));
      if (cout === undefined || more.length > 0) throw new UsageError('--channels needs two values: input,output');
      const size = parseInteger('size', option(this, args, 'size'));
      const items = costDesigns(cin, cout, size).map(({ label, graph }) => {
        const cost = graphCost(graph);
        const rf = receptiveField(graph).output.rf as number[];
        return { label, params: cost.params, macs: cost.macs, receptiveField: `RF ${rf.join('×')}` } satisfies CostItem;
      });
      return { svg: costBarsFigure({ items, description: `${cin} → ${cout} channels on a ${size}×${size} input, no bias; MACs for one image` }), data: { channels: [cin, cout], size, items } };
    },
  },
];

/**
 * The largest difference between the map and its 180° rotation, relative to the peak. The stacks drawn here are
 * symmetric, so their expected map is too: what remains is the sampling noise of the finite number of draws.
 */
function mirrorDifference(map: Float64Array): number {
  let peak = 0;
  let worst = 0;
  for (let i = 0; i < map.length; i++) {
    peak = Math.max(peak, map[i]);
    worst = Math.max(worst, Math.abs(map[i] - map[map.length - 1 - i]));
  }
  return peak > 0 ? worst / peak : 0;
}

/** The designs compared: a large kernel against a dilated one of the same field, pooling against dilation. */
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

function parseSchedules(args: ParsedArgs, kernel: number, layers: number): { label: string; dilations: number[] }[] {
  const text = args.flags.get('schedules');
  if (text !== undefined) {
    const entries = text.split(';').filter((s) => s.trim());
    checkLayerCount('plot', 'schedules', entries.length);
    return entries.map((entry) => {
      const [label, list] = entry.includes(':') ? entry.split(':', 2) : [entry, entry];
      return { label: label.trim(), dilations: parseIntList('schedules', list) };
    });
  }
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

/** The file kind from `--out`'s extension, refusing anything else. */
function outputKind(out: string, allowed: readonly string[]): string {
  const kind = extname(out).toLowerCase().slice(1);
  if (!allowed.includes(kind)) throw new UsageError(`--out ${JSON.stringify(out)} must end in ${allowed.map((k) => `.${k}`).join(', ')}`);
  return kind;
}

/** Options every figure takes: where and how to write it. */
const OUTPUT_OPTIONS = ['out', 'scale', 'width', 'font-size', 'theme', 'json'];

const usage = `usage: atrous plot <figure> [options] [--out file.svg|.png|.pdf] [--json]

Draws a figure from the analysis's numbers. Without --out, prints the terminal (ASCII) version.
An option the chosen figure does not use is refused.

${figures.map((f) => [
  `${f.name}: ${f.summary}`,
  ...f.options.map((o) => `    --${`${o.name} ${o.value}`.padEnd(20)} ${o.help}${o.fallback === undefined ? '' : ` (default ${o.fallback})`}`),
].join('\n')).join('\n\n')}

output (every figure):
    --out FILE           .svg, .png (resvg, DejaVu fonts) or .pdf (vector, PDFKit); none: terminal text
    --scale S            PNG zoom factor, 0 to 8 (default 1)
    --width PX           output width in pixels (PDF: points); the height keeps the figure's proportions
    --font-size PX       body text size (default 12); every label scales with it
    --theme light|dark   dark: light ink on a near-black background (default light)
    --json               print the numbers drawn as JSON (and where the file went)

examples:
  atrous plot coverage --dilations 1,2,4,8 --dims 2 --out coverage.svg
  atrous plot coverage --dilations 2,2 --dims 2      # terminal map with the holes
  atrous plot coverage --kernel 2 --dilations 1,2,4,8,16,32,64,128,256,512 --out wavenet.png   # in bins
  atrous plot rf-growth --kernel 3 --out rf.pdf --width 900 --font-size 14
  atrous plot kernel --kernel 3 --dilations 1,2,3`;

/** `atrous plot <figure>`: figures as SVG/PNG/PDF files, or their ASCII versions on the terminal. */
export const plotCommand: Command = {
  name: 'plot',
  summary: 'draw a figure (coverage, rf-growth, effective-kernel, erf, cost, kernel) as SVG/PNG/PDF or ASCII',
  usage,
  async run(argv, io) {
    const every = [...new Set(figures.flatMap((f) => f.options.map((o) => o.name)))];
    const args = parseArgs(argv, [...every, ...OUTPUT_OPTIONS.filter((o) => o !== 'json')], ['json']);
    const [name, ...extra] = args.positional;
    if (name === undefined) throw new UsageError(`name a figure: ${figures.map((f) => f.name).join(', ')}`);
    if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
    const figure = figures.find((f) => f.name === name);
    if (!figure) throw new UsageError(`unknown figure ${JSON.stringify(name)}; figures: ${figures.map((f) => f.name).join(', ')}`);
    const out = args.flags.get('out');
    const terminalOnly = figure.name === 'kernel';
    checkApplicable(args, `plot ${name}`, figure.options.map((o) => o.name), terminalOnly ? ['json'] : OUTPUT_OPTIONS);
    if (out === undefined) {
      const needsFile = ['scale', 'width', 'font-size', 'theme'].filter((o) => args.flags.has(o));
      if (needsFile.length > 0) throw new UsageError(`${needsFile.map((o) => `--${o}`).join(', ')} style${needsFile.length === 1 ? 's' : ''} a file: give --out file.svg, .png or .pdf`);
    }
    const rendered = figure.render(args);
    if (out !== undefined) {
      if (rendered.svg === undefined) throw new UsageError(`figure ${name} is terminal-only; omit --out`);
      const kind = outputKind(out, ['svg', 'png', 'pdf']);
      const scaleText = args.flags.get('scale');
      if (scaleText !== undefined && kind !== 'png') throw new UsageError(`--scale zooms a PNG; for .${kind} give --width instead`);
      const scale = Number(scaleText ?? '1');
      if (!(scale > 0 && scale <= 8)) throw new UsageError(`--scale ${JSON.stringify(scaleText)} must be a number above 0 and at most 8`);
      const svg = styleFigure(rendered.svg, readStyle(args));
      const bytes = kind === 'svg' ? svg : kind === 'png' ? svgToPng(svg, scale) : await svgToPdf(svg, { title: `atrous plot ${name}` });
      writeFileAtomically(out, bytes);
    }
    if (args.switches.has('json')) io.out(JSON.stringify({ figure: name, out: out ?? null, ...rendered.data }));
    else if (out !== undefined) io.out(`wrote ${out}`);
    else io.out(rendered.ascii ?? `figure ${name} has no terminal version; give --out file.svg, .png or .pdf`);
    return 0;
  },
};

/** `--width`, `--font-size` and `--theme` as a figure style. */
function readStyle(args: ParsedArgs): FigureStyle {
  const theme = args.flags.get('theme');
  if (theme !== undefined && theme !== 'light' && theme !== 'dark') throw new UsageError(`--theme ${JSON.stringify(theme)} must be light or dark`);
  const width = args.flags.get('width');
  const fontSize = args.flags.get('font-size');
  return {
    theme,
    width: width === undefined ? undefined : parseInteger('width', width, 100),
    fontSize: fontSize === undefined ? undefined : parseInteger('font-size', fontSize, 6),
  };
}
