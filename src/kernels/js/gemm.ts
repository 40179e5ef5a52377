/**
 * Single-precision matrix products on row-major buffers with explicit offsets and leading dimensions, blocked
 * for cache and unrolled over four rows of C so each row of B is loaded once per four multiply-adds.
 * Both accumulate into C (C += ...); callers zero or pre-fill C.
 */

const COLUMN_BLOCK = 512;
const DEPTH_BLOCK = 128;

/** C[M×N] += A[M×K] · B[K×N]. */
export function gemmNN(
  M: number, N: number, K: number,
  A: Float32Array, aOffset: number, lda: number,
  B: Float32Array, bOffset: number, ldb: number,
  C: Float32Array, cOffset: number, ldc: number,
): void {
  for (let j0 = 0; j0 < N; j0 += COLUMN_BLOCK) {
    const j1 = Math.min(N, j0 + COLUMN_BLOCK);
    for (let k0 = 0; k0 < K; k0 += DEPTH_BLOCK) {
      const k1 = Math.min(K, k0 + DEPTH_BLOCK);
      let i = 0;
      for (; i + 4 <= M; i += 4) {
        const c0 = cOffset + i * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        const a0 = aOffset + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (let k = k0; k < k1; k++) {
          const w0 = A[a0 + k], w1 = A[a1 + k], w2 = A[a2 + k], w3 = A[a3 + k];
          const b = bOffset + k * ldb;
          for (let j = j0; j < j1; j++) {
            const v = B[b + j];
            C[c0 + j] += w0 * v;
            C[c1 + j] += w1 * v;
            C[c2 + j] += w2 * v;
            C[c3 + j] += w3 * v;
          }
        }
      }
      for (; i < M; i++) {
        const c = cOffset + i * ldc, a = aOffset + i * lda;
        for (let k = k0; k < k1; k++) {
          const w = A[a + k];
          const b = bOffset + k * ldb;
          for (let j = j0; j < j1; j++) C[c + j] += w * B[b + j];
        }
      }
    }
  }
}

/** C[M×N] += A[M×K] · B[N×K]ᵀ: dot products of rows, four columns of C at a time. */
export function gemmNT(
  M: number, N: number, K: number,
  A: Float32Array, aOffset: number, lda: number,
  B: Float32Array, bOffset: number, ldb: number,
  C: Float32Array, cOffset: number, ldc: number,
): void {
  for (let i = 0; i < M; i++) {
    const a = aOffset + i * lda, c = cOffset + i * ldc;
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      const b0 = bOffset + j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < K; k++) {
        const v = A[a + k];
        s0 += v * B[b0 + k];
        s1 += v * B[b1 + k];
        s2 += v * B[b2 + k];
        s3 += v * B[b3 + k];
      }
      C[c + j] += s0; C[c + j + 1] += s1; C[c + j + 2] += s2; C[c + j + 3] += s3;
    }
    for (; j < N; j++) {
      const b = bOffset + j * ldb;
      let s = 0;
      for (let k = 0; k < K; k++) s += A[a + k] * B[b + k];
      C[c + j] += s;
    }
  }
}

/** C[M×N] += A[K×M]ᵀ · B[K×N]. */
export function gemmTN(
  M: number, N: number, K: number,
  A: Float32Array, aOffset: number, lda: number,
  B: Float32Array, bOffset: number, ldb: number,
  C: Float32Array, cOffset: number, ldc: number,
): void {
  for (let k0 = 0; k0 < K; k0 += DEPTH_BLOCK) {
    const k1 = Math.min(K, k0 + DEPTH_BLOCK);
    let i = 0;
    for (; i + 4 <= M; i += 4) {
      const c0 = cOffset + i * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
      for (let k = k0; k < k1; k++) {
        const a = aOffset + k * lda + i;
        const w0 = A[a], w1 = A[a + 1], w2 = A[a + 2], w3 = A[a + 3];
        const b = bOffset + k * ldb;
        for (let j = 0; j < N; j++) {
          const v = B[b + j];
          C[c0 + j] += w0 * v;
          C[c1 + j] += w1 * v;
          C[c2 + j] += w2 * v;
          C[c3 + j] += w3 * v;
        }
      }
    }
    for (; i < M; i++) {
      const c = cOffset + i * ldc;
      for (let k = k0; k < k1; k++) {
        const w = A[aOffset + k * lda + i];
        const b = bOffset + k * ldb;
        for (let j = 0; j < N; j++) C[c + j] += w * B[b + j];
      }
    }
  }
}
