import { OptionError, describeValue } from '../errors.js';
import { multiplyTaps, unitPoly, type Poly } from './tap-polynomial.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** What to search for: `layers` stride-1 layers of `kernel` taps. */
export interface ScheduleDesignOptions {
  kernel: number;
  layers: number;
  /** Largest dilation allowed (default: no limit beyond what hole-freedom permits). */
  maxDilation?: number;
  /** Keep only schedules reaching at least this receptive field; they are ranked by uniformity first. */
  targetRf?: number;
  /** How many schedules to return (default 10). */
  limit?: number;
  /** Search nodes to visit before giving up on completeness (default 2,000,000). */
  budget?: number;
}

/** One hole-free schedule with its coverage statistics. */
export interface Schedule {
  /** Dilations in ascending order (at stride 1 the order changes neither the field nor the counts). */
  dilations: number[];
  rf: number;
  /** Smallest and largest number of paths over the field. */
  minPaths: number;
  maxPaths: number;
  /** `maxPaths / minPaths`: 1 means every offset is read exactly as often (a perfect schedule). */
  spread: number;
}

/** Ranked schedules and whether the search saw every candidate. */
export interface ScheduleDesign {
  kernel: number;
  layers: number;
  schedules: Schedule[];
  /** Hole-free schedules met (branches proven unable to enter the ranking are not explored). */
  found: number;
  /** False when the budget ran out before the search finished (the ranking may then miss schedules). */
  complete: boolean;
}

/**
 * Searches dilation schedules for a stack of `layers` stride-1 layers with `kernel` taps and ranks the
 * hole-free ones: by receptive field (largest first), then by uniformity; with `targetRf`, those reaching it
 * by uniformity, then smallest field. The search prunes with two exact arguments: sorted ascending, the next
 * dilation must not exceed the first offset the layers below cannot reach, or that offset stays a hole; and a
 * branch whose largest reachable field cannot enter the ranking is skipped.
 * The top schedule for kernel `k` is the base-`k` one (k = 3: 1, 3, 9 — field 27, every offset exactly
 * once), which grows faster than doubling (1, 2, 4 — field 15): doubling is not the only hole-free
 * exponential schedule, contrary to seed 003.
 *
 * @example designSchedules({ kernel: 3, layers: 3 }).schedules[0].dilations // [1, 3, 9]
 */
export function designSchedules(options: ScheduleDesignOptions): ScheduleDesign {
  checkOptionKeys('designSchedules', options, optionKeys<typeof options>({ kernel: true, layers: true, maxDilation: true, targetRf: true, limit: true, budget: true }));
  const { kernel, layers } = options;
  checkInteger('kernel', kernel, 2);
  checkInteger('layers', layers, 1);
  const maxDilation = options.maxDilation ?? Infinity;
  if (maxDilation !== Infinity) checkInteger('maxDilation', maxDilation, 1);
  if (options.targetRf !== undefined) checkInteger('targetRf', options.targetRf, 1);
  const limit = options.limit ?? 10;
  let budget = options.budget ?? 2_000_000;
  const byTarget = options.targetRf !== undefined;
  const order = (a: Schedule, b: Schedule): number => (byTarget
    ? a.spread - b.spread || a.rf - b.rf
    : b.rf - a.rf || a.spread - b.spread) || compareLists(a.dilations, b.dilations);
  const top: Schedule[] = [];
  let found = 0;
  const keep = (schedule: Schedule): void => {
    found++;
    if (top.length >= limit && order(schedule, top[top.length - 1]) >= 0) return;
    let at = top.length;
    while (at > 0 && order(schedule, top[at - 1]) < 0) at--;
    top.splice(at, 0, schedule);
    if (top.length > limit) top.pop();
  };
  // Each layer at most multiplies the span by k (its dilation cannot pass the span below), so a prefix of
  // span L with m layers to go ends at most at this span: branches that cannot reach the bar are skipped.
  const reachable = (span: number, remaining: number): number => {
    let L = span;
    for (let i = 0; i < remaining; i++) L += (kernel - 1) * Math.min(L, maxDilation);
    return L;
  };
  const bar = (): number => {
    if (byTarget) return options.targetRf!;
    return top.length >= limit ? top[top.length - 1].rf : 0;
  };
  const taps = Array.from({ length: kernel }, (_, t) => t);

  const visit = (chosen: number[], poly: Poly, smallest: number): void => {
    if (chosen.length === layers) {
      if (firstGap(poly) < poly.coeffs.length) return;
      const schedule = describe(chosen, poly);
      if (!byTarget || schedule.rf >= options.targetRf!) keep(schedule);
      return;
    }
    if (reachable(poly.coeffs.length, layers - chosen.length) < bar()) return;
    // Largest dilations first: the widest fields are found early and raise the bar for the rest.
    const gap = firstGap(poly);
    for (let d = Math.min(gap, maxDilation); d >= smallest; d--) {
      if (--budget < 0) return;
      visit([...chosen, d], multiplyTaps(poly, taps.map((t) => t * d), 0), d);
    }
  };
  visit([], unitPoly(), 1);
  return { kernel, layers, schedules: top, found, complete: budget >= 0 };
}

/** The first offset with no path, or the offset just past the field when there is none. */
function firstGap(p: Poly): number {
  const i = p.coeffs.indexOf(0);
  return i < 0 ? p.coeffs.length : i;
}

function describe(dilations: number[], p: Poly): Schedule {
  let min = Infinity;
  let max = 0;
  for (const v of p.coeffs) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { dilations, rf: p.coeffs.length, minPaths: min, maxPaths: max, spread: max / min };
}

function compareLists(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

function checkInteger(argument: string, value: unknown, min: number): void {
  if (!Number.isInteger(value) || (value as number) < min) {
    throw new OptionError('designSchedules', argument, `${argument} ${describeValue(value)} must be an integer ≥ ${min}`);
  }
}
