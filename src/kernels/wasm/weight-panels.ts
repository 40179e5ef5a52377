import { versionOf } from '../../tensor/version.js';
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
  /** The weights' version when packed (a tracked array: a module's parameter); the panel is current while it holds. */
  version: number | undefined;
  /** An untracked array's values when packed: the panel is reused only while the weights still equal them. */
  snapshot: Float32Array | null;
}

const cache = new WeakMap<Float32Array, CachedPanels[]>();

/**
 * Packed panels for `w`, packed once per (weight array, layout, grouping) and reused while the weights are
 * unchanged: for a parameter, while its version counter (bumped by every optimizer step and `loadStateDict`) is
 * the one packed, an O(1) check; for any other array, while it equals a snapshot word by word.
 */
export function cachedPanels(s: StagedGeometry, w: Float32Array, layout: PanelLayout): Float32Array {
  const key = `${layout}:${s.G}:${s.Cig}:${s.Cog}:${s.T}`;
  const entries = cache.get(w) ?? [];
  const hit = entries.find((e) => e.key === key);
  const version = versionOf(w);
  if (hit && (version !== undefined ? hit.version === version : hit.snapshot !== null && sameBits(hit.snapshot, w))) return hit.packed;
  const packed = packPanels(s, w, layout);
  const fresh: CachedPanels = { key, packed, version, snapshot: version === undefined ? w.slice() : null };
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
