import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeGraph } from '../../src/analysis/analyze.js';
import { graphCost } from '../../src/analysis/cost.js';
import { GraphBuilder } from '../../src/analysis/graph.js';
import { AtrousError } from '../../src/errors.js';
import { Random } from '../../src/tensor/random.js';

const SEED = 4242;
const GRAPHS = 600;

/**
 * A random graph built to break the analysis: global nodes followed by broadcasts over a large grid (the
 * phase-multiplying crash), channel selections and constant channels, resizes by whole, rational, irrational
 * and extreme factors, unpooling, transposed convolutions, branches with mismatched channels, large inputs.
 */
function hostileGraph(rng: Random) {
  const rank = 1 + rng.int(3);
  const size = rng.int(3) ? Array.from({ length: rank }, () => [1, 7, 33, 2000][rng.int(4)]) : undefined;
  const b = new GraphBuilder({ rank, channels: 1 + rng.int(16), size });
  const live = [b.input];
  const pick = (): string => live[live.length - 1 - rng.int(Math.min(3, live.length))];
  const per = (lo: number, hi: number): number[] => Array.from({ length: rank }, () => lo + rng.int(hi - lo + 1));
  const factors = [2, 3, 1.5, 257 / 33, Math.PI, 0.5, 1e-3, 2000, 1 / 3, 65537 / 65536];
  for (let layer = 0, count = 3 + rng.int(25); layer < count; layer++) {
    const from = pick();
    let added: string;
    switch (rng.int(12)) {
      case 0: added = b.conv(from, { kernel: per(1, 3), stride: per(1, 2), dilation: per(1, 4), padding: rng.int(2) ? 'same' : per(0, 3), outChannels: 1 + rng.int(16) }); break;
      case 1: added = b.global(from, rng.int(2) ? 'globalPool' : 'fullyConnected', { outFeatures: 1 + rng.int(8) }); break;
      case 2: added = b.upsample(from, { factor: factors[rng.int(factors.length)], mode: rng.int(2) ? 'linear' : 'nearest', coordinate: rng.int(2) ? 'align_corners' : 'half_pixel' }); break;
      case 3: added = b.elementwise(from, 'Slice', undefined, 1 + rng.int(16)); break;
      case 4: added = b.merge([from, pick()], 'concat', undefined, { extraChannels: rng.int(8) }); break;
      case 5: added = b.merge([from, pick(), pick()], 'add'); break;
      case 6: added = b.maxUnpool(from, { kernel: per(1, 3), stride: per(1, 3) }); break;
      case 7: added = b.convTranspose(from, { kernel: per(1, 4), stride: per(1, 3), padding: per(0, 1), outChannels: 1 + rng.int(8) }); break;
      case 8: added = b.pad(from, per(-2, 2), undefined, rng.int(2) ? 1 + rng.int(16) : undefined); break;
      case 9: added = b.slice(from, { start: per(0, 2), step: per(1, 3), outChannels: rng.int(2) ? 1 + rng.int(4) : undefined }); break;
      case 10: added = b.pool(from, rng.int(2) ? 'maxPool' : 'avgPool', { kernel: per(1, 3), stride: per(1, 3), ceilMode: rng.int(2) === 1 }); break;
      default: added = b.elementwise(from, 'relu');
    }
    live.push(added);
  }
  return b.build();
}

describe('analysis fuzz (seeded): hostile random graphs', () => {
  it(`${GRAPHS} graphs with globals, broadcasts, channel ops and odd resizes analyse or fail with a typed error`, () => {
    const rng = new Random(SEED);
    const outcomes = { analysed: 0, refused: 0, bounded: 0, global: 0 };
    for (let i = 0; i < GRAPHS; i++) {
      try {
        const graph = hostileGraph(rng);
        const report = analyzeGraph(graph);
        graphCost(graph);
        for (const v of [...report.output.rf, ...report.output.stride, ...report.output.padding]) {
          assert.ok(v === null || Number.isFinite(v), `graph ${i}: non-finite field value ${v}`);
        }
        for (const layer of report.layers) assert.ok(layer.macs === null || Number.isFinite(layer.macs), `graph ${i}: ${layer.name} macs ${layer.macs}`);
        outcomes.analysed++;
        if (!report.output.exact) outcomes.bounded++;
        if (report.output.global) outcomes.global++;
      } catch (error) {
        assert.ok(error instanceof AtrousError, `graph ${i} threw ${(error as Error)?.stack}`);
        outcomes.refused++;
      }
    }
    console.log('analysis fuzz outcomes', outcomes);
    // The generator must exercise every outcome, or the test proves little.
    assert.ok(outcomes.analysed > 100 && outcomes.refused > 10 && outcomes.bounded > 0 && outcomes.global > 10, JSON.stringify(outcomes));
  });
});
