/**
 * Slicing (crop) along any axes with ONNX `Slice` semantics — negative indices count from the end, bounds clamp,
 * positive steps — and its gradient, which writes the output gradient back into zeros.
 */
import { OptionError, describeValue } from '../errors.js';
import { Tensor, shapeSize } from '../tensor/tensor.js';
import { checkTensor } from './bias.js';
import { checkSameShape, normalizeAxis } from './shape-checks.js';

/** Which part of each axis to keep. */
export interface SliceSpec {
  /** First index per sliced axis (negative counts from the end). */
  starts: readonly number[];
  /** One past the last index per sliced axis (clamped to the size; negative counts from the end). */
  ends: readonly number[];
  /** The axes the entries refer to; 0, 1, ... when omitted. */
  axes?: readonly number[];
  /** Positive step per sliced axis (default 1). */
  steps?: readonly number[];
}

/**
 * Keeps `starts[i] ≤ index < ends[i]` (every `steps[i]`-th) along `axes[i]`.
 *
 * @example slice(x, { starts: [0], ends: [-2], axes: [2] }) // drop the last two time steps (a "chomp")
 */
export function slice(x: Tensor, spec: SliceSpec): Tensor {
  checkTensor('slice', 'input', x);
  const plan = planSlice('slice', x.shape, spec);
  const out = new Float32Array(plan.outShape.reduce((p, n) => p * n, 1));
  walk(plan, (outIndex, inIndex) => { out[outIndex] = x.data[inIndex]; });
  return new Tensor(out, plan.outShape);
}

/** Gradient of {@link slice}: `gradOutput` placed where the slice came from, zeros elsewhere. */
export function sliceBackward(gradOutput: Tensor, inputShape: readonly number[], spec: SliceSpec): Tensor {
  shapeSize(inputShape, 'sliceBackward');
  const plan = planSlice('sliceBackward', inputShape, spec);
  checkSameShape('sliceBackward', 'gradOutput', gradOutput, plan.outShape);
  const out = new Float32Array(inputShape.reduce((p, n) => p * n, 1));
  walk(plan, (outIndex, inIndex) => { out[inIndex] += gradOutput.data[outIndex]; });
  return new Tensor(out, inputShape);
}

interface SlicePlan {
  inShape: readonly number[];
  outShape: number[];
  start: number[];
  step: number[];
}

function planSlice(op: string, shape: readonly number[], spec: SliceSpec): SlicePlan {
  const count = spec.starts?.length;
  const axes = spec.axes ?? Array.from({ length: count }, (_, i) => i);
  const steps = spec.steps ?? Array(count).fill(1);
  if (!Array.isArray(spec.starts) || !Array.isArray(spec.ends) || spec.ends.length !== count || axes.length !== count || steps.length !== count) {
    throw new OptionError(op, 'spec', `starts ${describeValue(spec.starts)}, ends ${describeValue(spec.ends)}, axes and steps must be lists of the same length`);
  }
  const start = shape.map(() => 0);
  const step = shape.map(() => 1);
  const outShape = shape.slice();
  const seen = new Set<number>();
  for (let i = 0; i < count; i++) {
    const axis = normalizeAxis(op, axes[i], shape.length);
    if (seen.has(axis)) throw new OptionError(op, 'axes', `axes ${describeValue(axes)} names axis ${axis} twice`);
    seen.add(axis);
    const size = shape[axis];
    if (!Number.isInteger(steps[i]) || steps[i] < 1) throw new OptionError(op, 'steps', `steps ${describeValue(steps)} must be positive integers`);
    if (!Number.isInteger(spec.starts[i]) || (!Number.isInteger(spec.ends[i]) && Math.abs(spec.ends[i]) !== Infinity)) {
      throw new OptionError(op, 'starts', `starts ${describeValue(spec.starts)} and ends ${describeValue(spec.ends)} must be integers`);
    }
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
    const s = clamp(spec.starts[i]), e = clamp(spec.ends[i]);
    start[axis] = s;
    step[axis] = steps[i];
    outShape[axis] = Math.max(0, Math.ceil((e - s) / steps[i]));
  }
  return { inShape: shape, outShape, start, step };
}

function walk(plan: SlicePlan, visit: (outIndex: number, inIndex: number) => void): void {
  const rank = plan.inShape.length;
  const total = plan.outShape.reduce((p, n) => p * n, 1);
  if (total === 0) return;
  const inStrides = new Array<number>(rank);
  for (let d = rank - 1, s = 1; d >= 0; d--) { inStrides[d] = s; s *= plan.inShape[d]; }
  const counter = new Array<number>(rank).fill(0);
  for (let o = 0; o < total; o++) {
    let inIndex = 0;
    for (let d = 0; d < rank; d++) inIndex += (plan.start[d] + counter[d] * plan.step[d]) * inStrides[d];
    visit(o, inIndex);
    for (let d = rank - 1; d >= 0; d--) { if (++counter[d] < plan.outShape[d]) break; counter[d] = 0; }
  }
}
