/**
 * The bench's peak probe: this machine's f32x4 multiply-add throughput on one core, the ceiling that every
 * kernel's efficiency is measured against (bench/peak.ts). Not part of the kernels: its own module, built twice
 * by assembly/build-peak-probe.mjs (plain SIMD128: a multiply then an add; relaxed SIMD: `f32x4.relaxed_madd`,
 * one fused instruction where the CPU has it).
 *
 * Two loops, because each hits a different limit and the peak is the better of them:
 * - `tileMadd`: a 4×8 GEMM tile over operands in L1 (4 broadcast inputs × 2 weight vectors → 8 accumulators),
 *   the shape of a real microkernel; operands come from memory, so no multiply can be hoisted or shared.
 * - `chainMadd`: twelve register-only chains a ← a·s + c, which need no loads but put the multiply on the chain.
 * Neither spills: 11 and 14 vector registers of the 16 V8 allocates.
 */

// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** k steps of the tile loop's panel: 8 weights + 4 inputs per step, 3 KB, resident in L1. */
const TILE_STEPS: i32 = 64;
const panel = memory.data(TILE_STEPS * 12 * 4, 16);

/** f32x4 multiply-adds done by one call of `tileMadd` per iteration. */
export const TILE_MADDS_PER_ITERATION: i32 = TILE_STEPS * 8;

/** f32x4 multiply-adds done by one call of `chainMadd` per iteration. */
export const CHAIN_MADDS_PER_ITERATION: i32 = 12;

/** Fills the tile loop's panel with small non-zero values (no subnormals, no infinities). */
function fillPanel(): void {
  for (let i = 0; i < TILE_STEPS * 12; i++) store<f32>(panel + (<usize>i << 2), <f32>(i % 7 + 1) * 0.001);
}

/**
 * `iterations` passes of a 4×8 register tile over the 64-step panel; returns a lane of the accumulator sum so
 * the engine cannot drop the loop.
 */
export function tileMadd(iterations: i32): f32 {
  fillPanel();
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
  const end = panel + <usize>(TILE_STEPS * 48);
  for (let r = 0; r < iterations; r++) {
    for (let p = panel; p < end; p += 48) {
      const w0 = v128.load(p), w1 = v128.load(p, 16);
      let x = v128.load32_splat(p, 32);
      a0 = madd(x, w0, a0);
      a1 = madd(x, w1, a1);
      x = v128.load32_splat(p, 36);
      a2 = madd(x, w0, a2);
      a3 = madd(x, w1, a3);
      x = v128.load32_splat(p, 40);
      a4 = madd(x, w0, a4);
      a5 = madd(x, w1, a5);
      x = v128.load32_splat(p, 44);
      a6 = madd(x, w0, a6);
      a7 = madd(x, w1, a7);
    }
  }
  const sum = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  return f32x4.extract_lane(sum, 0);
}

/**
 * `iterations` × twelve independent chains a ← 0.999·a + 0.001 (they converge: no infinities, no subnormals);
 * returns a lane of their sum.
 */
export function chainMadd(iterations: i32): f32 {
  const scale = f32x4.splat(0.999);
  const shift = f32x4.splat(0.001);
  let a0 = f32x4.splat(0.1), a1 = f32x4.splat(0.2), a2 = f32x4.splat(0.3), a3 = f32x4.splat(0.4);
  let a4 = f32x4.splat(0.5), a5 = f32x4.splat(0.6), a6 = f32x4.splat(0.7), a7 = f32x4.splat(0.8);
  let a8 = f32x4.splat(0.9), a9 = f32x4.splat(1.0), a10 = f32x4.splat(1.1), a11 = f32x4.splat(1.2);
  for (let i = 0; i < iterations; i++) {
    a0 = madd(a0, scale, shift);
    a1 = madd(a1, scale, shift);
    a2 = madd(a2, scale, shift);
    a3 = madd(a3, scale, shift);
    a4 = madd(a4, scale, shift);
    a5 = madd(a5, scale, shift);
    a6 = madd(a6, scale, shift);
    a7 = madd(a7, scale, shift);
    a8 = madd(a8, scale, shift);
    a9 = madd(a9, scale, shift);
    a10 = madd(a10, scale, shift);
    a11 = madd(a11, scale, shift);
  }
  const sum = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  return f32x4.extract_lane(f32x4.add(sum, f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11))), 0);
}
