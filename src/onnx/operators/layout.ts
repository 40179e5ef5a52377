import { OnnxError, describeValue } from '../../errors.js';
import { broadcastShapes, broadcastStrides, forEachBroadcast } from '../../ops/broadcast.js';
import { checkedSize, intValue, toNumbers, type OnnxValue } from '../value.js';
import { axisIndex, constantOf, newData, required, sameKind, shaped, stridesOf } from './helpers.js';
import type { NodeContext, Operator, ValueInfo } from './operator.js';

/*
 * Operators that move data without computing on it (and the shape arithmetic PyTorch's exporter emits around
 * them). One implementation serves every element type, so folded int64 shape arithmetic stays exact and the
 * same code moves float feature maps at run time.
 */

/** Values of the `axes` attribute (opset < 13) or input (opset ≥ 13) of Squeeze/Unsqueeze. */
function axesOf(inputs: readonly (ValueInfo | undefined)[], node: NodeContext, fromInput: boolean): number[] | undefined {
  if (fromInput) {
    const v = constantOf(inputs[1], node, 'axes');
    return v ? toNumbers(v) : undefined;
  }
  return node.attributes.has('axes') ? node.attributes.ints('axes') : undefined;
}

function unsqueezeShape(node: NodeContext, shape: readonly number[], axes: number[]): number[] {
  const rank = shape.length + axes.length;
  const positions = axes.map((a) => axisIndex(node, 'axes', a, rank));
  if (new Set(positions).size !== positions.length) throw new OnnxError(node.name, 'axes', `axes ${describeValue(axes)} repeat an axis`);
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < rank; i++) out.push(positions.includes(i) ? 1 : shape[next++]);
  return out;
}

function squeezeShape(node: NodeContext, shape: readonly number[], axes: number[] | undefined): number[] {
  if (axes === undefined) return shape.filter((n) => n !== 1);
  const positions = axes.map((a) => axisIndex(node, 'axes', a, shape.length));
  for (const p of positions) {
    if (shape[p] !== 1) throw new OnnxError(node.name, 'axes', `cannot squeeze axis ${p} of shape ${describeValue(shape)}: its size is ${shape[p]}, not 1`);
  }
  return shape.filter((_, i) => !positions.includes(i));
}

function reshapeShape(node: NodeContext, shape: readonly number[], target: number[], allowZero: boolean): number[] {
  const size = checkedSize(node.name, 'shape', shape);
  const out = target.map((n, i) => (n === 0 && !allowZero ? shape[i] : n));
  if (out.some((n) => n === undefined || n < -1 || !Number.isInteger(n)) || out.filter((n) => n === -1).length > 1) {
    throw new OnnxError(node.name, 'shape', `Reshape target ${describeValue(target)} is invalid for input shape ${describeValue(shape)} (entries ≥ -1, at most one -1, 0 copies the input dimension)`);
  }
  const known = out.filter((n) => n !== -1).reduce((a, b) => a * b, 1);
  const inferred = out.map((n) => (n === -1 ? (known === 0 ? 0 : size / known) : n));
  if (inferred.some((n) => !Number.isInteger(n)) || inferred.reduce((a, b) => a * b, 1) !== size) {
    throw new OnnxError(node.name, 'shape', `cannot reshape ${describeValue(shape)} (${size} values) to ${describeValue(target)}`);
  }
  return inferred;
}

/** Moves `x`'s data unchanged under a new shape (Reshape, Flatten, Squeeze, Unsqueeze, Identity). */
function view(x: OnnxValue, shape: number[]): OnnxValue {
  return sameKind(x, shape, x.data);
}

const reshape: Operator = {
  constantInputs: [1],
  infer(inputs, node) {
    const x = required(inputs, 0, node, 'data');
    const target = toNumbers(constantOf(required(inputs, 1, node, 'shape'), node, 'shape')!);
    return [shaped(x, reshapeShape(node, x.shape, target, node.attributes.int('allowzero', 0) === 1))];
  },
  run(inputs, node) {
    const x = required(inputs, 0, node, 'data');
    return [view(x, reshapeShape(node, x.shape, toNumbers(required(inputs, 1, node, 'shape')), node.attributes.int('allowzero', 0) === 1))];
  },
};

function flattenShape(node: NodeContext, shape: readonly number[]): number[] {
  const axis = node.attributes.int('axis', 1);
  const at = axis === shape.length ? shape.length : axisIndex(node, 'axis', axis, shape.length);
  return [shape.slice(0, at).reduce((a, b) => a * b, 1), shape.slice(at).reduce((a, b) => a * b, 1)];
}

const flatten: Operator = {
  infer: (inputs, node) => { const x = required(inputs, 0, node, 'input'); return [shaped(x, flattenShape(node, x.shape))]; },
  run: (inputs, node) => { const x = required(inputs, 0, node, 'input'); return [view(x, flattenShape(node, x.shape))]; },
};

function squeezeLike(kind: 'Squeeze' | 'Unsqueeze'): Operator {
  const shapeOf = (inputs: readonly (ValueInfo | undefined)[], node: NodeContext, shape: readonly number[]): number[] => {
    const axes = axesOf(inputs, node, node.opset >= 13);
    if (kind === 'Squeeze') return squeezeShape(node, shape, axes);
    if (!axes) throw new OnnxError(node.name, 'axes', 'Unsqueeze needs axes');
    return unsqueezeShape(node, shape, axes);
  };
  return {
    constantInputs: [1],
    infer: (inputs, node) => { const x = required(inputs, 0, node, 'data'); return [shaped(x, shapeOf(inputs, node, x.shape))]; },
    run: (inputs, node) => {
      const x = required(inputs, 0, node, 'data');
      const infos = inputs.map((v) => v && { type: v.type, shape: v.shape, value: v });
      return [view(x, shapeOf(infos, node, x.shape))];
    },
  };
}

const identity: Operator = {
  infer: (inputs, node) => [shaped(required(inputs, 0, node, 'input'), required(inputs, 0, node, 'input').shape)],
  run: (inputs, node) => [required(inputs, 0, node, 'input')],
};

/** Dropout at inference is the identity; its optional mask output is all ones. */
const dropout: Operator = {
  constantInputs: [1, 2],
  infer: (inputs, node) => {
    const x = required(inputs, 0, node, 'data');
    return [shaped(x, x.shape), { type: 'bool', shape: x.shape.slice() }];
  },
  run: (inputs, node) => {
    const x = required(inputs, 0, node, 'data');
    return [x, { type: 'bool', shape: x.shape.slice(), data: new Float64Array(x.data.length).fill(1) }];
  },
};

function permutation(node: NodeContext, rank: number): number[] {
  const perm = node.attributes.ints('perm', Array.from({ length: rank }, (_, i) => rank - 1 - i));
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
    throw new OnnxError(node.name, 'perm', `perm ${describeValue(perm)} is not a permutation of 0..${rank - 1}`);
  }
  return perm;
}

const transpose: Operator = {
  infer(inputs, node) {
    const x = required(inputs, 0, node, 'data');
    return [shaped(x, permutation(node, x.shape.length).map((p) => x.shape[p]))];
  },
  run(inputs, node) {
    const x = required(inputs, 0, node, 'data');
    const perm = permutation(node, x.shape.length);
    const shape = perm.map((p) => x.shape[p]);
    const inStrides = stridesOf(x.shape);
    const strides = perm.map((p) => inStrides[p]);
    const out = newData(x, x.data.length);
    gatherStrided(x.data, out, shape, strides, 0);
    return [sameKind(x, shape, out)];
  },
};

/** Writes `out[i] = data[offset + Σ index_d · strides_d]` over `shape` in row-major order. */
function gatherStrided(data: ArrayLike<number>, out: Float32Array | Float64Array, shape: readonly number[], strides: readonly number[], offset: number): void {
  let o = 0;
  const walk = (d: number, at: number): void => {
    if (d === shape.length) { out[o++] = data[at]; return; }
    const n = shape[d], s = strides[d];
    if (d === shape.length - 1) { for (let i = 0; i < n; i++) out[o++] = data[at + i * s]; return; }
    for (let i = 0; i < n; i++) walk(d + 1, at + i * s);
  };
  walk(0, offset);
}

function concatShape(node: NodeContext, shapes: number[][]): [number[], number] {
  if (shapes.length === 0) throw new OnnxError(node.name, 'inputs', 'Concat needs at least one input');
  const rank = shapes[0].length;
  const axis = axisIndex(node, 'axis', node.attributes.int('axis'), rank);
  const out = shapes[0].slice();
  out[axis] = 0;
  for (const s of shapes) {
    if (s.length !== rank || s.some((n, i) => i !== axis && n !== shapes[0][i])) {
      throw new OnnxError(node.name, 'inputs', `Concat along axis ${axis} needs equal shapes elsewhere, got ${shapes.map((x) => describeValue(x)).join(', ')}`);
    }
    out[axis] += s[axis];
  }
  return [out, axis];
}

const concat: Operator = {
  infer(inputs, node) {
    const present = inputs.filter((v): v is ValueInfo => v !== undefined);
    if (present.length === 0) throw new OnnxError(node.name, 'inputs', 'Concat needs at least one input');
    return [shaped(present[0], concatShape(node, present.map((v) => v.shape))[0])];
  },
  run(inputs, node) {
    const present = inputs.filter((v): v is OnnxValue => v !== undefined);
    const [shape, axis] = concatShape(node, present.map((v) => v.shape));
    const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const out = newData(present[0], checkedSize(node.name, 'output', shape));
    let offset = 0;
    const rowLength = shape.slice(axis).reduce((a, b) => a * b, 1);
    for (const v of present) {
      const chunk = v.shape.slice(axis).reduce((a, b) => a * b, 1);
      for (let o = 0; o < outer; o++) out.set(v.data.subarray(o * chunk, (o + 1) * chunk), o * rowLength + offset);
      offset += chunk;
    }
    return [sameKind(present[0], shape, out)];
  },
};

/** Starts, steps and sizes per axis of an ONNX Slice, clamped as the spec says. */
interface SliceWindow { start: number[]; step: number[]; size: number[] }

function sliceWindow(node: NodeContext, shape: readonly number[], starts: number[], ends: number[], axes: number[] | undefined, steps: number[] | undefined): SliceWindow {
  const rank = shape.length;
  const window: SliceWindow = { start: Array(rank).fill(0), step: Array(rank).fill(1), size: shape.slice() };
  const axisList = (axes ?? starts.map((_, i) => i)).map((a) => axisIndex(node, 'axes', a, rank));
  if (ends.length !== starts.length || axisList.length !== starts.length || (steps && steps.length !== starts.length)) {
    throw new OnnxError(node.name, 'starts', `starts ${describeValue(starts)}, ends ${describeValue(ends)}, axes and steps must have the same length`);
  }
  axisList.forEach((axis, i) => {
    const n = shape[axis];
    const step = steps ? steps[i] : 1;
    if (step === 0) throw new OnnxError(node.name, 'steps', 'Slice steps must be non-zero');
    let start = starts[i] < 0 ? starts[i] + n : starts[i];
    let end = ends[i] < 0 ? ends[i] + n : ends[i];
    if (step > 0) {
      start = Math.min(Math.max(start, 0), n);
      end = Math.min(Math.max(end, 0), n);
    } else {
      start = Math.min(Math.max(start, -1), n - 1);
      end = Math.min(Math.max(end, -1), n - 1);
    }
    window.start[axis] = start;
    window.step[axis] = step;
    window.size[axis] = Math.max(0, Math.ceil((end - start) / step));
  });
  return window;
}

function sliceArguments(inputs: readonly (ValueInfo | undefined)[], node: NodeContext, shape: readonly number[]): SliceWindow {
  const read = (i: number, what: string): number[] | undefined => {
    const v = constantOf(inputs[i], node, what);
    return v ? toNumbers(v) : undefined;
  };
  const starts = read(1, 'starts'), ends = read(2, 'ends');
  if (!starts || !ends) throw new OnnxError(node.name, 'starts', 'Slice needs its starts and ends inputs');
  return sliceWindow(node, shape, starts, ends, read(3, 'axes'), read(4, 'steps'));
}

const slice: Operator = {
  constantInputs: [1, 2, 3, 4],
  infer(inputs, node) {
    const x = required(inputs, 0, node, 'data');
    required(inputs, 1, node, 'starts'); required(inputs, 2, node, 'ends');
    return [shaped(x, sliceArguments(inputs, node, x.shape).size)];
  },
  run(inputs, node) {
    const x = required(inputs, 0, node, 'data');
    const infos = inputs.map((v) => v && { type: v.type, shape: v.shape, value: v });
    const w = sliceArguments(infos, node, x.shape);
    const strides = stridesOf(x.shape);
    const offset = w.start.reduce((sum, s, d) => sum + s * strides[d], 0);
    const size = checkedSize(node.name, 'output', w.size);
    if (isContiguousWindow(x.shape, w)) return [sameKind(x, w.size, x.data.subarray(offset, offset + size))];
    const out = newData(x, size);
    gatherStrided(x.data, out, w.size, strides.map((s, d) => s * w.step[d]), offset);
    return [sameKind(x, w.size, out)];
  },
};

/**
 * True when a window selects one contiguous run of the row-major data (every axis before the first cut axis has
 * size 1 in the window, every axis after it is whole, and the cut steps by 1): a channel range of a batch-1 feature
 * map, say. Such a window is a view on its source, not a copy (values are never written in place).
 */
function isContiguousWindow(shape: readonly number[], w: SliceWindow): boolean {
  const whole = (d: number): boolean => w.start[d] === 0 && w.step[d] === 1 && w.size[d] === shape[d];
  let d = 0;
  while (d < shape.length && w.size[d] === 1 && shape[d] === 1) d++;
  if (d < shape.length && !whole(d) && w.step[d] !== 1) return false;
  for (let e = d + 1; e < shape.length; e++) if (!whole(e)) return false;
  return true;
}

/** The Slice parameters of a node, for the analysis (start and step per axis). */
export function sliceWindowOf(inputs: readonly (ValueInfo | undefined)[], node: NodeContext, shape: readonly number[]): SliceWindow {
  return sliceArguments(inputs, node, shape);
}

const gather: Operator = {
  infer(inputs, node) {
    const x = required(inputs, 0, node, 'data');
    const indices = required(inputs, 1, node, 'indices');
    const axis = axisIndex(node, 'axis', node.attributes.int('axis', 0), x.shape.length);
    return [shaped(x, [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)])];
  },
  run(inputs, node) {
    const x = required(inputs, 0, node, 'data');
    const indices = required(inputs, 1, node, 'indices');
    const axis = axisIndex(node, 'axis', node.attributes.int('axis', 0), x.shape.length);
    const n = x.shape[axis];
    const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    const out = newData(x, checkedSize(node.name, 'output', shape));
    const count = indices.data.length;
    for (let k = 0; k < count; k++) {
      const raw = indices.data[k];
      const i = raw < 0 ? raw + n : raw;
      if (!Number.isInteger(i) || i < 0 || i >= n) throw new OnnxError(node.name, 'indices', `Gather index ${raw} is outside [${-n}, ${n - 1}] on axis ${axis}`);
      for (let o = 0; o < outer; o++) out.set(x.data.subarray((o * n + i) * inner, (o * n + i + 1) * inner), (o * count + k) * inner);
    }
    return [sameKind(x, shape, out)];
  },
};

const shape: Operator = {
  infer(inputs, node) {
    const x = required(inputs, 0, node, 'data');
    const dims = shapeSlice(node, x.shape);
    return [{ type: 'int', shape: [dims.length], value: intValue(dims) }];
  },
  run: (inputs, node) => [intValue(shapeSlice(node, required(inputs, 0, node, 'data').shape))],
};

/** Shape's `start`/`end` attributes (opset 15), clamped as the spec says. */
function shapeSlice(node: NodeContext, dims: readonly number[]): number[] {
  const rank = dims.length;
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
  return dims.slice(clamp(node.attributes.int('start', 0)), clamp(node.attributes.int('end', rank)));
}

const size: Operator = {
  infer(inputs, node) {
    const x = required(inputs, 0, node, 'data');
    return [{ type: 'int', shape: [], value: intValue([x.shape.reduce((a, b) => a * b, 1)], []) }];
  },
  run: (inputs, node) => [intValue([required(inputs, 0, node, 'data').data.length], [])],
};

function expandShape(node: NodeContext, shape: readonly number[], target: number[]): number[] {
  return broadcastShapes(node.name, shape, target);
}

const expand: Operator = {
  constantInputs: [1],
  infer(inputs, node) {
    const x = required(inputs, 0, node, 'input');
    return [shaped(x, expandShape(node, x.shape, toNumbers(constantOf(required(inputs, 1, node, 'shape'), node, 'shape')!)))];
  },
  run(inputs, node) {
    const x = required(inputs, 0, node, 'input');
    const target = expandShape(node, x.shape, toNumbers(required(inputs, 1, node, 'shape')));
    const out = newData(x, checkedSize(node.name, 'output', target));
    forEachBroadcast(target, [broadcastStrides(x.shape, target)], (start, length, [o], [s]) => {
      for (let j = 0; j < length; j++) out[start + j] = x.data[o + j * s];
    });
    return [sameKind(x, target, out)];
  },
};

const tile: Operator = {
  constantInputs: [1],
  infer(inputs, node) {
    const x = required(inputs, 0, node, 'input');
    const repeats = toNumbers(constantOf(required(inputs, 1, node, 'repeats'), node, 'repeats')!);
    return [shaped(x, x.shape.map((n, i) => n * repeats[i]))];
  },
  run(inputs, node) {
    const x = required(inputs, 0, node, 'input');
    const repeats = toNumbers(required(inputs, 1, node, 'repeats'));
    if (repeats.length !== x.shape.length || repeats.some((r) => !Number.isInteger(r) || r < 0)) {
      throw new OnnxError(node.name, 'repeats', `Tile repeats ${describeValue(repeats)} must be one non-negative integer per axis of ${describeValue(x.shape)}`);
    }
    const target = x.shape.map((n, i) => n * repeats[i]);
    const out = newData(x, checkedSize(node.name, 'output', target));
    const strides = stridesOf(x.shape);
    const index = new Array<number>(target.length).fill(0);
    for (let o = 0; o < out.length; o++) {
      let at = 0;
      for (let d = 0; d < target.length; d++) at += (index[d] % x.shape[d]) * strides[d];
      out[o] = x.data[at];
      for (let d = target.length - 1; d >= 0; d--) { if (++index[d] < target[d]) break; index[d] = 0; }
    }
    return [sameKind(x, target, out)];
  },
};

/** Sizes of Split's pieces: the `split` input (opset 13+) or attribute, else `num_outputs` (18+) or one per output. */
function splitSizes(inputs: readonly (ValueInfo | OnnxValue | undefined)[], node: NodeContext, length: number): number[] {
  const given = inputs[1];
  let sizes: number[] | undefined;
  if (given !== undefined) sizes = toNumbers('data' in given ? given : constantOf(given, node, 'split')!);
  else if (node.attributes.has('split')) sizes = node.attributes.ints('split');
  const count = node.attributes.int('num_outputs', node.usedOutputs.length);
  if (!sizes) {
    const piece = Math.ceil(length / count);
    sizes = Array.from({ length: count }, (_, i) => Math.max(0, Math.min(piece, length - i * piece)));
  }
  if (sizes.some((n) => !Number.isInteger(n) || n < 0) || sizes.reduce((a, b) => a + b, 0) !== length) {
    throw new OnnxError(node.name, 'split', `Split sizes ${describeValue(sizes)} must be non-negative and add up to the axis length ${length}`);
  }
  return sizes;
}

const split: Operator = {
  constantInputs: [1],
  infer(inputs, node) {
    const x = required(inputs, 0, node, 'input');
    const axis = axisIndex(node, 'axis', node.attributes.int('axis', 0), x.shape.length);
    return splitSizes(inputs, node, x.shape[axis]).map((n) => shaped(x, x.shape.map((d, i) => (i === axis ? n : d))));
  },
  run(inputs, node) {
    const x = required(inputs, 0, node, 'input');
    const axis = axisIndex(node, 'axis', node.attributes.int('axis', 0), x.shape.length);
    const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const row = x.shape[axis] * inner;
    let offset = 0;
    return splitSizes(inputs, node, x.shape[axis]).map((n) => {
      if (outer === 1) {
        // One block per output: a view on the input, not a copy (values are never written in place).
        offset += n * inner;
        return sameKind(x, x.shape.map((d, i) => (i === axis ? n : d)), x.data.subarray(offset - n * inner, offset));
      }
      const out = newData(x, outer * n * inner);
      for (let o = 0; o < outer; o++) out.set(x.data.subarray(o * row + offset, o * row + offset + n * inner), o * n * inner);
      offset += n * inner;
      return sameKind(x, x.shape.map((d, i) => (i === axis ? n : d)), out);
    });
  },
};

/** Operators that rearrange data or compute shapes. */
export const LAYOUT_OPERATORS: Record<string, Operator> = {
  Reshape: reshape, Flatten: flatten, Squeeze: squeezeLike('Squeeze'), Unsqueeze: squeezeLike('Unsqueeze'),
  Identity: identity, Dropout: dropout, Transpose: transpose, Concat: concat, Slice: slice, Gather: gather,
  Shape: shape, Size: size, Expand: expand, Tile: tile, Split: split,
};
