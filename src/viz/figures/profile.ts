import { axes, legend, linearScale, niceTicks, titleBlock, type LegendItem, type PlotArea } from '../chart.js';
import { binGrid, centredBins } from '../bins.js';
import { HOLE_COLOUR, OKABE_ITO, textColourOn } from '../palette.js';
import { element, svgDocument, text } from '../svg.js';

/** Most bars a profile draws; longer rows are drawn in bins of neighbouring offsets. */
export const MAX_PROFILE_BARS = 300;

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
  /** What one value counts, for the bin sentence: `paths`, `|gradient|`. */
  quantity: string;
  spans?: readonly ProfileSpan[];
  legendItems?: readonly LegendItem[];
}

/**
 * A 1-D map (paths or gradient per input offset) as bars over the offsets relative to the output, holes as grey
 * crossed columns, the output's own offset marked by a dashed line behind the bars, optional centred spans
 * bracketed below the axis. Rows longer than {@link MAX_PROFILE_BARS} are drawn in bins of `b` offsets (b odd, the
 * output in the middle of the centre bin): the solid part of a bar reaches the smallest non-zero value in the bin,
 * the faded part its largest, and a bin that holds some holes carries a red cross under its bar
 * (`class="partial-hole"`). The subtitle says so.
 *
 * @example profileFigure({ title: 'coverage', subtitles: [], values: [1, 0, 1], yLabel: 'paths', colourOf: () => '#0072B2', markHoles: true, labelValues: true, quantity: 'paths' })
 */
export function profileFigure(options: ProfileOptions): string {
  const n = options.values.length;
  const bins = centredBins(n, MAX_PROFILE_BARS);
  const binned = bins.length < n;
  const width1 = Math.max(...bins.map((b) => b.end - b.start));
  const summaries = binGrid([options.values], [{ start: 0, end: 1 }], bins)[0];
  const cell = Math.max(2, Math.min(28, Math.floor(900 / bins.length)));
  const unit = cell / width1;
  const virtualStart = bins[0].end - width1;
  const subtitles = binned
    ? [...options.subtitles, `${n} offsets drawn in bins of ${width1} (edge bins shorter): solid up to the fewest ${options.quantity} in the bin, faded up to the most${options.markHoles && summaries.some((b) => b.zeros > 0) ? ', × under a bin that holds holes' : ''}`]
    : options.subtitles;
  const headerHeight = 40 + 18 * subtitles.length;
  const area: PlotArea = { left: 80, top: headerHeight + 20, width: bins.length * cell, height: 240 };
  const spans = options.spans ?? [];
  const width = Math.max(area.left + area.width + 260, 640);
  const height = area.top + area.height + 64 + spans.length * 20;
  const centre = Math.floor(n / 2);
  const max = Math.max(...options.values) || 1;
  const yTicks = niceTicks(0, max, 5, Number.isInteger(max) && options.values.every(Number.isInteger));
  const y = linearScale([0, yTicks[yTicks.length - 1]], [area.top + area.height, area.top]);
  const px = (index: number) => area.left + (index - virtualStart) * unit;
  const x = linearScale([-centre - 0.5 - 0, n - centre - 0.5], [px(0), px(n)]);
  const step = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000].find((s) => s * unit >= 34) ?? 100000;
  const xTicks: number[] = [];
  for (let o = -Math.floor(centre / step) * step; o <= n - 1 - centre; o += step) xTicks.push(o);
  const body = [titleBlock(width, options.title, subtitles[0])];
  subtitles.slice(1).forEach((line, i) => body.push(text(width / 2, 64 + 18 * i, line, { size: 12, anchor: 'middle', fill: '#555' })));
  body.push(axes({ area, x, y, xTicks, yTicks, xLabel: 'input offset from the output position', yLabel: options.yLabel, grid: true }));
  // The output's position first, so the bars (and the numbers on them) are drawn over it.
  const cx = x(0);
  body.push(element('line', { x1: cx, y1: area.top - 6, x2: cx, y2: area.top + area.height, stroke: OKABE_ITO.orange, 'stroke-width': 1.5, 'stroke-dasharray': '4 3', class: 'centre' }));
  const bars: string[] = [];
  const bottom = area.top + area.height;
  const cross = (left: number, w: number, className: string) => {
    const size = Math.max(2, Math.min(w - 2, 10) / 2);
    const cy = bottom - 8;
    return element('path', { d: `M${left + w / 2 - size} ${cy - size}l${2 * size} ${2 * size}m0 ${-2 * size}l${-2 * size} ${2 * size}`, stroke: OKABE_ITO.vermillion, 'stroke-width': 1.5, class: className });
  };
  bins.forEach((bin, j) => {
    const s = summaries[j];
    const left = px(bin.start);
    const w = (bin.end - bin.start) * unit;
    const attrs = { 'data-col': j, 'data-start': bin.start - centre, 'data-end': bin.end - 1 - centre };
    if (options.markHoles && s.zeros === s.size) {
      bars.push(element('rect', { x: left, y: area.top, width: w, height: area.height, fill: HOLE_COLOUR, class: 'hole', ...attrs }));
      bars.push(cross(left, w, 'hole-cross'));
      return;
    }
    const fill = options.colourOf(s.max);
    const inset = w > 4 ? 0.5 : 0;
    const lowest = options.markHoles ? s.minNonZero : s.min;
    if (binned && lowest < s.max) {
      bars.push(element('rect', { x: left + inset, y: y(s.max), width: w - 2 * inset, height: bottom - y(s.max), fill, 'fill-opacity': 0.4, class: 'bin-range', ...attrs, 'data-min': lowest, 'data-max': s.max }));
    }
    bars.push(element('rect', {
      x: left + inset, y: y(lowest), width: w - 2 * inset, height: bottom - y(lowest), fill, class: 'covered', ...attrs,
      'data-value': binned ? undefined : s.max, 'data-min': binned ? lowest : undefined, 'data-max': binned ? s.max : undefined,
    }));
    if (options.markHoles && s.zeros > 0) bars.push(cross(left, w, 'partial-hole'));
    if (!binned && options.labelValues && cell >= 16 && bottom - y(s.max) >= 16) {
      bars.push(text(left + w / 2, y(s.max) + 13, String(s.max), { size: Math.min(11, cell * 0.55), anchor: 'middle', fill: textColourOn(fill) }));
    }
  });
  body.push(element('g', { class: 'bars' }, ...bars));
  spans.forEach((span, s) => {
    const extent = Math.min(span.extent, n);
    const half = Math.floor(extent / 2);
    const sy = bottom + 62 + s * 20;
    const x0 = px(centre - half);
    const x1 = px(centre - half + extent);
    body.push(element('path', { d: `M${x0} ${sy - 5}v5H${x1}v-5`, fill: 'none', stroke: span.colour, 'stroke-width': 2, class: 'span' }));
    body.push(text(x1 + 6, sy + 4, span.label, { size: 11, fill: span.colour }));
  });
  const items: LegendItem[] = [
    ...(options.legendItems ?? []),
    ...(options.markHoles && summaries.some((b) => b.zeros > 0) ? [{ label: 'hole: no path reaches it', colour: HOLE_COLOUR, kind: 'crossed-box' as const, stroke: OKABE_ITO.vermillion }] : []),
    ...(binned && options.markHoles && summaries.some((b) => b.zeros > 0 && b.zeros < b.size)
      ? [{ label: 'bin holding some holes (× below)', colour: HOLE_COLOUR, kind: 'crossed-box' as const, stroke: OKABE_ITO.vermillion }] : []),
    { label: 'the output position', colour: OKABE_ITO.orange, kind: 'dashed-line' },
  ];
  body.push(legend(area.left + area.width + 30, area.top + 10, items));
  return svgDocument({ width, height, title: options.title }, body);
}
