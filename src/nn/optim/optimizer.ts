/** What every optimizer shares: the parameters it updates, a learning rate a schedule may change, and `zeroGrad`. */
import type { Variable } from '../../autograd/variable.js';
import { OptionError, describeValue } from '../../errors.js';

/** Base of {@link SGD}, {@link Adam} and {@link AdamW}. */
export abstract class Optimizer {
  /** Current learning rate (schedules write it). */
  lr: number;
  /** The learning rate the optimizer was built with (schedules start from it). */
  readonly initialLr: number;
  readonly parameters: readonly Variable[];

  constructor(name: string, parameters: readonly Variable[], lr: number) {
    if (!(typeof lr === 'number' && lr >= 0 && Number.isFinite(lr))) {
      throw new OptionError(name, 'lr', `learning rate ${describeValue(lr)} must be a finite number ≥ 0`);
    }
    const frozen = parameters.filter((p) => !p.requiresGrad).length;
    if (frozen > 0) throw new OptionError(name, 'parameters', `${frozen} of the ${parameters.length} parameters do not require gradients; pass module.parameters()`);
    this.parameters = parameters.slice();
    this.lr = lr;
    this.initialLr = lr;
  }

  /** Applies one update from the parameters' accumulated gradients (parameters without one are skipped). */
  abstract step(): void;

  /** Clears every parameter's gradient. */
  zeroGrad(): void { for (const p of this.parameters) p.zeroGrad(); }
}

/** Throws unless `value` is a finite number in `[min, max)`. */
export function checkHyperparameter(op: string, name: string, value: number, min: number, max = Infinity): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value >= min && value < max)) {
    throw new OptionError(op, name, `${name} ${describeValue(value)} must be a finite number in [${min}, ${max === Infinity ? '∞' : max})`);
  }
  return value;
}
