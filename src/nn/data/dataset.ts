/** Datasets as `torch.utils.data.Dataset`: anything with a length and an item per index. */
import { ShapeError, describeValue } from '../../errors.js';
import { Tensor } from '../../tensor/tensor.js';

/** A map-style dataset: `length` items, `get(i)` for `0 ≤ i < length`. */
export interface Dataset<T> {
  readonly length: number;
  get(index: number): T;
}

/**
 * Rows of equally long tensors, as `torch.utils.data.TensorDataset`: item `i` is `[t0[i], t1[i], ...]` (each
 * tensor sliced along its first dimension). Works with arrays read from `.npy` or `.safetensors` files.
 *
 * @example
 * const data = new TensorDataset(readNpy(fs.readFileSync('x.npy')), readNpy(fs.readFileSync('y.npy')));
 * const [x0, y0] = data.get(0);
 */
export class TensorDataset implements Dataset<Tensor[]> {
  readonly tensors: readonly Tensor[];
  readonly length: number;

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new ShapeError('TensorDataset', 'tensors', 'give at least one tensor');
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor) || t.rank < 1) throw new ShapeError('TensorDataset', `tensors[${i}]`, `tensor ${i} must be a Tensor of rank ≥ 1, got ${describeValue(t instanceof Tensor ? t.shape : t)}`);
    });
    const lengths = tensors.map((t) => t.shape[0]);
    if (lengths.some((n) => n !== lengths[0])) throw new ShapeError('TensorDataset', 'tensors', `the tensors have ${describeValue(lengths)} rows; they must all have the same number (first dimension)`);
    this.tensors = tensors.slice();
    this.length = lengths[0];
  }

  get(index: number): Tensor[] {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new ShapeError('TensorDataset', 'index', `index ${describeValue(index)} is outside the ${this.length} rows`);
    }
    return this.tensors.map((t) => {
      const row = t.shape.slice(1);
      const size = row.reduce((a, b) => a * b, 1);
      return new Tensor(t.data.slice(index * size, (index + 1) * size), row);
    });
  }
}
