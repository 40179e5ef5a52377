import { effectiveKernelSize } from '../../geometry/index.js';
import { lineChart } from './line-chart.js';
import { checkOptionKeys, optionKeys } from '../../options.js';

/** Which kernel sizes and dilations {@link effectiveKernelFigure} plots. */
export interface EffectiveKernelFigureOptions {
  /** Kernel sizes, one line each (default `[3]`, seed 000). */
  kernelSizes?: readonly number[];
  /** Dilations along the x axis (default 1…8). */
  dilations?: readonly number[];
}

/**
 * Seed 000's `plot_effective_kernel()`: the span `d(k−1)+1` of a k-tap kernel against its dilation, one line per
 * kernel size, each point labelled with its value (3×3 at d=4 covers 9×9).
 *
 * @example effectiveKernelFigure({ kernelSizes: [3, 5], dilations: [1, 2, 3, 4] }) // SVG text
 */
export function effectiveKernelFigure(options: EffectiveKernelFigureOptions = {}): string {
  checkOptionKeys('effectiveKernelFigure', options, optionKeys<typeof options>({ kernelSizes: true, dilations: true }));
  const kernelSizes = options.kernelSizes ?? [3];
  const dilations = options.dilations ?? [1, 2, 3, 4, 5, 6, 7, 8];
  return lineChart({
    title: 'Effective kernel size vs dilation',
    subtitle: 'k_eff = k + (k−1)(d−1) = d(k−1) + 1 — same number of weights, wider span',
    xLabel: 'dilation d',
    yLabel: 'effective kernel size k_eff (input samples spanned)',
    legendTitle: 'kernel size',
    labelPoints: true,
    series: kernelSizes.map((k) => ({
      label: `k = ${k} (${k} weights per dim)`,
      points: dilations.map((d) => [d, effectiveKernelSize(k, d)] as const),
    })),
  });
}
