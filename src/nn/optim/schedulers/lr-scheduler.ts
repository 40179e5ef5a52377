/**
 * The base of learning-rate schedulers, as `torch.optim.lr_scheduler.LRScheduler`: `step()` once per epoch or
 * iteration after `optimizer.step()` writes every parameter group's new rate. Building a scheduler applies the rate
 * of step 0 at once (as PyTorch's constructors do). A scheduler's `stateDict()` is plain JSON; save it next to the
 * optimizer's, whose groups carry the current rates.
 */
import { OptionError, describeValue } from '../../../errors.js';
import { Optimizer } from '../optimizer.js';

/** A scheduler's saved counters: plain JSON numbers. */
export type SchedulerState = Record<string, number>;

/** What every scheduler does (the type `fit` takes). */
export interface LrSchedule {
  /** Advances one step (ReduceLROnPlateau reads the metric) and writes the new rates; returns the first group's. */
  step(metric?: number): number;
  /** Steps taken so far (PyTorch's `last_epoch`). */
  readonly stepCount: number;
  stateDict(): SchedulerState;
  loadStateDict(state: SchedulerState): void;
}

/** A scheduler whose rate is a closed form of the step: `rates(t)` for every group. */
export abstract class LrScheduler implements LrSchedule {
  stepCount = 0;
  protected readonly optimizer: Optimizer<{ lr: number }>;

  constructor(readonly name: string, optimizer: unknown) {
    if (!(optimizer instanceof Optimizer)) {
      throw new OptionError(name, 'optimizer', `optimizer ${describeValue(optimizer)} must be an Optimizer (SGD, Adam, AdamW)`);
    }
    this.optimizer = optimizer;
  }

  /** The learning rate of each parameter group at step `t`. */
  protected abstract rates(t: number): number[];

  /** Writes the rates of the current step into the optimizer's groups. */
  protected apply(): void {
    const lrs = this.rates(this.stepCount);
    this.optimizer.paramGroups.forEach((group, i) => { group.lr = lrs[i]; });
  }

  step(): number {
    this.stepCount++;
    this.apply();
    return this.optimizer.lr;
  }

  /** Jumps to step `t` (as PyTorch's `step(epoch)`), writing its rates; SequentialLR restarts its parts with it. */
  jumpTo(t: number): void {
    this.stepCount = t;
    this.apply();
  }

  /** The rates of every group after the last step. */
  lastLr(): number[] { return this.optimizer.paramGroups.map((g) => g.lr); }

  stateDict(): SchedulerState { return { stepCount: this.stepCount }; }

  loadStateDict(state: SchedulerState): void {
    this.stepCount = checkCount(this.name, 'stepCount', state?.stepCount);
  }
}

/** The initial rate of every group (`initial_lr`). */
export function initialRates(optimizer: Optimizer<{ lr: number }>): number[] {
  return optimizer.paramGroups.map((g) => g.initialLr);
}

/** A saved counter: a non-negative integer. */
export function checkCount(op: string, key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new OptionError(`${op}.loadStateDict`, key, `${key} ${describeValue(value)} must be a non-negative integer, as stateDict() saves it`);
  }
  return value;
}
