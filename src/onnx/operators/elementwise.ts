import { OnnxError, describeValue } from '../../errors.js';
import { erf, gelu, leakyRelu, relu, sigmoid, tanh } from '../../ops/activations.js';
import { broadcastShapes, broadcastStrides, forEachBroadcast } from '../../ops/broadcast.js';
import { Arithmetic, arithmeticInto } from '../../ops/binary-loops.js';
import { transcendental } from '../../kernels/pointwise/pointwise-kernels.js';
import { Tensor } from '../../tensor/tensor.js';
import { allocate, checkedSize, fromTensor, toTensor, type ElementType, type OnnxValue } from '../value.js';
import { axisIndex, checkFloat, constantOf, required, shaped } from './helpers.js';
import type { NodeContext, Operator, ValueInfo } from './operator.js';

/**
 * Elementwise operators. Float feature maps go through atrous's ops (`relu`, `add`, ...); integer and boolean
 * values (shape arithmetic being folded) use the same broadcasting with exact integer semantics.
 */

function unary(fast: ((x: Tensor, node: NodeContext) => Tensor) | null, scalar: (v: number, node: NodeContext) => number, floatOnly = true): Operator {
  return {
    infer(inputs, node) {
      const x = required(inputs, 0, node, 'X');
      if (floatOnly) checkFloat(node, x);
      return [shaped(x, x.shape)];
    },
    run(inputs, node) {
      const x = required(inputs, 0, node, 'X');
      if (fast && x.type === 'float') return [fromTensor(fast(toTensor(x), node))];
      const out = allocate(node.name, x.type, x.shape);
      for (let i = 0; i < x.data.length; i++) out.data[i] = scalar(x.data[i], node);
      return [out];
    },
  };
}

const geluScalar = (v: number, node: NodeContext): number => (node.attributes.string('approximate', 'none') === 'tanh'
  ? 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)))
  : 0.5 * v * (1 + erf(v / Math.SQRT2)));

function clipBounds(inputs: readonly (ValueInfo | OnnxValue | undefined)[], node: NodeContext): [number, number] {
  const bound = (i: number): number | undefined => {
    const v = inputs[i];
    if (v === undefined) return undefined;
    const data = 'data' in v ? v : constantOf(v, node, i === 1 ? 'min' : 'max')!;
    return data.data[0];
  };
  return [bound(1) ?? -Infinity, bound(2) ?? Infinity];
}

const clip: Operator = {
  constantInputs: [1, 2],
  infer(inputs, node) { const x = required(inputs, 0, node, 'input'); clipBounds(inputs, node); return [shaped(x, x.shape)]; },
  run(inputs, node) {
    const x = required(inputs, 0, node, 'input');
    const [lo, hi] = clipBounds(inputs, node);
    const out = allocate(node.name, x.type, x.shape);
    for (let i = 0; i < x.data.length; i++) out.data[i] = Math.min(Math.max(x.data[i], lo), hi);
    return [out];
  },
};

type Combine = (a: number, b: number) => number;

/** Broadcasting binary op on any element type, writing a result of `type`. */
function binaryValues(node: NodeContext, a: OnnxValue, b: OnnxValue, type: ElementType, combine: Combine): OnnxValue {
  const shape = broadcastShapes(node.name, a.shape, b.shape);
  const out = allocate(node.name, type, shape);
  const A = a.data, B = b.data, O = out.data;
  forEachBroadcast(shape, [broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape)], (start, length, [oa, ob], [sa, sb]) => {
    for (let j = 0; j < length; j++) O[start + j] = combine(A[oa + j * sa], B[ob + j * sb]);
  });
  return out;
}

function binary(kind: 'arithmetic' | 'compare' | 'logic', combine: Combine, intCombine: Combine = combine, fast?: Arithmetic): Operator {
  const resultType = (a: ElementType, b: ElementType, node: NodeContext): ElementType => {
    if (kind === 'logic') return 'bool';
    if (a !== b && !(kind === 'compare')) {
      throw new OnnxError(node.name, 'B', `${node.opType} node ${describeValue(node.name)} mixes ${a} and ${b} inputs; ONNX requires one type`);
    }
    return kind === 'compare' ? 'bool' : a;
  };
  return {
    infer(inputs, node) {
      const a = required(inputs, 0, node, 'A'), b = required(inputs, 1, node, 'B');
      return [{ type: resultType(a.type, b.type, node), shape: broadcastShapes(node.name, a.shape, b.shape) }];
    },
    run(inputs, node, arena) {
      const a = required(inputs, 0, node, 'A'), b = required(inputs, 1, node, 'B');
      const type = resultType(a.type, b.type, node);
      if (fast !== undefined && type === 'float') {
        // Float arithmetic on the monomorphic broadcast loops, into a buffer from the executor's arena.
        const shape = broadcastShapes(node.name, a.shape, b.shape);
        const size = checkedSize(node.name, 'output', shape);
        const out = arena?.take(size) ?? new Float32Array(size);
        if (size > 0) arithmeticInto(fast, toTensor(a).data, a.shape, toTensor(b).data, b.shape, out, node.name);
        return [{ type: 'float', shape, data: out }];
      }
      return [binaryValues(node, a, b, type, type === 'int' ? intCombine : combine)];
    },
  };
}

const where: Operator = {
  infer(inputs, node) {
    const c = required(inputs, 0, node, 'condition'), x = required(inputs, 1, node, 'X'), y = required(inputs, 2, node, 'Y');
    return [{ type: x.type, shape: broadcastShapes(node.name, broadcastShapes(node.name, c.shape, x.shape), y.shape) }];
  },
  run(inputs, node) {
    const c = required(inputs, 0, node, 'condition'), x = required(inputs, 1, node, 'X'), y = required(inputs, 2, node, 'Y');
    const shape = broadcastShapes(node.name, broadcastShapes(node.name, c.shape, x.shape), y.shape);
    const out = allocate(node.name, x.type, shape);
    const strides = [c.shape, x.shape, y.shape].map((s) => broadcastStrides(s, shape));
    forEachBroadcast(shape, strides, (start, length, [oc, ox, oy], [sc, sx, sy]) => {
      for (let j = 0; j < length; j++) out.data[start + j] = c.data[oc + j * sc] ? x.data[ox + j * sx] : y.data[oy + j * sy];
    });
    return [out];
  },
};

/** The index of the largest (or smallest) value along `axis`, first occurrence unless `select_last_index`. */
function argExtreme(sign: 1 | -1): Operator {
  const shapeOf = (node: NodeContext, shape: readonly number[], axis: number): number[] =>
    node.attributes.int('keepdims', 1) ? shape.map((n, i) => (i === axis ? 1 : n)) : shape.filter((_, i) => i !== axis);
  return {
    infer(inputs, node) {
      const x = required(inputs, 0, node, 'data');
      const axis = axisIndex(node, 'axis', node.attributes.int('axis', 0), x.shape.length);
      return [{ type: 'int', shape: shapeOf(node, x.shape, axis) }];
    },
    run(inputs, node) {
      const x = required(inputs, 0, node, 'data');
      const axis = axisIndex(node, 'axis', node.attributes.int('axis', 0), x.shape.length);
      const last = node.attributes.int('select_last_index', 0) === 1;
      const [outer, n, inner] = [x.shape.slice(0, axis).reduce((a, b) => a * b, 1), x.shape[axis], x.shape.slice(axis + 1).reduce((a, b) => a * b, 1)];
      const out = allocate(node.name, 'int', shapeOf(node, x.shape, axis));
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < inner; j++) {
          let best = 0, value = sign * x.data[o * n * inner + j];
          for (let k = 1; k < n; k++) {
            const v = sign * x.data[(o * n + k) * inner + j];
            if (v > value || (last && v === value)) { value = v; best = k; }
          }
          out.data[o * inner + j] = best;
        }
      }
      return [out];
    },
  };
}

/** Variadic Sum/Min/Max/Mean: folds the binary op over the inputs. */
function variadic(combine: Combine, mean = false): Operator {
  return {
    infer(inputs, node) {
      const present = inputs.filter((v): v is ValueInfo => v !== undefined);
      if (present.length === 0) throw new OnnxError(node.name, 'inputs', `${node.opType} needs at least one input`);
      return [{ type: present[0].type, shape: present.reduce((s, v) => broadcastShapes(node.name, s, v.shape), present[0].shape) }];
    },
    run(inputs, node) {
      const present = inputs.filter((v): v is OnnxValue => v !== undefined);
      let acc = present[0];
      for (const v of present.slice(1)) acc = binaryValues(node, acc, v, acc.type, combine);
      if (mean) for (let i = 0; i < acc.data.length; i++) acc.data[i] /= present.length;
      return [present.length === 1 ? { ...acc, data: acc.data.slice() } : acc];
    },
  };
}

/** Integer division truncates toward zero (ONNX/C semantics); division by zero gives 0 rather than a NaN shape. */
const intDivide: Combine = (a, b) => (b === 0 ? 0 : Math.trunc(a / b));

/** Elementwise operators: activations, arithmetic, comparisons and logic. */
export const ELEMENTWISE_OPERATORS: Record<string, Operator> = {
  Relu: unary((x) => relu(x), (v) => Math.max(v, 0), false),
  LeakyRelu: unary((x, n) => leakyRelu(x, n.attributes.float('alpha', 0.01)), (v, n) => (v >= 0 ? v : v * n.attributes.float('alpha', 0.01))),
  Sigmoid: unary((x) => sigmoid(x), (v) => 1 / (1 + Math.exp(-v))),
  Tanh: unary((x) => tanh(x), Math.tanh),
  Gelu: unary((x, n) => (n.attributes.string('approximate', 'none') === 'none' ? gelu(x) : mapScalar(x, n, geluScalar)), geluScalar),
  Erf: unary(transcendentalOf('erf'), erf),
  Exp: unary(transcendentalOf('exp'), Math.exp),
  Log: unary(null, Math.log),
  Sqrt: unary(null, Math.sqrt),
  Reciprocal: unary(null, (v) => 1 / v),
  HardSigmoid: unary(null, (v, n) => Math.min(Math.max(n.attributes.float('alpha', 0.2) * v + n.attributes.float('beta', 0.5), 0), 1)),
  HardSwish: unary(null, (v) => v * Math.min(Math.max(v / 6 + 0.5, 0), 1)),
  Softplus: unary(null, (v) => (v > 20 ? v : Math.log1p(Math.exp(v)))),
  Elu: unary(null, (v, n) => (v >= 0 ? v : n.attributes.float('alpha', 1) * Math.expm1(v))),
  Neg: unary(null, (v) => -v, false),
  Abs: unary(null, Math.abs, false),
  Floor: unary(null, Math.floor),
  Ceil: unary(null, Math.ceil),
  Round: unary(null, roundHalfToEven),
  Not: unary(null, (v) => (v ? 0 : 1), false),
  Clip: clip,
  Add: binary('arithmetic', (a, b) => a + b, (a, b) => a + b, Arithmetic.Add),
  Sub: binary('arithmetic', (a, b) => a - b, (a, b) => a - b, Arithmetic.Sub),
  Mul: binary('arithmetic', (a, b) => a * b, (a, b) => a * b, Arithmetic.Mul),
  Div: binary('arithmetic', (a, b) => a / b, intDivide, Arithmetic.Div),
  Pow: binary('arithmetic', Math.pow),
  Mod: binary('arithmetic', (a, b) => a - Math.floor(a / b) * b),
  Equal: binary('compare', (a, b) => (a === b ? 1 : 0)),
  Less: binary('compare', (a, b) => (a < b ? 1 : 0)),
  LessOrEqual: binary('compare', (a, b) => (a <= b ? 1 : 0)),
  Greater: binary('compare', (a, b) => (a > b ? 1 : 0)),
  GreaterOrEqual: binary('compare', (a, b) => (a >= b ? 1 : 0)),
  And: binary('logic', (a, b) => (a && b ? 1 : 0)),
  Or: binary('logic', (a, b) => (a || b ? 1 : 0)),
  Where: where,
  PRelu: binary('arithmetic', (x, slope) => (x < 0 ? slope * x : x), undefined, Arithmetic.PRelu),
  ArgMax: argExtreme(1),
  ArgMin: argExtreme(-1),
  Sum: variadic((a, b) => a + b),
  Mean: variadic((a, b) => a + b, true),
  Min: variadic(Math.min),
  Max: variadic(Math.max),
};

/** Exp and Erf on float tensors through the vectorized kernels (integers keep the scalar path). */
function transcendentalOf(kind: 'exp' | 'erf'): (x: Tensor) => Tensor {
  return (x) => new Tensor(transcendental(kind, x.data, new Float32Array(x.size)), x.shape);
}

function mapScalar(x: Tensor, node: NodeContext, scalar: (v: number, node: NodeContext) => number): Tensor {
  const out = x.clone();
  for (let i = 0; i < out.data.length; i++) out.data[i] = scalar(out.data[i], node);
  return out;
}

/** ONNX Round: halves go to the even neighbour. */
function roundHalfToEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
