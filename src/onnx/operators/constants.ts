import { OnnxError, describeValue } from '../../errors.js';
import { elementTypeOf } from '../tensor-data.js';
import { allocate, checkedSize, toNumbers, type ElementType, type OnnxValue } from '../value.js';
import { constantOf, required } from './helpers.js';
import type { NodeContext, Operator } from './operator.js';

/** Constant's value from whichever attribute holds it (value, value_float(s), value_int(s)). */
function constantValue(node: NodeContext): OnnxValue {
  const a = node.attributes;
  if (a.has('value')) return a.tensor('value');
  if (a.has('value_float')) return { type: 'float', shape: [], data: Float32Array.of(a.float('value_float')) };
  if (a.has('value_floats')) { const v = a.floats('value_floats'); return { type: 'float', shape: [v.length], data: Float32Array.from(v) }; }
  if (a.has('value_int')) return { type: 'int', shape: [], data: Float64Array.of(a.int('value_int')) };
  if (a.has('value_ints')) { const v = a.ints('value_ints'); return { type: 'int', shape: [v.length], data: Float64Array.from(v) }; }
  throw new OnnxError(node.name, 'value', `Constant node ${describeValue(node.name)} has attributes ${describeValue(a.names())}; atrous reads value, value_float(s) and value_int(s) (not sparse or string constants)`);
}

const constant: Operator = {
  infer(_inputs, node) { const v = constantValue(node); return [{ type: v.type, shape: v.shape, value: v }]; },
  run: (_inputs, node) => [constantValue(node)],
};

function fillOf(node: NodeContext, shape: number[]): OnnxValue {
  const fill = node.attributes.has('value') ? node.attributes.tensor('value') : { type: 'float' as ElementType, shape: [1], data: Float32Array.of(0) };
  if (fill.data.length !== 1) throw new OnnxError(node.name, 'value', `ConstantOfShape's value must hold one element, got ${fill.data.length}`);
  const out = allocate(node.name, fill.type, shape);
  out.data.fill(fill.data[0]);
  return out;
}

const constantOfShape: Operator = {
  constantInputs: [0],
  infer(inputs, node) {
    const v = fillOf(node, toNumbers(constantOf(required(inputs, 0, node, 'input'), node, 'input')!));
    return [{ type: v.type, shape: v.shape, value: v }];
  },
  run: (inputs, node) => [fillOf(node, toNumbers(required(inputs, 0, node, 'input')))],
};

function rangeOf(node: NodeContext, start: number, limit: number, delta: number, type: ElementType): OnnxValue {
  if (delta === 0 || !Number.isFinite(delta)) throw new OnnxError(node.name, 'delta', `Range delta must be finite and non-zero, got ${delta}`);
  const n = Math.max(Math.ceil((limit - start) / delta), 0);
  checkedSize(node.name, 'output', [n]);
  const out = allocate(node.name, type, [n]);
  for (let i = 0; i < n; i++) out.data[i] = start + i * delta;
  return out;
}

const range: Operator = {
  constantInputs: [0, 1, 2],
  infer(inputs, node) {
    const [s, l, d] = [0, 1, 2].map((i) => constantOf(required(inputs, i, node, ['start', 'limit', 'delta'][i]), node, 'start')!);
    const v = rangeOf(node, s.data[0], l.data[0], d.data[0], s.type);
    return [{ type: v.type, shape: v.shape, value: v }];
  },
  run(inputs, node) {
    const [s, l, d] = [0, 1, 2].map((i) => required(inputs, i, node, ['start', 'limit', 'delta'][i]));
    return [rangeOf(node, s.data[0], l.data[0], d.data[0], s.type)];
  },
};

function castTo(node: NodeContext, x: OnnxValue, type: ElementType): OnnxValue {
  const out = allocate(node.name, type, x.shape);
  const convert = type === 'int' ? Math.trunc : type === 'bool' ? (v: number) => (v ? 1 : 0) : (v: number) => v;
  for (let i = 0; i < x.data.length; i++) out.data[i] = convert(x.data[i]);
  return out;
}

const cast: Operator = {
  infer(inputs, node) {
    const x = required(inputs, 0, node, 'input');
    const code = node.attributes.int('to');
    return [{ type: elementTypeOf(node.name, 'to', code), shape: x.shape.slice() }];
  },
  run(inputs, node) {
    return [castTo(node, required(inputs, 0, node, 'input'), elementTypeOf(node.name, 'to', node.attributes.int('to')))];
  },
};

const castLike: Operator = {
  infer(inputs, node) {
    return [{ type: required(inputs, 1, node, 'target_type').type, shape: required(inputs, 0, node, 'input').shape.slice() }];
  },
  run(inputs, node) {
    const target = required(inputs, 1, node, 'target_type');
    return [castTo(node, required(inputs, 0, node, 'input'), target.type)];
  },
};

/** Operators that make values: constants, fills, ranges and type conversions. */
export const CONSTANT_OPERATORS: Record<string, Operator> = {
  Constant: constant, ConstantOfShape: constantOfShape, Range: range, Cast: cast, CastLike: castLike,
};
