/**
 * Exercise 4 — "visualize activation maps to show the gridding artifact": two three-layer stacks of 3×3 filters,
 * dilations 2,2,2 (HDC's rule passes it, yet its exact coverage has holes) and 1,2,5 (hole-free), run on a
 * single bright pixel, on thin lines and dots, and on white noise. The activation maps are put next to the coverage
 * maps the analysis computes without running anything: where the coverage has holes, the activations break into
 * a lattice.
 */
import {
  Random, Tensor, conv, convStack, coverage, coverageHeatmapFigure, hdcCheck, imagePanelsFigure, relu, receptiveField,
} from '../src/index.js';
import type { Example, ExampleOptions, ExampleResult } from './lib/example.js';
import { writeFigure } from './lib/output.js';
import { fixed } from './lib/table.js';

export const STACKS = [
  { name: 'dilations 2,2,2', dilations: [2, 2, 2] },
  { name: 'dilations 1,2,5', dilations: [1, 2, 5] },
] as const;

const SIZE = 48;

export const gridding: Example = {
  name: 'gridding',
  summary: 'activation maps of 2,2,2 vs 1,2,5 stacks next to the coverage maps that predict their checkerboard',
  async run(options: ExampleOptions): Promise<ExampleResult> {
    const random = new Random(options.seed);
    const inputs = [
      { name: 'one bright pixel', image: impulse(SIZE) },
      { name: 'lines and dots', image: linesAndDots(SIZE, random) },
      { name: 'white noise', image: whiteNoise(SIZE, random) },
    ];
    // Positive random 3×3 filters (the same draw for both stacks) and ReLU: every path adds, none cancels, so an
    // activation is a weighted sum over exactly the offsets the coverage map counts.
    const filters = STACKS[0].dilations.map(() => positiveFilter(random));
    const rows: (string | number)[][] = [];
    const metrics: ExampleResult['metrics'] = {};
    const activations = STACKS.map((stack) => inputs.map((input) => runStack(input.image, filters, stack.dilations)));
    const figures: string[] = [];
    STACKS.forEach((stack, s) => {
      const graph = convStack({ kernel: 3, dilations: [...stack.dilations], rank: 2 });
      const cover = coverage(graph);
      const field = receptiveField(graph).output.rf[0] ?? NaN;
      const hdc = hdcCheck(3, [...stack.dilations]);
      const noise = activations[s][2];
      const neighbour = neighbourCorrelation(noise);
      const lattice = latticeShare(activations[s][0]);
      rows.push([stack.name, field, `${cover.holes} of ${cover.area}`, hdc.passes ? 'passes' : 'fails', fixed(neighbour, 2), `${(100 * lattice).toFixed(0)}%`]);
      metrics[`${stack.name}.holes`] = cover.holes;
      metrics[`${stack.name}.neighbourCorrelation`] = neighbour;
      metrics[`${stack.name}.impulseOnLattice`] = lattice;
      const side = cover.size[1];
      const grid = Array.from({ length: cover.size[0] }, (_, i) => Array.from(cover.map.subarray(i * side, (i + 1) * side)));
      figures.push(writeFigure(options.outDir, `coverage-${stack.dilations.join('-')}`, coverageHeatmapFigure({ multiplicity: grid, description: `kernel 3, ${stack.name}` })));
    });
    const plane = SIZE * SIZE;
    const panels = imagePanelsFigure({
      title: 'Gridding in activation maps: dilations 2,2,2 vs 1,2,5',
      subtitle: 'same positive 3×3 filters, ReLU; 2,2,2 reads every second pixel: its outputs split into 4 lattices',
      columns: ['input', ...STACKS.map((s) => s.name)],
      rows: inputs.map((input, i) => ({
        label: input.name,
        panels: [
          { values: input.image.data.subarray(0, plane), width: SIZE, height: SIZE },
          ...STACKS.map((_, s) => ({ values: activations[s][i].data, width: SIZE, height: SIZE })),
        ],
      })),
      panelSize: 150,
    });
    figures.unshift(writeFigure(options.outDir, 'gridding-activations', panels));
    return {
      tables: [{
        title: `Gridding, ${SIZE}×${SIZE} inputs, three 3×3 layers with positive random weights (seed ${options.seed})`,
        columns: ['stack', 'RF', 'holes (coverage)', 'HDC rule', 'neighbour corr. (noise)', 'impulse on one lattice'],
        rows,
      }],
      figures,
      metrics,
    };
  },
};

function runStack(image: Tensor, filters: readonly Tensor[], dilations: readonly number[]): Tensor {
  let x = image;
  dilations.forEach((d, i) => { x = relu(conv(x, filters[i], { dilation: d, padding: d })); });
  return x;
}

function positiveFilter(random: Random): Tensor {
  return new Tensor(Float32Array.from({ length: 9 }, () => 0.5 + random.uniform()), [1, 1, 3, 3]);
}

function impulse(size: number): Tensor {
  const data = new Float32Array(size * size);
  data[(size >> 1) * size + (size >> 1)] = 1;
  return new Tensor(data, [1, 1, size, size]);
}

/** A few one-pixel lines and dots on black: fine detail, where gridding shows. */
function linesAndDots(size: number, random: Random): Tensor {
  const data = new Float32Array(size * size);
  for (let i = 0; i < size; i++) {
    data[i * size + Math.min(size - 1, Math.floor(i * 0.7) + 4)] = 1;       // a steep diagonal
    data[Math.floor(size * 0.75) * size + i] = 1;                           // a horizontal line
  }
  for (let k = 0; k < 12; k++) data[random.int(size) * size + random.int(size)] = 1;
  return new Tensor(data, [1, 1, size, size]);
}

function whiteNoise(size: number, random: Random): Tensor {
  return new Tensor(Float32Array.from({ length: size * size }, () => random.normal()), [1, 1, size, size]);
}

/**
 * Pearson correlation between horizontally adjacent outputs, away from the border: 0 when neighbours read disjoint
 * inputs (white noise is independent pixel to pixel), near 1 when they share most of them.
 */
export function neighbourCorrelation(map: Tensor): number {
  const size = map.shape[3], margin = 8;
  const a: number[] = [], b: number[] = [];
  for (let i = margin; i < size - margin; i++) {
    for (let j = margin; j < size - margin - 1; j++) { a.push(map.data[i * size + j]); b.push(map.data[i * size + j + 1]); }
  }
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const ma = mean(a), mb = mean(b);
  let cov = 0, va = 0, vb = 0;
  for (let k = 0; k < a.length; k++) { cov += (a[k] - ma) * (b[k] - mb); va += (a[k] - ma) ** 2; vb += (b[k] - mb) ** 2; }
  return cov / Math.sqrt(va * vb);
}

/** Share of an impulse response's activation that falls on the lattice of the impulse's own parity (even, even). */
export function latticeShare(map: Tensor): number {
  const size = map.shape[3], centre = size >> 1;
  let on = 0, total = 0;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const v = Math.abs(map.data[i * size + j]);
      total += v;
      if ((i - centre) % 2 === 0 && (j - centre) % 2 === 0) on += v;
    }
  }
  return on / total;
}
