/** Dropout layer: active in training mode only. */
import { dropout } from '../autograd/dropout.js';
import type { Variable, VariableLike } from '../autograd/variable.js';
import type { Random } from '../tensor/random.js';
import { defaultGenerator } from './init.js';
import { Module } from './module.js';

/**
 * Zeroes values with probability `p` while training (survivors scaled by `1/(1−p)`).
 *
 * @example new Dropout(0.5)
 */
export class Dropout extends Module {
  constructor(readonly p = 0.5, private readonly random: Random = defaultGenerator()) { super(); }
  forward(x: VariableLike): Variable { return dropout(x, this.p, this.training, this.random); }
}
