/** Adam and AdamW as `torch.optim.Adam`/`AdamW` (bias-corrected moments; L2 vs decoupled weight decay). */
import type { Variable } from '../../autograd/variable.js';
import { checkHyperparameter, Optimizer } from './optimizer.js';

/** Options of {@link Adam} and {@link AdamW}. */
export interface AdamOptions {
  lr?: number;
  betas?: readonly [number, number];
  eps?: number;
  weightDecay?: number;
}

interface Moments { m: Float32Array; v: Float32Array; step: number }

/** Shared update; `decoupled` selects AdamW's weight decay. */
abstract class AdamBase extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  private readonly state = new Map<Variable, Moments>();

  constructor(name: string, parameters: readonly Variable[], options: AdamOptions, defaultDecay: number, private readonly decoupled: boolean) {
    super(name, parameters, options.lr ?? 1e-3);
    const [b1, b2] = options.betas ?? [0.9, 0.999];
    this.beta1 = checkHyperparameter(name, 'betas[0]', b1, 0, 1);
    this.beta2 = checkHyperparameter(name, 'betas[1]', b2, 0, 1);
    this.eps = checkHyperparameter(name, 'eps', options.eps ?? 1e-8, 0);
    this.weightDecay = checkHyperparameter(name, 'weightDecay', options.weightDecay ?? defaultDecay, 0);
  }

  step(): void {
    for (const p of this.parameters) {
      if (!p.grad) continue;
      const theta = p.value.data, g = p.grad.data;
      let s = this.state.get(p);
      if (!s) { s = { m: new Float32Array(theta.length), v: new Float32Array(theta.length), step: 0 }; this.state.set(p, s); }
      s.step++;
      const correction1 = 1 - this.beta1 ** s.step;
      const correction2 = Math.sqrt(1 - this.beta2 ** s.step);
      const stepSize = this.lr / correction1;
      const { m, v } = s;
      for (let i = 0; i < theta.length; i++) {
        let grad = g[i];
        if (this.decoupled) theta[i] *= 1 - this.lr * this.weightDecay;
        else grad += this.weightDecay * theta[i];
        m[i] = this.beta1 * m[i] + (1 - this.beta1) * grad;
        v[i] = this.beta2 * v[i] + (1 - this.beta2) * grad * grad;
        theta[i] -= stepSize * m[i] / (Math.sqrt(v[i]) / correction2 + this.eps);
      }
    }
  }
}

/**
 * Adam (Kingma & Ba) with optional L2 weight decay added to the gradient.
 *
 * @example const opt = new Adam(model.parameters(), { lr: 3e-3 });
 */
export class Adam extends AdamBase {
  constructor(parameters: readonly Variable[], options: AdamOptions = {}) { super('Adam', parameters, options, 0, false); }
}

/**
 * AdamW (Loshchilov & Hutter): weight decay applied to the weights directly (default 0.01, as PyTorch).
 *
 * @example const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 */
export class AdamW extends AdamBase {
  constructor(parameters: readonly Variable[], options: AdamOptions = {}) { super('AdamW', parameters, options, 0.01, true); }
}
