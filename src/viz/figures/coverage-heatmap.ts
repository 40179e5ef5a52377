import { OptionError } from '../../errors.js';
import { legend, titleBlock, type LegendItem } from '../chart.js';
import { cellSizeFor, colourBar, offsetAxes, type GridLayout } from '../heatmap.js';
import { HOLE_COLOUR, OKABE_ITO, textColourOn, viridis } from '../palette.js';
import { element, svgDocument, text } from '../svg.js';
import { profileFigure } from './profile.js';
import { checkOptionKeys, optionKeys } from '../../options.js';

/** Largest map side drawn as SVG cells; beyond it the file would be megabytes. */
export const MAX_COVERAGE_SIDE = 400;

/** What {@link coverageHeatmapFigure} draws. */
export interface CoverageHeatmapOptions {
  /**
   * Paths from each input offset to one interior output, rows top to bottom (the analysis's 2-D coverage map over
   * the receptive field). A 0 is a gridding hole.
   */
  multiplicity: readonly (readonly number[])[];
  /** Names the network, e.g. `kernel 3, dilations 2,2`. */
  description: string;
  title?: string;
}

/**
 * The 2-D coverage heatmap: every cell of the receptive field coloured by how many paths reach it (viridis), the
 * gridding holes in light grey with a red cross (`class="hole"`, `data-row`/`data-col`), multiplicities printed in
 * the cells when they fit; a single row is drawn as bars instead (`profileFigure`). Draws the numbers it is given;
 * counts only what it shows (holes, covered cells).
 *
 * @example coverageHeatmapFigure({ multiplicity: [[1, 0, 1], [0, 0, 0], [1, 0, 1]], description: 'kernel 2, dilation 2' })
 */
export function coverageHeatmapFigure(options: CoverageHeatmapOptions): string {
  checkOptionKeys('coverageHeatmapFigure', options, optionKeys<typeof options>({ multiplicity: true, description: true, title: true }));
  const grid = options.multiplicity;
  const rows = grid.length;
  const cols = rows === 0 ? 0 : grid[0].length;
  if (rows === 0 || cols === 0 || grid.some((r) => r.length !== cols)) {
    throw new OptionError('coverageHeatmapFigure', 'multiplicity', `the map must be a non-empty rectangle of rows, got ${rows} rows of lengths ${grid.map((r) => r.length).join(', ')}`);
  }
  if (rows > MAX_COVERAGE_SIDE || cols > MAX_COVERAGE_SIDE) {
    throw new OptionError('coverageHeatmapFigure', 'multiplicity', `a ${rows}×${cols} map is too large to draw cell by cell (at most ${MAX_COVERAGE_SIDE} per side); plot a smaller stack or use the ASCII map`);
  }
  const max = Math.max(...grid.map((r) => Math.max(...r)));
  let holes = 0;
  for (const r of grid) for (const m of r) if (m === 0) holes++;
  const total = rows * cols;
  const verdict = holes === 0 ? 'no holes' : `${holes} gridding hole${holes === 1 ? '' : 's'}`;
  const subtitle = `${options.description} — ${verdict}, ${total - holes}/${total} cells reached, paths per cell 1…${max}`;
  const colourOf = (m: number) => viridis(max === 1 ? 0.55 : (m - 1) / (max - 1));
  if (rows === 1) {
    return profileFigure({
      title: options.title ?? `Coverage of one output's receptive field (${cols} offsets)`,
      subtitles: [subtitle], values: grid[0], yLabel: 'paths from the offset to the output', colourOf, markHoles: true, labelValues: true,
    });
  }
  const cell = cellSizeFor(rows, cols, 560, 520);
  const layout: GridLayout = { left: 70, top: 78, cell, rows, cols };
  const width = Math.max(layout.left + cols * cell + 290, 640);
  const height = Math.max(layout.top + rows * cell + 60, 420);
  const showNumbers = cell >= 16 && max < 100;
  const cells: string[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const m = grid[i][j];
      const x = layout.left + j * cell;
      const y = layout.top + i * cell;
      if (m === 0) {
        cells.push(element('rect', { x, y, width: cell, height: cell, fill: HOLE_COLOUR, class: 'hole', 'data-row': i, 'data-col': j }));
        if (cell >= 6) {
          const inset = cell * 0.28;
          cells.push(element('path', {
            d: `M${x + inset} ${y + inset}L${x + cell - inset} ${y + cell - inset}M${x + cell - inset} ${y + inset}L${x + inset} ${y + cell - inset}`,
            stroke: OKABE_ITO.vermillion, 'stroke-width': Math.max(1, cell / 12),
          }));
        }
      } else {
        const fill = colourOf(m);
        cells.push(element('rect', { x, y, width: cell, height: cell, fill, class: 'covered', 'data-row': i, 'data-col': j, 'data-m': m }));
        if (showNumbers) cells.push(text(x + cell / 2, y + cell / 2 + 4, String(m), { size: Math.min(11, cell * 0.55), anchor: 'middle', fill: textColourOn(fill) }));
      }
    }
  }
  if (cell >= 6) {
    cells.push(element('rect', { x: layout.left, y: layout.top, width: cols * cell, height: rows * cell, fill: 'none', stroke: '#333' }));
  }
  const centre = element('rect', {
    x: layout.left + Math.floor(cols / 2) * cell, y: layout.top + Math.floor(rows / 2) * cell, width: cell, height: cell,
    fill: 'none', stroke: OKABE_ITO.orange, 'stroke-width': Math.max(1.5, cell / 8), class: 'centre',
  });
  const title = options.title ?? `Coverage of one output's receptive field (${rows}×${cols})`;
  const barX = layout.left + cols * cell + 40;
  const barHeight = Math.max(100, Math.min(200, rows * cell - 20));
  const items: LegendItem[] = [
    { label: 'hole: no path reaches it', colour: HOLE_COLOUR, kind: 'box', stroke: OKABE_ITO.vermillion },
    { label: 'centre (output position)', colour: '#ffffff', kind: 'box', stroke: OKABE_ITO.orange },
  ];
  return svgDocument({ width, height, title }, [
    titleBlock(width, title, subtitle),
    element('g', { class: 'cells' }, ...cells, centre),
    offsetAxes(layout, 'input offset (columns)', 'input offset (rows)'),
    max > 1 ? colourBar(barX, layout.top + 20, barHeight, 1, max, 'paths per cell') : '',
    legend(barX, max > 1 ? layout.top + barHeight + 50 : layout.top + 10, items),
  ]);
}
