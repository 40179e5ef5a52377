import { OptionError } from '../../errors.js';
import { effectiveKernelSize } from '../../geometry/index.js';
import { CELL_COLOURS, OKABE_ITO } from '../palette.js';
import { element, svgDocument, text } from '../svg.js';
import type { AnimationFrame } from '../gif.js';
import { checkOptionKeys, optionKeys } from '../../options.js';

/** Options of {@link dilationGrowthFrames}. */
export interface DilationGrowthOptions {
  /** Kernel size (default 3). */
  kernel?: number;
  /** Dilations, one frame each (default 1…4, seed 000). */
  dilations?: readonly number[];
  /** Milliseconds per frame (default 1000). */
  delay?: number;
}

/**
 * Seed 000's `anim_dilation_growth()`: one k×k kernel drawn at dilation 1, 2, 3, 4 on the same grid, its taps
 * centred, the span it covers outlined and the spans of the earlier dilations left as dashed outlines, so the
 * 3×3 → 9×9 growth at constant weight count is seen at once.
 *
 * @example dilationGrowthFrames().length // 4
 */
export function dilationGrowthFrames(options: DilationGrowthOptions = {}): AnimationFrame[] {
  checkOptionKeys('dilationGrowthFrames', options, optionKeys<typeof options>({ kernel: true, dilations: true, delay: true }));
  const kernel = options.kernel ?? 3;
  const dilations = options.dilations ?? [1, 2, 3, 4];
  if (!Number.isInteger(kernel) || kernel < 1 || dilations.length === 0 || dilations.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new OptionError('dilationGrowthFrames', 'dilations', `kernel ${kernel} and dilations ${JSON.stringify(dilations)} must be positive integers (at least one dilation)`);
  }
  const spans = dilations.map((d) => effectiveKernelSize(kernel, d));
  const side = Math.max(...spans) + 2;
  if (side > 80) throw new OptionError('dilationGrowthFrames', 'dilations', `a span of ${Math.max(...spans)} is too wide to draw; use smaller dilations`);
  const cell = Math.max(6, Math.min(36, Math.floor(400 / side)));
  const left = 40;
  const top = 86;
  const width = Math.max(left * 2 + side * cell, 620);
  const height = top + side * cell + 56;
  const gridLeft = (width - side * cell) / 2;
  const centre = Math.floor(side / 2);
  return dilations.map((d, f) => {
    const span = spans[f];
    const first = centre - Math.floor(span / 2);
    const cells: string[] = [];
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        const isTap = (r - first) % d === 0 && (c - first) % d === 0 && r >= first && c >= first && r < first + span && c < first + span;
        cells.push(element('rect', {
          x: gridLeft + c * cell, y: top + r * cell, width: cell, height: cell,
          fill: isTap ? CELL_COLOURS.tap : CELL_COLOURS.input, stroke: '#ffffff', 'stroke-width': 1, class: isTap ? 'tap' : undefined,
        }));
      }
    }
    const outline = (s: number, dashed: boolean, colour: string) => {
      const o = centre - Math.floor(s / 2);
      return element('rect', {
        x: gridLeft + o * cell, y: top + o * cell, width: s * cell, height: s * cell, fill: 'none', stroke: colour,
        'stroke-width': dashed ? 1.5 : 3, 'stroke-dasharray': dashed ? '5 4' : undefined,
      });
    };
    const earlier = spans.slice(0, f).map((s) => outline(s, true, '#555555'));
    return {
      delay: options.delay ?? 1000,
      svg: svgDocument({ width, height, title: `dilation ${d}: ${kernel}×${kernel} kernel spans ${span}×${span}` }, [
        text(width / 2, 28, `Dilation d = ${d}: the same ${kernel}×${kernel} = ${kernel * kernel} weights span ${span}×${span}`, { size: 17, anchor: 'middle', weight: 'bold' }),
        text(width / 2, 50, `k_eff = d(k−1) + 1 = ${d}·${kernel - 1} + 1 = ${span}   (dashed: smaller dilations)`, { size: 13, anchor: 'middle', fill: '#555' }),
        element('g', { class: 'cells' }, ...cells),
        ...earlier,
        outline(span, false, OKABE_ITO.vermillion),
        text(width / 2, height - 18, `frame ${f + 1} of ${dilations.length}: d = ${dilations.join(', ')}`, { size: 12, anchor: 'middle', fill: '#555' }),
      ]),
    };
  });
}
