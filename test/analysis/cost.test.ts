import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { graphCost } from '../../src/analysis/cost.js';
import { GraphBuilder } from '../../src/analysis/graph.js';
import { receptiveField } from '../../src/analysis/receptive-field.js';

describe('cost: parameters, MACs and activation memory', () => {
  it('counts 1,968,128 weights for a 31×31 kernel from 32 to 64 channels and 18,432 for 3×3 at d=15 (seed 001)', () => {
    const wide = new GraphBuilder({ rank: 2, channels: 32, size: [64, 64] });
    wide.conv(wide.input, { kernel: 31, padding: 15, outChannels: 64 });
    const dilated = new GraphBuilder({ rank: 2, channels: 32, size: [64, 64] });
    dilated.conv(dilated.input, { kernel: 3, dilation: 15, padding: 15, outChannels: 64 });
    assert.equal(graphCost(wide.build()).params, 1_968_128);
    assert.equal(graphCost(dilated.build()).params, 18_432);
    assert.deepEqual(receptiveField(wide.build()).output.rf, receptiveField(dilated.build()).output.rf);
  });

  it('counts seed 001\'s biased 64→128 convolutions: 73,856 at 3×3 d=2 and 204,928 at 5×5', () => {
    for (const [kernel, dilation, params] of [[3, 2, 73_856], [5, 1, 204_928]]) {
      const b = new GraphBuilder({ rank: 2, channels: 64, size: [56, 56] });
      b.conv(b.input, { kernel, dilation, padding: 2, outChannels: 128, bias: true });
      const cost = graphCost(b.build());
      assert.equal(cost.params, params);
      assert.equal(cost.layers[1].activationBytes, 128 * 56 * 56 * 4);
    }
  });

  it('conv → pool → conv reaches 8, conv → dilated conv 7 at 4× the second layer\'s MACs', () => {
    const pooled = new GraphBuilder({ rank: 2, channels: 32, size: [64, 64] });
    let x = pooled.conv(pooled.input, { kernel: 3, padding: 1, outChannels: 32 });
    x = pooled.pool(x, 'maxPool', { kernel: 2 });
    pooled.conv(x, { kernel: 3, padding: 1, outChannels: 32 });
    const dilated = new GraphBuilder({ rank: 2, channels: 32, size: [64, 64] });
    const y = dilated.conv(dilated.input, { kernel: 3, padding: 1, outChannels: 32 });
    dilated.conv(y, { kernel: 3, dilation: 2, padding: 2, outChannels: 32 });
    assert.deepEqual(receptiveField(pooled.build()).output.rf, [8, 8]);
    assert.deepEqual(receptiveField(dilated.build()).output.rf, [7, 7]);
    const a = graphCost(pooled.build());
    const b = graphCost(dilated.build());
    assert.equal(b.layers[2].macs! / a.layers[3].macs!, 4);
    assert.equal(a.layers[1].macs, 32 * 32 * 9 * 64 * 64);
    assert.equal(a.layers[2].macs, 0);
  });

  it('counts grouped, transposed and fully connected layers, and flags unknown shapes', () => {
    const b = new GraphBuilder({ rank: 2, channels: 8, size: [16, 16] });
    let x = b.conv(b.input, { kernel: 3, padding: 1, groups: 8, outChannels: 8 });
    x = b.convTranspose(x, { kernel: 4, stride: 2, padding: 1, outChannels: 4 });
    x = b.global(x, 'globalPool');
    b.global(x, 'fullyConnected', { outFeatures: 10 });
    const cost = graphCost(b.build());
    assert.deepEqual(cost.layers.map((l) => l.params), [0, 8 * 9, 8 * 4 * 16, 0, 4 * 10 + 10]);
    assert.equal(cost.layers[2].macs, 8 * 4 * 16 * 16 * 16);
    assert.equal(cost.complete, true);
    const unknown = new GraphBuilder({ rank: 1 });
    unknown.conv(unknown.input, { kernel: 3 });
    assert.equal(graphCost(unknown.build()).complete, false);
  });
});
