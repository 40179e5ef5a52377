/**
 * Batches from a dataset, as `torch.utils.data.DataLoader`: batch size, seeded shuffling, drop-last, a transform
 * per item and a collate function. The order of every epoch is a function of (seed, epoch) alone, so
 * `batchAt(step)` gives the same batch in a resumed run as in an uninterrupted one.
 */
import { OptionError, describeValue } from '../../errors.js';
import { checkOptionKeys } from '../../options.js';
import { Random } from '../../tensor/random.js';
import { defaultCollate, type Collated } from './collate.js';
import type { Dataset } from './dataset.js';

/** Options of {@link DataLoader}. */
export interface DataLoaderOptions<T, B> {
  /** Items per batch (1). */
  batchSize?: number;
  /** Reorder the items every epoch (false). */
  shuffle?: boolean;
  /** Seed of the shuffle (0): epoch `e` uses a generator seeded from `seed` and `e`. */
  seed?: number;
  /** Drop the last batch when it is smaller than `batchSize` (false). */
  dropLast?: boolean;
  /** Applied to each item as it is read (augmentation, normalization). */
  transform?: (item: T, index: number) => T;
  /** Builds a batch from its items (default {@link defaultCollate}: stacks tensors). */
  collate?: (items: T[]) => B;
}

/**
 * @example
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 32, shuffle: true, seed: 1 });
 * for (const [xb, yb] of loader.epoch(0)) { ... }
 * fit({ ..., steps: 10 * loader.batchesPerEpoch, loss: (step) => { const [xb, yb] = loader.batchAt(step); return F.mseLoss(model.forward(xb), yb); } });
 */
export class DataLoader<T, B = Collated<T>> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  private readonly transform?: (item: T, index: number) => T;
  private readonly collate: (items: T[]) => B;
  private cachedOrder: { epoch: number; order: number[] } | null = null;

  constructor(readonly dataset: Dataset<T>, options: DataLoaderOptions<T, B> = {}) {
    checkOptionKeys('DataLoader', options, ['batchSize', 'shuffle', 'seed', 'dropLast', 'transform', 'collate']);
    if (!dataset || typeof dataset.get !== 'function' || !Number.isInteger(dataset.length) || dataset.length < 0) {
      throw new OptionError('DataLoader', 'dataset', `dataset must have an integer length and get(index), got ${describeValue(dataset)}`);
    }
    this.batchSize = options.batchSize ?? 1;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new OptionError('DataLoader', 'batchSize', `batchSize ${describeValue(this.batchSize)} must be a positive integer`);
    this.seed = options.seed ?? 0;
    if (!Number.isInteger(this.seed)) throw new OptionError('DataLoader', 'seed', `seed ${describeValue(this.seed)} must be an integer`);
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    for (const key of ['shuffle', 'dropLast'] as const) {
      if (typeof this[key] !== 'boolean') throw new OptionError('DataLoader', key, `${key} ${describeValue(this[key])} must be true or false`);
    }
    for (const key of ['transform', 'collate'] as const) {
      if (options[key] !== undefined && typeof options[key] !== 'function') throw new OptionError('DataLoader', key, `${key} must be a function`);
    }
    this.transform = options.transform;
    this.collate = options.collate ?? ((items: T[]) => defaultCollate(items) as unknown as B);
    if (this.batchesPerEpoch === 0) {
      throw new OptionError('DataLoader', 'batchSize', `the dataset has ${dataset.length} items: no ${this.dropLast ? 'full ' : ''}batch of ${this.batchSize}`);
    }
  }

  /** Batches in one epoch. */
  get batchesPerEpoch(): number {
    const n = this.dataset.length / this.batchSize;
    return this.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  /** The item order of epoch `epoch` (a Fisher–Yates shuffle seeded by seed and epoch, or 0…n−1). */
  order(epoch: number): number[] {
    if (!Number.isInteger(epoch) || epoch < 0) throw new OptionError('DataLoader', 'epoch', `epoch ${describeValue(epoch)} must be a non-negative integer`);
    if (this.cachedOrder?.epoch === epoch) return this.cachedOrder.order;
    const order = Array.from({ length: this.dataset.length }, (_, i) => i);
    if (this.shuffle) {
      const random = new Random((this.seed * 1000003 + epoch * 7919) >>> 0);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random.uniform() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
    }
    this.cachedOrder = { epoch, order };
    return order;
  }

  /** Batch `batch` of epoch `epoch`. */
  batch(epoch: number, batch: number): B {
    if (!Number.isInteger(batch) || batch < 0 || batch >= this.batchesPerEpoch) {
      throw new OptionError('DataLoader', 'batch', `batch ${describeValue(batch)} is outside the ${this.batchesPerEpoch} batches of an epoch`);
    }
    const indices = this.order(epoch).slice(batch * this.batchSize, (batch + 1) * this.batchSize);
    return this.collate(indices.map((i) => {
      const item = this.dataset.get(i);
      return this.transform ? this.transform(item, i) : item;
    }));
  }

  /** The batch of global step `step` (epoch ⌊step / batchesPerEpoch⌋), for `fit`'s `loss(step)`. */
  batchAt(step: number): B {
    if (!Number.isInteger(step) || step < 0) throw new OptionError('DataLoader', 'step', `step ${describeValue(step)} must be a non-negative integer`);
    return this.batch(Math.floor(step / this.batchesPerEpoch), step % this.batchesPerEpoch);
  }

  /** Every batch of epoch `epoch`, in order. */
  *epoch(epoch: number): IterableIterator<B> {
    for (let b = 0; b < this.batchesPerEpoch; b++) yield this.batch(epoch, b);
  }
}
