/** Learning-rate schedules as `torch.optim.lr_scheduler.StepLR` and `CosineAnnealingLR` (closed form). */
import { checkHyperparameter, type Optimizer } from './optimizer.js';

/** A schedule: call `step()` once per epoch or iteration, after `optimizer.step()`. */
export interface LrSchedule {
  /** Advances one step and writes the new learning rate into the optimizer; returns it. */
  step(): number;
  /** Steps taken so far. */
  readonly stepCount: number;
}

/**
 * Multiplies the learning rate by `gamma` every `stepSize` steps.
 *
 * @example const schedule = new StepLR(opt, { stepSize: 30, gamma: 0.1 });
 */
export class StepLR implements LrSchedule {
  stepCount = 0;
  readonly stepSize: number;
  readonly gamma: number;

  constructor(private readonly optimizer: Optimizer, options: { stepSize: number; gamma?: number }) {
    this.stepSize = checkHyperparameter('StepLR', 'stepSize', options.stepSize, 1);
    this.gamma = checkHyperparameter('StepLR', 'gamma', options.gamma ?? 0.1, 0);
  }

  step(): number {
    this.stepCount++;
    this.optimizer.lr = this.optimizer.initialLr * this.gamma ** Math.floor(this.stepCount / this.stepSize);
    return this.optimizer.lr;
  }
}

/**
 * Cosine annealing from the initial rate to `etaMin` over `tMax` steps:
 * `η = ηmin + (η0 − ηmin)(1 + cos(π·t/tMax))/2`; past `tMax` the cosine continues back up, as PyTorch's.
 *
 * @example const schedule = new CosineAnnealingLR(opt, { tMax: 1000 });
 */
export class CosineAnnealingLR implements LrSchedule {
  stepCount = 0;
  readonly tMax: number;
  readonly etaMin: number;

  constructor(private readonly optimizer: Optimizer, options: { tMax: number; etaMin?: number }) {
    this.tMax = checkHyperparameter('CosineAnnealingLR', 'tMax', options.tMax, 1);
    this.etaMin = checkHyperparameter('CosineAnnealingLR', 'etaMin', options.etaMin ?? 0, 0);
  }

  step(): number {
    this.stepCount++;
    this.optimizer.lr = this.etaMin + (this.optimizer.initialLr - this.etaMin) * (1 + Math.cos(Math.PI * this.stepCount / this.tMax)) / 2;
    return this.optimizer.lr;
  }
}
