/**
 * Signals over time, one trace per row on a shared time axis — a target and the predictions of several models,
 * say — each row scaled to the same amplitude range so their shapes compare at a glance.
 */
import { axes, linearScale, niceTicks, polylinePoints, titleBlock } from '../chart.js';
import { SERIES_COLOURS } from '../palette.js';
import { checkOptionKeys, optionKeys } from '../../options.js';
import { element, svgDocument, text } from '../svg.js';

/** Options of {@link signalTracesFigure}. */
export interface SignalTracesOptions {
  title: string;
  subtitle?: string;
  /** Samples per unit of the time axis (e.g. samples per millisecond). */
  samplesPerUnit: number;
  /** Label of the time axis, e.g. `time (ms)`. */
  timeLabel: string;
  /** Time of the first sample, in axis units (default 0). */
  start?: number;
  traces: readonly { label: string; values: ArrayLike<number> }[];
  width?: number;
  /** Height of one trace's row in px (default 90). */
  rowHeight?: number;
}

/**
 * @example signalTracesFigure({ title: 'speech', samplesPerUnit: 8, timeLabel: 'time (ms)', traces: [{ label: 'x', values: [0, 1, 0, -1] }] })
 */
export function signalTracesFigure(options: SignalTracesOptions): string {
  checkOptionKeys('signalTracesFigure', options, optionKeys<SignalTracesOptions>({ title: true, subtitle: true, samplesPerUnit: true, timeLabel: true, start: true, traces: true, width: true, rowHeight: true }));
  const width = options.width ?? 760, rowHeight = options.rowHeight ?? 90;
  const left = 170, right = 20, top = options.subtitle ? 70 : 56;
  const plotWidth = width - left - right;
  const length = Math.max(...options.traces.map((t) => t.values.length));
  const start = options.start ?? 0;
  const end = start + (length - 1) / options.samplesPerUnit;
  const time = linearScale([start, end], [left, left + plotWidth]);
  let peak = 0;
  for (const t of options.traces) for (let i = 0; i < t.values.length; i++) peak = Math.max(peak, Math.abs(t.values[i]));
  const amplitude = peak > 0 ? peak : 1;
  const body = [titleBlock(width, options.title, options.subtitle)];
  options.traces.forEach((trace, row) => {
    const mid = top + row * rowHeight + rowHeight / 2;
    const points: [number, number][] = [];
    for (let i = 0; i < trace.values.length; i++) {
      points.push([time(start + i / options.samplesPerUnit), mid - (trace.values[i] / amplitude) * (rowHeight / 2 - 6)]);
    }
    const colour = row === 0 ? '#222222' : SERIES_COLOURS[(row - 1) % SERIES_COLOURS.length];
    body.push(element('line', { x1: left, y1: mid, x2: left + plotWidth, y2: mid, stroke: '#dddddd' }));
    body.push(element('polyline', { points: polylinePoints(points), fill: 'none', stroke: colour, 'stroke-width': 1.5, class: 'trace', 'data-label': trace.label }));
    body.push(text(left - 10, mid + 4, trace.label, { size: 12, anchor: 'end', fill: colour, className: 'trace-label' }));
  });
  const plotBottom = top + options.traces.length * rowHeight;
  const xTicks = niceTicks(start, end, 8);
  const area = { left, top, width: plotWidth, height: plotBottom - top };
  body.push(axes({ area, x: time, y: linearScale([0, 1], [plotBottom, top]), xTicks: xTicks.filter((t) => t >= start && t <= end), yTicks: [], xLabel: options.timeLabel, yLabel: '', grid: false }));
  return svgDocument({ width, height: plotBottom + 56, title: options.title }, body);
}
