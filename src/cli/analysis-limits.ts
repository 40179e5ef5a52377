/**
 * Size limits of the CLI's analyses. A command line is one typo away from `--dilations 1000000000` or
 * `--draws 1e9`; rather than allocate gigabytes or run for hours, each analysis estimates its size and work
 * from the receptive field first (cheap: one pass over the layers) and refuses, naming the limit, when it would
 * pass it. Every limit keeps one analysis to a few seconds and a few hundred MB on a laptop.
 */
import type { NodeField } from '../analysis/receptive-field.js';
import { OptionError } from '../errors.js';

/** Layers in one analysed stack or `--layers` JSON (ResNet-152 has about 500 nodes). */
export const MAX_LAYERS = 2000;
/** Cells in one coverage or ERF map (1-D: offsets; 2-D: 2048×2048). */
export const MAX_MAP_CELLS = 2 ** 22;
/** Multiply-adds (or polynomial steps) one analysis may do: a few seconds of work on a loaded laptop core. */
export const MAX_ANALYSIS_WORK = 2 ** 29;
/**
 * Cells in one effective-receptive-field map: each seed runs the stack forward and backward over the whole field,
 * which costs far more per cell than counting paths (1-D 8192, 2-D 90×90: a few seconds).
 */
export const MAX_ERF_CELLS = 2 ** 13;
/** Side of one `plot kernel` grid: it is printed cell by cell. */
export const MAX_KERNEL_GRID_SPAN = 64;

/** Refuses a stack of more than {@link MAX_LAYERS} layers. */
export function checkLayerCount(op: string, argument: string, layers: number): void {
  if (layers > MAX_LAYERS) {
    throw new OptionError(op, argument, `${layers} layers are more than the ${MAX_LAYERS} the CLI analyses; analyse a shorter stack`);
  }
}

/**
 * Refuses a coverage (exact path counts) whose map or work would pass the limits: the map has `∏ rf` cells of
 * the output's field, and each layer multiplies a polynomial as long as its field by its taps.
 */
export function checkCoverageSize(op: string, layers: readonly NodeField[], output: NodeField, taps: readonly number[]): void {
  const cells = fieldCells(output);
  if (!(cells <= MAX_MAP_CELLS)) {
    throw new OptionError(op, 'dilations', `the receptive field ${describeField(output)} has ${cells} offsets, more than the ${MAX_MAP_CELLS} the CLI maps path by path; use smaller dilations, kernels or fewer layers`);
  }
  let work = cells;
  layers.forEach((layer, i) => {
    work += layer.rf.reduce<number>((sum, n) => sum + (n ?? 0), 0) * (taps[i] ?? 1);
  });
  if (!(work <= MAX_ANALYSIS_WORK)) {
    throw new OptionError(op, 'dilations', `counting the paths through ${layers.length - 1} layers would take about ${work} steps, more than the ${MAX_ANALYSIS_WORK} the CLI runs; use smaller kernels or fewer layers`);
  }
}

/**
 * Refuses an effective receptive field (`seeds` forward and backward passes of `layers` convolutions with
 * `channels` channels over the field) that would pass the limits.
 */
export function checkErfSize(op: string, rf: readonly (number | null)[], layers: number, taps: number, channels: number, seeds: number, flag = 'seeds'): void {
  const cells = rf.reduce<number>((p, n) => p * (n ?? Infinity), 1);
  if (!(cells <= MAX_ERF_CELLS)) {
    throw new OptionError(op, 'dilations', `the effective receptive field map would have ${cells} cells (field ${rf.join('×')}), more than the ${MAX_ERF_CELLS} the CLI measures; use smaller dilations or fewer layers`);
  }
  const work = 3 * seeds * layers * cells * channels * channels * taps;
  if (!(work <= MAX_ANALYSIS_WORK)) {
    throw new OptionError(op, flag, `measuring it would take about ${work} multiply-adds (${seeds} random draws × ${layers} layers × ${cells} cells × ${channels}² channels × ${taps} taps, forward and backward), more than the ${MAX_ANALYSIS_WORK} the CLI runs; use fewer --${flag}, smaller dilations or fewer layers`);
  }
}

/**
 * The search budget (schedules visited) for `rf --design`: each visit multiplies a polynomial as long as the
 * field by `kernel` taps, so the budget shrinks as the reachable field grows. Refuses a search whose widest
 * field would pass {@link MAX_MAP_CELLS} (`--count 1000` of 3 taps reaches 3^1000); `--max-dilation` bounds it.
 */
export function designBudget(op: string, kernel: number, layers: number, maxDilation: number): number {
  let span = 1;
  for (let i = 0; i < layers && span <= MAX_MAP_CELLS; i++) span += (kernel - 1) * Math.min(span, maxDilation);
  if (span > MAX_MAP_CELLS) {
    throw new OptionError(op, 'count', `${layers} layers of ${kernel} taps can reach fields past ${MAX_MAP_CELLS} offsets, more than the CLI searches; use fewer layers or bound the dilations with --max-dilation`);
  }
  return Math.max(1, Math.min(2_000_000, Math.floor(MAX_ANALYSIS_WORK / (span * kernel))));
}

/** Refuses a `plot kernel` grid wider than {@link MAX_KERNEL_GRID_SPAN} cells. */
export function checkKernelGridSpan(op: string, kernel: number, dilation: number): void {
  const span = dilation * (kernel - 1) + 1;
  if (span > MAX_KERNEL_GRID_SPAN) {
    throw new OptionError(op, 'kernel', `a ${kernel}-tap kernel at dilation ${dilation} spans ${span} cells; the grid is drawn cell by cell, at most ${MAX_KERNEL_GRID_SPAN} per side`);
  }
}

function fieldCells(field: NodeField): number {
  return field.rf.reduce<number>((p, n) => p * (n ?? Infinity), 1);
}

function describeField(field: NodeField): string {
  return field.rf.map((n) => String(n ?? '?')).join('×');
}
