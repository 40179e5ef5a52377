/** `torch.optim.lr_scheduler.LinearLR`: the usual learning-rate warmup. */
import type { Optimizer } from '../optimizer.js';
import { OptionError, describeValue } from '../../../errors.js';
import { checkOptionKeys } from '../../../options.js';
import { checkHyperparameter } from '../optimizer.js';
import { initialRates, LrScheduler } from './lr-scheduler.js';

/**
 * Scales the initial rate by a factor moving linearly from `startFactor` to `endFactor` over `totalIters` steps,
 * then holds it: `η_t = η₀·(s + (e − s)·min(t, T)/T)`. Defaults as PyTorch: 1/3 → 1 over 5 steps.
 *
 * @example const warmup = new LinearLR(opt, { startFactor: 0.01, totalIters: 500 });
 */
export class LinearLR extends LrScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(optimizer: Optimizer, options: { startFactor?: number; endFactor?: number; totalIters?: number } = {}) {
    checkOptionKeys('LinearLR', options, ['startFactor', 'endFactor', 'totalIters']);
    super('LinearLR', optimizer);
    this.startFactor = options.startFactor ?? 1 / 3;
    this.endFactor = checkHyperparameter('LinearLR', 'endFactor', options.endFactor ?? 1, 0, 1.000001);
    this.totalIters = checkHyperparameter('LinearLR', 'totalIters', options.totalIters ?? 5, 1);
    if (!(typeof this.startFactor === 'number' && this.startFactor > 0 && this.startFactor <= 1)) {
      throw new OptionError('LinearLR', 'startFactor', `startFactor ${describeValue(this.startFactor)} must be in (0, 1], as PyTorch`);
    }
    if (!Number.isInteger(this.totalIters)) throw new OptionError('LinearLR', 'totalIters', `totalIters ${this.totalIters} must be an integer`);
    this.apply();
  }

  protected rates(t: number): number[] {
    const factor = this.startFactor + (this.endFactor - this.startFactor) * Math.min(t, this.totalIters) / this.totalIters;
    return initialRates(this.optimizer).map((lr) => lr * factor);
  }
}
