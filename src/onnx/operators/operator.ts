import type { Attributes } from '../attributes.js';
import type { BufferArena } from '../buffer-arena.js';
import type { ElementType, OnnxValue } from '../value.js';

/** What the planner knows about a value before running: its type and shape, and its data if it is constant. */
export interface ValueInfo {
  type: ElementType;
  shape: number[];
  /** Present when the value is known at load time (initializers, folded shape arithmetic). */
  value?: OnnxValue;
}

/** The node an operator is applied to. */
export interface NodeContext {
  /** The node's name (or `<OpType>_<index>` when the file gives none), for error messages. */
  name: string;
  opType: string;
  attributes: Attributes;
  /** The model's default-domain opset (11–21); operators read attributes or inputs by it. */
  opset: number;
  /** Which of the node's outputs the graph uses (a name other than `''`), by position. */
  usedOutputs: boolean[];
}

/**
 * One ONNX operator: how its output types and shapes follow from its inputs (`infer`, run once at load time
 * for a given input shape) and how it computes (`run`, on float tensors at run time, or on any values when the
 * planner folds it at load time). Absent optional inputs (empty names) are `undefined`. At run time the executor
 * passes its {@link BufferArena}: operators that can write into a given buffer take their output from it.
 */
export interface Operator {
  infer(inputs: readonly (ValueInfo | undefined)[], node: NodeContext): ValueInfo[];
  run(inputs: readonly (OnnxValue | undefined)[], node: NodeContext, arena?: BufferArena): OnnxValue[];
  /** Inputs that must be known at load time (a Reshape's shape, a Slice's starts, ...). */
  constantInputs?: readonly number[];
}
