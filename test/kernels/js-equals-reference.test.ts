import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Random, computeConvGeometry, computeConvTransposeGeometry, rand, spatialSize, type ConvGeometry,
} from '../../src/index.js';
import { referenceKernels, tapInputPosition } from '../../src/kernels/reference/conv-reference.js';
import { jsKernels } from '../../src/kernels/js/js-kernels.js';
import { buildTapRows } from '../../src/kernels/js/tap-rows.js';
import { relativeError } from './pool-helpers.js';

/**
 * The js kernels (per-tap GEMM over valid rows, direct depthwise) sum in a different order from the reference loops, so they agree to float32
 * rounding: max |js − reference| ≤ 1e-5 · max(1, max|reference|) per output buffer.
 */
const TOLERANCE = 1e-5;

/** Channel counts around the GEMM's 4×2 register tile (lanes − 1, lanes, lanes + 1, and twice that). */
const CHANNELS = [1, 3, 4, 5, 7, 8, 9];


/**
 * A random valid conv geometry with odd sizes, tile-edge channel counts, batch up to 3, implicit zero padding.
 * `depthwise` forces one input channel per group (the direct kernels) with 1–9 groups and any channel multiplier.
 */
function randomGeometry(rng: Random, transposed: boolean, depthwise = false): ConvGeometry {
  for (;;) {
    const rank = 1 + rng.int(3);
    const groups = depthwise ? 1 + rng.int(9) : 1 + rng.int(2);
    const cig = depthwise ? 1 : CHANNELS[rng.int(CHANNELS.length)], cog = CHANNELS[rng.int(CHANNELS.length)];
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
  const forward = relativeError(jsKernels.convForward(g, x, w, bias), referenceKernels.convForward(g, x, w, bias));
  assert.ok(forward <= TOLERANCE, `forward ${forward} ${what}`);
  const unbiased = relativeError(jsKernels.convForward(g, x, w, null), referenceKernels.convForward(g, x, w, null));
  assert.ok(unbiased <= TOLERANCE, `forward without bias ${unbiased} ${what}`);
  const input = relativeError(jsKernels.convBackwardInput(g, dy, w), referenceKernels.convBackwardInput(g, dy, w));
  assert.ok(input <= TOLERANCE, `backward input ${input} ${what}`);
  const weight = relativeError(jsKernels.convBackwardWeight(g, x, dy), referenceKernels.convBackwardWeight(g, x, dy));
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

  it('on 150 random depthwise geometries (groups = Cin, channel multiplier 1–9), forward and both gradients', () => {
    const rng = new Random(77);
    for (let i = 0; i < 150; i++) compareKernels(randomGeometry(rng, false, true), 10 * i + 3);
  });

  it('on depthwise 3×3 and 3×3×3 layers large enough for the nine-tap fused forward (multiplier 2, strides 1 and 2)', () => {
    const layers = [
      computeConvGeometry('conv', [2, 6, 11, 13], [12, 1, 3, 3], { dilation: 2, padding: 2, groups: 6 }),
      computeConvGeometry('conv', [1, 5, 13, 12], [5, 1, 3, 3], { stride: [1, 2], dilation: [3, 1], padding: [3, 2], groups: 5 }),
      computeConvGeometry('conv', [1, 3, 7, 9, 11], [3, 1, 3, 3, 3], { dilation: [1, 2, 3], padding: [0, 2, 3], groups: 3 }),
    ];
    layers.forEach((g, i) => compareKernels(g, 500 + 10 * i));
  });

  it('on a 256-channel ASPP-like layer where whole taps land in the padding (3×3, d=12, pad 12, 11×11)', () => {
    const g = computeConvGeometry('conv', [1, 256, 11, 11], [9, 256, 3, 3], { dilation: 12, padding: 12 });
    compareKernels(g, 77);
  });

  it('walks tap rows that name exactly the input positions of the reference\'s tapInputPosition', () => {
    const rng = new Random(9);
    for (let i = 0; i < 60; i++) {
      const g = randomGeometry(rng, i % 3 === 0);
      const rows = buildTapRows(g);
      const T = spatialSize(g.kernelSize), P = spatialSize(g.outSize);
      const expected = new Map<string, number>();
      for (let t = 0; t < T; t++) {
        for (let p = 0; p < P; p++) {
          const position = tapInputPosition(g, p, t);
          if (position >= 0) expected.set(`${t},${p}`, position);
        }
      }
      const walked = new Set<string>();
      for (let lead = 0; lead < rows.leadTaps; lead++) {
        for (let k = 0; k < rows.lastTaps; k++) {
          const t = lead * rows.lastTaps + k;
          for (let r = rows.first[lead]; r < rows.first[lead + 1]; r++) {
            for (let o = rows.lo[k]; o < rows.hi[k]; o++) {
              const p = rows.outRow[r] + o;
              assert.ok(!walked.has(`${t},${p}`), `tap ${t}, output ${p} walked twice`);
              walked.add(`${t},${p}`);
              assert.equal(rows.inRow[r] + o * rows.step + k * rows.dilation, expected.get(`${t},${p}`), `tap ${t}, output ${p}`);
            }
          }
        }
      }
      assert.equal(walked.size, expected.size, 'every position a tap reads is walked');
    }
  });
});
