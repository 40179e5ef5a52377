import { OptionError, ShapeError, describeValue } from '../errors.js';
import { checkTensorAllocation } from './memory-budget.js';

/** A dense float32 tensor: a shape and a row-major `Float32Array` of `product(shape)` values. */
export class Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;

  /**
   * Wraps `data` (not copied) as a tensor of `shape`; use {@link tensor} to build one from any array.
   * `data` must be a Float32Array: any other typed array would be read as float bits by the kernels.
   */
  constructor(data: Float32Array, shape: readonly number[]) {
    if (!isFloat32Array(data)) {
      throw new ShapeError('Tensor', 'data', `data ${describeValue(data)} must be a Float32Array; convert other numbers with tensor(data, shape), which copies them into float32`);
    }
    const size = shapeSize(shape, 'Tensor');
    if (data.length !== size) {
      throw new ShapeError('Tensor', 'data',
        `data has ${data.length} values but shape ${describeValue(shape)} needs ${size}`);
    }
    this.data = data;
    this.shape = Object.freeze(shape.slice());
  }

  /** Number of dimensions. */
  get rank(): number { return this.shape.length; }

  /** Number of values, `product(shape)`. */
  get size(): number { return this.data.length; }

  /** The same values viewed with another shape of equal size (`-1` infers one dimension); shares `data`. */
  reshape(shape: readonly number[]): Tensor {
    return new Tensor(this.data, inferShape(shape, this.size, 'reshape'));
  }

  /** A deep copy. */
  clone(): Tensor { return new Tensor(this.data.slice(), this.shape); }

  /** The value at a full multi-index, e.g. `y.get(0, 3, 2, 2)`. */
  get(...index: number[]): number { return this.data[this.offsetOf(index)]; }

  /** Nested plain arrays, as `torch.Tensor.tolist()`. */
  toArray(): unknown {
    const build = (dim: number, offset: number): unknown => {
      if (dim === this.rank) return this.data[offset];
      const stride = this.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  private offsetOf(index: number[]): number {
    if (index.length !== this.rank) {
      throw new ShapeError('Tensor.get', 'index', `index ${describeValue(index)} has ${index.length} entries; the tensor has rank ${this.rank}`);
    }
    let offset = 0;
    for (let d = 0; d < this.rank; d++) {
      const i = index[d];
      if (!Number.isInteger(i) || i < 0 || i >= this.shape[d]) {
        throw new ShapeError('Tensor.get', 'index', `index ${describeValue(index)} is outside shape ${describeValue(this.shape)}`);
      }
      offset = offset * this.shape[d] + i;
    }
    return offset;
  }
}

/**
 * Builds a tensor from any array-like of numbers (copied into float32) and a shape.
 *
 * @example
 * const x = tensor([1, 0, 2, 0, 3], [1, 1, 5]);   // batch 1, channel 1, length 5
 */
export function tensor(data: ArrayLike<number>, shape?: readonly number[]): Tensor {
  const values = toFloat32('tensor', data);
  return new Tensor(values, shape ?? [values.length]);
}

/** A float32 copy of an array or typed array of numbers (BigInt arrays converted by value); anything else is refused. */
function toFloat32(op: string, data: unknown): Float32Array {
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    const view = data as unknown as ArrayLike<number | bigint>;
    checkTensorAllocation(op, 'tensor', view.length);
    return typeof view[0] === 'bigint' ? Float32Array.from(view, Number) : Float32Array.from(view as ArrayLike<number>);
  }
  if (!Array.isArray(data)) {
    throw new ShapeError(op, 'data', `data ${describeValue(data)} must be an array or typed array of numbers`);
  }
  checkTensorAllocation(op, 'tensor', data.length);
  const values = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v: unknown = data[i];
    if (typeof v !== 'number') {
      throw new ShapeError(op, 'data', `data[${i}] is ${describeValue(v)}; every value must be a number (nested arrays: flatten them and pass the shape)`);
    }
    values[i] = v;
  }
  return values;
}

/** A Float32Array, also one made in another realm (a worker, a vm context), where `instanceof` fails. */
function isFloat32Array(data: unknown): data is Float32Array {
  return ArrayBuffer.isView(data) && (data as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === 'Float32Array';
}

/** A tensor of zeros. @example zeros([1, 3, 8, 8]) */
export function zeros(shape: readonly number[]): Tensor {
  return new Tensor(new Float32Array(allocatedSize(shape, 'zeros')), shape);
}

/** A tensor filled with `value`. @example full([2, 2], 7) */
export function full(shape: readonly number[], value: number): Tensor {
  if (typeof value !== 'number') throw new OptionError('full', 'value', `value ${describeValue(value)} must be a number`);
  return new Tensor(new Float32Array(allocatedSize(shape, 'full')).fill(value), shape);
}

/** A tensor of ones. @example ones([3]) */
export function ones(shape: readonly number[]): Tensor { return full(shape, 1); }

/** `0, 1, ..., n-1` (or `start, start+step, ...` below `stop`) as a 1-D tensor. @example arange(16).reshape([1, 1, 4, 4]) */
export function arange(startOrStop: number, stop?: number, step = 1): Tensor {
  const [start, end] = stop === undefined ? [0, startOrStop] : [startOrStop, stop];
  for (const [name, v] of [['start', start], ['stop', end]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new OptionError('arange', name, `${name} ${describeValue(v)} must be a finite number`);
  }
  if (typeof step !== 'number' || !(step !== 0 && Number.isFinite(step))) throw new OptionError('arange', 'step', `step ${describeValue(step)} must be a finite non-zero number`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  checkTensorAllocation('arange', 'tensor', n);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return new Tensor(data, [n]);
}

/**
 * Product of a shape's entries, validating that each is a non-negative integer and the product exact (below 2^53;
 * a shape with a 0 entry is empty whatever the others are).
 */
export function shapeSize(shape: readonly number[], op: string): number {
  if (!Array.isArray(shape)) throw new ShapeError(op, 'shape', `shape ${describeValue(shape)} must be an array of non-negative integers`);
  let size = 1;
  for (const n of shape) {
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      throw new ShapeError(op, 'shape', `shape ${describeValue(shape)} has entry ${describeValue(n)}; every entry must be a non-negative integer below 2^53`);
    }
    size *= n;
  }
  if (!Number.isSafeInteger(size)) throw new ShapeError(op, 'shape', `shape ${describeValue(shape)} has ${size} values, past 2^53`);
  return size;
}

/** {@link shapeSize} for a tensor about to be allocated: refused past the memory budget or a typed array's length. */
export function allocatedSize(shape: readonly number[], op: string): number {
  const size = shapeSize(shape, op);
  checkTensorAllocation(op, 'tensor', size);
  return size;
}

function inferShape(shape: readonly number[], size: number, op: string): number[] {
  const inferred = shape.filter((n) => n === -1).length;
  if (inferred > 1) throw new ShapeError(op, 'shape', `shape ${describeValue(shape)} may infer (-1) at most one dimension`);
  const known = shapeSize(shape.map((n) => (n === -1 ? 1 : n)), op);
  if (inferred === 1) {
    if (known === 0 || size % known !== 0) {
      throw new ShapeError(op, 'shape', `cannot view ${size} values as ${describeValue(shape)}`);
    }
    return shape.map((n) => (n === -1 ? size / known : n));
  }
  if (known !== size) throw new ShapeError(op, 'shape', `cannot view ${size} values as ${describeValue(shape)} (${known} values)`);
  return shape.slice();
}
