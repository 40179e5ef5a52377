/**
 * C[M×N] += A[M×K] · B[K×N] with A packed in panels of four rows (`tap-panels.ts`) and B, C addressed with a
 * column step, so B can be a strided input row and C a strided gradient row read and written in place.
 *
 * Register-blocked: a 4×2 tile of C lives in eight local accumulators through the whole K loop and is added to C
 * once, so each step loads four packed weights and two values of B for eight multiply-adds. Larger tiles measured
 * no faster on V8 (x64 has 16 float registers; 4×4 spills). Accumulation is in double precision.
 *
 * Element (i, j) of B is `B[bOffset + k·ldb + j·bStep]`, of C `C[cOffset + i·ldc + j·cStep]`.
 */
export function gemm4x2Strided(
  M: number, N: number, K: number,
  A: Float32Array, aOffset: number,
  B: Float32Array, bOffset: number, ldb: number, bStep: number,
  C: Float32Array, cOffset: number, ldc: number, cStep: number,
): void {
  for (let i = 0; i < M; i += 4) {
    const panel = aOffset + i * K;
    const rows = Math.min(4, M - i);
    const c0 = cOffset + i * ldc;
    let j = 0;
    for (; j + 2 <= N; j += 2) {
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
      let a = panel, b = bOffset + j * bStep;
      for (let k = 0; k < K; k++) {
        const a0 = A[a], a1 = A[a + 1], a2 = A[a + 2], a3 = A[a + 3];
        const b0 = B[b], b1 = B[b + bStep];
        s00 += a0 * b0; s01 += a0 * b1;
        s10 += a1 * b0; s11 += a1 * b1;
        s20 += a2 * b0; s21 += a2 * b1;
        s30 += a3 * b0; s31 += a3 * b1;
        a += 4;
        b += ldb;
      }
      const c = c0 + j * cStep;
      C[c] += s00; C[c + cStep] += s01;
      if (rows > 1) { C[c + ldc] += s10; C[c + ldc + cStep] += s11; }
      if (rows > 2) { C[c + 2 * ldc] += s20; C[c + 2 * ldc + cStep] += s21; }
      if (rows > 3) { C[c + 3 * ldc] += s30; C[c + 3 * ldc + cStep] += s31; }
    }
    if (j < N) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let a = panel, b = bOffset + j * bStep;
      for (let k = 0; k < K; k++) {
        const v = B[b];
        s0 += A[a] * v; s1 += A[a + 1] * v; s2 += A[a + 2] * v; s3 += A[a + 3] * v;
        a += 4;
        b += ldb;
      }
      const c = c0 + j * cStep;
      C[c] += s0;
      if (rows > 1) C[c + ldc] += s1;
      if (rows > 2) C[c + 2 * ldc] += s2;
      if (rows > 3) C[c + 3 * ldc] += s3;
    }
  }
}
