import { OptionError } from '../../errors.js';
import { legend, titleBlock } from '../chart.js';
import { cellSizeFor, colourBar, offsetAxes, type GridLayout } from '../heatmap.js';
import { OKABE_ITO, viridis } from '../palette.js';
import { element, svgDocument, text } from '../svg.js';
import { profileFigure } from './profile.js';
import { checkOptionKeys, optionKeys } from '../../options.js';

/** A centred box holding a share of the gradient mass, as the analysis measured it. */
export interface MassBox {
  /** Share of the mass, e.g. 0.5. */
  mass: number;
  /** Side of the box in cells (per dimension). */
  extent: number;
}

/** What {@link erfHeatmapFigure} draws. */
export interface ErfHeatmapOptions {
  /** |∂ centre output / ∂ input| per input pixel, rows top to bottom (the analysis's effective receptive field). */
  gradient: readonly (readonly number[])[];
  /** Names the network, e.g. `kernel 3, dilations 1,2,4,8`. */
  description: string;
  /** Centred boxes holding 50%, 90%… of the mass, outlined (the analysis's mass shares). */
  massBoxes?: readonly MassBox[];
}

const BOX_COLOURS = [OKABE_ITO.vermillion, OKABE_ITO.skyBlue, OKABE_ITO.orange, OKABE_ITO.reddishPurple];

/**
 * The effective receptive field (Luo et al. 2016): gradient magnitude of the centre output with respect to each
 * input pixel of the theoretical receptive field, normalized to its maximum and coloured with viridis, with the
 * centred boxes that hold given shares of the mass outlined — usually far inside the theoretical field. A single
 * row is drawn as bars with the spans bracketed below (`profileFigure`).
 *
 * @example erfHeatmapFigure({ gradient: [[0, 1, 0], [1, 4, 1], [0, 1, 0]], description: 'one 3×3 layer', massBoxes: [{ mass: 0.5, extent: 1 }] })
 */
export function erfHeatmapFigure(options: ErfHeatmapOptions): string {
  checkOptionKeys('erfHeatmapFigure', options, optionKeys<typeof options>({ gradient: true, description: true, massBoxes: true }));
  const grid = options.gradient;
  const rows = grid.length;
  const cols = rows === 0 ? 0 : grid[0].length;
  if (rows === 0 || cols === 0 || grid.some((r) => r.length !== cols || r.some((v) => !Number.isFinite(v)))) {
    throw new OptionError('erfHeatmapFigure', 'gradient', 'the map must be a non-empty rectangle of finite numbers');
  }
  const magnitudes = grid.map((r) => r.map(Math.abs));
  const max = Math.max(...magnitudes.map((r) => Math.max(...r))) || 1;
  const title = 'Effective receptive field';
  const boxLabel = (box: MassBox) => `${Math.round(box.mass * 100)}% of the mass: ${box.extent}${rows > 1 ? `×${box.extent}` : ''}`;
  if (rows === 1) {
    return profileFigure({
      title, subtitles: [options.description, `|∂ centre output / ∂ input| over the theoretical receptive field (${cols} offsets)`],
      values: magnitudes[0].map((v) => v / max), yLabel: '|gradient| / max', colourOf: viridis, markHoles: false, labelValues: false, quantity: '|gradient|',
      spans: (options.massBoxes ?? []).map((box, b) => ({ extent: box.extent, label: boxLabel(box), colour: BOX_COLOURS[b % BOX_COLOURS.length] })),
    });
  }
  const cell = cellSizeFor(rows, cols, 540, 500);
  const layout: GridLayout = { left: 70, top: 84, cell, rows, cols };
  const width = Math.max(layout.left + cols * cell + 270, 640);
  const height = Math.max(layout.top + rows * cell + 60, 400);
  const cells: string[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      cells.push(element('rect', {
        x: layout.left + j * cell, y: layout.top + i * cell, width: cell, height: cell,
        fill: viridis(magnitudes[i][j] / max), 'data-value': magnitudes[i][j] / max,
      }));
    }
  }
  const boxes = (options.massBoxes ?? []).map((box, b) => {
    const side = Math.min(box.extent, rows, cols);
    const colour = BOX_COLOURS[b % BOX_COLOURS.length];
    return {
      colour,
      label: boxLabel(box),
      mark: element('rect', {
        x: layout.left + (Math.floor(cols / 2) - Math.floor(side / 2)) * cell,
        y: layout.top + (Math.floor(rows / 2) - Math.floor(side / 2)) * cell,
        width: side * cell, height: side * cell,
        fill: 'none', stroke: colour, 'stroke-width': 2.5, 'stroke-dasharray': '6 4', class: 'mass-box',
      }),
    };
  });
  const barX = layout.left + cols * cell + 40;
  const barHeight = Math.max(100, Math.min(200, rows * cell - 20));
  return svgDocument({ width, height, title }, [
    titleBlock(width, title, options.description),
    text(width / 2, 64, `|∂ centre output / ∂ input| over the theoretical receptive field (${rows}×${cols})`, { size: 12, anchor: 'middle', fill: '#555' }),
    element('g', { class: 'cells' }, ...cells),
    ...boxes.map((b) => b.mark),
    offsetAxes(layout, 'input offset (columns)', 'input offset (rows)'),
    colourBar(barX, layout.top + 20, barHeight, 0, 1, '|gradient| / max'),
    boxes.length > 0 ? legend(barX, layout.top + barHeight + 50, boxes.map((b) => ({ label: b.label, colour: 'none', stroke: b.colour, kind: 'dashed-box' as const })), 'centred boxes') : '',
  ]);
}
