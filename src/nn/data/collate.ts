/** Batching items into tensors, as PyTorch's `default_collate`. */
import { ShapeError, describeValue } from '../../errors.js';
import { Tensor } from '../../tensor/tensor.js';

/** What {@link defaultCollate} makes of a list of items of type `T`. */
export type Collated<T> = T extends Tensor ? Tensor
  : T extends number ? Tensor
  : T extends readonly unknown[] ? { [K in keyof T]: Collated<T[K]> }
  : T extends Record<string, unknown> ? { [K in keyof T]: Collated<T[K]> }
  : never;

/**
 * Stacks tensors along a new first dimension, numbers into a 1-D tensor, and recurses into arrays and plain
 * objects position by position.
 *
 * @example defaultCollate([[x0, y0], [x1, y1]]) // [stack([x0, x1]), stack([y0, y1])]
 */
export function defaultCollate<T>(items: readonly T[]): Collated<T> {
  if (items.length === 0) throw new ShapeError('collate', 'items', 'cannot collate an empty batch');
  const first = items[0] as unknown;
  if (first instanceof Tensor) {
    const tensors = items as unknown as Tensor[];
    const shape = first.shape.join();
    const bad = tensors.findIndex((t) => !(t instanceof Tensor) || t.shape.join() !== shape);
    if (bad >= 0) throw new ShapeError('collate', 'items', `item ${bad} has shape ${describeValue((tensors[bad] as Tensor)?.shape)}; every item must have shape ${describeValue(first.shape)} to be stacked`);
    const out = new Float32Array(first.size * tensors.length);
    tensors.forEach((t, i) => out.set(t.data, i * first.size));
    return new Tensor(out, [tensors.length, ...first.shape]) as Collated<T>;
  }
  if (typeof first === 'number') {
    if (items.some((v) => typeof v !== 'number')) throw new ShapeError('collate', 'items', 'a batch mixes numbers with other values');
    return new Tensor(Float32Array.from(items as unknown as number[]), [items.length]) as Collated<T>;
  }
  if (Array.isArray(first)) {
    return first.map((_, k) => defaultCollate((items as unknown as unknown[][]).map((item) => item[k]))) as unknown as Collated<T>;
  }
  if (first !== null && typeof first === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) out[key] = defaultCollate((items as unknown as Record<string, unknown>[]).map((item) => item[key]));
    return out as Collated<T>;
  }
  throw new ShapeError('collate', 'items', `cannot batch ${describeValue(first)}; items must be tensors, numbers, arrays or objects of them (or pass collate)`);
}
