/**
 * Pointwise kernels: exp, tanh, sigmoid, GELU (exact, erf-based) and WaveNet's gate tanh(a)·σ(b), four lanes at a
 * time. A job is ROWS rows of LENGTH floats; row r reads A + r·A_STRIDE (and B + r·B_STRIDE for the gate) and writes
 * DST + r·DST_STRIDE, so the gate reads the two channel halves of a conv output in place. Tasks are chunks of
 * CHUNK floats of a row: they write disjoint outputs, any thread count gives the same bits.
 *
 * Accuracy against float64 `Math` (test/kernels/pointwise.test.ts states the bounds it checks): exp ≤ 1 ulp, tanh
 * ≤ 2 ulp, sigmoid ≤ 3 ulp, erf ≤ 3 ulp, GELU ≤ 4 ulp for x ≥ 0 and 3e-5 relative below. The slots overlay the convolution's (see params.ts): their meaning follows OP.
 */
import * as p from './params';

export const KIND = 1;
export const A = 2;
export const B = 3;
export const DST = 4;
export const LENGTH = 5;
export const ROWS = 6;
export const CHUNK = 7;
export const A_STRIDE = 8;
export const B_STRIDE = 9;
export const DST_STRIDE = 10;

export const KIND_EXP: i32 = 1;
export const KIND_TANH: i32 = 2;
export const KIND_SIGMOID: i32 = 3;
export const KIND_GELU: i32 = 4;
export const KIND_GATE: i32 = 5;
export const KIND_ERF: i32 = 6;

/** Chunks per row times rows. */
export function pointwiseTasks(params: usize): i32 {
  const length = p.slot(params, LENGTH), chunk = p.slot(params, CHUNK);
  return p.slot(params, ROWS) * ((length + chunk - 1) / chunk);
}

export function pointwiseTask(params: usize, task: i32): void {
  const length = p.slot(params, LENGTH), chunk = p.slot(params, CHUNK);
  const perRow = (length + chunk - 1) / chunk;
  const row = task / perRow;
  const start = (task - row * perRow) * chunk;
  const end = min(length, start + chunk);
  const a = <usize>p.slot(params, A) + (<usize>(row * p.slot(params, A_STRIDE) + start) << 2);
  const b = <usize>p.slot(params, B) + (<usize>(row * p.slot(params, B_STRIDE) + start) << 2);
  const dst = <usize>p.slot(params, DST) + (<usize>(row * p.slot(params, DST_STRIDE) + start) << 2);
  const kind = p.slot(params, KIND);
  const n = end - start;
  // Each call passes a constant kind, so the inlined sweep keeps one function in its loop.
  if (kind == KIND_EXP) sweep(KIND_EXP, a, b, dst, n);
  else if (kind == KIND_TANH) sweep(KIND_TANH, a, b, dst, n);
  else if (kind == KIND_SIGMOID) sweep(KIND_SIGMOID, a, b, dst, n);
  else if (kind == KIND_GELU) sweep(KIND_GELU, a, b, dst, n);
  else if (kind == KIND_GATE) sweep(KIND_GATE, a, b, dst, n);
  else if (kind == KIND_ERF) sweep(KIND_ERF, a, b, dst, n);
}

/** Four lanes at a time, the tail through the same function on a zero-padded vector. */
// @ts-ignore: decorator
@inline function sweep(kind: i32, a: usize, b: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    v128.store(dst + at, apply(kind, v128.load(a + at), v128.load(b + at)));
  }
  if (i == n) return;
  let va = f32x4.splat(0), vb = f32x4.splat(0);
  for (let j = 0; i + j < n; j++) {
    const at = <usize>(i + j) << 2;
    va = f32x4.replace_lane(va, 0, load<f32>(a + at));
    vb = f32x4.replace_lane(vb, 0, load<f32>(b + at));
    store<f32>(dst + at, f32x4.extract_lane(apply(kind, va, vb), 0));
  }
}

// @ts-ignore: decorator
@inline function apply(kind: i32, a: v128, b: v128): v128 {
  if (kind == KIND_EXP) return exp4(a);
  if (kind == KIND_TANH) return tanh4(a);
  if (kind == KIND_SIGMOID) return sigmoid4(a);
  if (kind == KIND_GELU) return gelu4(a);
  if (kind == KIND_GATE) return f32x4.mul(tanh4(a), sigmoid4(b));
  return erf4(a);
}

/**
 * e^x: x = n·ln2 + r with |r| ≤ ln2/2 (ln2 in two parts so r is exact), e^r by Cephes' degree-6 polynomial, and
 * 2^n applied as two halves so that n from −150 to 128 (denormal results up to overflow) never leaves the normal
 * exponent range of either factor. Above ln(FLT_MAX) the result is +∞, below −104 it is 0; NaN stays NaN.
 */
// @ts-ignore: decorator
@inline export function exp4(x: v128): v128 {
  const clamped = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-104.0)), f32x4.splat(88.72283935546875));
  const n = f32x4.nearest(f32x4.mul(clamped, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(clamped, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let q = f32x4.splat(1.9875691500e-4);
  q = f32x4.add(f32x4.mul(q, r), f32x4.splat(1.3981999507e-3));
  q = f32x4.add(f32x4.mul(q, r), f32x4.splat(8.3334519073e-3));
  q = f32x4.add(f32x4.mul(q, r), f32x4.splat(4.1665795894e-2));
  q = f32x4.add(f32x4.mul(q, r), f32x4.splat(1.6666665459e-1));
  q = f32x4.add(f32x4.mul(q, r), f32x4.splat(5.0000001201e-1));
  const y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(q, r), r), r), f32x4.splat(1.0));
  const ni = i32x4.trunc_sat_f32x4_s(n);
  const half = i32x4.shr_s(ni, 1);
  const rest = i32x4.sub(ni, half);
  const bias = i32x4.splat(127);
  const scaleA = i32x4.shl(i32x4.add(half, bias), 23);
  const scaleB = i32x4.shl(i32x4.add(rest, bias), 23);
  const result = f32x4.mul(f32x4.mul(y, scaleA), scaleB);
  return v128.bitselect(f32x4.splat(Infinity), result, f32x4.gt(x, f32x4.splat(88.72283935546875)));
}

/**
 * tanh: Cephes' odd polynomial x + x³·P(x²) for |x| < 0.625, else sign(x)·(1 − 2/(e^{2|x|} + 1)), which is exactly
 * ±1 in float32 beyond |x| ≈ 9.
 */
// @ts-ignore: decorator
@inline export function tanh4(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let q = f32x4.splat(-5.70498872745e-3);
  q = f32x4.add(f32x4.mul(q, z), f32x4.splat(2.06390887954e-2));
  q = f32x4.add(f32x4.mul(q, z), f32x4.splat(-5.37397155531e-2));
  q = f32x4.add(f32x4.mul(q, z), f32x4.splat(1.33314422036e-1));
  q = f32x4.add(f32x4.mul(q, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(q, z), x), x);
  const e = exp4(f32x4.add(ax, ax));
  const large = f32x4.sub(f32x4.splat(1.0), f32x4.div(f32x4.splat(2.0), f32x4.add(e, f32x4.splat(1.0))));
  const signed = v128.or(large, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(small, signed, f32x4.lt(ax, f32x4.splat(0.625)));
}

/** σ(x) = 1/(1 + e^−x) for x ≥ 0 and e^x/(1 + e^x) below, from one e^−|x|: no overflow, full relative accuracy. */
// @ts-ignore: decorator
@inline export function sigmoid4(x: v128): v128 {
  const e = exp4(f32x4.neg(f32x4.abs(x)));
  const s = f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), e));
  return v128.bitselect(s, f32x4.mul(e, s), f32x4.ge(x, f32x4.splat(0)));
}

/** erf(x)/x on |x| < 1 as a degree-6 polynomial in x² (fitted in float64, 1.4e-9 relative). */
// @ts-ignore: decorator
@inline function erfSmall4(x: v128): v128 {
  const z = f32x4.mul(x, x);
  let s = f32x4.splat(7.898139200226972e-05);
  s = f32x4.add(f32x4.mul(s, z), f32x4.splat(-0.0008024335333582239));
  s = f32x4.add(f32x4.mul(s, z), f32x4.splat(0.005190051766372994));
  s = f32x4.add(f32x4.mul(s, z), f32x4.splat(-0.026854807774583545));
  s = f32x4.add(f32x4.mul(s, z), f32x4.splat(0.11283612415474231));
  s = f32x4.add(f32x4.mul(s, z), f32x4.splat(-0.3761262884290041));
  s = f32x4.add(f32x4.mul(s, z), f32x4.splat(1.1283791665102894));
  return f32x4.mul(s, x);
}

/**
 * erfc(a) for a ≥ 0 (beyond 10 it is 0): t·e^{−a² + P(t)} with t = 1/(1 + a/2), the Chebyshev fit of
 * Numerical Recipes (6.2), fractional error below 1.2e-7; no cancellation, so the tails keep their relative accuracy.
 */
// @ts-ignore: decorator
@inline function erfcLarge4(a: v128): v128 {
  const ax = f32x4.pmin(a, f32x4.splat(10.0));
  const t = f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), f32x4.mul(ax, f32x4.splat(0.5))));
  let q = f32x4.splat(0.17087277);
  q = f32x4.add(f32x4.mul(q, t), f32x4.splat(-0.82215223));
  q = f32x4.add(f32x4.mul(q, t), f32x4.splat(1.48851587));
  q = f32x4.add(f32x4.mul(q, t), f32x4.splat(-1.13520398));
  q = f32x4.add(f32x4.mul(q, t), f32x4.splat(0.27886807));
  q = f32x4.add(f32x4.mul(q, t), f32x4.splat(-0.18628806));
  q = f32x4.add(f32x4.mul(q, t), f32x4.splat(0.09678418));
  q = f32x4.add(f32x4.mul(q, t), f32x4.splat(0.37409196));
  q = f32x4.add(f32x4.mul(q, t), f32x4.splat(1.00002368));
  q = f32x4.add(f32x4.mul(q, t), f32x4.splat(-1.26551223));
  const tail = f32x4.mul(t, exp4(f32x4.sub(q, f32x4.mul(ax, ax))));
  return v128.andnot(tail, f32x4.gt(a, f32x4.splat(10.0)));
}

/** erf: the odd polynomial below |x| = 1, sign(x)·(1 − erfc|x|) above. */
// @ts-ignore: decorator
@inline export function erf4(x: v128): v128 {
  const ax = f32x4.abs(x);
  const large = f32x4.sub(f32x4.splat(1.0), erfcLarge4(ax));
  const signed = v128.or(large, v128.and(x, i32x4.splat(0x80000000)));
  return v128.bitselect(erfSmall4(x), signed, f32x4.lt(ax, f32x4.splat(1.0)));
}

/**
 * GELU x·Φ(x), as PyTorch's default (approximate='none'), u = x/√2: Φ = erfc(−u)/2 for u < 0 (no cancellation,
 * so negative x keep their relative accuracy), (1 + erf(u))/2 for 0 ≤ u < 1, 1 − erfc(u)/2 beyond.
 */
// @ts-ignore: decorator
@inline export function gelu4(x: v128): v128 {
  const u = f32x4.mul(x, f32x4.splat(0.7071067811865476));
  const au = f32x4.abs(u);
  const halfTail = f32x4.mul(erfcLarge4(au), f32x4.splat(0.5));
  const upper = f32x4.sub(f32x4.splat(1.0), halfTail);
  const middle = f32x4.mul(f32x4.add(f32x4.splat(1.0), erfSmall4(u)), f32x4.splat(0.5));
  const positive = v128.bitselect(middle, upper, f32x4.lt(au, f32x4.splat(1.0)));
  return f32x4.mul(x, v128.bitselect(halfTail, positive, f32x4.lt(u, f32x4.splat(0))));
}
