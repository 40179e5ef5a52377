/** Tracked weight normalization `w = g·v/‖v‖` (per output channel). */
import { weightNorm as weightNormOp, weightNormBackward } from '../ops/weight-norm.js';
import { asVariable, record, type Variable, type VariableLike } from './variable.js';

/** Weight normalization on the tape. @example F.conv(x, F.weightNorm(v, g)) */
export function weightNorm(v: VariableLike, g: VariableLike): Variable {
  const vv = asVariable('weightNorm', v), vg = asVariable('weightNorm', g);
  return record('weightNorm', weightNormOp(vv.value, vg.value), [vv, vg], (grad) => {
    const grads = weightNormBackward(vv.value, vg.value, grad);
    return [grads.v, grads.g];
  });
}
