/**
 * Fields too large to draw offset by offset are drawn in bins: runs of `b` neighbouring offsets, `b` odd, laid so
 * the output's own offset sits in the middle of the centre bin (edge bins may be shorter). Each bin keeps what an
 * honest picture needs: the smallest and largest value in it and how many of its offsets are holes.
 */

/** One bin along a dimension: input indices `[start, end)` of the field. */
export interface BinRange {
  start: number;
  end: number;
}

/**
 * Bins of one odd width `b` (1 when `n ≤ maxBins`) covering `0…n−1`, the bin around index `⌊n/2⌋` centred on it,
 * at most `maxBins` of them.
 *
 * @example centredBins(9, 3) // [{ start: 0, end: 3 }, { start: 3, end: 6 }, { start: 6, end: 9 }]
 */
export function centredBins(n: number, maxBins: number): BinRange[] {
  const centre = Math.floor(n / 2);
  for (let width = 1; ; width += 2) {
    const first = centre - (width - 1) / 2;
    const firstStart = first - Math.ceil(first / width) * width;
    const count = Math.ceil((n - firstStart) / width);
    if (count <= maxBins || width >= n) {
      const bins: BinRange[] = [];
      for (let start = firstStart; start < n; start += width) bins.push({ start: Math.max(0, start), end: Math.min(n, start + width) });
      return bins;
    }
  }
}

/** The numbers of one bin: extremes over all its offsets, extremes over the non-zero ones, zeros (holes). */
export interface BinSummary {
  /** Offsets in the bin. */
  size: number;
  min: number;
  max: number;
  /** Smallest non-zero value (0 when every offset is 0). */
  minNonZero: number;
  /** Offsets whose value is 0: gridding holes for path counts. */
  zeros: number;
}

/**
 * Summaries of a rows × cols grid over the given row and column bins, `[binRow][binCol]`.
 *
 * @example binGrid([[1, 0, 2]], [{ start: 0, end: 1 }], [{ start: 0, end: 3 }])[0][0] // { size: 3, min: 0, max: 2, minNonZero: 1, zeros: 1 }
 */
export function binGrid(grid: readonly (readonly number[])[], rowBins: readonly BinRange[], colBins: readonly BinRange[]): BinSummary[][] {
  return rowBins.map((rb) => colBins.map((cb) => {
    let min = Infinity;
    let max = -Infinity;
    let minNonZero = Infinity;
    let zeros = 0;
    for (let i = rb.start; i < rb.end; i++) {
      const row = grid[i];
      for (let j = cb.start; j < cb.end; j++) {
        const v = row[j];
        if (v < min) min = v;
        if (v > max) max = v;
        if (v === 0) zeros++;
        else if (v < minNonZero) minNonZero = v;
      }
    }
    return { size: (rb.end - rb.start) * (cb.end - cb.start), min, max, minNonZero: minNonZero === Infinity ? 0 : minNonZero, zeros };
  }));
}

/** `9` or `9×9`: the width of the widest bin, for labels. */
export function binWidth(bins: readonly BinRange[]): number {
  return Math.max(...bins.map((b) => b.end - b.start));
}
