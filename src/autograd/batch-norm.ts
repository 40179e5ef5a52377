/** Tracked batch normalization: gradients reach the input, γ and β; running statistics are buffers. */
import { batchNorm as batchNormOp, batchNormBackward, type BatchNormOptions } from '../ops/batch-norm.js';
import { asVariable, record, type Variable, type VariableLike } from './variable.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** Options of the tracked {@link batchNorm}: trackable γ and β, tensor running statistics. */
export type BatchNormVariableOptions = Omit<BatchNormOptions, 'weight' | 'bias'> & {
  weight?: VariableLike | null;
  bias?: VariableLike | null;
};

/**
 * Batch normalization on the tape (training mode updates `runningMean`/`runningVar` in place).
 *
 * @example F.batchNorm(x, { weight: gamma, bias: beta, runningMean, runningVar, training: true })
 */
export function batchNorm(x: VariableLike, options: BatchNormVariableOptions = {}): Variable {
  checkOptionKeys('F.batchNorm', options, optionKeys<typeof options>({ weight: true, bias: true, runningMean: true, runningVar: true, training: true, momentum: true, eps: true }));
  const vx = asVariable('batchNorm', x);
  const vw = options.weight ? asVariable('batchNorm', options.weight) : null;
  const vb = options.bias ? asVariable('batchNorm', options.bias) : null;
  const opOptions: BatchNormOptions = { ...options, weight: vw?.value ?? null, bias: vb?.value ?? null };
  const y = batchNormOp(vx.value, opOptions);
  const inputs = [vx, ...(vw ? [vw] : []), ...(vb ? [vb] : [])];
  // Training-mode gradients use batch statistics only; evaluation mode keeps the statistics it normalized with,
  // in case a later training step moves the running buffers before backward runs.
  const backwardOptions: BatchNormOptions = opOptions.training
    ? { ...opOptions, runningMean: null, runningVar: null }
    : { ...opOptions, runningMean: opOptions.runningMean?.clone(), runningVar: opOptions.runningVar?.clone() };
  return record('batchNorm', y, inputs, (g) => {
    const grads = batchNormBackward(vx.value, g, backwardOptions);
    return [grads.input, ...(vw ? [grads.weight] : []), ...(vb ? [grads.bias] : [])];
  });
}
