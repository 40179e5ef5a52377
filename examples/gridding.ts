/**
 * Exercise 4 — "visualize activation maps to show the gridding artifact": two three-layer stacks of 3×3 filters,
 * dilations 2,2,2 (HDC's rule passes it, yet its exact coverage has holes) and 1,2,5 (hole-free), run on a single
 * bright pixel, on thin lines and dots, and on white noise (`activationProbe`, the same probe the explorer page's
 * gridding panel runs). The activation maps are put next to the coverage maps the analysis computes without running
 * anything: where the coverage has holes, the activations break into a lattice.
 */
import { activationProbe, convStack, coverage, coverageHeatmapFigure, hdcCheck, imagePanelsFigure, receptiveField, type ProbeImageKind } from '../src/index.js';
import type { Example, ExampleOptions, ExampleResult } from './lib/example.js';
import { writeFigure } from './lib/output.js';
import { fixed } from './lib/table.js';

export const STACKS = [
  { name: 'dilations 2,2,2', dilations: [2, 2, 2] },
  { name: 'dilations 1,2,5', dilations: [1, 2, 5] },
] as const;

const SIZE = 48;
const IMAGES: { kind: ProbeImageKind; name: string }[] = [
  { kind: 'impulse', name: 'one bright pixel' }, { kind: 'lines', name: 'lines and dots' }, { kind: 'noise', name: 'white noise' },
];

export const gridding: Example = {
  name: 'gridding',
  summary: 'activation maps of 2,2,2 vs 1,2,5 stacks next to the coverage maps that predict their checkerboard',
  async run(options: ExampleOptions): Promise<ExampleResult> {
    const { seed } = options;
    const probes = STACKS.map((stack) => IMAGES.map((image) => activationProbe({ dilations: stack.dilations, image: image.kind, size: SIZE, seed })));
    const rows: (string | number)[][] = [];
    const metrics: ExampleResult['metrics'] = {};
    const figures: string[] = [];
    STACKS.forEach((stack, s) => {
      const graph = convStack({ kernel: 3, dilations: [...stack.dilations], rank: 2 });
      const cover = coverage(graph);
      const field = receptiveField(graph).output.rf[0] ?? NaN;
      const hdc = hdcCheck(3, [...stack.dilations]);
      const neighbour = probes[s][2].neighbourCorrelation;
      const lattice = probes[s][0].latticeShare;
      rows.push([stack.name, field, `${cover.holes} of ${cover.area}`, hdc.passes ? 'passes' : 'fails', fixed(neighbour, 2), `${(100 * lattice).toFixed(0)}%`]);
      metrics[`${stack.name}.holes`] = cover.holes;
      metrics[`${stack.name}.neighbourCorrelation`] = neighbour;
      metrics[`${stack.name}.impulseOnLattice`] = lattice;
      const side = cover.size[1];
      const grid = Array.from({ length: cover.size[0] }, (_, i) => Array.from(cover.map.subarray(i * side, (i + 1) * side)));
      figures.push(writeFigure(options.outDir, `coverage-${stack.dilations.join('-')}`, coverageHeatmapFigure({ multiplicity: grid, description: `kernel 3, ${stack.name}` })));
    });
    const panels = imagePanelsFigure({
      title: 'Gridding in activation maps: dilations 2,2,2 vs 1,2,5',
      subtitle: 'same positive 3×3 filters, ReLU; 2,2,2 reads every second pixel: its outputs split into 4 lattices',
      columns: ['input', ...STACKS.map((s) => s.name)],
      rows: IMAGES.map((image, i) => ({
        label: image.name,
        panels: [
          { values: probes[0][i].input.data, width: SIZE, height: SIZE },
          ...STACKS.map((_, s) => ({ values: probes[s][i].activation.data, width: SIZE, height: SIZE })),
        ],
      })),
      panelSize: 150,
    });
    figures.unshift(writeFigure(options.outDir, 'gridding-activations', panels));
    return {
      tables: [{
        title: `Gridding, ${SIZE}×${SIZE} inputs, three 3×3 layers with positive random weights (seed ${seed})`,
        columns: ['stack', 'RF', 'holes (coverage)', 'HDC rule', 'neighbour corr. (noise)', 'impulse on one lattice'],
        rows,
      }],
      figures,
      metrics,
    };
  },
};
