import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Random, computeConvGeometry, computeConvTransposeGeometry, rand, spatialSize, type ConvGeometry,
} from '../../src/index.js';
import { referenceKernels, tapInputPosition } from '../../src/kernels/reference/conv-reference.js';
import { jsKernels } from '../../src/kernels/js/conv-im2col.js';
import { buildTapOffsets } from '../../src/kernels/js/tap-offsets.js';

/**
 * The js kernels (im2col + blocked GEMM) sum in a different order from the reference loops, so they agree to float32
 * rounding: max |js − reference| ≤ 1e-5 · max(1, max|reference|) per output buffer.
 */
const TOLERANCE = 1e-5;

/** Channel counts around the GEMM's 4-row unroll (lanes − 1, lanes, lanes + 1, and twice that). */
const CHANNELS = [1, 3, 4, 5, 7, 8, 9];

function scaledError(actual: Float32Array, expected: Float32Array): number {
  assert.equal(actual.length, expected.length);
  let scale = 1, worst = 0;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < expected.length; i++) {
    const e = Math.abs(actual[i] - expected[i]);
    worst = Number.isNaN(e) ? Infinity : Math.max(worst, e);
  }
  return worst / scale;
}

/** A random valid conv geometry with odd sizes, tile-edge channel counts, batch up to 3, implicit zero padding. */
function randomGeometry(rng: Random, transposed: boolean): ConvGeometry {
  for (;;) {
    const rank = 1 + rng.int(3);
    const groups = 1 + rng.int(2);
    const cig = CHANNELS[rng.int(CHANNELS.length)], cog = CHANNELS[rng.int(CHANNELS.length)];
    const batch = 1 + rng.int(3);
    const maxSize = [15, 9, 5][rank - 1];
    const size = Array.from({ length: rank }, () => 1 + 2 * rng.int((maxSize + 1) / 2));
    const kernel = Array.from({ length: rank }, () => 1 + rng.int(3));
    const stride = kernel.map(() => 1 + rng.int(3));
    const dilation = kernel.map(() => 1 + rng.int(3));
    try {
      if (transposed) {
        const outputPadding = stride.map((s, d) => rng.int(Math.max(s, dilation[d])));
        const padding = kernel.map((k, d) => rng.int(Math.floor((dilation[d] * (k - 1)) / 2) + 1));
        return computeConvTransposeGeometry('convTranspose', [batch, groups * cig, ...size], [groups * cig, cog, ...kernel],
          { stride, dilation, padding, groups, outputPadding });
      }
      const padding = kernel.map((k, d) => [rng.int(dilation[d] * (k - 1) + 1), rng.int(dilation[d] * (k - 1) + 1)]);
      return computeConvGeometry('conv', [batch, groups * cig, ...size], [groups * cog, cig, ...kernel],
        { stride, dilation, padding, groups });
    } catch {
      continue;
    }
  }
}

function compareKernels(g: ConvGeometry, seed: number): void {
  const cig = g.inChannels / g.groups;
  const x = rand([g.batch * g.inChannels * spatialSize(g.inSize)], seed, -1, 1).data;
  const w = rand([g.outChannels * cig * spatialSize(g.kernelSize)], seed + 1, -1, 1).data;
  const bias = rand([g.outChannels], seed + 2, -1, 1).data;
  const dy = rand([g.batch * g.outChannels * spatialSize(g.outSize)], seed + 3, -1, 1).data;
  const what = JSON.stringify({ ...g, op: undefined });
  const forward = scaledError(jsKernels.convForward(g, x, w, bias), referenceKernels.convForward(g, x, w, bias));
  assert.ok(forward <= TOLERANCE, `forward ${forward} ${what}`);
  const unbiased = scaledError(jsKernels.convForward(g, x, w, null), referenceKernels.convForward(g, x, w, null));
  assert.ok(unbiased <= TOLERANCE, `forward without bias ${unbiased} ${what}`);
  const input = scaledError(jsKernels.convBackwardInput(g, dy, w), referenceKernels.convBackwardInput(g, dy, w));
  assert.ok(input <= TOLERANCE, `backward input ${input} ${what}`);
  const weight = scaledError(jsKernels.convBackwardWeight(g, x, dy), referenceKernels.convBackwardWeight(g, x, dy));
  assert.ok(weight <= TOLERANCE, `backward weight ${weight} ${what}`);
}

describe('the js backend equals the reference kernels', () => {
  it('on 250 random conv geometries: forward, backward input and backward weight (channels 1,3,4,5,7,8,9, odd sizes, batch ≤ 3)', () => {
    const rng = new Random(2024);
    for (let i = 0; i < 250; i++) compareKernels(randomGeometry(rng, false), 10 * i);
  });

  it('on 100 random transposed-conv geometries (negative padAfter from outputPadding)', () => {
    const rng = new Random(4048);
    for (let i = 0; i < 100; i++) compareKernels(randomGeometry(rng, true), 10 * i + 5);
  });

  it('when the output positions are split into several im2col chunks (Cin·T = 2304 columns, 33×33 outputs)', () => {
    const g = computeConvGeometry('conv', [1, 256, 33, 33], [3, 256, 3, 3], { dilation: 2, padding: 2 });
    compareKernels(g, 77);
  });

  it('reads through a tap table that names the same input position as the reference\'s tapInputPosition', () => {
    const rng = new Random(9);
    for (let i = 0; i < 60; i++) {
      const g = randomGeometry(rng, i % 3 === 0);
      const table = buildTapOffsets(g);
      const T = spatialSize(g.kernelSize), P = spatialSize(g.outSize);
      assert.equal(table.length, T * P);
      for (let t = 0; t < T; t++) {
        for (let p = 0; p < P; p++) assert.equal(table[t * P + p], tapInputPosition(g, p, t), `tap ${t}, output ${p}`);
      }
    }
  });
});
