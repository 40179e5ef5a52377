import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OptionError, activationProbe, convStack, coverage } from '../../src/index.js';

describe('activationProbe', () => {
  it('an impulse through positive filters lights exactly the offsets the coverage map counts', () => {
    for (const dilations of [[2, 2, 2], [1, 2, 5], [1, 4, 8]]) {
      const { activation } = activationProbe({ dilations, image: 'impulse', size: 48 });
      const cover = coverage(convStack({ kernel: 3, dilations, rank: 2 }));
      const [h, w] = cover.size, top = 24 - (h >> 1), left = 24 - (w >> 1);
      for (let i = 0; i < h; i++) {
        for (let j = 0; j < w; j++) {
          const lit = activation.data[(top + i) * 48 + left + j] > 0;
          assert.equal(lit, cover.map[i * w + j] > 0, `dilations ${dilations}: offset (${i - (h >> 1)}, ${j - (w >> 1)})`);
        }
      }
    }
  });

  it('2,2,2 splits the outputs into lattices: all of an impulse on one, neighbours on noise uncorrelated', () => {
    const gridded = activationProbe({ dilations: [2, 2, 2], image: 'noise', size: 64 });
    const smooth = activationProbe({ dilations: [1, 2, 5], image: 'noise', size: 64 });
    assert.ok(Math.abs(gridded.neighbourCorrelation) < 0.15, `2,2,2: ${gridded.neighbourCorrelation}`);
    assert.ok(smooth.neighbourCorrelation > 0.6, `1,2,5: ${smooth.neighbourCorrelation}`);
    assert.equal(activationProbe({ dilations: [2, 2, 2], image: 'impulse' }).latticeShare, 1);
  });

  it('uses the same filters for the same seed and depth', () => {
    const a = activationProbe({ dilations: [2, 2, 2], image: 'lines', seed: 3 });
    const b = activationProbe({ dilations: [2, 2, 2], image: 'lines', seed: 3 });
    assert.deepEqual(a.activation.data, b.activation.data);
  });

  it('refuses what it cannot draw, naming the option', () => {
    for (const [options, argument] of [
      [{ dilations: [], image: 'noise' }, 'dilations'], [{ dilations: [0], image: 'noise' }, 'dilations'],
      [{ dilations: [2], image: 'photo' }, 'image'], [{ dilations: [2], image: 'noise', size: 1e6 }, 'size'],
      [{ dilations: [2], image: 'noise', seed: -1 }, 'seed'], [{ dilations: [2], image: 'noise', dilation: 2 }, 'dilation'],
    ] as const) {
      assert.throws(() => activationProbe(options as never), (e: unknown) => e instanceof OptionError && e.argument === argument);
    }
  });
});
