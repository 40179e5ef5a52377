/** `torch.optim.lr_scheduler.LambdaLR`. */
import type { Optimizer } from '../optimizer.js';
import { OptionError, describeValue } from '../../../errors.js';
import { checkOptionKeys } from '../../../options.js';
import { initialRates, LrScheduler } from './lr-scheduler.js';

/** A factor of the initial rate for step `t`. */
export type LrLambda = (t: number) => number;

/**
 * The initial rate times `lrLambda(t)` (one function for every group, or one per group).
 *
 * @example const schedule = new LambdaLR(opt, { lrLambda: (t) => 0.95 ** t });
 */
export class LambdaLR extends LrScheduler {
  private readonly lambdas: LrLambda[];

  constructor(optimizer: Optimizer, options: { lrLambda: LrLambda | readonly LrLambda[] }) {
    checkOptionKeys('LambdaLR', options, ['lrLambda']);
    super('LambdaLR', optimizer);
    const groups = this.optimizer.paramGroups.length;
    const given = options.lrLambda;
    this.lambdas = typeof given === 'function' ? Array(groups).fill(given) : Array.isArray(given) ? given.slice() : [];
    if (this.lambdas.length !== groups || this.lambdas.some((f) => typeof f !== 'function')) {
      throw new OptionError('LambdaLR', 'lrLambda', `lrLambda ${describeValue(typeof given === 'function' ? 'function' : given)} must be a function or one function per parameter group (${groups})`);
    }
    this.apply();
  }

  protected rates(t: number): number[] {
    return initialRates(this.optimizer).map((lr, i) => {
      const factor = this.lambdas[i](t);
      if (typeof factor !== 'number' || !Number.isFinite(factor)) {
        throw new OptionError('LambdaLR', 'lrLambda', `lrLambda(${t}) returned ${describeValue(factor)}; it must return a finite number`);
      }
      return lr * factor;
    });
  }
}
