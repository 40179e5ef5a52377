/**
 * Weight versions: every in-place update of a parameter (optimizer step, loadStateDict) bumps its version, and the
 * WASM packed-weight cache trusts the version alone — a hit never reads the weights (O(1)), which is why a write by
 * hand must be followed by `markUpdated`.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Adam, Conv1d, Random, backward, functional as F, getBackend, markUpdated, noGrad, randn, ready, setBackend, versionOf } from '../../src/index.js';

describe('weight versions', () => {
  before(async () => { await ready(); });

  it('a parameter starts at version 0; steps and loadStateDict bump it, frozen parameters keep theirs', () => {
    const conv = new Conv1d({ inChannels: 4, outChannels: 8, kernelSize: 3, random: new Random(1) });
    assert.equal(versionOf(conv.weight.data), 0);
    conv.bias!.requiresGrad = false;
    const optimizer = new Adam(conv.parameters());
    backward(F.sum(conv.forward(randn([1, 4, 10], 2))));
    optimizer.step();
    assert.equal(versionOf(conv.weight.data), 1);
    assert.equal(versionOf(conv.bias!.data), 0);
    conv.loadStateDict(conv.stateDict());
    assert.equal(versionOf(conv.weight.data), 2);
    assert.equal(versionOf(new Float32Array(3)), undefined);
  });

  for (const backend of ['wasm', 'js']) {
    it(`${backend}: a cache hit does not compare the weights; only a version bump repacks them`, () => {
      const previous = getBackend();
      setBackend(backend);
      try {
        const conv = new Conv1d({ inChannels: 8, outChannels: 8, kernelSize: 3, dilation: 2, bias: false, random: new Random(3) });
        const x = randn([1, 8, 16], 4);
        const before = noGrad(() => conv.forward(x)).data.slice();
        conv.weight.data.fill(0);
        assert.deepEqual(noGrad(() => conv.forward(x)).data, before, 'an unannounced write is not seen: the hit read no weights');
        markUpdated(conv.weight.data);
        assert.ok(noGrad(() => conv.forward(x)).data.every((v) => v === 0), 'after markUpdated the new weights are used');
      } finally {
        setBackend(previous);
      }
    });
  }
});
