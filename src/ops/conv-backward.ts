import { ShapeError, describeValue } from '../errors.js';
import { computeConvGeometry, spatialSize } from '../geometry/conv-geometry.js';
import { activeKernels } from '../kernels/backend.js';
import { Tensor } from '../tensor/tensor.js';
import { biasGradient, checkBias, checkTensor } from './bias.js';
import { materializePadding, type ConvOptions } from './conv.js';
import { foldPaddingData } from './pad.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** Options of {@link convBackward}: those of `conv`, and whether the forward pass had a bias. */
export interface ConvBackwardOptions extends ConvOptions {
  /** Return the bias gradient even when no `bias` tensor is passed. */
  hasBias?: boolean;
}

/** Gradients of a convolution's loss with respect to its three arguments. */
export interface ConvGradients {
  input: Tensor;
  weight: Tensor;
  /** `[Cout]`, or null when the convolution had no bias. */
  bias: Tensor | null;
}

/**
 * Gradients of `conv(x, w, options)` given the gradient of its output: the input gradient is a transposed
 * dilated convolution (folded back through reflect/replicate/circular padding), the weight gradient a
 * correlation of the input with `gradOutput` in which stride and dilation swap roles. Works for dilation > 1,
 * which tfjs's conv gradients reject.
 *
 * @example
 * const { input, weight, bias } = convBackward(x, w, dy, { dilation: 2, padding: 'same', hasBias: true });
 */
export function convBackward(x: Tensor, w: Tensor, gradOutput: Tensor, options: ConvBackwardOptions = {}): ConvGradients {
  checkOptionKeys('convBackward', options, optionKeys<typeof options>({ bias: true, stride: true, padding: true, dilation: true, groups: true, paddingMode: true, hasBias: true }));
  checkTensor('convBackward', 'input', x);
  checkTensor('convBackward', 'weight', w);
  checkTensor('convBackward', 'gradOutput', gradOutput);
  const g = computeConvGeometry('convBackward', x.shape, w.shape, options);
  checkBias('convBackward', options.bias, g.outChannels);
  const outShape = [g.batch, g.outChannels, ...g.outSize];
  if (gradOutput.shape.join() !== outShape.join()) {
    throw new ShapeError('convBackward', 'gradOutput', `gradOutput shape ${describeValue(gradOutput.shape)} must equal the convolution's output shape ${describeValue(outShape)}`);
  }
  const withBias = options.hasBias === true || (options.bias !== undefined && options.bias !== null);
  if (g.batch === 0) {
    return { input: new Tensor(new Float32Array(0), x.shape), weight: new Tensor(new Float32Array(w.size), w.shape), bias: withBias ? new Tensor(new Float32Array(g.outChannels), [g.outChannels]) : null };
  }
  const [input, geometry] = materializePadding(g, x.data);
  // One call for both gradients: the WASM backend stages x and dy once for the two.
  const gradients = activeKernels().convBackward(geometry, input, gradOutput.data, w.data);
  const gradPadded = gradients.input!, gradWeight = gradients.weight!;
  const gradInput = g.paddingMode === 'zeros'
    ? gradPadded
    : foldPaddingData(gradPadded, g.batch * g.inChannels, g.inSize, g.padBefore, g.padAfter, g.paddingMode);
  return {
    input: new Tensor(gradInput, x.shape),
    weight: new Tensor(gradWeight, w.shape),
    bias: withBias ? biasGradient(gradOutput.data, g.batch, g.outChannels, spatialSize(g.outSize)) : null,
  };
}
