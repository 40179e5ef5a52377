/** Dropout layer: active in training mode only. */
import { dropout } from '../autograd/dropout.js';
import type { Variable, VariableLike } from '../autograd/variable.js';
import { OptionError, describeValue } from '../errors.js';
import { Random } from '../tensor/random.js';
import { defaultGenerator } from './init.js';
import { Module } from './module.js';

/**
 * Zeroes values with probability `p` while training (survivors scaled by `1/(1−p)`).
 *
 * @example new Dropout(0.5)
 */
export class Dropout extends Module {
  constructor(readonly p = 0.5, private readonly random: Random = defaultGenerator()) {
    super();
    if (typeof p !== 'number' || !(p >= 0 && p < 1)) throw new OptionError('Dropout', 'p', `dropout probability ${describeValue(p)} must be in [0, 1)`);
    if (!(random instanceof Random)) throw new OptionError('Dropout', 'random', `random ${describeValue(random)} must be a Random generator`);
  }
  forward(x: VariableLike): Variable { return dropout(x, this.p, this.training, this.random); }
}
