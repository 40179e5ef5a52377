import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OptionError, ShapeError, Tensor, arange, full, ones, shapeSize, tensor, zeros } from '../../src/index.js';

function throwsShape(fn: () => unknown, op: string, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof ShapeError && e.op === op && pattern.test(e.message));
}

describe('Tensor', () => {
  it('wraps data without copying and freezes a copy of the shape', () => {
    const data = new Float32Array([1, 2, 3, 4, 5, 6]);
    const shape = [2, 3];
    const t = new Tensor(data, shape);
    shape[0] = 99;
    assert.equal(t.data, data);
    assert.deepEqual(t.shape, [2, 3]);
    assert.ok(Object.isFrozen(t.shape));
    assert.equal(t.rank, 2);
    assert.equal(t.size, 6);
  });

  it('refuses data whose length does not match the shape, naming both', () => {
    throwsShape(() => new Tensor(new Float32Array(5), [2, 3]), 'Tensor', /data has 5 values but shape \[2, 3\] needs 6/);
  });

  it('refuses negative, fractional and non-numeric shape entries', () => {
    throwsShape(() => zeros([2, -1]), 'zeros', /shape \[2, -1\] has entry -1/);
    throwsShape(() => zeros([1.5]), 'zeros', /entry 1.5/);
    throwsShape(() => shapeSize('3' as unknown as number[], 'f'), 'f', /shape "3" must be an array/);
  });

  it('holds zero-size and 0-d tensors', () => {
    assert.equal(zeros([0, 3]).size, 0);
    const scalar = tensor([7], []);
    assert.deepEqual([scalar.rank, scalar.size, scalar.get()], [0, 1, 7]);
  });

  it('reshape shares data and infers one -1', () => {
    const t = arange(12);
    const r = t.reshape([3, -1]);
    assert.deepEqual(r.shape, [3, 4]);
    assert.equal(r.data, t.data);
    throwsShape(() => t.reshape([5, -1]), 'reshape', /cannot view 12 values as \[5, -1\]/);
    throwsShape(() => t.reshape([-1, -1]), 'reshape', /at most one dimension/);
    throwsShape(() => t.reshape([2, 5]), 'reshape', /cannot view 12 values as \[2, 5\] \(10 values\)/);
  });

  it('clone copies the data', () => {
    const t = tensor([1, 2], [2]);
    const c = t.clone();
    c.data[0] = 5;
    assert.equal(t.data[0], 1);
    assert.deepEqual(c.shape, t.shape);
  });

  it('get reads a row-major multi-index and refuses a wrong or out-of-range one', () => {
    const t = arange(24).reshape([2, 3, 4]);
    assert.equal(t.get(1, 2, 3), 23);
    assert.equal(t.get(1, 0, 2), 14);
    throwsShape(() => t.get(1, 2), 'Tensor.get', /index \[1, 2\] has 2 entries; the tensor has rank 3/);
    throwsShape(() => t.get(0, 3, 0), 'Tensor.get', /outside shape \[2, 3, 4\]/);
    throwsShape(() => t.get(0, 0, 0.5), 'Tensor.get', /outside/);
  });

  it('toArray nests like torch.Tensor.tolist()', () => {
    assert.deepEqual(arange(6).reshape([2, 3]).toArray(), [[0, 1, 2], [3, 4, 5]]);
    assert.deepEqual(tensor([3], []).toArray(), 3);
    assert.deepEqual(zeros([2, 0]).toArray(), [[], []]);
  });
});

describe('creation helpers', () => {
  it('tensor copies any array-like into float32 and defaults to a 1-D shape', () => {
    const source = [1, 0.1, 3];
    const t = tensor(source);
    source[0] = 9;
    assert.deepEqual(t.shape, [3]);
    assert.deepEqual(Array.from(t.data), [1, Math.fround(0.1), 3]);
    assert.ok(t.data instanceof Float32Array);
  });

  it('zeros, ones and full fill their shape', () => {
    assert.deepEqual(Array.from(zeros([2, 2]).data), [0, 0, 0, 0]);
    assert.deepEqual(Array.from(ones([3]).data), [1, 1, 1]);
    assert.deepEqual(Array.from(full([2], -2.5).data), [-2.5, -2.5]);
  });

  it('arange counts up, down and by fractions, and refuses a zero step', () => {
    assert.deepEqual(Array.from(arange(4).data), [0, 1, 2, 3]);
    assert.deepEqual(Array.from(arange(2, 5).data), [2, 3, 4]);
    assert.deepEqual(Array.from(arange(5, 0, -2).data), [5, 3, 1]);
    assert.deepEqual(Array.from(arange(0, 1, 0.25).data), [0, 0.25, 0.5, 0.75]);
    assert.equal(arange(3, 1).size, 0);
    assert.throws(() => arange(0, 3, 0), (e: unknown) => e instanceof OptionError && e.argument === 'step' && /step 0 must be a finite non-zero number/.test(e.message));
  });
});
