import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Random, rand, randn } from '../../src/index.js';

describe('Random', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = new Random(42), b = new Random(42), c = new Random(43);
    const first = Array.from({ length: 5 }, () => a.uniform());
    assert.deepEqual(Array.from({ length: 5 }, () => b.uniform()), first);
    assert.notDeepEqual(Array.from({ length: 5 }, () => c.uniform()), first);
  });

  it('gives the same first number on every machine (mulberry32 of seed 42)', () => {
    assert.equal(new Random(42).uniform(), 0.6011037519201636);
  });

  it('draws uniforms in [0, 1) with mean ≈ 1/2 and ints in [0, n)', () => {
    const rng = new Random(1);
    let sum = 0;
    for (let i = 0; i < 20000; i++) {
      const u = rng.uniform();
      assert.ok(u >= 0 && u < 1);
      sum += u;
    }
    assert.ok(Math.abs(sum / 20000 - 0.5) < 0.01);
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) counts[rng.int(3)]++;
    assert.ok(counts.every((n) => n > 900 && n < 1100), String(counts));
  });

  it('draws normals with mean ≈ 0 and variance ≈ 1, all finite', () => {
    const rng = new Random(2);
    let sum = 0, squares = 0;
    for (let i = 0; i < 20000; i++) {
      const v = rng.normal();
      assert.ok(Number.isFinite(v));
      sum += v;
      squares += v * v;
    }
    assert.ok(Math.abs(sum / 20000) < 0.03);
    assert.ok(Math.abs(squares / 20000 - 1) < 0.03);
  });
});

describe('randn and rand', () => {
  it('are deterministic per seed and shaped', () => {
    assert.deepEqual(randn([2, 3], 7).data, randn([2, 3], 7).data);
    assert.notDeepEqual(randn([2, 3], 7).data, randn([2, 3], 8).data);
    assert.deepEqual(randn([2, 3], 7).shape, [2, 3]);
  });

  it('rand stays inside [low, high)', () => {
    const t = rand([1000], 3, -2, 5);
    assert.ok(t.data.every((v) => v >= -2 && v < 5));
    assert.ok(Math.min(...t.data) < -1.9 && Math.max(...t.data) > 4.9);
  });
});
