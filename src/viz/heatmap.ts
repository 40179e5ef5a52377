/**
 * Grids of coloured cells with offset axes and a colour bar: the common ground of the coverage and
 * effective-receptive-field figures.
 */
import { groupDigits, shortNumber } from './chart.js';
import { viridis } from './palette.js';
import { element, text } from './svg.js';

/** Where a grid is drawn and how large its cells are. */
export interface GridLayout {
  left: number;
  top: number;
  cell: number;
  rows: number;
  cols: number;
}

/**
 * The largest whole cell size (2…28 px) that fits a `rows × cols` grid into a `maxWidth × maxHeight` box.
 *
 * @example cellSizeFor(31, 31, 560, 560) // 18
 */
export function cellSizeFor(rows: number, cols: number, maxWidth: number, maxHeight: number): number {
  return Math.max(2, Math.min(28, Math.floor(Math.min(maxWidth / cols, maxHeight / rows))));
}

/**
 * Offset tick labels along both edges of a grid: the offset of each cell from the centre cell (…, −1, 0, 1, …),
 * thinned so labels never touch.
 */
export function offsetAxes(layout: GridLayout, xLabel: string, yLabel: string): string {
  const { left, top, cell, rows, cols } = layout;
  const parts: string[] = [];
  // A tick label is about 24 px wide and 16 px tall; skip offsets until they fit.
  const colStep = niceStep(Math.ceil(24 / cell));
  const rowStep = niceStep(Math.ceil(16 / cell));
  const cx = Math.floor(cols / 2);
  const cy = Math.floor(rows / 2);
  for (let j = 0; j < cols; j++) {
    if ((j - cx) % colStep !== 0) continue;
    parts.push(text(left + (j + 0.5) * cell, top + rows * cell + 15, String(j - cx), { size: 10, anchor: 'middle', className: 'tick' }));
  }
  for (let i = 0; i < rows; i++) {
    if ((i - cy) % rowStep !== 0) continue;
    parts.push(text(left - 5, top + (i + 0.5) * cell + 3.5, String(i - cy), { size: 10, anchor: 'end', className: 'tick' }));
  }
  parts.push(text(left + (cols * cell) / 2, top + rows * cell + 34, xLabel, { size: 12, anchor: 'middle', className: 'axis-label' }));
  parts.push(text(left - 34, top + (rows * cell) / 2, yLabel, { size: 12, anchor: 'middle', rotate: -90, className: 'axis-label' }));
  return element('g', { class: 'offset-axes' }, ...parts);
}

/** 1, 2, 5, 10, 20, 50 … — the smallest round step ≥ `minimum`. */
function niceStep(minimum: number): number {
  for (let power = 1; ; power *= 10) {
    for (const m of [1, 2, 5]) if (m * power >= minimum) return m * power;
  }
}

/**
 * A vertical viridis colour bar from `min` to `max` with its title above, `height` tall, at `(x, y)`.
 *
 * @example colourBar(600, 80, 200, 0, 1, 'normalized gradient')
 */
export function colourBar(x: number, y: number, height: number, min: number, max: number, title: string): string {
  const steps = 48;
  const parts = [text(x, y - 10, title, { size: 12, weight: 'bold' })];
  for (let s = 0; s < steps; s++) {
    const t = 1 - (s + 0.5) / steps;
    parts.push(element('rect', { x, y: y + (s * height) / steps, width: 16, height: height / steps + 0.5, fill: viridis(t) }));
  }
  parts.push(element('rect', { x, y, width: 16, height, fill: 'none', stroke: '#555' }));
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    const value = min + t * (max - min);
    const ty = y + (1 - t) * height;
    parts.push(element('line', { x1: x + 16, y1: ty, x2: x + 20, y2: ty, stroke: '#555' }));
    parts.push(text(x + 23, ty + 4, Number.isInteger(value) ? groupDigits(value) : shortNumber(value), { size: 10 }));
  }
  return element('g', { class: 'colour-bar' }, ...parts);
}
