/**
 * The output positions at which one kernel tap reads real input rather than padding, along one dimension:
 * `o` with `0 ≤ o·s − padBefore + t·d < in`, clipped to `[0, out)`. Fast kernels run each tap only over this
 * range, which is how they skip the multiply-adds that land in zero padding (for a 3×3, d=12 layer on 33×33
 * with padding 12, 43% of them).
 *
 * @example tapValidRange(33, 33, 0, 1, 12, 12) // [12, 33]: tap 0 reads padding for the first 12 outputs
 */
export function tapValidRange(
  outSize: number, inSize: number, tap: number, stride: number, padBefore: number, dilation: number,
): [number, number] {
  const shift = tap * dilation - padBefore;
  const lo = Math.max(0, Math.ceil(-shift / stride));
  const hi = Math.min(outSize, Math.floor((inSize - 1 - shift) / stride) + 1);
  return [lo, Math.max(lo, hi)];
}
