import type { TapRows } from './tap-rows.js';

/**
 * The weight gradient of one kernel tap for one batch item and group, register-blocked like `gemm4x2Strided`:
 *   dW_t[co, ci] += Σ_rows Σ_o dy[co, yTap + outRow[r] + o] · x[ci, xTap + inRow[r] + o·step],  o < len
 * for co < M (stride `ldy` between channels of dy) and ci < N (stride `ldx` in x). A 4×2 tile of dW_t stays in
 * eight locals across every row of the tap, so each step loads four dy and two x values for eight multiply-adds.
 * Tile rows or columns past the edge of M or N re-read the tile's first one instead of testing in the inner loop,
 * and their sums are dropped.
 *
 * dW_t[co, ci] is `C[cOffset + co·ldc + ci·cStep]`.
 */
export function weightTile4x2(
  M: number, N: number, rows: TapRows, lead: number, len: number,
  dy: Float32Array, yTap: number, ldy: number,
  x: Float32Array, xTap: number, ldx: number,
  C: Float32Array, cOffset: number, ldc: number, cStep: number,
): void {
  const { first, outRow, inRow, step } = rows;
  const r0 = first[lead], r1 = first[lead + 1];
  for (let i = 0; i < M; i += 4) {
    const y0 = yTap + i * ldy;
    const y1 = i + 1 < M ? ldy : 0, y2 = i + 2 < M ? 2 * ldy : 0, y3 = i + 3 < M ? 3 * ldy : 0;
    for (let j = 0; j < N; j += 2) {
      const x0 = xTap + j * ldx, x1 = j + 1 < N ? ldx : 0;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
      for (let r = r0; r < r1; r++) {
        const yr = y0 + outRow[r], xr = x0 + inRow[r];
        for (let o = 0; o < len; o++) {
          const xi = xr + o * step, yi = yr + o;
          const v0 = x[xi], v1 = x[xi + x1];
          const d0 = dy[yi], d1 = dy[yi + y1], d2 = dy[yi + y2], d3 = dy[yi + y3];
          s00 += d0 * v0; s01 += d0 * v1;
          s10 += d1 * v0; s11 += d1 * v1;
          s20 += d2 * v0; s21 += d2 * v1;
          s30 += d3 * v0; s31 += d3 * v1;
        }
      }
      const c = cOffset + i * ldc + j * cStep;
      const second = j + 1 < N;
      C[c] += s00;
      if (second) C[c + cStep] += s01;
      if (i + 1 < M) { C[c + ldc] += s10; if (second) C[c + ldc + cStep] += s11; }
      if (i + 2 < M) { C[c + 2 * ldc] += s20; if (second) C[c + 2 * ldc + cStep] += s21; }
      if (i + 3 < M) { C[c + 3 * ldc] += s30; if (second) C[c + 3 * ldc + cStep] += s31; }
    }
  }
}
