/** Tracked broadcasting arithmetic: add, sub, mul, div. Plain numbers act as constants. */
import { add as addOp, addBackward, div as divOp, divBackward, mul as mulOp, mulBackward, sub as subOp, subBackward, type Operand } from '../ops/elementwise.js';
import { Tensor } from '../tensor/tensor.js';
import { asVariable, record, type Variable, type VariableLike } from './variable.js';

type BinaryForward = (a: Operand, b: Operand) => Tensor;
type BinaryBackward = (a: Operand, b: Operand, g: Tensor) => { a: Tensor; b: Tensor };

/** `a + b` with broadcasting. @example F.add(x, bias) */
export function add(a: VariableLike | number, b: VariableLike | number): Variable { return binary('add', a, b, addOp, addBackward); }
/** `a − b` with broadcasting. @example F.sub(prediction, target) */
export function sub(a: VariableLike | number, b: VariableLike | number): Variable { return binary('sub', a, b, subOp, subBackward); }
/** `a · b` elementwise with broadcasting. @example F.mul(F.tanh(f), F.sigmoid(g)) // WaveNet's gated unit */
export function mul(a: VariableLike | number, b: VariableLike | number): Variable { return binary('mul', a, b, mulOp, mulBackward); }
/** `a / b` elementwise with broadcasting. @example F.div(x, 2) */
export function div(a: VariableLike | number, b: VariableLike | number): Variable { return binary('div', a, b, divOp, divBackward); }

function binary(op: string, a: VariableLike | number, b: VariableLike | number, forward: BinaryForward, backwardOp: BinaryBackward): Variable {
  const va = typeof a === 'number' ? null : asVariable(op, a);
  const vb = typeof b === 'number' ? null : asVariable(op, b);
  const ta = va ? va.value : (a as number), tb = vb ? vb.value : (b as number);
  const inputs = [va, vb].filter((v): v is Variable => v !== null);
  return record(op, forward(ta, tb), inputs, (g) => {
    const grads = backwardOp(ta, tb, g);
    return [...(va ? [grads.a] : []), ...(vb ? [grads.b] : [])];
  });
}
