import { checkTensorAllocation } from '../../tensor/memory-budget.js';
import { OnnxError, describeValue } from '../../errors.js';
import type { OnnxValue } from '../value.js';
import type { NodeContext, ValueInfo } from './operator.js';

/** A required input, or an error naming the node and the input's position. */
export function required<T>(inputs: readonly (T | undefined)[], index: number, node: NodeContext, what: string): T {
  const v = inputs[index];
  if (v === undefined) throw new OnnxError(node.name, what, `${node.opType} node ${describeValue(node.name)} needs input ${index} (${what})`);
  return v;
}

/** The constant data of an input the planner must know at load time (checked by `constantInputs`). */
export function constantOf(info: ValueInfo | undefined, node: NodeContext, what: string): OnnxValue | undefined {
  if (info === undefined) return undefined;
  if (!info.value) throw new OnnxError(node.name, what, `${node.opType} node ${describeValue(node.name)}: input ${what} must be known at load time (a constant or shape arithmetic on known shapes); give --input-shape for symbolic dimensions`);
  return info.value;
}

/** An axis in `[-rank, rank)` as an index in `[0, rank)`. */
export function axisIndex(node: NodeContext, argument: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new OnnxError(node.name, argument, `${argument} ${describeValue(axis)} of ${node.opType} node ${describeValue(node.name)} must be in [${-rank}, ${rank - 1}] for a rank-${rank} input`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) { strides[i] = s; s *= shape[i]; }
  return strides;
}

/** A value of the same element type and array kind as `like`, with new data. */
export function sameKind(like: OnnxValue, shape: number[], data: Float32Array | Float64Array): OnnxValue {
  return { type: like.type, shape, data };
}

/** A new, zeroed array of `like`'s kind. */
export function newData(like: OnnxValue, size: number): Float32Array | Float64Array {
  checkTensorAllocation('onnx', 'output', size, like.data instanceof Float32Array ? 4 : 8);
  return like.data instanceof Float32Array ? new Float32Array(size) : new Float64Array(size);
}

/** Info for an output of the same type as `info` with another shape. */
export function shaped(info: ValueInfo, shape: number[]): ValueInfo {
  return { type: info.type, shape };
}

/** Refuses a float-only operator applied to integers, naming the node. */
export function checkFloat(node: NodeContext, info: ValueInfo, what = 'input'): void {
  if (info.type !== 'float') throw new OnnxError(node.name, what, `${node.opType} node ${describeValue(node.name)} needs a float ${what}, got ${info.type}`);
}
