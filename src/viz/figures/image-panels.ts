/**
 * Rows of small images side by side — inputs, labels, predictions, activation maps — the figure an experiment
 * puts in a paper. Each panel is a grid of cells coloured by value (viridis, or a categorical palette for class
 * maps); a row has a label at its left and each column a title on top.
 */
import { legend, titleBlock, type LegendItem } from '../chart.js';
import { viridis } from '../palette.js';
import { checkOptionKeys, optionKeys } from '../../options.js';
import { element, svgDocument, text } from '../svg.js';

/** One picture: `height × width` values, row-major. */
export interface ImagePanel {
  values: ArrayLike<number>;
  width: number;
  height: number;
  /** `'viridis'` (default) scales `range` (default: the panel's own min and max); a list of colours draws class maps. */
  colours?: 'viridis' | readonly string[];
  range?: readonly [number, number];
}

/** Options of {@link imagePanelsFigure}. */
export interface ImagePanelsOptions {
  title: string;
  subtitle?: string;
  /** Titles above the columns. */
  columns: readonly string[];
  rows: readonly { label: string; panels: readonly ImagePanel[] }[];
  /** Panel side in px (default 128). */
  panelSize?: number;
  /** Class legend under the panels, for categorical maps. */
  legend?: readonly { label: string; colour: string }[];
}

/**
 * The figure as SVG text: panels of the same size, each image scaled to fit, runs of equal colour in a row drawn as
 * one rectangle so a class map stays small.
 *
 * @example imagePanelsFigure({ title: 'masks', columns: ['input'], rows: [{ label: 'a', panels: [{ values: [0, 1, 1, 0], width: 2, height: 2 }] }] })
 */
export function imagePanelsFigure(options: ImagePanelsOptions): string {
  checkOptionKeys('imagePanelsFigure', options, optionKeys<ImagePanelsOptions>({ title: true, subtitle: true, columns: true, rows: true, panelSize: true, legend: true }));
  const panelSize = options.panelSize ?? 128;
  const gap = 10, labels = 110, top = options.subtitle ? 80 : 64;
  const columns = Math.max(options.columns.length, ...options.rows.map((r) => r.panels.length));
  const legendHeight = options.legend ? 24 + 20 * Math.ceil(options.legend.length / 3) : 0;
  // Wide enough for the title and subtitle (≈ 0.62 em per character at 17 and 12 px).
  const content = labels + columns * (panelSize + gap) + 10;
  const width = Math.max(content, options.title.length * 10.5 + 40, (options.subtitle ?? '').length * 7.4 + 40);
  const left = labels + (width - content) / 2;
  const height = top + options.rows.length * (panelSize + gap) + legendHeight + 10;
  const body = [titleBlock(width, options.title, options.subtitle)];
  options.columns.forEach((c, j) => body.push(text(left + j * (panelSize + gap) + panelSize / 2, top - 8, c, { size: 12, anchor: 'middle', className: 'column-title' })));
  options.rows.forEach((row, i) => {
    const y = top + i * (panelSize + gap);
    body.push(text(left - 8, y + panelSize / 2 + 4, row.label, { size: 12, anchor: 'end', className: 'row-label' }));
    row.panels.forEach((panel, j) => body.push(drawPanel(panel, left + j * (panelSize + gap), y, panelSize)));
  });
  if (options.legend) {
    const items: LegendItem[] = options.legend.map((l) => ({ label: l.label, colour: l.colour, kind: 'box' }));
    body.push(legend(left, top + options.rows.length * (panelSize + gap) + 4, items));
  }
  return svgDocument({ width, height, title: options.title }, body);
}

function drawPanel(panel: ImagePanel, x: number, y: number, size: number): string {
  const { width, height, values } = panel;
  const cell = size / Math.max(width, height);
  const colourOf = panelColours(panel);
  const parts: string[] = [];
  for (let i = 0; i < height; i++) {
    let start = 0;
    for (let j = 1; j <= width; j++) {
      const current = colourOf(values[i * width + start]);
      if (j < width && colourOf(values[i * width + j]) === current) continue;
      parts.push(element('rect', { x: x + start * cell, y: y + i * cell, width: (j - start) * cell, height: cell, fill: current }));
      start = j;
    }
  }
  parts.push(element('rect', { x, y, width: width * cell, height: height * cell, fill: 'none', stroke: '#555' }));
  // crispEdges: adjacent cells meet without the faint anti-aliased seams a smooth edge leaves between them.
  return element('g', { class: 'panel', 'shape-rendering': 'crispEdges' }, ...parts);
}

function panelColours(panel: ImagePanel): (v: number) => string {
  const colours = panel.colours ?? 'viridis';
  if (colours !== 'viridis') return (v) => colours[Math.round(v)] ?? '#000000';
  let [min, max] = panel.range ?? [Infinity, -Infinity];
  if (!panel.range) for (let i = 0; i < panel.values.length; i++) { min = Math.min(min, panel.values[i]); max = Math.max(max, panel.values[i]); }
  const span = max > min ? max - min : 1;
  // Quantized to 64 levels: neighbouring cells of nearly equal value merge into one rectangle.
  return (v) => viridis(Math.round(((v - min) / span) * 63) / 63);
}
