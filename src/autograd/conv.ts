/** Tracked convolution and transposed convolution (all options of the ops: stride, dilation, padding rules and modes, groups). */
import { conv as convOp, type ConvOptions } from '../ops/conv.js';
import { convBackward } from '../ops/conv-backward.js';
import { convTranspose as convTransposeOp, convTransposeBackward, type ConvTransposeOptions } from '../ops/conv-transpose.js';
import type { Tensor } from '../tensor/tensor.js';
import { asVariable, record, type Variable, type VariableLike } from './variable.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** Options of the tracked {@link conv}: the op's options with a trackable bias. */
export type ConvVariableOptions = Omit<ConvOptions, 'bias'> & { bias?: VariableLike | null };
/** Options of the tracked {@link convTranspose}. */
export type ConvTransposeVariableOptions = Omit<ConvTransposeOptions, 'bias'> & { bias?: VariableLike | null };

/**
 * N-D dilated convolution on the tape; its gradients are `convBackward`'s (dilation > 1 included).
 *
 * @example const y = F.conv(x, w, { bias: b, dilation: 4, padding: 'causal' });
 */
export function conv(x: VariableLike, weight: VariableLike, options: ConvVariableOptions = {}): Variable {
  checkOptionKeys('F.conv', options, optionKeys<typeof options>({ bias: true, stride: true, padding: true, dilation: true, groups: true, paddingMode: true }));
  const vx = asVariable('conv', x), vw = asVariable('conv', weight);
  const vb = options.bias ? asVariable('conv', options.bias) : null;
  const opOptions: ConvOptions = { ...options, bias: vb?.value ?? null };
  const y = convOp(vx.value, vw.value, opOptions);
  return record('conv', y, vb ? [vx, vw, vb] : [vx, vw], (g) => {
    const grads = convBackward(vx.value, vw.value, g, opOptions);
    return vb ? [grads.input, grads.weight, grads.bias] : [grads.input, grads.weight];
  });
}

/**
 * N-D dilated transposed convolution on the tape.
 *
 * @example const up = F.convTranspose(x, w, { stride: 2, padding: 1, outputPadding: 1 });
 */
export function convTranspose(x: VariableLike, weight: VariableLike, options: ConvTransposeVariableOptions = {}): Variable {
  checkOptionKeys('F.convTranspose', options, [...optionKeys<typeof options>({ bias: true, stride: true, padding: true, outputPadding: true, dilation: true, groups: true }), 'paddingMode']); // paddingMode: the geometry refuses all but zeros, as PyTorch
  const vx = asVariable('convTranspose', x), vw = asVariable('convTranspose', weight);
  const vb = options.bias ? asVariable('convTranspose', options.bias) : null;
  const opOptions: ConvTransposeOptions = { ...options, bias: vb?.value ?? null };
  const y: Tensor = convTransposeOp(vx.value, vw.value, opOptions);
  return record('convTranspose', y, vb ? [vx, vw, vb] : [vx, vw], (g) => {
    const grads = convTransposeBackward(vx.value, vw.value, g, opOptions);
    return vb ? [grads.input, grads.weight, grads.bias] : [grads.input, grads.weight];
  });
}
