/**
 * Tracked resizing with PyTorch's `F.interpolate` conventions, mapped onto the ONNX-style `resize` op:
 * nearest reads `⌊o/scale⌋`; (bi/tri)linear uses half-pixel centres clamped at 0, or `alignCorners`.
 */
import { OptionError, ShapeError, describeValue } from '../errors.js';
import { resize, resizeBackward, type ResizeOptions } from '../ops/resize.js';
import { asVariable, record, type Variable, type VariableLike } from './variable.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** Options of {@link interpolate}, as PyTorch's `F.interpolate`: give `size` or `scaleFactor`. */
export interface InterpolateOptions {
  size?: number | readonly number[];
  scaleFactor?: number | readonly number[];
  /** `'linear'` covers bilinear and trilinear (one name for every rank). */
  mode?: 'nearest' | 'linear' | 'bilinear' | 'trilinear';
  alignCorners?: boolean;
}

/**
 * Resizes `[N, C, ...spatial]`, matching `torch.nn.functional.interpolate`.
 *
 * @example F.interpolate(pooled, { size: [33, 33], mode: 'bilinear', alignCorners: false }) // ASPP's image branch
 */
export function interpolate(x: VariableLike, options: InterpolateOptions): Variable {
  checkOptionKeys('F.interpolate', options, optionKeys<typeof options>({ size: true, scaleFactor: true, mode: true, alignCorners: true }));
  const v = asVariable('interpolate', x);
  const resizeOptions = toResizeOptions(v.shape, options);
  return record('interpolate', resize(v.value, resizeOptions), [v], (g) => [resizeBackward(g, v.shape, resizeOptions)]);
}

/** PyTorch interpolate options → the resize op's coordinate conventions. */
export function toResizeOptions(shape: readonly number[], options: InterpolateOptions): ResizeOptions {
  const inSize = shape.slice(2);
  const rank = inSize.length;
  if (rank < 1) throw new ShapeError('interpolate', 'input', `input shape ${describeValue(shape)} must be [N, C, ...spatial]`);
  const perDim = (value: number | readonly number[]): number[] => {
    if (typeof value === 'number') return Array(rank).fill(value);
    if (Array.isArray(value)) return value.slice();
    throw new OptionError('interpolate', options.size !== undefined ? 'size' : 'scaleFactor', `${describeValue(value)} must be a number or one number per spatial dimension (${rank})`);
  };
  if ((options.size === undefined) === (options.scaleFactor === undefined)) {
    throw new OptionError('interpolate', 'size', 'give exactly one of size and scaleFactor');
  }
  const mode = options.mode ?? 'nearest';
  if (!['nearest', 'linear', 'bilinear', 'trilinear'].includes(mode)) {
    throw new OptionError('interpolate', 'mode', `mode ${describeValue(mode)} must be "nearest", "linear", "bilinear" or "trilinear"`);
  }
  if (mode === 'nearest' && options.alignCorners !== undefined) {
    throw new OptionError('interpolate', 'alignCorners', 'alignCorners applies to linear modes only (as PyTorch)');
  }
  let size: number[], scale: number[];
  if (options.size !== undefined) {
    size = perDim(options.size);
    scale = size.map((n, i) => n / inSize[i]);
  } else {
    scale = perDim(options.scaleFactor!);
    size = inSize.map((n, i) => Math.floor(n * scale[i]));
  }
  if (size.length !== rank || scale.length !== rank) {
    throw new OptionError('interpolate', 'size', `size/scaleFactor must give ${rank} values (one per spatial dimension)`);
  }
  if (mode === 'nearest') return { size, scale, mode: 'nearest', coordinateMode: 'asymmetric', nearestMode: 'floor' };
  return { size, scale, mode: 'linear', coordinateMode: options.alignCorners ? 'align_corners' : 'half_pixel' };
}
