import { axes, legend, linearScale, logScale, logTicks, niceTicks, polylinePoints, titleBlock, type PlotArea } from '../chart.js';
import { SERIES_COLOURS } from '../palette.js';
import { element, svgDocument, text } from '../svg.js';
import { checkOptionKeys, optionKeys } from '../../options.js';

/** One named line of `[x, y]` points. */
export interface LineSeries {
  label: string;
  points: readonly (readonly [number, number])[];
}

/** What {@link lineChart} draws. */
export interface LineChartOptions {
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  series: readonly LineSeries[];
  /** Print each point's y value next to its marker (small data only). */
  labelPoints?: boolean;
  /** Logarithmic y axis, for exponential growth. */
  logY?: boolean;
  legendTitle?: string;
  width?: number;
  height?: number;
}

/**
 * A line chart with markers, integer-friendly axes, a legend in the top-left corner of the plot and optional value
 * labels: the shape shared by the effective-kernel and receptive-field-growth figures.
 *
 * @example lineChart({ title: 'RF', xLabel: 'layer', yLabel: 'RF', series: [{ label: 'a', points: [[1, 3], [2, 7]] }] })
 */
export function lineChart(options: LineChartOptions): string {
  checkOptionKeys('lineChart', options, optionKeys<typeof options>({ title: true, subtitle: true, xLabel: true, yLabel: true, series: true, labelPoints: true, logY: true, legendTitle: true, width: true, height: true }));
  const width = options.width ?? 720;
  const height = options.height ?? 440;
  const area: PlotArea = { left: 80, top: options.subtitle ? 70 : 56, width: width - 110, height: 0 };
  area.height = height - area.top - 62;
  const all = options.series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const xTicks = niceTicks(Math.min(...xs), Math.max(...xs), 10, true);
  const x = linearScale([xTicks[0], xTicks[xTicks.length - 1]], [area.left + 12, area.left + area.width - 12]);
  let yTicks: number[];
  let y;
  if (options.logY) {
    yTicks = logTicks(Math.max(1, Math.min(...ys)), Math.max(...ys));
    y = logScale([yTicks[0], yTicks[yTicks.length - 1]], [area.top + area.height, area.top]);
  } else {
    yTicks = niceTicks(0, Math.max(...ys), 6, true);
    y = linearScale([0, yTicks[yTicks.length - 1]], [area.top + area.height, area.top]);
  }
  const body = [titleBlock(width, options.title, options.subtitle)];
  const placed: Box[] = [];
  const labelled = new Set<string>();
  body.push(axes({ area, x, y, xTicks, yTicks, xLabel: options.xLabel, yLabel: options.yLabel, grid: true }));
  // Every marker is an obstacle before any label is placed, so no value label sits on another series' point.
  for (const series of options.series) {
    for (const [px, py] of series.points) placed.push({ x0: x(px) - 5, y0: y(py) - 5, x1: x(px) + 5, y1: y(py) + 5 });
  }
  options.series.forEach((series, i) => {
    const colour = SERIES_COLOURS[i % SERIES_COLOURS.length];
    const pixels = series.points.map(([px, py]) => [x(px), y(py)] as const);
    const marks = [element('polyline', { points: polylinePoints(pixels), fill: 'none', stroke: colour, 'stroke-width': 2.5 })];
    pixels.forEach(([px, py], j) => {
      marks.push(element('circle', { cx: px, cy: py, r: 4, fill: colour, class: 'point', 'data-x': series.points[j][0], 'data-y': series.points[j][1] }));
      const key = `${series.points[j][0]},${series.points[j][1]}`;
      if (options.labelPoints && !labelled.has(key)) {
        labelled.add(key);
        const spot = freeLabelSpot(placed, px, py, String(series.points[j][1]));
        if (spot) marks.push(text(spot[0], spot[1], String(series.points[j][1]), { size: 11, fill: colour, className: 'value' }));
      }
    });
    body.push(element('g', { class: 'series', 'data-label': series.label }, ...marks));
  });
  body.push(legend(area.left + 18, area.top + 12,
    options.series.map((s, i) => ({ label: s.label, colour: SERIES_COLOURS[i % SERIES_COLOURS.length], kind: 'line' as const })),
    options.legendTitle));
  return svgDocument({ width, height, title: options.title }, body);
}

interface Box { x0: number; y0: number; x1: number; y1: number }

/**
 * Where a value label can go beside the marker at `(px, py)` without covering one already placed: above-right,
 * below-right or above-left, else nowhere (coinciding series share one label instead of a smudge).
 */
function freeLabelSpot(placed: Box[], px: number, py: number, label: string): [number, number] | undefined {
  const w = label.length * 6.6;
  const candidates: [number, number][] = [[px + 7, py - 7], [px + 7, py + 15], [px - 7 - w, py - 7], [px - 7 - w, py + 15], [px - w / 2, py - 9], [px - w / 2, py + 19]];
  for (const [x, y] of candidates) {
    const box = { x0: x - 1, y0: y - 10, x1: x + w + 1, y1: y + 3 };
    if (!placed.some((b) => box.x0 < b.x1 && b.x0 < box.x1 && box.y0 < b.y1 && b.y0 < box.y1)) {
      placed.push(box);
      return [x, y];
    }
  }
  return undefined;
}
