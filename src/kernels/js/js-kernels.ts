/**
 * The pure-JavaScript backend (`setBackend('js')`), the fallback where WebAssembly SIMD is absent. No im2col
 * buffer: every kernel walks each tap's valid output rows (`tap-rows.ts`), so padding costs nothing and
 * dilation and stride never reach an inner loop.
 * - One input channel per group (depthwise, channel multipliers): direct axpy / dot kernels (`depthwise.ts`).
 * - Otherwise: one register-blocked GEMM per (tap, row) reading x, dy and writing y, dx in place (`tap-gemm.ts`).
 */
import { separateBackward, type ConvKernels } from '../backend.js';
import { depthwiseBackwardInput, depthwiseBackwardWeight, depthwiseForward, isDepthwise } from './depthwise.js';
import { tapGemmBackwardInput, tapGemmBackwardWeight, tapGemmForward } from './tap-gemm.js';
import { finishForward, finishGradient } from '../epilogue.js';

/**
 * The pure-JS backend: same results as the reference kernel to float32 rounding, on any geometry.
 *
 * @example
 * setBackend('js'); // every conv, convTranspose and gradient now runs these kernels
 */
export const jsKernels: ConvKernels = {
  name: 'js',
  convForward: (g, x, w, bias, options) => finishForward(isDepthwise(g) ? depthwiseForward(g, x, w, bias) : tapGemmForward(g, x, w, bias), options),
  convBackwardInput: (g, dy, w, options) => finishGradient(isDepthwise(g) ? depthwiseBackwardInput(g, dy, w) : tapGemmBackwardInput(g, dy, w), options),
  convBackwardWeight: (g, x, dy, options) => finishGradient(isDepthwise(g) ? depthwiseBackwardWeight(g, x, dy) : tapGemmBackwardWeight(g, x, dy), options),
  convBackward: (g, x, dy, w, options) => separateBackward(jsKernels, g, x, dy, w, options),
};
