/** Stochastic gradient descent as `torch.optim.SGD`: momentum with dampening, Nesterov, L2 weight decay. */
import type { Variable } from '../../autograd/variable.js';
import { OptionError } from '../../errors.js';
import { checkHyperparameter, Optimizer } from './optimizer.js';

/** Options of {@link SGD}. */
export interface SgdOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  /** L2 penalty added to the gradient. */
  weightDecay?: number;
  nesterov?: boolean;
}

/**
 * `v ← μv + (1−τ)(g + λθ)` (the first step sets `v = g + λθ`), then `θ ← θ − lr·v` (or `θ − lr·(g + μv)` with
 * Nesterov), exactly PyTorch's update.
 *
 * @example const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9, nesterov: true });
 */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  private readonly velocity = new Map<Variable, Float32Array>();

  constructor(parameters: readonly Variable[], options: SgdOptions) {
    super('SGD', parameters, options.lr);
    this.momentum = checkHyperparameter('SGD', 'momentum', options.momentum ?? 0, 0);
    this.dampening = checkHyperparameter('SGD', 'dampening', options.dampening ?? 0, 0, 1.000001);
    this.weightDecay = checkHyperparameter('SGD', 'weightDecay', options.weightDecay ?? 0, 0);
    this.nesterov = options.nesterov ?? false;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new OptionError('SGD', 'nesterov', 'Nesterov momentum needs momentum > 0 and dampening 0 (as PyTorch)');
    }
  }

  step(): void {
    for (const p of this.parameters) {
      if (!p.grad) continue;
      const theta = p.value.data, g = p.grad.data;
      let v = this.velocity.get(p);
      const first = !v;
      if (this.momentum !== 0 && !v) { v = new Float32Array(theta.length); this.velocity.set(p, v); }
      for (let i = 0; i < theta.length; i++) {
        let d = g[i] + this.weightDecay * theta[i];
        if (v) {
          v[i] = first ? d : this.momentum * v[i] + (1 - this.dampening) * d;
          d = this.nesterov ? d + this.momentum * v[i] : v[i];
        }
        theta[i] -= this.lr * d;
      }
    }
  }
}
