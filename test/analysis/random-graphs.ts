import { GraphBuilder, type Graph } from '../../src/analysis/graph.js';
import { Random } from '../../src/tensor/random.js';

/**
 * Random analysable graphs for the property tests: chains of convolutions, pools, pads, crops, slices and
 * pass-through nodes with integer strides, and residual/ASPP-like branches that meet at one stride (their
 * centres may differ); with `fractional`, also resizes by whole and rational factors in every coordinate mode
 * and (strided) transposed convolutions. Every graph
 * is valid for any input size, since the analysis never needs one.
 */
export function randomGraph(rng: Random, rank: number, options: { branches?: boolean; layers?: number; fractional?: boolean } = {}): Graph {
  const b = new GraphBuilder({ rank });
  let x = b.input;
  const layers = options.layers ?? 1 + rng.int(6);
  for (let l = 0; l < layers; l++) {
    const choice = rng.int(options.branches === false ? 7 : 9);
    if (options.fractional && rng.int(4) === 0) {
      x = rng.int(2)
        ? b.upsample(x, {
          factor: Array.from({ length: rank }, () => FACTORS[rng.int(FACTORS.length)]), mode: rng.int(2) ? 'nearest' : 'linear',
          coordinate: COORDINATES[rng.int(COORDINATES.length)], nearestMode: NEAREST[rng.int(NEAREST.length)],
        })
        : b.convTranspose(x, { kernel: dims(rng, rank, 1, 4), stride: dims(rng, rank, 1, 3), dilation: dims(rng, rank, 1, 2), padding: dims(rng, rank, 0, 2) });
    } else if (choice <= 2) x = b.conv(x, { kernel: dims(rng, rank, 1, 4), stride: dims(rng, rank, 1, 2), dilation: dims(rng, rank, 1, 3), padding: dims(rng, rank, 0, 3) });
    else if (choice === 3) x = b.pool(x, rng.int(2) ? 'maxPool' : 'avgPool', { kernel: dims(rng, rank, 1, 3), stride: dims(rng, rank, 1, 2), padding: 0 });
    else if (choice === 4) x = b.pad(x, Array.from({ length: rank }, () => [rng.int(5) - 2, rng.int(5) - 2] as [number, number]));
    else if (choice === 5) x = b.slice(x, { start: dims(rng, rank, 0, 2), step: dims(rng, rank, 1, 2) });
    else if (choice === 6) x = b.elementwise(x, 'relu');
    else {
      // Branches at stride 1 with different kernels, dilations and paddings, summed or concatenated.
      const count = 2 + rng.int(2);
      const arms: string[] = [];
      for (let a = 0; a < count; a++) {
        let arm = x;
        for (let depth = rng.int(3); depth > 0; depth--) {
          arm = b.conv(arm, { kernel: dims(rng, rank, 1, 3), dilation: dims(rng, rank, 1, 4), padding: dims(rng, rank, 0, 4) });
        }
        arms.push(arm);
      }
      x = b.merge(arms, choice === 7 ? 'add' : 'concat');
    }
  }
  return b.build();
}

/** Resize factors: whole, rational (3/2, 5/2, 4/3, 5/3) and downsampling; small periods keep the checks short. */
const FACTORS = [1, 2, 3, 1.5, 2.5, 4 / 3, 5 / 3, 0.5];
const COORDINATES = ['half_pixel', 'asymmetric', 'pytorch_half_pixel', 'tf_half_pixel_for_nearest'] as const;
const NEAREST = ['floor', 'ceil', 'round_prefer_floor', 'round_prefer_ceil'] as const;

function dims(rng: Random, rank: number, lo: number, hi: number): number[] {
  return Array.from({ length: rank }, () => lo + rng.int(hi - lo + 1));
}
