import { computeConvGeometry, withMaterializedPadding, type ConvGeometry, type ConvGeometryOptions } from '../geometry/conv-geometry.js';
import { activeKernels } from '../kernels/backend.js';
import { convOutputLength, type ConvEpilogue } from '../kernels/epilogue.js';
import { ShapeError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { checkBias, checkTensor } from './bias.js';
import { padData } from './pad.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** Options of {@link conv}: PyTorch's `conv{1,2,3}d` arguments plus `'same'`/`'causal'` padding rules. */
export interface ConvOptions extends ConvGeometryOptions {
  /** `[Cout]`, added to every output position. */
  bias?: Tensor | null;
}

/**
 * N-D dilated convolution (cross-correlation, as PyTorch) for 1-, 2- and 3-D inputs `[N, Cin, ...spatial]`
 * with weights `[Cout, Cin/groups, ...kernel]`. Stride, dilation, padding (all forms), padding modes and groups
 * combine freely.
 *
 * @example
 * const x = tensor([1, 0, 2, 0, 3, 0, 4, 0, 5], [1, 1, 9]);
 * conv(x, tensor([1, 1, 1], [1, 1, 3]), { dilation: 2 }).data   // [6, 0, 9, 0, 12]
 */
export function conv(x: Tensor, w: Tensor, options: ConvOptions = {}): Tensor {
  checkOptionKeys('conv', options, optionKeys<typeof options>({ bias: true, stride: true, padding: true, dilation: true, groups: true, paddingMode: true }));
  return convWithEpilogue(x, w, options, null);
}

/**
 * {@link conv} followed by an epilogue — `activation(conv(x, w) + bias + residual)` — that the backend applies
 * while the output is still in cache (the graph runtime's conv fusion). `residual` must have the output's shape;
 * `out`, when given, receives the output (it must have the output's size and not alias x or the residual).
 *
 * @example convWithEpilogue(x, w, { dilation: 2 }, { residual: x.data, activation: { kind: 'relu' } })
 */
export function convWithEpilogue(x: Tensor, w: Tensor, options: ConvOptions, epilogue: ConvEpilogue | null, out: Float32Array | null = null): Tensor {
  checkTensor('conv', 'input', x);
  checkTensor('conv', 'weight', w);
  const g = computeConvGeometry('conv', x.shape, w.shape, options);
  const bias = checkBias('conv', options.bias, g.outChannels);
  if (epilogue?.residual && epilogue.residual.length !== convOutputLength(g)) {
    throw new ShapeError('conv', 'residual', `residual has ${epilogue.residual.length} values; the output [${[g.batch, g.outChannels, ...g.outSize].join(', ')}] has ${convOutputLength(g)}`);
  }
  if (out && out.length !== convOutputLength(g)) {
    throw new ShapeError('conv', 'out', `out has ${out.length} values; the output [${[g.batch, g.outChannels, ...g.outSize].join(', ')}] has ${convOutputLength(g)}`);
  }
  if (g.batch === 0) return new Tensor(out ?? new Float32Array(0), [0, g.outChannels, ...g.outSize]);
  const [input, geometry] = materializePadding(g, x.data);
  const y = activeKernels().convForward(geometry, input, w.data, bias, { epilogue, out });
  return new Tensor(y, [g.batch, g.outChannels, ...g.outSize]);
}

/**
 * For reflect/replicate/circular modes, writes the padding into a copy of the input so kernels only ever see
 * implicit zero padding; for zeros, returns the input as it is.
 */
export function materializePadding(g: ConvGeometry, x: Float32Array): [Float32Array, ConvGeometry] {
  if (g.paddingMode === 'zeros') return [x, g];
  const padded = padData(x, g.batch * g.inChannels, g.inSize, g.padBefore, g.padAfter, g.paddingMode);
  return [padded, withMaterializedPadding(g)];
}

