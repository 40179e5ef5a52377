/**
 * f32 GEMM microkernels, C[4 × width] += A[K × 4]ᵀ · B[K × width], register blocked for 128-bit SIMD.
 *
 *   a        packed panel, 4 consecutive floats per k (one per row of C), read with load32_splat
 *   b        first B row; row k starts at b + k·bStride (bytes)
 *   c        first C row; row r starts at c + r·cStride (bytes)
 *
 * The 4×8 tile keeps 8 accumulators, 2 B vectors and 1 splat live: 11 of the 16 xmm registers V8 allocates, so
 * nothing spills (larger tiles did). The 4×4 and 4×1 variants finish a row whose width is not a multiple of 8.
 *
 * Accuracy: the accumulators start from zero for every block of K_BLOCK products and are added to C at its end,
 * so C collects one partial sum per (tap, k-block) instead of one rounding chain through every product of every
 * tap: on a 512→256 3×3 layer (4,608 products per output) that is 3–5× less error against float64, within 2× of
 * PyTorch float32's, for one extra load and add per accumulator per block.
 */
import { madd } from './madd';

/** Products summed in registers before they are added to C. */
const K_BLOCK = 64;

export function f32_gemm_4x8(a: usize, b: usize, bStride: usize, K: i32, c: usize, cStride: usize): void {
  const c1 = c + cStride, c2 = c1 + cStride, c3 = c2 + cStride;
  for (let k0 = 0; k0 < K; k0 += K_BLOCK) {
    const kEnd = min(K, k0 + K_BLOCK);
    let acc00 = f32x4.splat(0), acc01 = f32x4.splat(0), acc10 = f32x4.splat(0), acc11 = f32x4.splat(0);
    let acc20 = f32x4.splat(0), acc21 = f32x4.splat(0), acc30 = f32x4.splat(0), acc31 = f32x4.splat(0);
    for (let k = k0; k < kEnd; k++) {
      const b0 = v128.load(b), b1 = v128.load(b, 16);
      const a0 = v128.load32_splat(a);
      acc00 = madd(a0, b0, acc00); acc01 = madd(a0, b1, acc01);
      const a1 = v128.load32_splat(a, 4);
      acc10 = madd(a1, b0, acc10); acc11 = madd(a1, b1, acc11);
      const a2 = v128.load32_splat(a, 8);
      acc20 = madd(a2, b0, acc20); acc21 = madd(a2, b1, acc21);
      const a3 = v128.load32_splat(a, 12);
      acc30 = madd(a3, b0, acc30); acc31 = madd(a3, b1, acc31);
      a += 16;
      b += bStride;
    }
    v128.store(c, f32x4.add(v128.load(c), acc00)); v128.store(c, f32x4.add(v128.load(c, 16), acc01), 16);
    v128.store(c1, f32x4.add(v128.load(c1), acc10)); v128.store(c1, f32x4.add(v128.load(c1, 16), acc11), 16);
    v128.store(c2, f32x4.add(v128.load(c2), acc20)); v128.store(c2, f32x4.add(v128.load(c2, 16), acc21), 16);
    v128.store(c3, f32x4.add(v128.load(c3), acc30)); v128.store(c3, f32x4.add(v128.load(c3, 16), acc31), 16);
  }
}

export function f32_gemm_4x4(a: usize, b: usize, bStride: usize, K: i32, c: usize, cStride: usize): void {
  const c1 = c + cStride, c2 = c1 + cStride, c3 = c2 + cStride;
  for (let k0 = 0; k0 < K; k0 += K_BLOCK) {
    const kEnd = min(K, k0 + K_BLOCK);
    let acc0 = f32x4.splat(0), acc1 = f32x4.splat(0), acc2 = f32x4.splat(0), acc3 = f32x4.splat(0);
    for (let k = k0; k < kEnd; k++) {
      const b0 = v128.load(b);
      acc0 = madd(v128.load32_splat(a), b0, acc0);
      acc1 = madd(v128.load32_splat(a, 4), b0, acc1);
      acc2 = madd(v128.load32_splat(a, 8), b0, acc2);
      acc3 = madd(v128.load32_splat(a, 12), b0, acc3);
      a += 16;
      b += bStride;
    }
    v128.store(c, f32x4.add(v128.load(c), acc0)); v128.store(c1, f32x4.add(v128.load(c1), acc1));
    v128.store(c2, f32x4.add(v128.load(c2), acc2)); v128.store(c3, f32x4.add(v128.load(c3), acc3));
  }
}

/**
 * One column: the 4 rows of C form one vector, multiplied by a splat of the B element. Four accumulators over
 * consecutive k break the add's latency chain (one chain would cost 4 cycles per step, 4× the 4×8 tile's rate per
 * column: 10% of DeepLabV3-ResNet50's time, whose 33-wide rows end in a 1-column tail).
 */
export function f32_gemm_4x1(a: usize, b: usize, bStride: usize, K: i32, c: usize, cStride: usize): void {
  for (let k0 = 0; k0 < K; k0 += K_BLOCK) {
    const kEnd = min(K, k0 + K_BLOCK);
    let acc0 = f32x4.splat(0), acc1 = f32x4.splat(0), acc2 = f32x4.splat(0), acc3 = f32x4.splat(0);
    let k = k0;
    for (; k + 4 <= kEnd; k += 4) {
      acc0 = madd(v128.load(a), v128.load32_splat(b), acc0);
      acc1 = madd(v128.load(a, 16), v128.load32_splat(b + bStride), acc1);
      acc2 = madd(v128.load(a, 32), v128.load32_splat(b + 2 * bStride), acc2);
      acc3 = madd(v128.load(a, 48), v128.load32_splat(b + 3 * bStride), acc3);
      a += 64;
      b += 4 * bStride;
    }
    for (; k < kEnd; k++) {
      acc0 = madd(v128.load(a), v128.load32_splat(b), acc0);
      a += 16;
      b += bStride;
    }
    const acc = f32x4.add(f32x4.add(acc0, acc1), f32x4.add(acc2, acc3));
    store<f32>(c, load<f32>(c) + f32x4.extract_lane(acc, 0));
    store<f32>(c + cStride, load<f32>(c + cStride) + f32x4.extract_lane(acc, 1));
    store<f32>(c + 2 * cStride, load<f32>(c + 2 * cStride) + f32x4.extract_lane(acc, 2));
    store<f32>(c + 3 * cStride, load<f32>(c + 3 * cStride) + f32x4.extract_lane(acc, 3));
  }
}

/** C row segment [width] += panel · B over a row of output positions: 8-wide tiles, then a 4-wide and 1-wide tail. */
// @ts-ignore: decorator
@inline export function gemmRow(a: usize, b: usize, bStride: usize, K: i32, c: usize, cStride: usize, width: i32): void {
  let j = 0;
  for (; j + 8 <= width; j += 8) f32_gemm_4x8(a, b + (<usize>j << 2), bStride, K, c + (<usize>j << 2), cStride);
  if (j + 4 <= width) {
    f32_gemm_4x4(a, b + (<usize>j << 2), bStride, K, c + (<usize>j << 2), cStride);
    j += 4;
  }
  for (; j < width; j++) f32_gemm_4x1(a, b + (<usize>j << 2), bStride, K, c + (<usize>j << 2), cStride);
}
