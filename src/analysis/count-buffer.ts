import { OptionError } from '../errors.js';

/**
 * The most cells a path-count map may hold (2^24 doubles, 128 MiB). A receptive field larger than that in
 * area (a huge or corrupt model) has no coverage map; the analysis reports why instead of running out of memory.
 */
export const MAX_COUNT_CELLS = 2 ** 24;

/**
 * A zeroed buffer of `cells` path counts, or a typed error when the map would be too large to count.
 *
 * @example countBuffer(63).length // 63
 */
export function countBuffer(cells: number): Float64Array {
  if (!(cells <= MAX_COUNT_CELLS)) {
    throw new OptionError('coverage', 'graph', `the path-count map would hold ${cells} cells, more than the ${MAX_COUNT_CELLS} that are counted; the receptive field is too large for an exact coverage map`);
  }
  return new Float64Array(cells);
}
