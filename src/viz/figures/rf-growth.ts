import { lineChart } from './line-chart.js';
import { checkOptionKeys, optionKeys } from '../../options.js';

/** A dilation schedule and the receptive field after each of its layers, as the analysis computed it. */
export interface ReceptiveFieldSeries {
  /** E.g. `HDC 1,2,5`. */
  label: string;
  /** Receptive field size after layer 1, 2, … (one spatial dimension). */
  receptiveField: readonly number[];
}

/** Options of {@link receptiveFieldGrowthFigure}. */
export interface ReceptiveFieldGrowthOptions {
  kernel: number;
  series: readonly ReceptiveFieldSeries[];
  /** Logarithmic y axis (default: when the largest RF is over 20× the smallest final RF). */
  logY?: boolean;
}

/**
 * Receptive field size per layer for several dilation schedules (standard, doubling, HDC, base-k), layer 0 being
 * the input itself (RF 1). The numbers come from the analysis; this only draws them.
 *
 * @example receptiveFieldGrowthFigure({ kernel: 3, series: [{ label: 'doubling', receptiveField: [3, 7, 15] }] })
 */
export function receptiveFieldGrowthFigure(options: ReceptiveFieldGrowthOptions): string {
  checkOptionKeys('receptiveFieldGrowthFigure', options, optionKeys<typeof options>({ kernel: true, series: true, logY: true }));
  const finals = options.series.map((s) => s.receptiveField[s.receptiveField.length - 1]);
  const logY = options.logY ?? Math.max(...finals) > 20 * Math.min(...finals);
  return lineChart({
    title: 'Receptive field growth per layer',
    subtitle: `kernel ${options.kernel}, stride 1: each layer adds (k−1)·d to the receptive field`,
    xLabel: 'layers stacked',
    yLabel: logY ? 'receptive field (input samples, log scale)' : 'receptive field (input samples)',
    legendTitle: 'dilation schedule',
    labelPoints: true,
    logY,
    series: options.series.map((s) => ({
      label: s.label,
      points: [[0, 1] as const, ...s.receptiveField.map((rf, i) => [i + 1, rf] as const)],
    })),
  });
}
