/**
 * Analysis benchmarks (issue 5's goals): a 200-layer graph analysed in < 50 ms, a 2-D coverage map for a
 * 2048×2048 receptive field in < 1 s. Run: `npx tsc -p . && node dist/bench/analysis.js`.
 * Prints median and spread over repeated runs; the graphs are fixed (no randomness), so runs compare.
 */
import { coverage } from '../src/analysis/coverage.js';
import { graphCost } from '../src/analysis/cost.js';
import { GraphBuilder, convStack, type Graph } from '../src/analysis/graph.js';
import { griddingVerdict } from '../src/analysis/gridding.js';
import { receptiveField } from '../src/analysis/receptive-field.js';
import { resolveGraph } from '../src/analysis/resolve.js';

function time(label: string, runs: number, fn: () => unknown): void {
  fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(runs / 2)];
  console.log(`${label.padEnd(64)} median ${median.toFixed(2).padStart(8)} ms   (min ${samples[0].toFixed(2)}, max ${samples[runs - 1].toFixed(2)})`);
}

/** A dilated residual network of `blocks` blocks (conv-bn-relu-conv-bn + identity, 5 nodes + add = 6 per block). */
function dilatedResNet(blocks: number): Graph {
  const b = new GraphBuilder({ rank: 2, channels: 64, size: [256, 256] });
  let x = b.conv(b.input, { kernel: 7, stride: 2, padding: 3, outChannels: 64 });
  const rates = [1, 2, 5];
  for (let i = 0; i < blocks; i++) {
    const d = rates[i % rates.length];
    let y = b.conv(x, { kernel: 3, dilation: d, padding: d, outChannels: 64 });
    y = b.elementwise(y, 'batchNorm');
    y = b.elementwise(y, 'relu');
    y = b.conv(y, { kernel: 3, dilation: d, padding: d, outChannels: 64 });
    y = b.elementwise(y, 'batchNorm');
    x = b.add([x, y]);
  }
  return b.build();
}

const deep = dilatedResNet(33);
console.log(`dilated ResNet: ${deep.nodes.length} nodes, output rf ${receptiveField(deep).output.rf.join('×')}`);
time('200-node graph: resolve + receptive field + alignment', 20, () => receptiveField(deep));
time('200-node graph: cost', 20, () => graphCost(deep));
time('200-node graph: resolve + receptive field + cost', 20, () => {
  const r = resolveGraph(deep);
  receptiveField(r);
  graphCost(r);
});

const chain200 = convStack({ kernel: 3, dilations: Array.from({ length: 200 }, (_, i) => [1, 2, 5][i % 3]), rank: 2 });
time('200-layer 2-D chain: receptive field', 20, () => receptiveField(chain200));
time(`200-layer 2-D chain: coverage map ${receptiveField(chain200).output.rf.join('×')}`, 5, () => coverage(chain200));

const wide = convStack({ kernel: 3, dilations: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1], rank: 2 });
time(`2-D coverage map, rf ${receptiveField(wide).output.rf.join('×')} (doubling stack)`, 5, () => coverage(wide));
time('  … with the gridding verdict and its cause', 5, () => griddingVerdict(wide));

const residualMap = deep;
time(`2-D coverage map of the 200-node dilated ResNet (rf ${receptiveField(residualMap).output.rf.join('×')}, dense)`, 3, () => coverage(residualMap));

const wave = convStack({ kernel: 2, dilations: Array.from({ length: 30 }, (_, i) => 2 ** (i % 10)) });
time('1-D coverage, WaveNet 3 × (1…512), k=2', 10, () => coverage(wave));
