import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Random, Tensor, computeConvGeometry, conv, convBackward, effectiveKernelSize, ones, rand, spatialSize, zeros,
} from '../../src/index.js';
import { randomConv, scaledDifference } from './random-conv.js';

/** Dilated and zero-stuffed convolutions add the same non-zero products in the same order; allow float32 noise. */
const TOLERANCE = 1e-6;

/** Row-major strides of a shape. */
function strides(shape: readonly number[]): number[] {
  const s = Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) s[d] = s[d + 1] * shape[d + 1];
  return s;
}

/** Unravels a flat index over `shape`. */
function unravel(flat: number, shape: readonly number[]): number[] {
  const index = Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) { index[d] = flat % shape[d]; flat = Math.floor(flat / shape[d]); }
  return index;
}

/** The kernel `w [Cout, Cin/g, ...k]` with `dilation − 1` zeros between taps: `[Cout, Cin/g, ...d(k−1)+1]`. */
function stuffKernel(w: Tensor, dilation: readonly number[]): Tensor {
  const k = w.shape.slice(2);
  const shape = [w.shape[0], w.shape[1], ...k.map((n, i) => effectiveKernelSize(n, dilation[i]))];
  const out = zeros(shape);
  const s = strides(shape);
  for (let i = 0; i < w.size; i++) {
    const index = unravel(i, w.shape);
    out.data[index.reduce((acc, v, d) => acc + (d < 2 ? v : v * dilation[d - 2]) * s[d], 0)] = w.data[i];
  }
  return out;
}

/** Every `factor`-th sample of each spatial dimension starting at `phase` (x[..., phase::factor]). */
function subsample(x: Tensor, phase: readonly number[], factor: number): Tensor {
  const spatial = x.shape.slice(2).map((n, d) => Math.ceil((n - phase[d]) / factor));
  const shape = [x.shape[0], x.shape[1], ...spatial];
  const out = zeros(shape);
  const s = strides(x.shape);
  for (let i = 0; i < out.size; i++) {
    const index = unravel(i, shape);
    out.data[i] = x.data[index.reduce((acc, v, d) => acc + (d < 2 ? v : phase[d - 2] + v * factor) * s[d], 0)];
  }
  return out;
}

describe('dilation', () => {
  it('a dilated conv equals a dilation-1 conv with the zero-stuffed kernel, forward and both gradients (120 random geometries)', () => {
    const rng = new Random(11);
    for (let i = 0; i < 120; i++) {
      const c = randomConv(rng);
      const dilation = c.options.dilation as number[];
      const stuffed = stuffKernel(c.w, dilation);
      const plain = { ...c.options, dilation: 1, bias: c.bias };
      const dilated = { ...c.options, bias: c.bias };
      const what = `case ${i}: ${JSON.stringify(c.options)}`;
      assert.ok(scaledDifference(conv(c.x, c.w, dilated), conv(c.x, stuffed, plain)) <= TOLERANCE, `${what} forward`);
      const dy = rand(c.outShape, 100 + i, -1, 1);
      const fromDilated = convBackward(c.x, c.w, dy, dilated);
      const fromStuffed = convBackward(c.x, stuffed, dy, plain);
      assert.ok(scaledDifference(fromDilated.input, fromStuffed.input) <= TOLERANCE, `${what} input gradient`);
      assert.ok(scaledDifference(stuffKernel(fromDilated.weight, dilation), maskToTaps(fromStuffed.weight, dilation)) <= TOLERANCE,
        `${what} weight gradient at the taps`);
    }
  });

  it('dilation 1 given as a number, per dimension or left out is the same plain conv', () => {
    const x = rand([2, 3, 6, 5], 1, -1, 1), w = rand([4, 3, 3, 2], 2, -1, 1);
    const reference = conv(x, w);
    assert.deepEqual(conv(x, w, { dilation: 1 }).data, reference.data);
    assert.deepEqual(conv(x, w, { dilation: [1, 1] }).data, reference.data);
  });

  it('seed 004, à trous: a rate-2 dilated conv read at even (and odd) positions is the conv of the 2×-subsampled input', () => {
    for (const [xShape, wShape] of [[[1, 2, 17], [3, 2, 3]], [[2, 3, 11, 12], [2, 3, 3, 3]], [[1, 2, 7, 6, 9], [2, 2, 2, 3, 2]]]) {
      const x = rand(xShape, 5, -1, 1), w = rand(wShape, 6, -1, 1);
      const dilated = conv(x, w, { dilation: 2 });
      const rank = xShape.length - 2;
      for (let phase = 0; phase < 2 ** rank; phase++) {
        const offsets = Array.from({ length: rank }, (_, d) => (phase >> d) & 1);
        const expected = conv(subsample(x, offsets, 2), w);
        assert.ok(scaledDifference(subsample(dilated, offsets, 2), expected) <= TOLERANCE, `${xShape} phase ${offsets}`);
      }
      assert.ok(scaledDifference(conv(x, w, { dilation: 2, stride: 2 }), conv(subsample(x, Array(rank).fill(0), 2), w)) <= TOLERANCE,
        `${xShape}: stride 2 with dilation 2 is the plain conv of the even samples`);
    }
  });
});

describe('the seeds\' arithmetic', () => {
  it('seed 001: 64→128, 3×3 at d=1/2/4 with padding = d keeps [1, 128, 56, 56]', () => {
    for (const d of [1, 2, 4]) {
      const g = computeConvGeometry('conv', [1, 64, 56, 56], [128, 64, 3, 3], { dilation: d, padding: d });
      assert.deepEqual([g.batch, g.outChannels, ...g.outSize], [1, 128, 56, 56]);
    }
    const small = conv(rand([1, 4, 56, 56], 1), rand([8, 4, 3, 3], 2), { dilation: 2, padding: 2 });
    assert.deepEqual(small.shape, [1, 8, 56, 56]);
  });

  it('seed 001: a 3×3 kernel at d=2 sees 5×5 with 73,856 parameters where a 5×5 kernel needs 204,928', () => {
    const dilated = computeConvGeometry('conv', [1, 64, 56, 56], [128, 64, 3, 3], { dilation: 2, padding: 2 });
    const wide = computeConvGeometry('conv', [1, 64, 56, 56], [128, 64, 5, 5], { padding: 2 });
    assert.deepEqual(dilated.outSize, wide.outSize);
    assert.deepEqual(dilated.kernelSize.map((k, i) => effectiveKernelSize(k, dilated.dilation[i])), wide.kernelSize);
    const params = (g: typeof dilated) => g.outChannels * (g.inChannels / g.groups) * spatialSize(g.kernelSize) + g.outChannels;
    assert.equal(params(dilated), 73_856);
    assert.equal(params(wide), 204_928);
  });

  it('seed 002: 3×3 at d=15 spans 31×31 with 18,432 weights where a 31×31 kernel needs 1,968,128', () => {
    assert.equal(effectiveKernelSize(3, 15), 31);
    const dilated = computeConvGeometry('conv', [1, 32, 64, 64], [64, 32, 3, 3], { dilation: 15 });
    const wide = computeConvGeometry('conv', [1, 32, 64, 64], [64, 32, 31, 31]);
    assert.deepEqual(dilated.outSize, wide.outSize);
    assert.equal(64 * 32 * spatialSize(dilated.kernelSize), 18_432);
    assert.equal(64 * 32 * spatialSize(wide.kernelSize), 1_968_128);
  });

  it('seed 001: 1-D stack at d=1,2,4,8,16 of 3-tap layers sees 63 inputs, measured by propagating an impulse', () => {
    const length = 80;
    const impulse = zeros([1, 1, length]);
    impulse.data[40] = 1;
    let signal = impulse;
    for (const d of [1, 2, 4, 8, 16]) signal = conv(signal, ones([1, 1, 3]), { dilation: d, padding: 'same' });
    const reached = Array.from(signal.data).filter((v) => v !== 0).length;
    assert.equal(reached, 63);
  });
});

/** The stuffed-kernel gradient with the non-tap positions zeroed (they have no counterpart in the dilated kernel). */
function maskToTaps(stuffedGrad: Tensor, dilation: readonly number[]): Tensor {
  const out = zeros(stuffedGrad.shape);
  for (let i = 0; i < out.size; i++) {
    const index = unravel(i, stuffedGrad.shape);
    if (index.slice(2).every((v, d) => v % dilation[d] === 0)) out.data[i] = stuffedGrad.data[i];
  }
  return out;
}
