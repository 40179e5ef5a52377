import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GifReader } from 'omggif';
import { coverage } from '../../src/analysis/coverage.js';
import { convStack } from '../../src/analysis/graph.js';
import { computeConvGeometry, inputIndex, type Padding } from '../../src/geometry/index.js';
import { OptionError, ShapeError } from '../../src/errors.js';
import { dilationGrowthFrames } from '../../src/viz/animations/dilation-growth.js';
import { slidingKernelFrames } from '../../src/viz/animations/sliding-kernel.js';
import { stackGrowthFrames } from '../../src/viz/animations/stack-growth.js';
import { encodeGif } from '../../src/viz/gif.js';
import { elementsWithClass, parseSvg } from './helpers.js';

describe('the sliding dilated kernel (conv_arithmetic style)', () => {
  const cases: { inSize: number[]; kernel: number[]; stride?: number; padding?: Padding; dilation?: number }[] = [
    { inSize: [7, 7], kernel: [3, 3], dilation: 2 },
    { inSize: [5, 6], kernel: [3, 2], stride: 2, padding: 1, dilation: 2 },
    { inSize: [9], kernel: [3], dilation: 3, padding: 'same' },
    { inSize: [8], kernel: [2], dilation: 2, padding: 'causal', stride: 2 },
  ];

  it('draws one frame per output position', () => {
    for (const c of cases) {
      const g = computeConvGeometry('test', [1, 1, ...c.inSize], [1, 1, ...c.kernel], c);
      assert.equal(slidingKernelFrames(c).length, g.outSize.reduce((a, b) => a * b, 1), JSON.stringify(c));
    }
  });

  it('highlights exactly the input cells the taps read (inputIndex), padding included', () => {
    const c = cases[1];
    const g = computeConvGeometry('test', [1, 1, ...c.inSize], [1, 1, ...c.kernel], c);
    const frames = slidingKernelFrames(c);
    const cell = Number(elementsWithClass(frames[0].svg, 'rect', 'input')[0].width);
    const drawn = ['input', 'padding', 'tap'].flatMap((c) => elementsWithClass(frames[0].svg, 'rect', c));
    const origin = { x: Math.min(...drawn.map((r) => Number(r.x))), y: Math.min(...drawn.map((r) => Number(r.y))) };
    frames.forEach((frame, o) => {
      const [oy, ox] = [Math.floor(o / g.outSize[1]), o % g.outSize[1]];
      const expected: string[] = [];
      for (let ty = 0; ty < g.kernelSize[0]; ty++) {
        for (let tx = 0; tx < g.kernelSize[1]; tx++) {
          expected.push(`${inputIndex(oy, ty, g.stride[0], g.padBefore[0], g.dilation[0])},${inputIndex(ox, tx, g.stride[1], g.padBefore[1], g.dilation[1])}`);
        }
      }
      const taps = elementsWithClass(frame.svg, 'rect', 'tap').map((t) => {
        const row = Math.round((Number(t.y) - Number(origin.y)) / cell) - g.padBefore[0];
        const col = Math.round((Number(t.x) - Number(origin.x)) / cell) - g.padBefore[1];
        return `${row},${col}`;
      });
      assert.deepEqual(taps.sort(), expected.sort(), `frame ${o}`);
      assert.equal(elementsWithClass(frame.svg, 'rect', 'output-filled').length, o + 1);
    });
  });

  it('encodes a GIF whose decoded frame count is the number of output positions', () => {
    const c = { inSize: [7, 6], kernel: [3, 3], dilation: 2, padding: 1, stride: 2 };
    const frames = slidingKernelFrames(c);
    const gif = new GifReader(Buffer.from(encodeGif(frames)));
    assert.equal(gif.numFrames(), 3 * 2, 'outputs ⌊(7+2−5)/2⌋+1 = 3 by ⌊(6+2−5)/2⌋+1 = 2');
    const { width, height } = parseSvg(frames[0].svg);
    assert.equal(gif.width, width);
    assert.equal(gif.height, height);
    assert.equal(gif.frameInfo(0).delay, 60, 'GIF delays are in hundredths of a second');
  });

  it('refuses a kernel wider than the padded input with the geometry\'s typed error', () => {
    assert.throws(() => slidingKernelFrames({ inSize: [3, 3], kernel: [3, 3], dilation: 2 }), ShapeError);
    assert.throws(() => slidingKernelFrames({ inSize: [2, 2, 2], kernel: [1, 1, 1] }), OptionError);
  });
});

describe('seed 000\'s dilation growth', () => {
  it('draws k² taps spanning d(k−1)+1 for d = 1…4', () => {
    const frames = dilationGrowthFrames();
    assert.equal(frames.length, 4);
    frames.forEach((frame, f) => {
      assert.equal(elementsWithClass(frame.svg, 'rect', 'tap').length, 9);
      assert.match(frame.svg, new RegExp(`span ${2 * (f + 1) + 1}×${2 * (f + 1) + 1}`));
    });
    assert.equal(new GifReader(Buffer.from(encodeGif(frames))).numFrames(), 4);
  });
});

describe('a stack\'s receptive field layer by layer', () => {
  it('adds one row per layer with the analysis\'s holes', () => {
    const dilations = [1, 4, 8];
    const graph = convStack({ kernel: 3, dilations });
    const layers = dilations.map((d, i) => ({ label: `d=${d}`, multiplicity: coverage(graph, { node: graph.nodes[i + 1].name }).multiplicity }));
    const frames = stackGrowthFrames({ layers, description: 'kernel 3' });
    assert.equal(frames.length, 3);
    frames.forEach((frame, f) => {
      const expectedHoles = layers.slice(0, f + 1).reduce((n, l) => n + l.multiplicity.filter((m) => m === 0).length, 0);
      assert.equal(elementsWithClass(frame.svg, 'rect', 'hole').length, expectedHoles);
      assert.equal(elementsWithClass(frame.svg, 'g', 'layer-row').length, f + 1);
    });
    assert.match(frames[2].svg, new RegExp(`RF 27, ${coverage(graph).holes} holes`));
  });
});

describe('animation limits', () => {
  it('refuses more frames than can be watched instead of exhausting memory', () => {
    assert.throws(() => slidingKernelFrames({ inSize: [30, 30], kernel: [3, 3], padding: 1 }), (e: unknown) =>
      e instanceof OptionError && /900 output positions/.test(e.message));
  });
});
