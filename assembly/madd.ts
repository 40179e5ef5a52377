/**
 * a·b + c on four lanes. The relaxed-SIMD build fuses it into one instruction (`f32x4.relaxed_madd`); the plain
 * SIMD128 build multiplies then adds. Both stay within float32 rounding of the reference, and each build gives the
 * same bits for any thread count because every output element is computed by one task in a fixed order.
 */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}
