/** Tracked layer and group normalization. */
import { groupNorm as groupNormOp, groupNormBackward, layerNorm as layerNormOp, layerNormBackward, type NormalizationGradients, type NormalizationOptions } from '../ops/normalization.js';
import type { Tensor } from '../tensor/tensor.js';
import { asVariable, record, type Variable, type VariableLike } from './variable.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** Options with trackable γ and β. */
export type NormalizationVariableOptions = Omit<NormalizationOptions, 'weight' | 'bias'> & { weight?: VariableLike | null; bias?: VariableLike | null };

/** Layer normalization on the tape. @example F.layerNorm(x, [64], { weight: g, bias: b }) */
export function layerNorm(x: VariableLike, normalizedShape: readonly number[], options: NormalizationVariableOptions = {}): Variable {
  checkOptionKeys('F.layerNorm', options, optionKeys<typeof options>({ weight: true, bias: true, eps: true }));
  return normalized('layerNorm', x, options, (t, o) => layerNormOp(t, normalizedShape, o), (t, g, o) => layerNormBackward(t, g, normalizedShape, o));
}

/** Group normalization on the tape. @example F.groupNorm(x, 8, { weight: g, bias: b }) */
export function groupNorm(x: VariableLike, groups: number, options: NormalizationVariableOptions = {}): Variable {
  checkOptionKeys('F.groupNorm', options, optionKeys<typeof options>({ weight: true, bias: true, eps: true }));
  return normalized('groupNorm', x, options, (t, o) => groupNormOp(t, groups, o), (t, g, o) => groupNormBackward(t, g, groups, o));
}

function normalized(
  op: string, x: VariableLike, options: NormalizationVariableOptions,
  forward: (x: Tensor, o: NormalizationOptions) => Tensor,
  backwardOp: (x: Tensor, gradOutput: Tensor, o: NormalizationOptions) => NormalizationGradients,
): Variable {
  const vx = asVariable(op, x);
  const vw = options.weight ? asVariable(op, options.weight) : null;
  const vb = options.bias ? asVariable(op, options.bias) : null;
  const opOptions: NormalizationOptions = { eps: options.eps, weight: vw?.value ?? null, bias: vb?.value ?? null };
  const inputs = [vx, ...(vw ? [vw] : []), ...(vb ? [vb] : [])];
  return record(op, forward(vx.value, opOptions), inputs, (g) => {
    const grads = backwardOp(vx.value, g, opOptions);
    return [grads.input, ...(vw ? [grads.weight] : []), ...(vb ? [grads.bias] : [])];
  });
}
