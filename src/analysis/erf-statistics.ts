/** Summaries of an effective-receptive-field map: centred mass boxes (RepLKNet) and a moment-fitted Gaussian. */

/** The gradient-mass shares every ERF report gives. */
export const ERF_MASSES: readonly number[] = [0.2, 0.5, 0.9, 0.99];

/** The smallest centred box holding a share of the gradient mass. */
export interface MassShare {
  /** The share of the gradient mass, e.g. 0.5. */
  mass: number;
  /** Side of the centred box (cells per dimension). */
  extent: number;
  /** Box volume over the theoretical receptive field's volume (RepLKNet's "area ratio"). */
  share: number;
}

/**
 * The smallest centred box (same side in every dimension, clipped to the field) holding `mass` of a
 * normalized map over a field of size `rf`.
 *
 * @example massShare(Float64Array.of(0, 1, 0), [3], 0.5) // { mass: 0.5, extent: 1, share: 1/3 }
 */
export function massShare(map: Float64Array, rf: number[], mass: number): MassShare {
  const largest = Math.max(...rf);
  const volume = rf.reduce((a, b) => a * b, 1);
  for (let extent = 1; extent <= largest; extent++) {
    const box = rf.map((r) => Math.min(r, extent));
    if (boxMass(map, rf, box) >= mass - 1e-12) {
      return { mass, extent, share: box.reduce((a, b) => a * b, 1) / volume };
    }
  }
  return { mass, extent: largest, share: 1 };
}

/** Mass inside the centred box (a box of even side in an odd field leans to the start). */
function boxMass(map: Float64Array, rf: number[], box: number[]): number {
  const lo = rf.map((r, d) => Math.floor((r - box[d]) / 2));
  if (rf.length === 1) {
    let s = 0;
    for (let i = lo[0]; i < lo[0] + box[0]; i++) s += map[i];
    return s;
  }
  let s = 0;
  for (let i = lo[0]; i < lo[0] + box[0]; i++) {
    for (let j = lo[1]; j < lo[1] + box[1]; j++) s += map[i * rf[1] + j];
  }
  return s;
}

/**
 * Centre and standard deviation of each dimension's marginal of a normalized map, in cells.
 *
 * @example fitGaussian(Float64Array.of(0.25, 0.5, 0.25), [3]) // { mean: [1], sigma: [√0.5] }
 */
export function fitGaussian(map: Float64Array, rf: number[]): { mean: number[]; sigma: number[] } {
  const marginals = rf.map((r) => new Float64Array(r));
  const inner = rf.length === 2 ? rf[1] : 1;
  map.forEach((v, i) => {
    if (rf.length === 1) marginals[0][i] += v;
    else {
      marginals[0][Math.floor(i / inner)] += v;
      marginals[1][i % inner] += v;
    }
  });
  const mean = marginals.map((m) => m.reduce((acc, v, i) => acc + v * i, 0));
  const sigma = marginals.map((m, d) => Math.sqrt(m.reduce((acc, v, i) => acc + v * (i - mean[d]) ** 2, 0)));
  return { mean, sigma };
}
