import type { StagedGeometry } from './staged-geometry.js';

/**
 * Weights `[Cout, Cin/G, T]` packed for the 4×8 microkernel: blocks of 4 channels on the side the GEMM produces,
 * each tap's panel `[K][4]` contiguous so the kernel reads 4 consecutive floats per step (one splat per row).
 *
 *   forward          [G][⌈Cog/4⌉][T][Cig][4]   rows = output channels, K = input channels
 *   backward input   [G][⌈Cig/4⌉][T][Cog][4]   rows = input channels,  K = output channels
 *
 * Rows past the channel count are zero, so the kernel never needs a row remainder.
 */
export type PanelLayout = 'forward' | 'backward-input';

export function packPanels(s: StagedGeometry, w: Float32Array, layout: PanelLayout): Float32Array {
  const { G, Cig, Cog, T } = s;
  const rows = layout === 'forward' ? Cog : Cig;
  const K = layout === 'forward' ? Cig : Cog;
  const blocks = Math.ceil(rows / 4);
  const packed = new Float32Array(G * blocks * T * K * 4);
  for (let g = 0; g < G; g++) {
    for (let b = 0; b < blocks; b++) {
      for (let t = 0; t < T; t++) {
        const panel = ((g * blocks + b) * T + t) * K * 4;
        for (let k = 0; k < K; k++) {
          for (let r = 0; r < 4; r++) {
            const row = b * 4 + r;
            if (row >= rows) continue;
            const [co, ci] = layout === 'forward' ? [row, k] : [k, row];
            packed[panel + k * 4 + r] = w[((g * Cog + co) * Cig + ci) * T + t];
          }
        }
      }
    }
  }
  return packed;
}

interface CachedPanels {
  key: string;
  packed: Float32Array;
  /** The weights as they were when packed: a cached panel is reused only while the weights still equal it. */
  snapshot: Float32Array;
}

const cache = new WeakMap<Float32Array, CachedPanels[]>();

/**
 * Packed panels for `w`, packed once per (weight array, layout, grouping) and reused while the weights are
 * unchanged (checked word by word, so an optimizer updating `w` in place gets fresh panels on its next step).
 */
export function cachedPanels(s: StagedGeometry, w: Float32Array, layout: PanelLayout): Float32Array {
  const key = `${layout}:${s.G}:${s.Cig}:${s.Cog}:${s.T}`;
  const entries = cache.get(w) ?? [];
  const hit = entries.find((e) => e.key === key);
  if (hit && sameBits(hit.snapshot, w)) return hit.packed;
  const packed = packPanels(s, w, layout);
  const fresh: CachedPanels = { key, packed, snapshot: w.slice() };
  cache.set(w, [fresh, ...entries.filter((e) => e.key !== key)]);
  return packed;
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Int32Array(a.buffer, a.byteOffset, a.length);
  const y = new Int32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
