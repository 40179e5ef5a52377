import type { ConvGeometry } from '../../geometry/conv-geometry.js';
import { spatialSize } from '../../geometry/conv-geometry.js';
import { versionOf } from '../../tensor/version.js';

/** Panels of four rows needed for M rows (the last one zero-padded). */
export function panelCount(rows: number): number {
  return Math.ceil(rows / 4);
}

/**
 * The per-tap weight matrices of a conv, packed for `gemm4x2Strided`: for each group and tap t, the matrix
 * W_t[Cog, Cig] (or its transpose W_tᵀ[Cig, Cog] when `transposed`, for the input gradient) cut into panels of
 * four rows, each stored column by column: panel p holds rows 4p .. 4p+3 as `[k][4]`, zeros past the last row.
 *
 * Layout: `[groups][T][panelCount(M)][K][4]` with M, K = Cog, Cig (or Cig, Cog).
 */
export function packTapPanels(g: ConvGeometry, w: Float32Array, transposed: boolean): Float32Array {
  const Cig = g.inChannels / g.groups, Cog = g.outChannels / g.groups;
  const T = spatialSize(g.kernelSize);
  const M = transposed ? Cig : Cog, K = transposed ? Cog : Cig;
  const panels = panelCount(M);
  const packed = new Float32Array(g.groups * T * panels * K * 4);
  for (let group = 0; group < g.groups; group++) {
    for (let co = 0; co < Cog; co++) {
      for (let ci = 0; ci < Cig; ci++) {
        const source = ((group * Cog + co) * Cig + ci) * T;
        const row = transposed ? ci : co, k = transposed ? co : ci;
        const panel = row >> 2, lane = row & 3;
        for (let t = 0; t < T; t++) {
          packed[(((group * T + t) * panels + panel) * K + k) * 4 + lane] = w[source + t];
        }
      }
    }
  }
  return packed;
}

const cache = new WeakMap<Float32Array, { key: string; version: number; packed: Float32Array }[]>();

/**
 * {@link packTapPanels}, reused while the weights' version counter holds (module parameters: every optimizer step
 * and `loadStateDict` bumps it), an O(1) check. Arrays without a version are packed on every call.
 */
export function cachedTapPanels(g: ConvGeometry, w: Float32Array, transposed: boolean): Float32Array {
  const version = versionOf(w);
  if (version === undefined) return packTapPanels(g, w, transposed);
  const key = `${transposed}:${g.groups}:${g.inChannels}:${g.outChannels}:${g.kernelSize.join('x')}`;
  const entries = cache.get(w) ?? [];
  const hit = entries.find((e) => e.key === key);
  if (hit && hit.version === version) return hit.packed;
  const packed = packTapPanels(g, w, transposed);
  cache.set(w, [{ key, version, packed }, ...entries.filter((e) => e.key !== key)]);
  return packed;
}
