/**
 * The arithmetic of one convolution along one spatial dimension (Dumoulin & Visin 2016, with dilation).
 * Every output size in atrous is computed here; nothing else re-derives one.
 */

/**
 * Span of a kernel of `k` taps spread `d` apart: `d(k−1)+1` (seed 001: 3 taps at d=4 cover 9).
 *
 * @example effectiveKernelSize(3, 4) // 9
 */
export function effectiveKernelSize(kernel: number, dilation: number): number {
  return dilation * (kernel - 1) + 1;
}

/**
 * Output length of a convolution: `⌊(in + padBefore + padAfter − d(k−1) − 1)/s⌋ + 1`. May be ≤ 0 when the
 * effective kernel does not fit the padded input; callers that need a valid size check it.
 *
 * @example convOutputSize(56, 3, 1, 2, 2, 2) // 56
 */
export function convOutputSize(
  input: number, kernel: number, stride: number, dilation: number, padBefore: number, padAfter: number,
): number {
  return Math.floor((input + padBefore + padAfter - effectiveKernelSize(kernel, dilation)) / stride) + 1;
}

/**
 * Output length of a transposed convolution (the input length of the convolution it is the adjoint of):
 * `(in − 1)s − padBefore − padAfter + d(k−1) + outputPadding + 1`.
 *
 * @example transposedOutputSize(16, 3, 2, 1, 1, 1, 1) // 32
 */
export function transposedOutputSize(
  input: number, kernel: number, stride: number, dilation: number,
  padBefore: number, padAfter: number, outputPadding: number,
): number {
  return (input - 1) * stride - padBefore - padAfter + effectiveKernelSize(kernel, dilation) + outputPadding;
}

/**
 * The input index a tap reads: output `o`, tap `t` → `o·s − padBefore + t·d` (may fall in the padding).
 *
 * @example inputIndex(0, 2, 1, 1, 2) // 3
 */
export function inputIndex(output: number, tap: number, stride: number, padBefore: number, dilation: number): number {
  return output * stride - padBefore + tap * dilation;
}
