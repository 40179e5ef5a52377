/** `torch.optim.lr_scheduler.OneCycleLR` (Smith & Topin's super-convergence policy), momentum cycling included. */
import type { Optimizer } from '../optimizer.js';
import { OptionError, describeValue } from '../../../errors.js';
import { checkOptionKeys } from '../../../options.js';
import { checkHyperparameter } from '../optimizer.js';
import { LrScheduler } from './lr-scheduler.js';

/** Options of {@link OneCycleLR}; defaults as PyTorch. */
export interface OneCycleOptions {
  /** Peak rate (one for every group, or one per group). */
  maxLr: number | readonly number[];
  /** Steps in the cycle, or `epochs × stepsPerEpoch`. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent rising (0.3). */
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  /** Cycle SGD's momentum or Adam's beta1 inversely to the rate (true). */
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
  /** Initial rate = maxLr / divFactor (25). */
  divFactor?: number;
  /** Final rate = initial / finalDivFactor (1e4). */
  finalDivFactor?: number;
  /** A third phase annihilating the rate after a symmetric rise and fall (false). */
  threePhase?: boolean;
}

interface Phase { endStep: number; startLr: number[]; endLr: number[]; startMomentum: number[]; endMomentum: number[] }

/**
 * Rises from `maxLr/divFactor` to `maxLr` over `pctStart` of the cycle, then anneals to
 * `maxLr/(divFactor·finalDivFactor)`; momentum moves the other way. Stepping past `totalSteps` is an error.
 *
 * @example const schedule = new OneCycleLR(opt, { maxLr: 0.1, totalSteps: 1000 });
 */
export class OneCycleLR extends LrScheduler {
  readonly totalSteps: number;
  private readonly phases: Phase[];
  private readonly anneal: (start: number, end: number, pct: number) => number;
  private readonly momentumKey: 'momentum' | 'betas' | null;

  constructor(optimizer: Optimizer, options: OneCycleOptions) {
    checkOptionKeys('OneCycleLR', options, ['maxLr', 'totalSteps', 'epochs', 'stepsPerEpoch', 'pctStart', 'annealStrategy', 'cycleMomentum', 'baseMomentum', 'maxMomentum', 'divFactor', 'finalDivFactor', 'threePhase']);
    super('OneCycleLR', optimizer);
    const o = options;
    const positiveInteger = (key: string, v: unknown): number => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new OptionError('OneCycleLR', key, `${key} ${describeValue(v)} must be a positive integer`);
      return v;
    };
    if (o.totalSteps !== undefined) this.totalSteps = positiveInteger('totalSteps', o.totalSteps);
    else if (o.epochs !== undefined || o.stepsPerEpoch !== undefined) this.totalSteps = positiveInteger('epochs', o.epochs) * positiveInteger('stepsPerEpoch', o.stepsPerEpoch);
    else throw new OptionError('OneCycleLR', 'totalSteps', 'give totalSteps, or epochs and stepsPerEpoch');
    const pctStart = checkHyperparameter('OneCycleLR', 'pctStart', o.pctStart ?? 0.3, 0, 1.000001);
    const strategy = o.annealStrategy ?? 'cos';
    if (strategy !== 'cos' && strategy !== 'linear') throw new OptionError('OneCycleLR', 'annealStrategy', `annealStrategy ${describeValue(strategy)} must be "cos" or "linear"`);
    this.anneal = strategy === 'cos'
      ? (start, end, pct) => end + (start - end) / 2 * (Math.cos(Math.PI * pct) + 1)
      : (start, end, pct) => (end - start) * pct + start;
    const groups = this.optimizer.paramGroups;
    const perGroup = (key: string, v: number | readonly number[]): number[] => {
      const values = typeof v === 'number' ? groups.map(() => v) : Array.isArray(v) ? v.slice() : [];
      if (values.length !== groups.length) throw new OptionError('OneCycleLR', key, `${key} ${describeValue(v)} needs one value or one per parameter group (${groups.length})`);
      return values.map((x) => checkHyperparameter('OneCycleLR', key, x, 0));
    };
    const maxLr = perGroup('maxLr', o.maxLr);
    const divFactor = checkHyperparameter('OneCycleLR', 'divFactor', o.divFactor ?? 25, Number.MIN_VALUE);
    const finalDivFactor = checkHyperparameter('OneCycleLR', 'finalDivFactor', o.finalDivFactor ?? 1e4, Number.MIN_VALUE);
    const initial = maxLr.map((lr) => lr / divFactor);
    const minLr = initial.map((lr) => lr / finalDivFactor);
    groups.forEach((g, i) => { g.initialLr = initial[i]; });
    const cycle = o.cycleMomentum ?? true;
    const first = groups[0] as unknown as Record<string, unknown>;
    this.momentumKey = !cycle ? null : 'betas' in first ? 'betas' : 'momentum' in first ? 'momentum' : null;
    if (cycle && this.momentumKey === null) throw new OptionError('OneCycleLR', 'cycleMomentum', 'the optimizer has no momentum or betas to cycle; pass cycleMomentum: false');
    const baseMomentum = perGroup('baseMomentum', o.baseMomentum ?? 0.85);
    const maxMomentum = perGroup('maxMomentum', o.maxMomentum ?? 0.95);
    const rise = pctStart * this.totalSteps - 1;
    this.phases = o.threePhase
      ? [
        { endStep: rise, startLr: initial, endLr: maxLr, startMomentum: maxMomentum, endMomentum: baseMomentum },
        { endStep: 2 * pctStart * this.totalSteps - 2, startLr: maxLr, endLr: initial, startMomentum: baseMomentum, endMomentum: maxMomentum },
        { endStep: this.totalSteps - 1, startLr: initial, endLr: minLr, startMomentum: maxMomentum, endMomentum: maxMomentum },
      ]
      : [
        { endStep: rise, startLr: initial, endLr: maxLr, startMomentum: maxMomentum, endMomentum: baseMomentum },
        { endStep: this.totalSteps - 1, startLr: maxLr, endLr: minLr, startMomentum: baseMomentum, endMomentum: maxMomentum },
      ];
    this.setMomentum(maxMomentum);
    this.apply();
  }

  /** Rate (and momentum) of every group at step `t`, as PyTorch's `get_lr`. */
  private at(t: number): { lr: number[]; momentum: number[] } {
    if (t > this.totalSteps) {
      throw new OptionError('OneCycleLR', 'step', `tried to step ${t + 1} times; the cycle has totalSteps ${this.totalSteps}`);
    }
    let start = 0;
    for (let i = 0; i < this.phases.length; i++) {
      const phase = this.phases[i];
      if (t <= phase.endStep || i === this.phases.length - 1) {
        const pct = (t - start) / (phase.endStep - start);
        return {
          lr: phase.startLr.map((s, g) => this.anneal(s, phase.endLr[g], pct)),
          momentum: phase.startMomentum.map((s, g) => this.anneal(s, phase.endMomentum[g], pct)),
        };
      }
      start = phase.endStep;
    }
    throw new OptionError('OneCycleLR', 'step', 'no phase');
  }

  protected rates(t: number): number[] { return this.at(t).lr; }

  protected override apply(): void {
    const { lr, momentum } = this.at(this.stepCount);
    this.optimizer.paramGroups.forEach((group, i) => { group.lr = lr[i]; });
    this.setMomentum(momentum);
  }

  private setMomentum(values: number[]): void {
    if (this.momentumKey === null) return;
    this.optimizer.paramGroups.forEach((group, i) => {
      const g = group as unknown as Record<string, unknown>;
      if (this.momentumKey === 'betas') g.betas = [values[i], (g.betas as [number, number])[1]];
      else g.momentum = values[i];
    });
  }
}
