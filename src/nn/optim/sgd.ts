/** Stochastic gradient descent as `torch.optim.SGD`: momentum with dampening, Nesterov, L2 weight decay. */
import type { Variable } from '../../autograd/variable.js';
import { OptionError } from '../../errors.js';
import { checkOptionKeys } from '../../options.js';
import { Tensor } from '../../tensor/tensor.js';
import { checkHyperparameter, Optimizer, type ParamGroup, type ParameterInput, type ParameterState } from './optimizer.js';

/** Hyperparameters of {@link SGD} (the options, and what each parameter group may override). */
export interface SgdOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  /** L2 penalty added to the gradient. */
  weightDecay?: number;
  nesterov?: boolean;
}

type SgdHyperparameters = Required<SgdOptions>;
const SGD_KEYS = ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov'] as const;

/**
 * `v ← μv + (1−τ)(g + λθ)` (the first step sets `v = g + λθ`), then `θ ← θ − lr·v` (or `θ − lr·(g + μv)` with
 * Nesterov), exactly PyTorch's update. Parameter groups override any option per group.
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9, nesterov: true });
 * const tuned = new SGD([{ params: backbone.parameters(), lr: 1e-3 }, { params: head.parameters() }], { lr: 0.1 });
 */
export class SGD extends Optimizer<SgdHyperparameters> {
  constructor(parameters: ParameterInput<SgdHyperparameters>, options: SgdOptions) {
    checkOptionKeys('SGD', options, SGD_KEYS);
    if (options === undefined || options.lr === undefined) throw new OptionError('SGD', 'lr', 'SGD needs a learning rate: new SGD(params, { lr: 0.01 })');
    super('SGD', parameters, { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, ...options }, SGD_KEYS);
  }

  protected checkGroup(group: SgdHyperparameters): void {
    checkHyperparameter('SGD', 'lr', group.lr, 0);
    checkHyperparameter('SGD', 'momentum', group.momentum, 0);
    checkHyperparameter('SGD', 'dampening', group.dampening, 0, 1.000001);
    checkHyperparameter('SGD', 'weightDecay', group.weightDecay, 0);
    if (typeof group.nesterov !== 'boolean') throw new OptionError('SGD', 'nesterov', 'nesterov must be true or false');
    if (group.nesterov && (group.momentum <= 0 || group.dampening !== 0)) {
      throw new OptionError('SGD', 'nesterov', 'Nesterov momentum needs momentum > 0 and dampening 0 (as PyTorch)');
    }
  }

  protected update(p: Variable, g: Float32Array, group: ParamGroup<SgdHyperparameters>, state: ParameterState | undefined): ParameterState | undefined {
    const { lr, momentum, dampening, weightDecay, nesterov } = group;
    const theta = p.value.data;
    const existing = state?.momentumBuffer;
    const buffer = momentum !== 0 ? (existing instanceof Tensor ? existing : new Tensor(new Float32Array(theta.length), p.shape)) : null;
    const first = !(existing instanceof Tensor);
    const v = buffer?.data;
    for (let i = 0; i < theta.length; i++) {
      let d = g[i] + weightDecay * theta[i];
      if (v) {
        v[i] = first ? d : momentum * v[i] + (1 - dampening) * d;
        d = nesterov ? d + momentum * v[i] : v[i];
      }
      theta[i] -= lr * d;
    }
    return buffer ? { momentumBuffer: buffer } : state;
  }
}
