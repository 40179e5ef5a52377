import type { ConvGeometry } from '../../geometry/conv-geometry.js';
import { spatialSize } from '../../geometry/conv-geometry.js';
import { tapValidRange } from '../../geometry/tap-valid-range.js';

/**
 * Where each kernel tap reads real input, as runs along the last spatial dimension, so that kernels walking them
 * never touch the zero padding and never test for it (`tapValidRange` per dimension).
 *
 * Taps are split as t = lead·lastTaps + k: `lead` indexes the taps of the leading dimensions, k the last one.
 * The output rows a lead tap reaches are `first[lead] .. first[lead+1]`; for row r and last-dimension tap k the
 * valid outputs are o ∈ [lo[k], hi[k]) and
 *   y[outRow[r] + o]  ⟷  x[inRow[r] + o·step + k·dilation]
 * `inRow` already holds the leading dimensions' stride, dilation and padding and the last one's padding, so it
 * may point before the row; only the valid o are ever added to it. Positions are float64 (exact to 2^53): a
 * padding or dilation past 2^31, or an output of more than 2^31 values, takes them out of int32 range.
 */
export interface TapRows {
  leadTaps: number;
  lastTaps: number;
  /** Rows of lead tap `lead` are `first[lead] .. first[lead+1]`; length leadTaps + 1. */
  first: Int32Array;
  /** Flat output position of each row's last-dimension index 0. */
  outRow: Float64Array;
  /** Flat input position that output index 0 of the row would read with last-dimension tap 0. */
  inRow: Float64Array;
  /** Valid outputs [lo[k], hi[k]) of last-dimension tap k (lo = hi when it never reads input). */
  lo: Float64Array;
  hi: Float64Array;
  /** Input distance between neighbouring outputs of a row: the last dimension's stride. */
  step: number;
  /** Input distance between neighbouring last-dimension taps. */
  dilation: number;
}

/**
 * The valid rows of every tap of `g`.
 *
 * @example buildTapRows(computeConvGeometry('conv', [1, 1, 5], [1, 1, 3], { dilation: 2, padding: 2 })).lo // [2, 0, 0]
 */
export function buildTapRows(g: ConvGeometry): TapRows {
  const rank = g.inSize.length, last = rank - 1;
  const lastTaps = g.kernelSize[last];
  const leadTaps = spatialSize(g.kernelSize) / lastTaps;
  const lo = new Float64Array(lastTaps), hi = new Float64Array(lastTaps);
  for (let k = 0; k < lastTaps; k++) {
    [lo[k], hi[k]] = tapValidRange(g.outSize[last], g.inSize[last], k, g.stride[last], g.padBefore[last], g.dilation[last]);
  }
  const first = new Int32Array(leadTaps + 1);
  const outRow: number[] = [], inRow: number[] = [];
  const tap = new Array<number>(last).fill(0);
  const from = new Array<number>(last), to = new Array<number>(last), at = new Array<number>(last);
  for (let lead = 0; lead < leadTaps; lead++) {
    first[lead] = outRow.length;
    let empty = false;
    for (let d = 0; d < last; d++) {
      [from[d], to[d]] = tapValidRange(g.outSize[d], g.inSize[d], tap[d], g.stride[d], g.padBefore[d], g.dilation[d]);
      if (from[d] >= to[d]) empty = true;
    }
    if (!empty) {
      for (let d = 0; d < last; d++) at[d] = from[d];
      do {
        let out = 0, input = 0;
        for (let d = 0; d < last; d++) {
          out = out * g.outSize[d] + at[d];
          input = input * g.inSize[d] + at[d] * g.stride[d] - g.padBefore[d] + tap[d] * g.dilation[d];
        }
        outRow.push(out * g.outSize[last]);
        inRow.push(input * g.inSize[last] - g.padBefore[last]);
      } while (advance(at, from, to));
    }
    advance(tap, new Array<number>(last).fill(0), g.kernelSize);
  }
  first[leadTaps] = outRow.length;
  return {
    leadTaps, lastTaps, first, outRow: Float64Array.from(outRow), inRow: Float64Array.from(inRow), lo, hi,
    step: g.stride[last], dilation: g.dilation[last],
  };
}

/** Next multi-index of the box `[from, to)`, last dimension fastest; false after the last one. */
function advance(at: number[], from: readonly number[], to: readonly number[]): boolean {
  for (let d = at.length - 1; d >= 0; d--) {
    if (++at[d] < to[d]) return true;
    at[d] = from[d];
  }
  return false;
}
