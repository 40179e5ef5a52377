/**
 * Broadcasting binary arithmetic — add, sub, mul, div — with their gradients. A number operand acts as a
 * rank-0 tensor. Gradients are summed back to each operand's own shape (see `sumToShape`).
 */
import { ShapeError, describeValue } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { broadcastShapes, sumToShape } from './broadcast.js';
import { Arithmetic, arithmeticInto } from './binary-loops.js';

/** An operand of a binary op: a tensor, or a plain number broadcast everywhere. */
export type Operand = Tensor | number;

/** Gradients of a binary op with respect to its two operands, each of its operand's shape. */
export interface BinaryGradients {
  a: Tensor;
  b: Tensor;
}

/**
 * `a + b`, broadcasting as PyTorch.
 *
 * @example add(tensor([1, 2, 3]), 10).data // [11, 12, 13]
 */
export function add(a: Operand, b: Operand): Tensor { return binary('add', a, b, Arithmetic.Add); }

/** `a − b`, broadcasting. @example sub(tensor([3, 3]), tensor([1, 2])).data // [2, 1] */
export function sub(a: Operand, b: Operand): Tensor { return binary('sub', a, b, Arithmetic.Sub); }

/** `a · b` elementwise, broadcasting. @example mul(x, tensor([2, 0.5], [1, 2, 1])) // scales channel 0 by 2 */
export function mul(a: Operand, b: Operand): Tensor { return binary('mul', a, b, Arithmetic.Mul); }

/** `a / b` elementwise, broadcasting. @example div(tensor([1, 2]), 2).data // [0.5, 1] */
export function div(a: Operand, b: Operand): Tensor { return binary('div', a, b, Arithmetic.Div); }

/** Gradients of {@link add}: `gradOutput` summed to each operand's shape. */
export function addBackward(a: Operand, b: Operand, gradOutput: Tensor): BinaryGradients {
  return { a: sumToShape(gradOutput, asTensor('addBackward', a).shape), b: sumToShape(gradOutput, asTensor('addBackward', b).shape) };
}

/** Gradients of {@link sub}: `gradOutput` and `−gradOutput`, summed to each operand's shape. */
export function subBackward(a: Operand, b: Operand, gradOutput: Tensor): BinaryGradients {
  return {
    a: sumToShape(gradOutput, asTensor('subBackward', a).shape),
    b: sumToShape(binary('subBackward', gradOutput, -1, Arithmetic.Mul), asTensor('subBackward', b).shape),
  };
}

/** Gradients of {@link mul}: `gradOutput·b` and `gradOutput·a`, summed to each operand's shape. */
export function mulBackward(a: Operand, b: Operand, gradOutput: Tensor): BinaryGradients {
  const ta = asTensor('mulBackward', a), tb = asTensor('mulBackward', b);
  return { a: sumToShape(mul(gradOutput, tb), ta.shape), b: sumToShape(mul(gradOutput, ta), tb.shape) };
}

/** Gradients of {@link div}: `gradOutput/b` and `−gradOutput·a/b²`, summed to each operand's shape. */
export function divBackward(a: Operand, b: Operand, gradOutput: Tensor): BinaryGradients {
  const ta = asTensor('divBackward', a), tb = asTensor('divBackward', b);
  const gradA = div(gradOutput, tb);
  const gradB = binary('divBackward', binary('divBackward', mul(gradA, ta), tb, Arithmetic.Div), -1, Arithmetic.Mul);
  return { a: sumToShape(gradA, ta.shape), b: sumToShape(gradB, tb.shape) };
}

/** Wraps a number as a rank-0 tensor; checks that anything else is a Tensor. */
export function asTensor(op: string, value: Operand): Tensor {
  if (typeof value === 'number') return new Tensor(Float32Array.of(value), []);
  if (!(value instanceof Tensor)) {
    throw new ShapeError(op, 'input', `operand must be a Tensor or a number, got ${describeValue(value)}`);
  }
  return value;
}

function binary(op: string, a: Operand, b: Operand, kind: Arithmetic): Tensor {
  const ta = asTensor(op, a), tb = asTensor(op, b);
  const shape = broadcastShapes(op, ta.shape, tb.shape);
  const out = new Float32Array(shape.reduce((p, n) => p * n, 1));
  if (out.length > 0) arithmeticInto(kind, ta.data, ta.shape, tb.data, tb.shape, out, op);
  return new Tensor(out, shape);
}
