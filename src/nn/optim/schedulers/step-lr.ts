/** `torch.optim.lr_scheduler.StepLR`. */
import type { Optimizer } from '../optimizer.js';
import { checkOptionKeys } from '../../../options.js';
import { checkHyperparameter } from '../optimizer.js';
import { initialRates, LrScheduler } from './lr-scheduler.js';

/**
 * Multiplies the learning rate by `gamma` every `stepSize` steps: `η_t = η₀·γ^⌊t/stepSize⌋`.
 *
 * @example const schedule = new StepLR(opt, { stepSize: 30, gamma: 0.1 });
 */
export class StepLR extends LrScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: Optimizer, options: { stepSize: number; gamma?: number }) {
    checkOptionKeys('StepLR', options, ['stepSize', 'gamma']);
    super('StepLR', optimizer);
    this.stepSize = checkHyperparameter('StepLR', 'stepSize', options.stepSize, 1);
    this.gamma = checkHyperparameter('StepLR', 'gamma', options.gamma ?? 0.1, 0);
    this.apply();
  }

  protected rates(t: number): number[] {
    return initialRates(this.optimizer).map((lr) => lr * this.gamma ** Math.floor(t / this.stepSize));
  }
}
