/** `torch.optim.lr_scheduler.ReduceLROnPlateau`. */
import { OptionError, describeValue } from '../../../errors.js';
import { checkOptionKeys } from '../../../options.js';
import { checkHyperparameter, Optimizer } from '../optimizer.js';
import { checkCount, type LrSchedule, type SchedulerState } from './lr-scheduler.js';

/** Options of {@link ReduceLROnPlateau}; defaults as PyTorch. */
export interface PlateauOptions {
  /** Whether the metric should go down (`min`, a loss) or up (`max`, an accuracy). */
  mode?: 'min' | 'max';
  /** Multiply the rate by this when the metric stalls (0.1). */
  factor?: number;
  /** Steps without improvement tolerated before reducing (10). */
  patience?: number;
  /** Least change that counts as an improvement (1e-4), relative or absolute per `thresholdMode`. */
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  /** Steps to wait after a reduction before counting again (0). */
  cooldown?: number;
  /** Lower bound of the rate (one for every group or one per group). */
  minLr?: number | readonly number[];
  /** Reductions smaller than this are skipped (1e-8). */
  eps?: number;
}

/**
 * Reduces every group's rate by `factor` when the metric passed to `step(metric)` has not improved for more than
 * `patience` steps.
 *
 * @example const plateau = new ReduceLROnPlateau(opt, { patience: 3 }); plateau.step(validationLoss);
 */
export class ReduceLROnPlateau implements LrSchedule {
  stepCount = 0;
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly eps: number;
  private readonly minLrs: number[];
  private best: number;
  private badSteps = 0;
  private cooldownLeft = 0;
  private readonly optimizer: Optimizer<{ lr: number }>;

  constructor(optimizer: Optimizer, options: PlateauOptions = {}) {
    checkOptionKeys('ReduceLROnPlateau', options, ['mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps']);
    if (!(optimizer instanceof Optimizer)) throw new OptionError('ReduceLROnPlateau', 'optimizer', `optimizer ${describeValue(optimizer)} must be an Optimizer`);
    this.optimizer = optimizer;
    this.mode = options.mode ?? 'min';
    this.thresholdMode = options.thresholdMode ?? 'rel';
    if (this.mode !== 'min' && this.mode !== 'max') throw new OptionError('ReduceLROnPlateau', 'mode', `mode ${describeValue(this.mode)} must be "min" or "max"`);
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs') throw new OptionError('ReduceLROnPlateau', 'thresholdMode', `thresholdMode ${describeValue(this.thresholdMode)} must be "rel" or "abs"`);
    this.factor = checkHyperparameter('ReduceLROnPlateau', 'factor', options.factor ?? 0.1, 0, 1);
    this.patience = checkHyperparameter('ReduceLROnPlateau', 'patience', options.patience ?? 10, 0);
    this.threshold = checkHyperparameter('ReduceLROnPlateau', 'threshold', options.threshold ?? 1e-4, 0);
    this.cooldown = checkHyperparameter('ReduceLROnPlateau', 'cooldown', options.cooldown ?? 0, 0);
    this.eps = checkHyperparameter('ReduceLROnPlateau', 'eps', options.eps ?? 1e-8, 0);
    const groups = optimizer.paramGroups.length;
    const minLr = options.minLr ?? 0;
    this.minLrs = typeof minLr === 'number' ? Array(groups).fill(minLr) : Array.isArray(minLr) ? minLr.slice() : [];
    if (this.minLrs.length !== groups) throw new OptionError('ReduceLROnPlateau', 'minLr', `minLr ${describeValue(minLr)} needs one value or one per parameter group (${groups})`);
    this.minLrs.forEach((v) => checkHyperparameter('ReduceLROnPlateau', 'minLr', v, 0));
    this.best = this.worst();
  }

  private worst(): number { return this.mode === 'min' ? Infinity : -Infinity; }

  private isBetter(a: number): boolean {
    const t = this.threshold;
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < this.best * (1 - t) : a < this.best - t;
    return this.thresholdMode === 'rel' ? a > this.best * (t + 1) : a > this.best + t;
  }

  /** Records this step's metric (a validation loss, say) and reduces the rates after a plateau. */
  step(metric?: number): number {
    if (typeof metric !== 'number' || Number.isNaN(metric)) {
      throw new OptionError('ReduceLROnPlateau', 'metric', `step(metric) needs the monitored metric as a number, got ${describeValue(metric)}`);
    }
    this.stepCount++;
    if (this.isBetter(metric)) { this.best = metric; this.badSteps = 0; } else this.badSteps++;
    if (this.cooldownLeft > 0) { this.cooldownLeft--; this.badSteps = 0; }
    if (this.badSteps > this.patience) {
      this.optimizer.paramGroups.forEach((group, i) => {
        const reduced = Math.max(group.lr * this.factor, this.minLrs[i]);
        if (group.lr - reduced > this.eps) group.lr = reduced;
      });
      this.cooldownLeft = this.cooldown;
      this.badSteps = 0;
    }
    return this.optimizer.lr;
  }

  /** Counters and the best metric so far (±Infinity is saved as null-free JSON via `bestIsSet`). */
  stateDict(): SchedulerState {
    const set = Number.isFinite(this.best);
    return { stepCount: this.stepCount, best: set ? this.best : 0, bestIsSet: set ? 1 : 0, badSteps: this.badSteps, cooldownLeft: this.cooldownLeft };
  }

  loadStateDict(state: SchedulerState): void {
    const op = 'ReduceLROnPlateau';
    const stepCount = checkCount(op, 'stepCount', state?.stepCount);
    const badSteps = checkCount(op, 'badSteps', state.badSteps);
    const cooldownLeft = checkCount(op, 'cooldownLeft', state.cooldownLeft);
    if (typeof state.best !== 'number' || !Number.isFinite(state.best)) throw new OptionError(`${op}.loadStateDict`, 'best', `best ${describeValue(state.best)} must be a finite number`);
    this.stepCount = stepCount;
    this.badSteps = badSteps;
    this.cooldownLeft = cooldownLeft;
    this.best = state.bestIsSet ? state.best : this.worst();
  }
}
