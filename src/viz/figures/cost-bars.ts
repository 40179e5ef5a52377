import { OptionError } from '../../errors.js';
import { axes, groupDigits, logScale, logTicks, linearScale, titleBlock, type PlotArea } from '../chart.js';
import { SERIES_COLOURS } from '../palette.js';
import { element, svgDocument, text } from '../svg.js';
import { checkOptionKeys, optionKeys } from '../../options.js';

/** One design to compare, with the numbers the cost analysis computed for it. */
export interface CostItem {
  /** E.g. `31×31 conv`, `3×3 conv, d=15`. */
  label: string;
  params: number;
  macs: number;
  /** Receptive field reached, shown under the label when given (e.g. `RF 31×31`). */
  receptiveField?: string;
}

/** What {@link costBarsFigure} draws. */
export interface CostBarsOptions {
  items: readonly CostItem[];
  /** Names the setting, e.g. `32 → 64 channels on a 32×32 map`. */
  description: string;
}

/**
 * Parameters and multiply-accumulates side by side for several designs (large kernel vs dilated vs pooling,
 * seed 002), one panel each on a log axis, every bar labelled with its exact count.
 *
 * @example costBarsFigure({ description: '32→64 channels', items: [{ label: '31×31', params: 1968128, macs: 1 }] })
 */
export function costBarsFigure(options: CostBarsOptions): string {
  checkOptionKeys('costBarsFigure', options, optionKeys<typeof options>({ items: true, description: true }));
  const items = options.items;
  if (items.length === 0 || items.some((i) => !(i.params > 0) || !(i.macs > 0))) {
    throw new OptionError('costBarsFigure', 'items', 'give at least one design, each with params > 0 and macs > 0');
  }
  const panelWidth = Math.max(300, items.length * 110);
  const width = panelWidth * 2 + 150;
  const height = 420;
  const body = [titleBlock(width, 'Cost of four designs, with the receptive field each reaches', options.description)];
  const panels: [string, (i: CostItem) => number][] = [['parameters', (i) => i.params], ['multiply-accumulates (MACs)', (i) => i.macs]];
  panels.forEach(([name, value], p) => {
    const area: PlotArea = { left: 90 + p * (panelWidth + 60), top: 80, width: panelWidth - 20, height: 270 };
    const values = items.map(value);
    const ticks = logTicks(Math.min(...values), Math.max(...values) * 1.01);
    if (ticks.length < 2) ticks.push(ticks[0] * 10);
    const y = logScale([ticks[0], ticks[ticks.length - 1]], [area.top + area.height, area.top]);
    const band = area.width / items.length;
    const x = linearScale([0, items.length], [area.left, area.left + area.width]);
    body.push(axes({ area, x, y, xTicks: [], yTicks: ticks, xLabel: '', yLabel: `${name} (log scale)`, grid: true }));
    body.push(text(area.left + area.width / 2, area.top - 8, name, { size: 13, anchor: 'middle', weight: 'bold' }));
    items.forEach((item, i) => {
      const colour = SERIES_COLOURS[i % SERIES_COLOURS.length];
      const v = value(item);
      const barX = x(i) + band * 0.18;
      const barTop = y(v);
      body.push(element('rect', {
        x: barX, y: barTop, width: band * 0.64, height: area.top + area.height - barTop, fill: colour,
        class: 'bar', 'data-label': item.label, 'data-value': v, 'data-panel': p === 0 ? 'params' : 'macs',
      }));
      body.push(text(x(i) + band / 2, barTop - 6, groupDigits(v), { size: 11, anchor: 'middle', weight: 'bold' }));
      body.push(text(x(i) + band / 2, area.top + area.height + 18, item.label, { size: 11, anchor: 'middle' }));
      if (item.receptiveField) body.push(text(x(i) + band / 2, area.top + area.height + 33, item.receptiveField, { size: 10, anchor: 'middle', fill: '#555' }));
    });
  });
  return svgDocument({ width, height, title: 'Cost of four designs, with the receptive field each reaches' }, body);
}
