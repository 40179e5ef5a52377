import { OptionError } from '../../errors.js';
import { HOLE_COLOUR, OKABE_ITO, pathCountColour } from '../palette.js';
import { element, svgDocument, text } from '../svg.js';
import type { AnimationFrame } from '../gif.js';
import { checkOptionKeys, optionKeys } from '../../options.js';

/** One layer of the stack and the analysis's coverage of the stack up to and including it. */
export interface StackLayerCoverage {
  /** E.g. `d=4`. */
  label: string;
  /** Paths from each input offset to one output of the stack of layers 1…this one, left to right (1-D). */
  multiplicity: readonly number[];
}

/** Options of {@link stackGrowthFrames}. */
export interface StackGrowthOptions {
  layers: readonly StackLayerCoverage[];
  /** Names the stack, e.g. `kernel 3`. */
  description: string;
  /** Milliseconds per layer (default 1000; the last frame stays twice as long). */
  delay?: number;
}

/**
 * A stack's receptive field growing layer by layer: frame ℓ adds a row with the coverage after ℓ layers (cells
 * coloured by the number of paths, holes grey and crossed), rows centred on the output's position so the field
 * visibly widens; the caption gives the RF and the hole count. Frame count = layer count.
 *
 * @example stackGrowthFrames({ description: 'kernel 3', layers: [{ label: 'd=1', multiplicity: [1, 1, 1] }] }).length // 1
 */
export function stackGrowthFrames(options: StackGrowthOptions): AnimationFrame[] {
  checkOptionKeys('stackGrowthFrames', options, optionKeys<typeof options>({ layers: true, description: true, delay: true }));
  const layers = options.layers;
  if (layers.length === 0 || layers.some((l) => l.multiplicity.length === 0)) {
    throw new OptionError('stackGrowthFrames', 'layers', 'give at least one layer, each with a non-empty coverage row');
  }
  const widest = Math.max(...layers.map((l) => l.multiplicity.length));
  if (widest > 600) throw new OptionError('stackGrowthFrames', 'layers', `a receptive field of ${widest} is too wide to draw; animate a shorter stack`);
  const cell = Math.max(1, Math.min(24, Math.floor(640 / widest)));
  const rowHeight = Math.max(18, Math.min(26, cell + 6));
  const labelWidth = 150;
  const width = Math.max(labelWidth + widest * cell + 130, 560);
  const top = 80;
  const height = top + layers.length * rowHeight + 60;
  const centreX = labelWidth + (widest * cell) / 2;
  const rowsUpTo = (f: number) => layers.slice(0, f + 1).map((layer, r) => {
    const y = top + r * rowHeight;
    const row = layer.multiplicity;
    const left = centreX - (row.length * cell) / 2;
    const holes = row.filter((m) => m === 0).length;
    const parts = [text(labelWidth - 10, y + cell / 2 + 4, `${r + 1}: ${layer.label}`, { size: 12, anchor: 'end', weight: r === f ? 'bold' : 'normal' })];
    row.forEach((m, j) => {
      parts.push(element('rect', {
        x: left + j * cell, y, width: cell, height: cell, fill: m === 0 ? HOLE_COLOUR : pathCountColour(m),
        stroke: cell >= 6 ? '#ffffff' : undefined, 'stroke-width': cell >= 6 ? 0.5 : undefined, class: m === 0 ? 'hole' : 'covered',
      }));
      if (m === 0 && cell >= 6) {
        parts.push(element('path', { d: `M${left + j * cell + 2} ${y + 2}l${cell - 4} ${cell - 4}m0 ${4 - cell}l${4 - cell} ${cell - 4}`, stroke: OKABE_ITO.vermillion, 'stroke-width': 1 }));
      }
    });
    parts.push(text(left + row.length * cell + 6, y + cell / 2 + 4, `RF ${row.length}${holes ? `, ${holes} holes` : ''}`, { size: 11, fill: '#555' }));
    return element('g', { class: 'layer-row' }, ...parts);
  });
  return layers.map((layer, f) => {
    const holes = layer.multiplicity.filter((m) => m === 0).length;
    return {
      delay: (options.delay ?? 1000) * (f === layers.length - 1 ? 2 : 1),
      svg: svgDocument({ width, height, title: `receptive field after layer ${f + 1}` }, [
        text(width / 2, 28, 'Receptive field of a stack, layer by layer', { size: 17, anchor: 'middle', weight: 'bold' }),
        text(width / 2, 50, `${options.description}; after layer ${f + 1} (${layer.label}): RF ${layer.multiplicity.length}, ${holes === 0 ? 'no holes' : `${holes} holes`}`, { size: 13, anchor: 'middle', fill: '#555' }),
        ...rowsUpTo(f),
        element('line', { x1: centreX, y1: top - 8, x2: centreX, y2: top + (f + 1) * rowHeight, stroke: OKABE_ITO.orange, 'stroke-width': 1.5, 'stroke-dasharray': '4 3' }),
        text(width / 2, height - 18, 'colour: paths from the input offset to the output (1 dark, more lighter, as in every figure); grey ✕: hole; dashed: the output position', { size: 11, anchor: 'middle', fill: '#555' }),
      ]),
    };
  });
}
