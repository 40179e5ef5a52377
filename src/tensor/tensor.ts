import { ShapeError, describeValue } from '../errors.js';

/** A dense float32 tensor: a shape and a row-major `Float32Array` of `product(shape)` values. */
export class Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;

  /** Wraps `data` (not copied) as a tensor of `shape`; use {@link tensor} to build one from any array. */
  constructor(data: Float32Array, shape: readonly number[]) {
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
  const values = Float32Array.from(data);
  return new Tensor(values, shape ?? [values.length]);
}

/** A tensor of zeros. @example zeros([1, 3, 8, 8]) */
export function zeros(shape: readonly number[]): Tensor {
  return new Tensor(new Float32Array(shapeSize(shape, 'zeros')), shape);
}

/** A tensor filled with `value`. @example full([2, 2], 7) */
export function full(shape: readonly number[], value: number): Tensor {
  return new Tensor(new Float32Array(shapeSize(shape, 'full')).fill(value), shape);
}

/** A tensor of ones. @example ones([3]) */
export function ones(shape: readonly number[]): Tensor { return full(shape, 1); }

/** `0, 1, ..., n-1` (or `start, start+step, ...` below `stop`) as a 1-D tensor. @example arange(16).reshape([1, 1, 4, 4]) */
export function arange(startOrStop: number, stop?: number, step = 1): Tensor {
  const [start, end] = stop === undefined ? [0, startOrStop] : [startOrStop, stop];
  if (!(step !== 0 && Number.isFinite(step))) throw new ShapeError('arange', 'step', `step ${step} must be a finite non-zero number`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return new Tensor(data, [n]);
}

/** Product of a shape's entries, validating that each is a non-negative integer. */
export function shapeSize(shape: readonly number[], op: string): number {
  if (!Array.isArray(shape)) throw new ShapeError(op, 'shape', `shape ${describeValue(shape)} must be an array of non-negative integers`);
  let size = 1;
  for (const n of shape) {
    if (!Number.isInteger(n) || n < 0) {
      throw new ShapeError(op, 'shape', `shape ${describeValue(shape)} has entry ${describeValue(n)}; every entry must be a non-negative integer`);
    }
    size *= n;
  }
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
