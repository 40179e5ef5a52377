import { OptionError } from '../../errors.js';
import { titleBlock } from '../chart.js';
import { cellSizeFor, colourBar, offsetAxes, type GridLayout } from '../heatmap.js';
import { OKABE_ITO, viridis } from '../palette.js';
import { element, svgDocument } from '../svg.js';

/** What {@link erfHeatmapFigure} draws. */
export interface ErfHeatmapOptions {
  /** |∂ centre output / ∂ input| per input pixel, rows top to bottom (the analysis's effective receptive field). */
  gradient: readonly (readonly number[])[];
  /** Names the network, e.g. `5 layers, kernel 3, dilations 1,2,4,8,16`. */
  description: string;
  /** The theoretical receptive field `[rows, cols]`, outlined centred on the map when given. */
  theoretical?: readonly [number, number];
  /** Extra caption, e.g. the analysis's mass shares (`50% of the mass within 9×9`). */
  note?: string;
}

/**
 * The effective receptive field (Luo et al. 2016): gradient magnitude of the centre output with respect to each
 * input pixel, normalized to its maximum and coloured with viridis, the theoretical receptive field outlined.
 *
 * @example erfHeatmapFigure({ gradient: [[0, 1, 0], [1, 4, 1], [0, 1, 0]], description: 'one 3×3 layer' })
 */
export function erfHeatmapFigure(options: ErfHeatmapOptions): string {
  const grid = options.gradient;
  const rows = grid.length;
  const cols = rows === 0 ? 0 : grid[0].length;
  if (rows === 0 || cols === 0 || grid.some((r) => r.length !== cols || r.some((v) => !Number.isFinite(v)))) {
    throw new OptionError('erfHeatmapFigure', 'gradient', 'the map must be a non-empty rectangle of finite numbers');
  }
  const magnitudes = grid.map((r) => r.map(Math.abs));
  const max = Math.max(...magnitudes.map((r) => Math.max(...r))) || 1;
  const cell = cellSizeFor(rows, cols, 540, 500);
  const layout: GridLayout = { left: 70, top: 78, cell, rows, cols };
  const width = Math.max(layout.left + cols * cell + 170, 600);
  const height = Math.max(layout.top + rows * cell + 60 + (options.note ? 10 : 0), 380);
  const cells: string[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      cells.push(element('rect', {
        x: layout.left + j * cell, y: layout.top + i * cell, width: cell, height: cell,
        fill: viridis(magnitudes[i][j] / max), 'data-value': magnitudes[i][j] / max,
      }));
    }
  }
  const marks: string[] = [];
  if (options.theoretical) {
    const [h, w] = options.theoretical;
    const top = layout.top + (Math.floor(rows / 2) - Math.floor(h / 2)) * cell;
    const left = layout.left + (Math.floor(cols / 2) - Math.floor(w / 2)) * cell;
    marks.push(element('rect', { x: left, y: top, width: w * cell, height: h * cell, fill: 'none', stroke: OKABE_ITO.orange, 'stroke-width': 2, 'stroke-dasharray': '6 4', class: 'theoretical-rf' }));
  }
  const title = 'Effective receptive field';
  const rf = options.theoretical ? ` — dashed: theoretical RF ${options.theoretical[0]}×${options.theoretical[1]}` : '';
  const subtitle = `${options.description}${rf}${options.note ? `; ${options.note}` : ''}`;
  return svgDocument({ width, height, title }, [
    titleBlock(width, title, subtitle),
    element('g', { class: 'cells' }, ...cells),
    ...marks,
    offsetAxes(layout, 'input offset (columns)', 'input offset (rows)'),
    colourBar(layout.left + cols * cell + 40, layout.top + 20, Math.min(220, rows * cell - 20), 0, 1, '|gradient| / max'),
  ]);
}
