/** Tracked inverted dropout. */
import { dropout as dropoutOp } from '../ops/dropout.js';
import { mul } from '../ops/elementwise.js';
import type { Random } from '../tensor/random.js';
import { asVariable, record, type Variable, type VariableLike } from './variable.js';

/**
 * Zeroes each value with probability `p` (scaling survivors by `1/(1−p)`) when `training`; the identity
 * otherwise.
 *
 * @example F.dropout(x, 0.1, true, rng)
 */
export function dropout(x: VariableLike, p: number, training: boolean, random: Random): Variable {
  const v = asVariable('dropout', x);
  if (!training || p === 0) return v;
  const { output, mask } = dropoutOp(v.value, p, random);
  return record('dropout', output, [v], (g) => [mul(g, mask)]);
}
