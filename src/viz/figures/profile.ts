import { axes, legend, linearScale, niceTicks, titleBlock, type LegendItem, type PlotArea } from '../chart.js';
import { HOLE_COLOUR, OKABE_ITO, textColourOn } from '../palette.js';
import { element, svgDocument, text } from '../svg.js';

/** A centred span of offsets to bracket under the bars (e.g. the box holding 50% of the ERF mass). */
export interface ProfileSpan {
  extent: number;
  label: string;
  colour: string;
}

/** What {@link profileFigure} draws. */
export interface ProfileOptions {
  title: string;
  subtitles: readonly string[];
  /** One value per input offset, left to right; the centre entry is offset 0. */
  values: readonly number[];
  yLabel: string;
  /** Fill of a bar of value `v`. */
  colourOf: (v: number) => string;
  /** Zero values are gridding holes: drawn as grey crossed columns (`class="hole"`). */
  markHoles: boolean;
  /** Print each bar's value on it (integer counts) when the bars are wide enough. */
  labelValues: boolean;
  spans?: readonly ProfileSpan[];
  legendItems?: readonly LegendItem[];
}

/**
 * A 1-D map (paths or gradient per input offset) as bars over the offsets relative to the output, holes as grey
 * crossed columns, the output's own offset marked, optional centred spans bracketed below the axis. The 1-D
 * counterpart of the coverage and ERF heatmaps.
 *
 * @example profileFigure({ title: 'coverage', subtitles: [], values: [1, 0, 1], yLabel: 'paths', colourOf: () => '#0072B2', markHoles: true, labelValues: true })
 */
export function profileFigure(options: ProfileOptions): string {
  const n = options.values.length;
  const cell = Math.max(2, Math.min(28, Math.floor(900 / n)));
  const headerHeight = 40 + 18 * options.subtitles.length;
  const area: PlotArea = { left: 80, top: headerHeight + 20, width: n * cell, height: 240 };
  const spans = options.spans ?? [];
  const width = Math.max(area.left + area.width + 250, 640);
  const height = area.top + area.height + 64 + spans.length * 20;
  const centre = Math.floor(n / 2);
  const max = Math.max(...options.values) || 1;
  const yTicks = niceTicks(0, max, 5, Number.isInteger(max) && options.values.every(Number.isInteger));
  const y = linearScale([0, yTicks[yTicks.length - 1]], [area.top + area.height, area.top]);
  const x = linearScale([-centre - 0.5, n - centre - 0.5], [area.left, area.left + area.width]);
  const step = [1, 2, 5, 10, 20, 50, 100, 200, 500].find((s) => s * cell >= 28) ?? 1000;
  const xTicks: number[] = [];
  for (let o = -Math.floor(centre / step) * step; o <= n - 1 - centre; o += step) xTicks.push(o);
  const body = [titleBlock(width, options.title, options.subtitles[0])];
  options.subtitles.slice(1).forEach((line, i) => body.push(text(width / 2, 64 + 18 * i, line, { size: 12, anchor: 'middle', fill: '#555' })));
  body.push(axes({ area, x, y, xTicks, yTicks, xLabel: 'input offset from the output position', yLabel: options.yLabel, grid: true }));
  const bars: string[] = [];
  options.values.forEach((v, j) => {
    const left = area.left + j * cell;
    if (options.markHoles && v === 0) {
      bars.push(element('rect', { x: left, y: area.top, width: cell, height: area.height, fill: HOLE_COLOUR, class: 'hole', 'data-col': j }));
      const size = Math.min(cell - 2, 10) / 2;
      const cy = area.top + area.height - 8;
      bars.push(element('path', { d: `M${left + cell / 2 - size} ${cy - size}l${2 * size} ${2 * size}m0 ${-2 * size}l${-2 * size} ${2 * size}`, stroke: OKABE_ITO.vermillion, 'stroke-width': 1.5 }));
      return;
    }
    const top = y(v);
    const fill = options.colourOf(v);
    bars.push(element('rect', {
      x: left + (cell > 4 ? 0.5 : 0), y: top, width: cell > 4 ? cell - 1 : cell, height: area.top + area.height - top,
      fill, class: 'covered', 'data-col': j, 'data-value': v,
    }));
    if (options.labelValues && cell >= 16 && area.top + area.height - top >= 16) {
      bars.push(text(left + cell / 2, top + 13, String(v), { size: Math.min(11, cell * 0.55), anchor: 'middle', fill: textColourOn(fill) }));
    }
  });
  body.push(element('g', { class: 'bars' }, ...bars));
  const cx = area.left + (centre + 0.5) * cell;
  body.push(element('line', { x1: cx, y1: area.top - 6, x2: cx, y2: area.top + area.height, stroke: OKABE_ITO.orange, 'stroke-width': 1.5, 'stroke-dasharray': '4 3', class: 'centre' }));
  spans.forEach((span, s) => {
    const half = Math.floor(Math.min(span.extent, n) / 2);
    const sy = area.top + area.height + 62 + s * 20;
    const x0 = area.left + (centre - half) * cell;
    const x1 = area.left + (centre - half + Math.min(span.extent, n)) * cell;
    body.push(element('path', { d: `M${x0} ${sy - 5}v5H${x1}v-5`, fill: 'none', stroke: span.colour, 'stroke-width': 2, class: 'span' }));
    body.push(text(x1 + 6, sy + 4, span.label, { size: 11, fill: span.colour }));
  });
  const items: LegendItem[] = [
    ...(options.legendItems ?? []),
    ...(options.markHoles ? [{ label: 'hole: no path reaches it', colour: HOLE_COLOUR, kind: 'box' as const, stroke: OKABE_ITO.vermillion }] : []),
    { label: 'dashed: the output position', colour: '#ffffff', kind: 'box', stroke: OKABE_ITO.orange },
  ];
  body.push(legend(area.left + area.width + 30, area.top + 10, items));
  return svgDocument({ width, height, title: options.title }, body);
}
