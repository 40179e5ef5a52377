import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rand } from '../../src/index.js';
import { gemmNN, gemmNT, gemmTN } from '../../src/kernels/js/gemm.js';

/** Blocked and naive products sum in different orders: |blocked − naive| ≤ 1e-5 · max(1, max|naive|). */
const TOLERANCE = 1e-5;

/** Sizes at the edges of the 4-row unroll, the 128-deep and the 512-wide blocks. */
const ROWS = [1, 3, 4, 5, 8, 9];
const COLUMNS = [1, 7, 511, 512, 513];
const DEPTHS = [1, 127, 128, 129, 300];

type Gemm = typeof gemmNN;

/**
 * C[M×N] (inside a larger buffer with leading dimension ldc and an offset) += op(A)·op(B), by the plain triple loop.
 * `aAt(i, k)` and `bAt(k, j)` read A and B however they are laid out.
 */
function naive(M: number, N: number, K: number, aAt: (i: number, k: number) => number, bAt: (k: number, j: number) => number, C: Float32Array, cOffset: number, ldc: number): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += aAt(i, k) * bAt(k, j);
      C[cOffset + i * ldc + j] += s;
    }
  }
}

function check(name: string, gemm: Gemm, transposeA: boolean, transposeB: boolean): void {
  let seed = 1;
  for (const M of ROWS) {
    for (const N of COLUMNS) {
      for (const K of DEPTHS) {
        if (M * N * K > 2e6) continue;
        // Offsets and leading dimensions larger than the matrix, as the conv kernels pass them.
        const aOffset = 3, bOffset = 5, cOffset = 2;
        const lda = (transposeA ? M : K) + 2, ldb = (transposeB ? K : N) + 1, ldc = N + 3;
        const A = rand([aOffset + (transposeA ? K : M) * lda], seed++, -1, 1).data;
        const B = rand([bOffset + (transposeB ? N : K) * ldb], seed++, -1, 1).data;
        const C = rand([cOffset + M * ldc], seed++, -1, 1).data;
        const expected = C.slice();
        naive(M, N, K,
          (i, k) => A[aOffset + (transposeA ? k * lda + i : i * lda + k)],
          (k, j) => B[bOffset + (transposeB ? j * ldb + k : k * ldb + j)], expected, cOffset, ldc);
        gemm(M, N, K, A, aOffset, lda, B, bOffset, ldb, C, cOffset, ldc);
        let scale = 1, worst = 0;
        for (const v of expected) scale = Math.max(scale, Math.abs(v));
        for (let i = 0; i < C.length; i++) worst = Math.max(worst, Math.abs(C[i] - expected[i]));
        assert.ok(worst / scale <= TOLERANCE, `${name} M=${M} N=${N} K=${K}: error ${worst / scale}`);
      }
    }
  }
}

describe('the blocked GEMMs accumulate exactly the naive product into C, leaving the rest of the buffer alone', () => {
  it('gemmNN: C += A·B at tile edges', () => check('gemmNN', gemmNN, false, false));
  it('gemmNT: C += A·Bᵀ at tile edges', () => check('gemmNT', gemmNT, false, true));
  it('gemmTN: C += Aᵀ·B at tile edges', () => check('gemmTN', gemmTN, true, false));
});
