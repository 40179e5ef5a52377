import { effectiveKernelSize } from './conv-arithmetic.js';

/**
 * Output length of max/average pooling, PyTorch semantics: as a convolution, except that `ceilMode` rounds the
 * window count up, dropping a last window that would start inside the right padding.
 *
 * @example poolOutputSize(7, 2, 2, 1, 0, 0, true) // 4  (floor mode: 3)
 */
export function poolOutputSize(
  input: number, kernel: number, stride: number, dilation: number, padBefore: number, padAfter: number, ceilMode = false,
): number {
  const room = input + padBefore + padAfter - effectiveKernelSize(kernel, dilation);
  if (!ceilMode) return Math.floor(room / stride) + 1;
  let out = Math.ceil(room / stride) + 1;
  if ((out - 1) * stride >= input + padBefore) out--;
  return out;
}
