/** Tracked inverted dropout. */
import { dropout as dropoutOp } from '../ops/dropout.js';
import { mul } from '../ops/elementwise.js';
import { OptionError, describeValue } from '../errors.js';
import { Random } from '../tensor/random.js';
import { asVariable, record, type Variable, type VariableLike } from './variable.js';

/**
 * Zeroes each value with probability `p` (scaling survivors by `1/(1−p)`) when `training`; the identity
 * otherwise.
 *
 * @example F.dropout(x, 0.1, true, rng)
 */
export function dropout(x: VariableLike, p: number, training: boolean, random: Random): Variable {
  const v = asVariable('dropout', x);
  if (typeof p !== 'number' || !(p >= 0 && p < 1)) throw new OptionError('dropout', 'p', `dropout probability ${describeValue(p)} must be in [0, 1)`);
  if (typeof training !== 'boolean') throw new OptionError('dropout', 'training', `training ${describeValue(training)} must be true or false`);
  if (training && !(random instanceof Random)) {
    throw new OptionError('dropout', 'random', `random ${describeValue(random)} must be a Random generator: F.dropout(x, p, true, defaultGenerator()) or new Random(seed)`);
  }
  if (!training || p === 0) return v;
  const { output, mask } = dropoutOp(v.value, p, random);
  return record('dropout', output, [v], (g) => [mul(g, mask)]);
}
