/** Issue 17, item 3: geometry numbers past 2^53 are refused by name, on every backend (before any kernel runs). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  OptionError, computeConvGeometry, computeConvTransposeGeometry, conv, listBackends, maxPool, ones, pad, ready, resolvePadding, setBackend, getBackend,
} from '../../src/index.js';

const dilationRefused = (e: unknown) => e instanceof OptionError && e.argument === 'dilation' && /past 2\^53 where positions stay exact/.test(e.message);

describe('geometry numbers must be safe integers', () => {
  it("dilation 2^52 with padding 'same' is refused by name on every backend", async () => {
    await ready();
    const before = getBackend();
    try {
      for (const backend of listBackends()) {
        setBackend(backend);
        assert.throws(() => conv(ones([1, 1, 9]), ones([1, 1, 3]), { dilation: 2 ** 52, padding: 'same' }), dilationRefused, backend);
      }
    } finally {
      setBackend(before);
    }
  });

  it('every padding rule and the pools refuse a span past 2^53', () => {
    for (const padding of ['same', 'causal', 'valid', 0] as const) {
      assert.throws(() => resolvePadding('conv', padding, { inSize: [9], kernelSize: [3], stride: [1], dilation: [2 ** 52] }), dilationRefused, String(padding));
    }
    assert.throws(() => maxPool(ones([1, 1, 9]), { kernel: 3, dilation: 2 ** 52, padding: 'same' }), dilationRefused);
  });

  it('unsafe strides, dilations and paddings are refused, naming the argument', () => {
    const refuses = (argument: string, fn: () => unknown) => assert.throws(fn, (e: unknown) => e instanceof OptionError && e.argument === argument, argument);
    refuses('stride', () => computeConvGeometry('conv', [1, 1, 9], [1, 1, 3], { stride: 2 ** 53 }));
    refuses('dilation', () => computeConvGeometry('conv', [1, 1, 9], [1, 1, 3], { dilation: 2 ** 53 + 2 }));
    refuses('padding', () => computeConvGeometry('conv', [1, 1, 9], [1, 1, 3], { padding: 2 ** 53 }));
    refuses('padding', () => computeConvGeometry('conv', [1, 1, 9], [1, 1, 3], { padding: [[2 ** 52, 2 ** 52]] }));
    refuses('stride', () => computeConvTransposeGeometry('convTranspose', [1, 1, 9], [1, 1, 3], { stride: 2 ** 50, padding: 2 ** 50 }));
    refuses('padding', () => pad(ones([1, 1, 1]), [[2 ** 53, 0]]));
  });

  it('the largest safe dilation still gives the reference geometry', () => {
    const g = computeConvGeometry('conv', [1, 1, 9], [1, 1, 3], { dilation: 2 ** 51, padding: 'same' });
    assert.deepEqual(g.outSize, [9]);
    assert.equal(g.padBefore[0] + g.padAfter[0], 2 ** 52);
  });
});
