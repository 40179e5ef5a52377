/** `torch.optim.lr_scheduler.SequentialLR`: warmup then decay, and other chains. */
import type { Optimizer } from '../optimizer.js';
import { OptionError, describeValue } from '../../../errors.js';
import { checkOptionKeys } from '../../../options.js';
import { checkCount, LrScheduler, type SchedulerState } from './lr-scheduler.js';

/**
 * Runs `schedulers[0]` until `milestones[0]`, then `schedulers[1]` restarted at its step 0, and so on, as PyTorch.
 *
 * @example
 * const warmup = new LinearLR(opt, { startFactor: 0.1, totalIters: 100 });
 * const decay = new CosineAnnealingLR(opt, { tMax: 900 });
 * const schedule = new SequentialLR(opt, { schedulers: [warmup, decay], milestones: [100] });
 */
export class SequentialLR extends LrScheduler {
  readonly schedulers: readonly LrScheduler[];
  readonly milestones: readonly number[];

  constructor(optimizer: Optimizer, options: { schedulers: readonly LrScheduler[]; milestones: readonly number[] }) {
    checkOptionKeys('SequentialLR', options, ['schedulers', 'milestones']);
    super('SequentialLR', optimizer);
    const { schedulers, milestones } = options;
    if (!Array.isArray(schedulers) || schedulers.length === 0 || schedulers.some((s) => !(s instanceof LrScheduler))) {
      throw new OptionError('SequentialLR', 'schedulers', 'schedulers must be a non-empty array of step-based schedulers (ReduceLROnPlateau cannot be chained, as in PyTorch)');
    }
    if (schedulers.some((s) => (s as unknown as { optimizer: unknown }).optimizer !== optimizer)) {
      throw new OptionError('SequentialLR', 'schedulers', 'every scheduler must belong to the optimizer passed to SequentialLR');
    }
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1 || milestones.some((m, i) => !Number.isInteger(m) || m < 1 || (i > 0 && m <= milestones[i - 1]))) {
      throw new OptionError('SequentialLR', 'milestones', `milestones ${describeValue(milestones)} must be ${schedulers.length - 1} increasing positive integers (one fewer than the schedulers)`);
    }
    this.schedulers = schedulers.slice();
    this.milestones = milestones.slice();
    this.optimizer.paramGroups.forEach((g) => { g.lr = g.initialLr; });
    this.schedulers[0].jumpTo(0);
  }

  /** Which scheduler runs at step `t`: the number of milestones ≤ t. */
  private active(t: number): number { return this.milestones.filter((m) => m <= t).length; }

  protected rates(): number[] { return this.lastLr(); }

  override step(): number {
    this.stepCount++;
    const i = this.active(this.stepCount);
    if (i > 0 && this.milestones[i - 1] === this.stepCount) this.schedulers[i].jumpTo(0);
    else this.schedulers[i].step();
    return this.optimizer.lr;
  }

  override stateDict(): SchedulerState {
    const out: SchedulerState = { stepCount: this.stepCount };
    this.schedulers.forEach((s, i) => { for (const [k, v] of Object.entries(s.stateDict())) out[`${i}.${k}`] = v; });
    return out;
  }

  override loadStateDict(state: SchedulerState): void {
    const stepCount = checkCount('SequentialLR', 'stepCount', state?.stepCount);
    this.schedulers.forEach((s, i) => {
      const own: SchedulerState = {};
      for (const [k, v] of Object.entries(state)) if (k.startsWith(`${i}.`)) own[k.slice(`${i}.`.length)] = v;
      s.loadStateDict(own);
    });
    this.stepCount = stepCount;
  }
}
