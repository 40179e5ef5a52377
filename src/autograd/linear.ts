/** Tracked matrix products: matmul and linear. */
import { linear as linearOp, linearBackward, matmul as matmulOp, matmulBackward } from '../ops/matmul.js';
import { asVariable, record, type Variable, type VariableLike } from './variable.js';

/** `a @ b` with broadcast batch dimensions. @example F.matmul(q, k) */
export function matmul(a: VariableLike, b: VariableLike): Variable {
  const va = asVariable('matmul', a), vb = asVariable('matmul', b);
  return record('matmul', matmulOp(va.value, vb.value), [va, vb], (g) => {
    const grads = matmulBackward(va.value, vb.value, g);
    return [grads.a, grads.b];
  });
}

/** `x·Wᵀ + b` over the last axis. @example F.linear(features, weight, bias) */
export function linear(x: VariableLike, weight: VariableLike, bias?: VariableLike | null): Variable {
  const vx = asVariable('linear', x), vw = asVariable('linear', weight);
  const vb = bias ? asVariable('linear', bias) : null;
  return record('linear', linearOp(vx.value, vw.value, vb?.value), vb ? [vx, vw, vb] : [vx, vw], (g) => {
    const grads = linearBackward(vx.value, vw.value, g);
    return vb ? [grads.input, grads.weight, grads.bias] : [grads.input, grads.weight];
  });
}
