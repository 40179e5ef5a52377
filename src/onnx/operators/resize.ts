import { OnnxError, describeValue } from '../../errors.js';
import { resize, type CoordinateMode, type NearestMode } from '../../ops/resize.js';
import { fromTensor, toNumbers, toTensor, type OnnxValue } from '../value.js';
import { axisIndex, checkFloat, constantOf, required } from './helpers.js';
import type { NodeContext, Operator, ValueInfo } from './operator.js';

/** The output size and scales of a Resize node, from its `scales` or `sizes` input (and `axes`, opset 18). */
export interface ResizePlan {
  size: number[];
  scale: number[];
  mode: 'nearest' | 'linear';
  coordinateMode: CoordinateMode;
  nearestMode: NearestMode;
}

/** Reads a Resize node for an input of `shape`; only spatial dimensions may change. */
export function resizePlan(inputs: readonly (ValueInfo | OnnxValue | undefined)[], node: NodeContext, shape: readonly number[]): ResizePlan {
  const a = node.attributes;
  const rank = shape.length;
  const read = (i: number, what: string): number[] | undefined => {
    const v = inputs[i];
    if (v === undefined) return undefined;
    const values = toNumbers('data' in v ? v : constantOf(v, node, what)!);
    return values.length === 0 ? undefined : values;
  };
  const axes = (a.has('axes') ? a.ints('axes') : Array.from({ length: rank }, (_, i) => i)).map((x) => axisIndex(node, 'axes', x, rank));
  const scalesIn = read(2, 'scales'), sizesIn = read(3, 'sizes');
  const scale = shape.map(() => 1), size = shape.slice();
  if (sizesIn) {
    if (sizesIn.length !== axes.length) throw new OnnxError(node.name, 'sizes', `sizes ${describeValue(sizesIn)} must have one entry per resized axis (${axes.length})`);
    if (a.string('keep_aspect_ratio_policy', 'stretch') !== 'stretch') throw new OnnxError(node.name, 'keep_aspect_ratio_policy', 'only keep_aspect_ratio_policy "stretch" is supported');
    axes.forEach((axis, i) => { size[axis] = sizesIn[i]; scale[axis] = sizesIn[i] / shape[axis]; });
  } else if (scalesIn) {
    if (scalesIn.length !== axes.length) throw new OnnxError(node.name, 'scales', `scales ${describeValue(scalesIn)} must have one entry per resized axis (${axes.length})`);
    axes.forEach((axis, i) => { scale[axis] = scalesIn[i]; size[axis] = Math.floor(shape[axis] * scalesIn[i]); });
  } else {
    throw new OnnxError(node.name, 'scales', 'Resize needs scales or sizes');
  }
  if (size[0] !== shape[0] || size[1] !== shape[1] || scale[0] !== 1 || scale[1] !== 1) {
    throw new OnnxError(node.name, 'scales', `Resize may change only spatial dimensions of ${describeValue(shape)}, got output ${describeValue(size)}`);
  }
  if (size.some((n) => !Number.isInteger(n) || n < 1)) throw new OnnxError(node.name, 'sizes', `Resize output ${describeValue(size)} must be positive integers`);
  const mode = a.string('mode', 'nearest');
  if (mode !== 'nearest' && mode !== 'linear') throw new OnnxError(node.name, 'mode', `Resize mode ${describeValue(mode)} is not supported (nearest and linear are; cubic is not)`);
  const coordinateMode = a.string('coordinate_transformation_mode', 'half_pixel');
  if (coordinateMode === 'tf_crop_and_resize') throw new OnnxError(node.name, 'coordinate_transformation_mode', 'tf_crop_and_resize is not supported');
  if (a.int('antialias', 0) !== 0 && scale.some((s) => s < 1)) throw new OnnxError(node.name, 'antialias', 'antialiased downsampling is not supported');
  return {
    size, scale, mode, coordinateMode: coordinateMode as CoordinateMode,
    nearestMode: a.string('nearest_mode', 'round_prefer_floor') as NearestMode,
  };
}

const resizeOperator: Operator = {
  constantInputs: [1, 2, 3],
  infer(inputs, node) {
    const x = required(inputs, 0, node, 'X');
    checkFloat(node, x);
    return [{ type: 'float', shape: resizePlan(inputs, node, x.shape).size }];
  },
  run(inputs, node: NodeContext) {
    const x = required(inputs, 0, node, 'X');
    const p = resizePlan(inputs, node, x.shape);
    return [fromTensor(resize(toTensor(x), { size: p.size.slice(2), scale: p.scale.slice(2), mode: p.mode, coordinateMode: p.coordinateMode, nearestMode: p.nearestMode }))];
  },
};

/** Resize (nearest and linear, every coordinate mode but tf_crop_and_resize), through atrous's `resize`. */
export const RESIZE_OPERATORS: Record<string, Operator> = { Resize: resizeOperator };
