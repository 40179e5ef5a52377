/** Tracked shape ops: reshape, transpose, concat, slice (crop) and pad. */
import { concat as concatOp, split } from '../ops/concat.js';
import { pad as padOp, padBackward, type PadOptions } from '../ops/pad.js';
import { slice as sliceOp, sliceBackward, type SliceSpec } from '../ops/slice.js';
import { transpose as transposeOp, transposeBackward } from '../ops/transpose.js';
import { asVariable, record, type Variable, type VariableLike } from './variable.js';
import { checkOptionKeys, optionKeys } from '../options.js';

/** The same values with another shape (`-1` infers one dimension). @example F.reshape(x, [n, -1]) */
export function reshape(x: VariableLike, shape: readonly number[]): Variable {
  const v = asVariable('reshape', x);
  return record('reshape', v.value.reshape(shape), [v], (g) => [g.reshape(v.shape)]);
}

/** Axis permutation. @example F.transpose(x, [0, 2, 1]) */
export function transpose(x: VariableLike, perm?: readonly number[]): Variable {
  const v = asVariable('transpose', x);
  return record('transpose', transposeOp(v.value, perm), [v], (g) => [transposeBackward(g, perm)]);
}

/** Concatenation along `axis` (default 1). @example F.concat([a, b, c]) */
export function concat(xs: readonly VariableLike[], axis = 1): Variable {
  const vs = xs.map((x) => asVariable('concat', x));
  const y = concatOp(vs.map((v) => v.value), axis);
  const a = axis < 0 ? axis + y.rank : axis;
  return record('concat', y, vs, (g) => split(g, vs.map((v) => v.shape[a]), a));
}

/** Slice/crop with ONNX `Slice` semantics. @example F.slice(x, { starts: [2], ends: [-2], axes: [3] }) */
export function slice(x: VariableLike, spec: SliceSpec): Variable {
  const v = asVariable('slice', x);
  return record('slice', sliceOp(v.value, spec), [v], (g) => [sliceBackward(g, v.shape, spec)]);
}

/** Padding of the trailing dimensions (zeros/reflect/replicate/circular). @example F.pad(x, [[2, 0]]) */
export function pad(x: VariableLike, padding: number | readonly (readonly number[])[], options: PadOptions = {}): Variable {
  checkOptionKeys('F.pad', options, optionKeys<typeof options>({ mode: true, value: true }));
  const v = asVariable('pad', x);
  return record('pad', padOp(v.value, padding, options), [v], (g) => [padBackward(g, v.shape, padding, options.mode ?? 'zeros')]);
}
