/** `torch.optim.lr_scheduler.CosineAnnealingLR` (its closed form). */
import type { Optimizer } from '../optimizer.js';
import { checkOptionKeys } from '../../../options.js';
import { checkHyperparameter } from '../optimizer.js';
import { initialRates, LrScheduler } from './lr-scheduler.js';

/**
 * Cosine annealing from the initial rate to `etaMin` over `tMax` steps:
 * `η = ηmin + (η0 − ηmin)(1 + cos(π·t/tMax))/2`; past `tMax` the cosine continues back up, as PyTorch's.
 *
 * @example const schedule = new CosineAnnealingLR(opt, { tMax: 1000 });
 */
export class CosineAnnealingLR extends LrScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: Optimizer, options: { tMax: number; etaMin?: number }) {
    checkOptionKeys('CosineAnnealingLR', options, ['tMax', 'etaMin']);
    super('CosineAnnealingLR', optimizer);
    this.tMax = checkHyperparameter('CosineAnnealingLR', 'tMax', options.tMax, 1);
    this.etaMin = checkHyperparameter('CosineAnnealingLR', 'etaMin', options.etaMin ?? 0, 0);
    this.apply();
  }

  protected rates(t: number): number[] {
    return initialRates(this.optimizer).map((lr) => this.etaMin + (lr - this.etaMin) * (1 + Math.cos(Math.PI * t / this.tMax)) / 2);
  }
}
