import { ShapeError, describeValue } from '../errors.js';
import { computeConvTransposeGeometry, spatialSize, type ConvTransposeGeometryOptions } from '../geometry/conv-geometry.js';
import { activeKernels } from '../kernels/backend.js';
import { Tensor } from '../tensor/tensor.js';
import { biasGradient, checkBias, checkTensor } from './bias.js';
import type { ConvGradients } from './conv-backward.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** Options of {@link convTranspose}, as PyTorch's `conv_transpose{1,2,3}d`. */
export interface ConvTransposeOptions extends ConvTransposeGeometryOptions {
  /** `[Cout]`, added to every output position. */
  bias?: Tensor | null;
}

/**
 * N-D dilated transposed convolution: the adjoint (input gradient) of `conv` with the same stride, padding and
 * dilation. `x` is `[N, Cin, ...spatial]`, `w` is `[Cin, Cout/groups, ...kernel]`; the output size is
 * `(in − 1)s − 2p + d(k−1) + outputPadding + 1` per dimension.
 *
 * @example
 * convTranspose(x, w, { stride: 2, padding: 1, outputPadding: 1, dilation: 2 })
 */
export function convTranspose(x: Tensor, w: Tensor, options: ConvTransposeOptions = {}): Tensor {
  checkOptionKeys('convTranspose', options, [...optionKeys<typeof options>({ bias: true, stride: true, padding: true, outputPadding: true, dilation: true, groups: true }), 'paddingMode']); // paddingMode: the geometry refuses all but zeros, as PyTorch
  checkTensor('convTranspose', 'input', x);
  checkTensor('convTranspose', 'weight', w);
  const g = computeConvTransposeGeometry('convTranspose', x.shape, w.shape, options);
  const bias = checkBias('convTranspose', options.bias, g.inChannels);
  if (g.batch === 0) return new Tensor(new Float32Array(0), [0, g.inChannels, ...g.inSize]);
  const y = activeKernels().convBackwardInput(g, x.data, w.data);
  if (bias) {
    const P = spatialSize(g.inSize);
    for (let n = 0; n < g.batch; n++) {
      for (let c = 0; c < g.inChannels; c++) {
        const base = (n * g.inChannels + c) * P;
        for (let p = 0; p < P; p++) y[base + p] += bias[c];
      }
    }
  }
  return new Tensor(y, [g.batch, g.inChannels, ...g.inSize]);
}

/** Options of {@link convTransposeBackward}. */
export interface ConvTransposeBackwardOptions extends ConvTransposeOptions {
  hasBias?: boolean;
}

/**
 * Gradients of `convTranspose(x, w, options)`: the input gradient is the forward `conv` of `gradOutput`, the
 * weight gradient the same correlation as `conv`'s with the roles of input and output exchanged.
 *
 * @example
 * const { input, weight } = convTransposeBackward(x, w, dz, { stride: 2, dilation: 3 });
 */
export function convTransposeBackward(x: Tensor, w: Tensor, gradOutput: Tensor, options: ConvTransposeBackwardOptions = {}): ConvGradients {
  checkOptionKeys('convTransposeBackward', options, [...optionKeys<typeof options>({ bias: true, stride: true, padding: true, outputPadding: true, dilation: true, groups: true, hasBias: true }), 'paddingMode']); // paddingMode: the geometry refuses all but zeros, as PyTorch
  checkTensor('convTransposeBackward', 'input', x);
  checkTensor('convTransposeBackward', 'weight', w);
  checkTensor('convTransposeBackward', 'gradOutput', gradOutput);
  const g = computeConvTransposeGeometry('convTransposeBackward', x.shape, w.shape, options);
  checkBias('convTransposeBackward', options.bias, g.inChannels);
  const outShape = [g.batch, g.inChannels, ...g.inSize];
  if (gradOutput.shape.join() !== outShape.join()) {
    throw new ShapeError('convTransposeBackward', 'gradOutput', `gradOutput shape ${describeValue(gradOutput.shape)} must equal the transposed convolution's output shape ${describeValue(outShape)}`);
  }
  const withBias = options.hasBias === true || (options.bias !== undefined && options.bias !== null);
  if (g.batch === 0) {
    return { input: new Tensor(new Float32Array(0), x.shape), weight: new Tensor(new Float32Array(w.size), w.shape), bias: withBias ? new Tensor(new Float32Array(g.inChannels), [g.inChannels]) : null };
  }
  const kernels = activeKernels();
  return {
    input: new Tensor(kernels.convForward(g, gradOutput.data, w.data, null), x.shape),
    weight: new Tensor(kernels.convBackwardWeight(g, gradOutput.data, x.data), w.shape),
    bias: withBias ? biasGradient(gradOutput.data, g.batch, g.inChannels, spatialSize(g.inSize)) : null,
  };
}
