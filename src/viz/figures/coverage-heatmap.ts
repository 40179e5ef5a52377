import { OptionError } from '../../errors.js';
import { binGrid, binWidth, centredBins } from '../bins.js';
import { legend, titleBlock, type LegendItem } from '../chart.js';
import { cellSizeFor, offsetAxes, type GridLayout } from '../heatmap.js';
import { HOLE_COLOUR, OKABE_ITO, pathCountColour, pathCountKey, textColourOn } from '../palette.js';
import { element, svgDocument, text } from '../svg.js';
import { profileFigure } from './profile.js';
import { checkOptionKeys, optionKeys } from '../../options.js';

/** Largest map side drawn cell by cell; larger maps are drawn in square bins of neighbouring offsets. */
export const MAX_COVERAGE_SIDE = 128;

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
 * The 2-D coverage heatmap: every cell of the receptive field coloured by how many paths reach it (one scale for
 * every figure: `pathCountColour`), the gridding holes in light grey with a red cross (`class="hole"`,
 * `data-row`/`data-col`), multiplicities printed in the cells when they fit; a single row is drawn as bars instead
 * (`profileFigure`). Any size is drawn: a map wider or taller than {@link MAX_COVERAGE_SIDE} is drawn in square
 * bins of b×b offsets (b odd, the output in the centre bin's middle), each coloured by the most paths in it, a bin
 * that holds some holes crossed (`class="partial-hole"`), a bin of holes only grey; the subtitle says so.
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
  let max = 0;
  let minCovered = Infinity;
  let holes = 0;
  for (const r of grid) {
    for (const m of r) {
      if (m === 0) holes++;
      else if (m < minCovered) minCovered = m;
      if (m > max) max = m;
    }
  }
  const total = rows * cols;
  const verdict = holes === 0 ? 'no holes' : `${holes} gridding hole${holes === 1 ? '' : 's'}`;
  const range = max === 0 ? 'no path' : minCovered === max ? `${max} path${max === 1 ? '' : 's'} per reached cell` : `${minCovered}–${max} paths per reached cell`;
  const subtitle = `${options.description} — ${verdict}, ${total - holes}/${total} cells reached, ${range}`;
  const key: LegendItem[] = max === 0 ? [] : pathCountKey(minCovered, max).map(([label, colour]) => ({ label: `${label} path${label === '1' ? '' : 's'}`, colour, kind: 'box' as const }));
  if (rows === 1) {
    return profileFigure({
      title: options.title ?? `Coverage of one output's receptive field (${cols} offsets)`,
      subtitles: [subtitle], values: grid[0], yLabel: 'paths from the offset to the output', colourOf: pathCountColour,
      markHoles: true, labelValues: true, quantity: 'paths', legendItems: key,
    });
  }
  const rowBins = centredBins(rows, MAX_COVERAGE_SIDE);
  const colBins = centredBins(cols, MAX_COVERAGE_SIDE);
  const binned = rowBins.length < rows || colBins.length < cols;
  const b = Math.max(binWidth(rowBins), binWidth(colBins));
  const bins = binGrid(grid, rowBins, colBins);
  const cell = cellSizeFor(rowBins.length, colBins.length, 560, 520);
  const layout: GridLayout = { left: 70, top: binned ? 96 : 78, cell, rows: rowBins.length, cols: colBins.length };
  const width = Math.max(layout.left + colBins.length * cell + 250, 640);
  const height = Math.max(layout.top + rowBins.length * cell + 60, 440);
  const showNumbers = !binned && cell >= 16 && max < 100;
  const cells: string[] = [];
  const cross = (x: number, y: number, className: string) => {
    const inset = cell * 0.28;
    return element('path', {
      d: `M${x + inset} ${y + inset}L${x + cell - inset} ${y + cell - inset}M${x + cell - inset} ${y + inset}L${x + inset} ${y + cell - inset}`,
      stroke: OKABE_ITO.vermillion, 'stroke-width': Math.max(1, cell / 12), class: className,
    });
  };
  bins.forEach((line, i) => line.forEach((s, j) => {
    const x = layout.left + j * cell;
    const y = layout.top + i * cell;
    const place = { 'data-row': i, 'data-col': j };
    if (s.zeros === s.size) {
      cells.push(element('rect', { x, y, width: cell, height: cell, fill: HOLE_COLOUR, class: 'hole', ...place }));
      if (cell >= 6) cells.push(cross(x, y, 'hole-cross'));
      return;
    }
    const fill = pathCountColour(s.max);
    cells.push(element('rect', {
      x, y, width: cell, height: cell, fill, class: 'covered', ...place,
      'data-m': binned ? undefined : s.max, 'data-min': binned ? s.min : undefined, 'data-max': binned ? s.max : undefined,
    }));
    if (s.zeros > 0 && cell >= 4) cells.push(cross(x, y, 'partial-hole'));
    if (showNumbers) cells.push(text(x + cell / 2, y + cell / 2 + 4, String(s.max), { size: Math.min(11, cell * 0.55), anchor: 'middle', fill: textColourOn(fill) }));
  }));
  if (cell >= 6) {
    cells.push(element('rect', { x: layout.left, y: layout.top, width: colBins.length * cell, height: rowBins.length * cell, fill: 'none', stroke: '#333' }));
  }
  const centreRow = rowBins.findIndex((r) => Math.floor(rows / 2) < r.end);
  const centreCol = colBins.findIndex((c) => Math.floor(cols / 2) < c.end);
  const centre = element('rect', {
    x: layout.left + centreCol * cell, y: layout.top + centreRow * cell, width: cell, height: cell,
    fill: 'none', stroke: OKABE_ITO.orange, 'stroke-width': Math.max(1.5, cell / 8), class: 'centre',
  });
  const title = options.title ?? `Coverage of one output's receptive field (${rows}×${cols})`;
  const keyX = layout.left + colBins.length * cell + 30;
  const items: LegendItem[] = [
    ...key,
    ...(holes > 0 ? [{ label: 'hole: no path reaches it', colour: HOLE_COLOUR, kind: 'crossed-box' as const, stroke: OKABE_ITO.vermillion }] : []),
    ...(binned && holes > 0 ? [{ label: 'bin holding some holes', colour: pathCountColour(minCovered), kind: 'crossed-box' as const, stroke: OKABE_ITO.vermillion }] : []),
    { label: binned ? 'bin of the output position' : 'the output position', colour: 'none', kind: 'box', stroke: OKABE_ITO.orange },
  ];
  const axisUnit = binned ? `bins of ${b} offsets` : 'offset';
  return svgDocument({ width, height, title }, [
    titleBlock(width, title, subtitle),
    binned ? text(width / 2, 64, `each cell is a bin of ${b}×${b} input offsets (edge bins smaller), coloured by the most paths in it`, { size: 12, anchor: 'middle', fill: '#555' }) : '',
    element('g', { class: 'cells' }, ...cells, centre),
    binned ? binnedAxes(layout, rowBins, colBins, rows, cols) : offsetAxes(layout, `input ${axisUnit} (columns)`, `input ${axisUnit} (rows)`),
    legend(keyX, layout.top + 10, items, 'paths per cell'),
  ]);
}

/** Offset tick labels under binned cells: the offset at the centre of every few bins. */
function binnedAxes(layout: GridLayout, rowBins: readonly { start: number; end: number }[], colBins: readonly { start: number; end: number }[], rows: number, cols: number): string {
  const parts: string[] = [];
  const every = Math.max(1, Math.ceil(44 / layout.cell));
  const centreCol = colBins.findIndex((c) => Math.floor(cols / 2) < c.end);
  const centreRow = rowBins.findIndex((r) => Math.floor(rows / 2) < r.end);
  colBins.forEach((bin, j) => {
    if ((j - centreCol) % every !== 0) return;
    const offset = Math.floor((bin.start + bin.end - 1) / 2) - Math.floor(cols / 2);
    parts.push(text(layout.left + (j + 0.5) * layout.cell, layout.top + layout.rows * layout.cell + 15, String(offset), { size: 10, anchor: 'middle', className: 'tick' }));
  });
  rowBins.forEach((bin, i) => {
    if ((i - centreRow) % every !== 0) return;
    const offset = Math.floor((bin.start + bin.end - 1) / 2) - Math.floor(rows / 2);
    parts.push(text(layout.left - 5, layout.top + (i + 0.5) * layout.cell + 3.5, String(offset), { size: 10, anchor: 'end', className: 'tick' }));
  });
  parts.push(text(layout.left + (layout.cols * layout.cell) / 2, layout.top + layout.rows * layout.cell + 34, 'input offset at the bin centre (columns)', { size: 12, anchor: 'middle', className: 'axis-label' }));
  parts.push(text(layout.left - 40, layout.top + (layout.rows * layout.cell) / 2, 'input offset at the bin centre (rows)', { size: 12, anchor: 'middle', rotate: -90, className: 'axis-label' }));
  return element('g', { class: 'offset-axes' }, ...parts);
}
