/**
 * Finite-difference gradient checking: compares the tape's gradients with central differences of a scalar
 * function, so every op's vector-Jacobian product can be verified numerically.
 */
import { Tensor } from '../tensor/tensor.js';
import { grad } from './backward.js';
import { noGrad, Variable, variable } from './variable.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** Options of {@link checkGradients}. */
export interface GradCheckOptions {
  /** Half-width of the central difference (default 1e-2: float32 needs a wide step). */
  eps?: number;
  /** Check at most this many entries per input, spread evenly (default 40). */
  samplesPerInput?: number;
}

/** Outcome of {@link checkGradients}: the worst error, relative to max(1, |numeric|, |analytic|). */
export interface GradCheckResult {
  maxError: number;
  /** Where the worst error occurred. */
  worst: { input: number; index: number; analytic: number; numeric: number };
}

/**
 * Checks d f(inputs)/d inputs against central differences. `f` must return a single-value Variable.
 *
 * @example
 * const { maxError } = checkGradients(([x, w]) => F.sum(F.mul(F.conv(x, w, { dilation: 2 }), r)), [x, w]);
 */
export function checkGradients(f: (inputs: Variable[]) => Variable, inputs: readonly Tensor[], options: GradCheckOptions = {}): GradCheckResult {
  checkOptionKeys('checkGradients', options, optionKeys<typeof options>({ eps: true, samplesPerInput: true }));
  const eps = options.eps ?? 1e-2;
  const samples = options.samplesPerInput ?? 40;
  const vars = inputs.map((t) => variable(t.clone(), { requiresGrad: true }));
  const analytic = grad(f(vars), vars);
  const result: GradCheckResult = { maxError: 0, worst: { input: -1, index: -1, analytic: 0, numeric: 0 } };
  vars.forEach((v, k) => {
    const stride = Math.max(1, Math.floor(v.size / samples));
    for (let i = 0; i < v.size; i += stride) {
      const original = v.data[i];
      const evaluate = (value: number): number => {
        v.data[i] = value;
        return noGrad(() => f(vars).data[0]);
      };
      const numeric = (evaluate(original + eps) - evaluate(original - eps)) / (2 * eps);
      v.data[i] = original;
      const a = analytic[k].data[i];
      const error = Math.abs(a - numeric) / Math.max(1, Math.abs(a), Math.abs(numeric));
      if (error > result.maxError) result.worst = { input: k, index: i, analytic: a, numeric };
      result.maxError = Math.max(result.maxError, error);
    }
  });
  return result;
}
