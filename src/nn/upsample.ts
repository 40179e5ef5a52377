/** `Upsample`: PyTorch's `nn.Upsample` (nearest, (bi/tri)linear with `alignCorners` either way). */
import { interpolate, type InterpolateOptions } from '../autograd/interpolate.js';
import type { Variable, VariableLike } from '../autograd/variable.js';
import { Module } from './module.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/**
 * Resizes its input by `scaleFactor` or to `size`.
 *
 * @example new Upsample({ scaleFactor: 8, mode: 'bilinear', alignCorners: false }) // DeepLab's decoder
 */
export class Upsample extends Module {
  constructor(readonly options: InterpolateOptions) { super(); checkOptionKeys('Upsample', options, optionKeys<typeof options>({ size: true, scaleFactor: true, mode: true, alignCorners: true })); }
  forward(x: VariableLike): Variable { return interpolate(x, this.options); }
}
