/** Gradient clipping as `torch.nn.utils.clip_grad_norm_` and `clip_grad_value_`. */
import type { Variable } from '../../autograd/variable.js';
import { checkHyperparameter } from './optimizer.js';

/**
 * Scales all gradients together so their joint L2 norm is at most `maxNorm`; returns the norm before clipping.
 *
 * @example const norm = clipGradNorm(model.parameters(), 1.0);
 */
export function clipGradNorm(parameters: readonly Variable[], maxNorm: number): number {
  checkHyperparameter('clipGradNorm', 'maxNorm', maxNorm, 0);
  let squares = 0;
  for (const p of parameters) if (p.grad) for (const g of p.grad.data) squares += g * g;
  const norm = Math.sqrt(squares);
  const coefficient = maxNorm / (norm + 1e-6);
  if (coefficient < 1) {
    for (const p of parameters) if (p.grad) { const g = p.grad.data; for (let i = 0; i < g.length; i++) g[i] *= coefficient; }
  }
  return norm;
}

/** Clamps every gradient entry to `[−clipValue, clipValue]`. @example clipGradValue(model.parameters(), 0.5) */
export function clipGradValue(parameters: readonly Variable[], clipValue: number): void {
  checkHyperparameter('clipGradValue', 'clipValue', clipValue, 0);
  for (const p of parameters) {
    if (!p.grad) continue;
    const g = p.grad.data;
    for (let i = 0; i < g.length; i++) g[i] = Math.min(clipValue, Math.max(-clipValue, g[i]));
  }
}
