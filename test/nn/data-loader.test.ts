import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DataLoader, OptionError, ShapeError, TensorDataset, defaultCollate, readNpy, readSafetensors, tensor, writeNpy, writeSafetensors, type Tensor } from '../../src/index.js';

const x = tensor(Array.from({ length: 10 * 2 }, (_, i) => i), [10, 2]);
const y = tensor(Array.from({ length: 10 }, (_, i) => 100 + i), [10]);

describe('TensorDataset', () => {
  it('slices every tensor along its first dimension', () => {
    const [xi, yi] = new TensorDataset(x, y).get(3);
    assert.deepEqual([...xi.data], [6, 7]);
    assert.deepEqual([...yi.data], [103]);
    assert.deepEqual(yi.shape, []);
  });

  it('works with arrays read from .npy and .safetensors files', () => {
    const fromNpy = new TensorDataset(readNpy(writeNpy(x)));
    const fromSafetensors = new TensorDataset(readSafetensors(writeSafetensors({ y })).get('y')!);
    assert.deepEqual([...fromNpy.get(9)[0].data], [18, 19]);
    assert.deepEqual([...fromSafetensors.get(0)[0].data], [100]);
  });

  it('refuses tensors of different lengths and indices outside', () => {
    assert.throws(() => new TensorDataset(x, tensor([1, 2], [2])), ShapeError);
    assert.throws(() => new TensorDataset(x).get(10), ShapeError);
  });
});

describe('DataLoader', () => {
  const rows = (b: Tensor[]): number[] => [...b[1].data].map((v) => v - 100);

  it('batches in order, with a short last batch unless dropLast', () => {
    const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 4 });
    assert.equal(loader.batchesPerEpoch, 3);
    assert.deepEqual([...loader.epoch(0)].map(rows), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    assert.deepEqual(loader.batch(0, 0)[0].shape, [4, 2]);
    const dropping = new DataLoader(new TensorDataset(x, y), { batchSize: 4, dropLast: true });
    assert.deepEqual([...dropping.epoch(0)].map(rows), [[0, 1, 2, 3], [4, 5, 6, 7]]);
  });

  it('shuffles every epoch differently, the same way for the same seed, covering every item once', () => {
    const make = (seed: number) => new DataLoader(new TensorDataset(x, y), { batchSize: 3, shuffle: true, seed });
    const a = make(5), b = make(5);
    const epoch0 = [...a.epoch(0)].flatMap(rows), epoch1 = [...a.epoch(1)].flatMap(rows);
    assert.deepEqual([...epoch0].sort((p, q) => p - q), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.notDeepEqual(epoch0, epoch1);
    assert.deepEqual([...b.epoch(1)].flatMap(rows), epoch1);
    assert.notDeepEqual([...make(6).epoch(0)].flatMap(rows), epoch0);
  });

  it('batchAt(step) walks the epochs, so a resumed run sees the same batches', () => {
    const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 4, shuffle: true, seed: 2 });
    assert.deepEqual(rows(loader.batchAt(4)), rows(loader.batch(1, 1)));
    assert.deepEqual(rows(new DataLoader(new TensorDataset(x, y), { batchSize: 4, shuffle: true, seed: 2 }).batchAt(4)), rows(loader.batchAt(4)));
  });

  it('applies a transform per item and a custom collate', () => {
    const loader = new DataLoader(new TensorDataset(y), {
      batchSize: 5,
      transform: ([t]) => [tensor([t.data[0] * 2], [])],
      collate: (items) => items.map(([t]) => t.data[0]),
    });
    assert.deepEqual(loader.batch(0, 1), [210, 212, 214, 216, 218]);
  });

  it('collates objects and numbers', () => {
    const batch = defaultCollate([{ a: tensor([1, 2]), n: 1 }, { a: tensor([3, 4]), n: 2 }]);
    assert.deepEqual(batch.a.shape, [2, 2]);
    assert.deepEqual([...batch.n.data], [1, 2]);
  });

  it('refuses impossible settings with typed errors', () => {
    const data = new TensorDataset(x);
    assert.throws(() => new DataLoader(data, { batchSize: 0 }), OptionError);
    assert.throws(() => new DataLoader(data, { batchSize: 11, dropLast: true }), /no full batch of 11/);
    assert.throws(() => new DataLoader(data, { batch_size: 4 } as never), /did you mean "batchSize"/);
    assert.throws(() => new DataLoader(data).batch(0, 10), OptionError);
  });
});
