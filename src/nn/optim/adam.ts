/** Adam and AdamW as `torch.optim.Adam`/`AdamW` (bias-corrected moments; L2 vs decoupled weight decay). */
import type { Variable } from '../../autograd/variable.js';
import { OptionError, describeValue } from '../../errors.js';
import { checkOptionKeys } from '../../options.js';
import { Tensor } from '../../tensor/tensor.js';
import { checkHyperparameter, Optimizer, type ParamGroup, type ParameterInput, type ParameterState } from './optimizer.js';

/** Hyperparameters of {@link Adam} and {@link AdamW} (the options, and what each parameter group may override). */
export interface AdamOptions {
  lr?: number;
  betas?: readonly [number, number];
  eps?: number;
  weightDecay?: number;
}

type AdamHyperparameters = Required<AdamOptions>;
const ADAM_KEYS = ['lr', 'betas', 'eps', 'weightDecay'] as const;

/** Shared update; `decoupled` selects AdamW's weight decay. State per parameter: `step`, `expAvg`, `expAvgSq`. */
abstract class AdamBase extends Optimizer<AdamHyperparameters> {
  constructor(name: string, parameters: ParameterInput<AdamHyperparameters>, options: AdamOptions, defaultDecay: number, private readonly decoupled: boolean) {
    super(name, parameters, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: defaultDecay, ...options }, ADAM_KEYS);
  }

  protected checkGroup(group: AdamHyperparameters): void {
    checkHyperparameter(this.name, 'lr', group.lr, 0);
    if (!Array.isArray(group.betas) || group.betas.length !== 2) {
      throw new OptionError(this.name, 'betas', `betas ${describeValue(group.betas)} must be a pair [beta1, beta2]`);
    }
    checkHyperparameter(this.name, 'betas[0]', group.betas[0], 0, 1);
    checkHyperparameter(this.name, 'betas[1]', group.betas[1], 0, 1);
    checkHyperparameter(this.name, 'eps', group.eps, 0);
    checkHyperparameter(this.name, 'weightDecay', group.weightDecay, 0);
  }

  protected update(p: Variable, g: Float32Array, group: ParamGroup<AdamHyperparameters>, state: ParameterState | undefined): ParameterState {
    const { lr, eps, weightDecay } = group;
    const [beta1, beta2] = group.betas;
    const theta = p.value.data;
    const s = state ?? { step: 0, expAvg: new Tensor(new Float32Array(theta.length), p.shape), expAvgSq: new Tensor(new Float32Array(theta.length), p.shape) };
    const step = (s.step as number) + 1;
    s.step = step;
    const m = (s.expAvg as Tensor).data, v = (s.expAvgSq as Tensor).data;
    const correction1 = 1 - beta1 ** step;
    const correction2 = Math.sqrt(1 - beta2 ** step);
    const stepSize = lr / correction1;
    for (let i = 0; i < theta.length; i++) {
      let grad = g[i];
      if (this.decoupled) theta[i] *= 1 - lr * weightDecay;
      else grad += weightDecay * theta[i];
      m[i] = beta1 * m[i] + (1 - beta1) * grad;
      v[i] = beta2 * v[i] + (1 - beta2) * grad * grad;
      theta[i] -= stepSize * m[i] / (Math.sqrt(v[i]) / correction2 + eps);
    }
    return s;
  }
}

/**
 * Adam (Kingma & Ba) with optional L2 weight decay added to the gradient. Parameter groups override any option.
 *
 * @example
 * const opt = new Adam(model.parameters(), { lr: 3e-3 });
 * const tuned = new Adam([{ params: encoder.parameters(), lr: 1e-4 }, { params: decoder.parameters() }]);
 */
export class Adam extends AdamBase {
  constructor(parameters: ParameterInput<AdamHyperparameters>, options: AdamOptions = {}) {
    checkOptionKeys('Adam', options, ADAM_KEYS);
    super('Adam', parameters, options, 0, false);
  }
}

/**
 * AdamW (Loshchilov & Hutter): weight decay applied to the weights directly (default 0.01, as PyTorch).
 *
 * @example const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 */
export class AdamW extends AdamBase {
  constructor(parameters: ParameterInput<AdamHyperparameters>, options: AdamOptions = {}) {
    checkOptionKeys('AdamW', options, ADAM_KEYS);
    super('AdamW', parameters, options, 0.01, true);
  }
}
