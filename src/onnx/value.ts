import { OnnxError, describeValue } from '../errors.js';
import { checkTensorAllocation } from '../tensor/memory-budget.js';
import { Tensor } from '../tensor/tensor.js';

/**
 * What an ONNX tensor holds, as atrous computes with it: `float` (float32, float16, bfloat16 and float64 are all
 * computed in float32, as atrous's kernels are), `int` (every integer type, exact to 2^53) or `bool`.
 */
export type ElementType = 'float' | 'int' | 'bool';

/**
 * A tensor inside the ONNX importer and executor: floats in a `Float32Array` (viewable as a {@link Tensor}
 * without a copy), integers and booleans in a `Float64Array` so shape arithmetic stays exact.
 */
export interface OnnxValue {
  type: ElementType;
  shape: number[];
  data: Float32Array | Float64Array;
}

/**
 * The most elements one tensor may have (2^28, 1 GiB of float32). A model whose shapes ask for more is refused
 * at load time instead of attempting a multi-gigabyte allocation.
 */
export const MAX_ELEMENTS = 2 ** 28;

/** `product(shape)`, checking that every entry is a non-negative integer and the product is at most {@link MAX_ELEMENTS}. */
export function checkedSize(op: string, argument: string, shape: readonly number[]): number {
  let size = 1;
  for (const n of shape) {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new OnnxError(op, argument, `shape ${describeValue(shape)} has entry ${describeValue(n)}; every dimension must be a non-negative integer`);
    }
    size *= n;
  }
  if (size > MAX_ELEMENTS) {
    throw new OnnxError(op, argument, `shape ${describeValue(shape)} has ${size} elements, more than atrous allocates for one tensor (${MAX_ELEMENTS}); the model or the given input shape is too large`);
  }
  return size;
}

/**
 * Checks the memory budget for a value of `size` elements of `type` before it is allocated: floats take 4 bytes,
 * integers and booleans 8 (a `Float64Array`, so shape arithmetic stays exact).
 *
 * @example checkValueAllocation('ConstantOfShape_0', 'int', 2 ** 28) // MemoryLimitError past a 2 GiB budget
 */
export function checkValueAllocation(op: string, type: ElementType, size: number): void {
  checkTensorAllocation(op, 'output', size, type === 'float' ? 4 : 8);
}

/** A new value of `shape` filled with zeros, `Float32Array` for floats and `Float64Array` otherwise. */
export function allocate(op: string, type: ElementType, shape: readonly number[]): OnnxValue {
  const size = checkedSize(op, 'shape', shape);
  checkValueAllocation(op, type, size);
  return { type, shape: shape.slice(), data: type === 'float' ? new Float32Array(size) : new Float64Array(size) };
}

/** An `int` value from plain numbers (shape `[values.length]` unless given). */
export function intValue(values: readonly number[], shape: readonly number[] = [values.length]): OnnxValue {
  return { type: 'int', shape: shape.slice(), data: Float64Array.from(values) };
}

/** A float value viewing a tensor's data (no copy). */
export function fromTensor(t: Tensor): OnnxValue {
  return { type: 'float', shape: t.shape.slice(), data: t.data };
}

/** The float value as an atrous {@link Tensor} (no copy); integers and booleans are converted. */
export function toTensor(v: OnnxValue): Tensor {
  return new Tensor(v.data instanceof Float32Array ? v.data : Float32Array.from(v.data), v.shape);
}

/** The values as plain numbers (shape tensors, axes, pads...). */
export function toNumbers(v: OnnxValue): number[] {
  return Array.from(v.data);
}
