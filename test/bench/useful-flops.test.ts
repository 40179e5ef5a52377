import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BENCH_SHAPES, TINY_SHAPE, nominalFlops, outputSpatial, usefulFlops, type BenchShape } from '../../bench/shapes.js';

/** Multiply-adds that read real input, counted one output position and tap at a time (2-D layers). */
function bruteForceUseful(shape: BenchShape): number {
  const [n, , h, w] = shape.input;
  const [cout, cinPerGroup, kh, kw] = shape.weight;
  const [oh, ow] = outputSpatial(shape);
  let count = 0;
  for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
    const iy = y * shape.stride[0] - shape.padding[0] + i * shape.dilation[0];
    const ix = x * shape.stride[1] - shape.padding[1] + j * shape.dilation[1];
    if (iy >= 0 && iy < h && ix >= 0 && ix < w) count++;
  }
  return 2 * n * cout * cinPerGroup * count;
}

describe('useful flops of a bench layer (the multiply-adds outside the zero padding)', () => {
  it('equals a tap-by-tap count on the tiny layer and on every 2-D bench layer', () => {
    for (const shape of [TINY_SHAPE, ...BENCH_SHAPES.filter((s) => s.input.length === 4)]) {
      assert.equal(usefulFlops(shape), bruteForceUseful(shape), shape.name);
    }
  });

  it('equals the nominal count without padding and is below it with padding', () => {
    const unpadded: BenchShape = { ...TINY_SHAPE, padding: [0, 0] };
    assert.equal(usefulFlops(unpadded), nominalFlops(unpadded));
    for (const shape of BENCH_SHAPES) assert.ok(usefulFlops(shape) < nominalFlops(shape), shape.name);
  });

  it('leaves out 43% of the ASPP layer (d=12 on 33×33), as the README says the kernels skip', () => {
    const aspp = BENCH_SHAPES.find((s) => s.name === 'aspp')!;
    const skipped = 1 - usefulFlops(aspp) / nominalFlops(aspp);
    assert.ok(Math.abs(skipped - 0.43) < 0.005, `skipped ${skipped}`);
  });

  it('counts a causal-style 1-D layer: WaveNet k=2, d=256, pad 128 skips 128 of 16000 outputs per tap', () => {
    const wavenet = BENCH_SHAPES.find((s) => s.name === 'wavenet')!;
    assert.equal(usefulFlops(wavenet), 2 * 128 * 64 * (16000 - 128) * 2);
  });
});
