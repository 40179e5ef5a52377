/**
 * Seed 001's kernel grids: `[●]` where a tap of a k×k kernel with dilation d reads, `[ ]` where the dilated
 * kernel skips (an implicit zero), laid out side by side with their effective sizes.
 */
import { OptionError } from '../../errors.js';
import { effectiveKernelSize } from '../../geometry/index.js';

/** Seed 001's legend, printed under a panel of grids. */
export const KERNEL_GRID_LEGEND = '[●] = kernel weight position\n[ ] = skipped (implicit zero)';

/** A panel never exceeds this many columns; wider panels continue on a new band below. */
const TERMINAL_WIDTH = 80;

/**
 * The rows of one `k×k` kernel grid at dilation `d` (a `k_eff × k_eff` square).
 *
 * @example kernelGrid(3, 2) // ['[●][ ][●][ ][●]', '[ ][ ][ ][ ][ ]', '[●][ ][●][ ][●]', ...]
 */
export function kernelGrid(kernel: number, dilation: number): string[] {
  for (const [name, v] of [['kernel', kernel], ['dilation', dilation]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new OptionError('kernelGrid', name, `${name} ${v} must be a positive integer`);
  }
  const span = effectiveKernelSize(kernel, dilation);
  const row = (onTapRow: boolean) => Array.from({ length: span }, (_, j) => (onTapRow && j % dilation === 0 ? '[●]' : '[ ]')).join('');
  return Array.from({ length: span }, (_, i) => row(i % dilation === 0));
}

/**
 * Several kernel grids side by side under their captions, exactly as seed 001 draws them (`Standard (d=1)` /
 * `K=3, K_eff=3` over `[●][●][●]`, columns at least 20 wide, no trailing spaces). Grids that would pass 80
 * columns start a new band below.
 *
 * @example kernelGridPanel(3, [1, 2, 3]) // seed 001's "Visual Representation" block
 */
export function kernelGridPanel(kernel: number, dilations: readonly number[]): string {
  const columns = dilations.map((d) => {
    const grid = kernelGrid(kernel, d);
    const lines = [d === 1 ? 'Standard (d=1)' : `Dilated (d=${d})`, `K=${kernel}, K_eff=${effectiveKernelSize(kernel, d)}`, '', ...grid];
    return { lines, width: Math.max(20, ...lines.map((l) => [...l].length + 2)) };
  });
  const bands: (typeof columns)[] = [];
  let used = Infinity;
  for (const column of columns) {
    if (used + column.width > TERMINAL_WIDTH + 2) {
      bands.push([]);
      used = 0;
    }
    bands[bands.length - 1].push(column);
    used += column.width;
  }
  return bands.map((band) => {
    const height = Math.max(...band.map((c) => c.lines.length));
    return Array.from({ length: height }, (_, i) =>
      band.map((c) => { const l = c.lines[i] ?? ''; return l + ' '.repeat(c.width - [...l].length); }).join('').trimEnd(),
    ).join('\n');
  }).join('\n\n');
}
