/**
 * Axes, ticks, titles and legends shared by the line and bar figures. A chart is a plot rectangle inside a
 * figure; scales map data to pixels inside it.
 */
import { element, formatNumber, text } from './svg.js';

/** The plot rectangle, in figure pixels. */
export interface PlotArea {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Maps a data value to a pixel coordinate along one axis. */
export interface Scale {
  (value: number): number;
  domain: readonly [number, number];
  kind: 'linear' | 'log';
}

/**
 * A linear map from `domain` to `range` (pixels; a reversed range for a y axis).
 *
 * @example linearScale([0, 10], [0, 100])(5) // 50
 */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const span = d1 - d0 || 1;
  const scale = ((v: number) => range[0] + ((v - d0) / span) * (range[1] - range[0])) as Scale;
  scale.domain = domain;
  scale.kind = 'linear';
  return scale;
}

/**
 * A base-10 logarithmic map (for parameter counts that differ by orders of magnitude); `domain` must be > 0.
 *
 * @example logScale([1, 100], [0, 100])(10) // 50
 */
export function logScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const inner = linearScale([Math.log10(domain[0]), Math.log10(domain[1])], range);
  const scale = ((v: number) => inner(Math.log10(v))) as Scale;
  scale.domain = domain;
  scale.kind = 'log';
  return scale;
}

/**
 * About `count` round tick values (1, 2 or 5 times a power of ten apart) covering `[min, max]`; integer-only when
 * `integers` is set (layer numbers, kernel sizes).
 *
 * @example niceTicks(0, 63, 6) // [0, 20, 40, 60, 80]
 */
export function niceTicks(min: number, max: number, count: number, integers = false): number[] {
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw || 1));
  const step = Math.max(integers ? 1 : 0, [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power);
  const first = Math.floor(min / step) * step;
  const ticks: number[] = [];
  for (let v = first; v < max + step * 0.999; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  return ticks;
}

/** Powers of ten spanning `[min, max]`, for a log axis. */
export function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) ticks.push(10 ** e);
  return ticks;
}

/** `1968128` → `1,968,128`; `1e6` → `1,000,000`; fractions keep two decimals. */
export function groupDigits(value: number): string {
  const [whole, fraction] = formatNumber(value).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction ? `${grouped}.${fraction}` : grouped;
}

/** Compact tick text: 1k, 20k, 1M. */
export function shortNumber(value: number): string {
  const units: [number, string][] = [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [size, suffix] of units) if (Math.abs(value) >= size) return `${formatNumber(value / size)}${suffix}`;
  return formatNumber(value);
}

/** What {@link axes} draws. */
export interface AxesOptions {
  area: PlotArea;
  x: Scale;
  y: Scale;
  xTicks: readonly number[];
  yTicks: readonly number[];
  xLabel: string;
  yLabel: string;
  /** Tick text; defaults to {@link shortNumber}. */
  xFormat?: (v: number) => string;
  yFormat?: (v: number) => string;
  /** Light horizontal grid lines at the y ticks. */
  grid?: boolean;
}

/**
 * The two axes with ticks, tick labels, axis titles and optional grid lines.
 *
 * @example axes({ area, x, y, xTicks: [0, 5], yTicks: [0, 10], xLabel: 'layer', yLabel: 'RF' })
 */
export function axes(options: AxesOptions): string {
  const { area, x, y } = options;
  const bottom = area.top + area.height;
  const right = area.left + area.width;
  const xFormat = options.xFormat ?? shortNumber;
  const yFormat = options.yFormat ?? shortNumber;
  const parts: string[] = [];
  for (const v of options.yTicks) {
    const py = y(v);
    if (options.grid) parts.push(element('line', { x1: area.left, y1: py, x2: right, y2: py, stroke: '#e3e3e3', 'stroke-width': 1 }));
    parts.push(element('line', { x1: area.left - 5, y1: py, x2: area.left, y2: py, stroke: '#333' }));
    parts.push(text(area.left - 8, py + 4, yFormat(v), { size: 11, anchor: 'end', className: 'tick' }));
  }
  for (const v of options.xTicks) {
    const px = x(v);
    parts.push(element('line', { x1: px, y1: bottom, x2: px, y2: bottom + 5, stroke: '#333' }));
    parts.push(text(px, bottom + 18, xFormat(v), { size: 11, anchor: 'middle', className: 'tick' }));
  }
  parts.push(element('line', { x1: area.left, y1: bottom, x2: right, y2: bottom, stroke: '#333', 'stroke-width': 1.2 }));
  parts.push(element('line', { x1: area.left, y1: area.top, x2: area.left, y2: bottom, stroke: '#333', 'stroke-width': 1.2 }));
  parts.push(text(area.left + area.width / 2, bottom + 38, options.xLabel, { size: 13, anchor: 'middle', className: 'axis-label' }));
  const yLabelX = area.left - 52;
  const yLabelY = area.top + area.height / 2;
  parts.push(text(yLabelX, yLabelY, options.yLabel, { size: 13, anchor: 'middle', rotate: -90, className: 'axis-label' }));
  return element('g', { class: 'axes' }, ...parts);
}

/**
 * A figure title (bold) and an optional subtitle under it, centred on `width`.
 *
 * @example titleBlock(640, 'Effective kernel size vs dilation', 'k_eff = d(k−1)+1')
 */
export function titleBlock(width: number, title: string, subtitle?: string): string {
  const parts = [text(width / 2, 26, title, { size: 17, anchor: 'middle', weight: 'bold', className: 'title' })];
  if (subtitle) parts.push(text(width / 2, 46, subtitle, { size: 12, anchor: 'middle', fill: '#555', className: 'subtitle' }));
  return element('g', {}, ...parts);
}

/** One legend entry: a coloured swatch (line+marker or box) and its label. */
export interface LegendItem {
  label: string;
  colour: string;
  /**
   * Drawn as the mark it names: `line` a series (line and dot), `dashed-line` a dashed rule, `box` a bar or cell,
   * `dashed-box` an outline drawn dashed, `crossed-box` a cell with a cross (a hole, or a bin holding holes) in
   * `stroke`.
   */
  kind: 'line' | 'dashed-line' | 'box' | 'dashed-box' | 'crossed-box';
  /** Outline of a box, or the colour of a cross. */
  stroke?: string;
}

/**
 * A vertical legend with its top-left corner at `(x, y)`, on a white backing so it stays readable over data.
 *
 * @example legend(80, 60, [{ label: 'doubling', colour: '#0072B2', kind: 'line' }])
 */
export function legend(x: number, y: number, items: readonly LegendItem[], title?: string): string {
  const rowHeight = 18;
  const widest = Math.max(title ? title.length * 7.2 : 0, ...items.map((i) => i.label.length * 6.6 + 30));
  const headerHeight = title ? 18 : 0;
  const parts = [element('rect', {
    x: x - 6, y: y - 6, width: widest + 12, height: items.length * rowHeight + headerHeight + 8,
    fill: '#ffffff', 'fill-opacity': 0.92, stroke: '#bbbbbb', rx: 3,
  })];
  if (title) parts.push(text(x, y + 10, title, { size: 12, weight: 'bold' }));
  items.forEach((item, i) => {
    const cy = y + headerHeight + i * rowHeight + 8;
    if (item.kind === 'line') {
      parts.push(element('line', { x1: x, y1: cy, x2: x + 22, y2: cy, stroke: item.colour, 'stroke-width': 2.5 }));
      parts.push(element('circle', { cx: x + 11, cy, r: 3.5, fill: item.colour }));
    } else if (item.kind === 'dashed-line') {
      parts.push(element('line', { x1: x, y1: cy, x2: x + 22, y2: cy, stroke: item.colour, 'stroke-width': 2, 'stroke-dasharray': '4 3' }));
    } else {
      const crossed = item.kind === 'crossed-box';
      parts.push(element('rect', {
        x: x + 4, y: cy - 6, width: 14, height: 12, fill: item.colour, stroke: crossed ? '#999999' : item.stroke ?? 'none',
        'stroke-width': item.kind === 'dashed-box' ? 2 : undefined, 'stroke-dasharray': item.kind === 'dashed-box' ? '3 2' : undefined,
      }));
      if (crossed) parts.push(element('path', { d: `M${x + 7} ${cy - 3}l8 6m0 -6l-8 6`, stroke: item.stroke ?? '#000000', 'stroke-width': 1.5, class: 'legend-cross' }));
    }
    parts.push(text(x + 30, cy + 4, item.label, { size: 12 }));
  });
  return element('g', { class: 'legend' }, ...parts);
}

/** Pixel points as the `points` attribute of a polyline. */
export function polylinePoints(points: readonly (readonly [number, number])[]): string {
  return points.map(([px, py]) => `${formatNumber(px)},${formatNumber(py)}`).join(' ');
}
