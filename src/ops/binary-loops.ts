/**
 * The loops behind broadcasting arithmetic: the broadcast shape collapsed to as few dimensions as the operands'
 * strides allow (a per-channel bias over `[N, C, L]` becomes C rows of L), then one monomorphic loop per op and
 * stride pattern — no per-element closure, so V8 keeps each loop tight.
 */
import { elementwise, type ElementwiseKind, type ElementwiseLayout } from '../kernels/pointwise/pointwise-kernels.js';
import { broadcastShapes, broadcastStrides } from './broadcast.js';

/** The arithmetic ops, as numbered in the loops below; PRelu is `a < 0 ? a·b : a` (b the slope). */
export const Arithmetic = { Add: 0, Sub: 1, Mul: 2, Div: 3, PRelu: 4 } as const;
export type Arithmetic = (typeof Arithmetic)[keyof typeof Arithmetic];

/** A broadcast reduced to its essential dimensions: sizes and, per operand, strides (0 where it stretches). */
export interface CollapsedBroadcast {
  shape: number[];
  strideA: number[];
  strideB: number[];
}

/**
 * Collapses the broadcast of `a` and `b` to `target`: drops size-1 dimensions and merges neighbours that both
 * operands walk contiguously (or both stretch), so the innermost loop is as long as possible.
 */
export function collapseBroadcast(a: readonly number[], b: readonly number[], target: readonly number[]): CollapsedBroadcast {
  const sa = broadcastStrides(a, target), sb = broadcastStrides(b, target);
  const shape: number[] = [], strideA: number[] = [], strideB: number[] = [];
  for (let d = 0; d < target.length; d++) {
    const n = target[d];
    if (n === 1) continue;
    const last = shape.length - 1;
    if (last >= 0 && strideA[last] === sa[d] * n && strideB[last] === sb[d] * n) {
      shape[last] *= n;
      strideA[last] = sa[d];
      strideB[last] = sb[d];
    } else {
      shape.push(n); strideA.push(sa[d]); strideB.push(sb[d]);
    }
  }
  if (shape.length === 0) { shape.push(1); strideA.push(0); strideB.push(0); }
  return { shape, strideA, strideB };
}

/** `out = a ∘ b` under broadcasting (`out` has the broadcast shape's size). */
export function arithmeticInto(op: Arithmetic, a: Float32Array, aShape: readonly number[], b: Float32Array, bShape: readonly number[], out: Float32Array, name: string): void {
  const target = broadcastShapes(name, aShape, bShape);
  const { shape, strideA, strideB } = collapseBroadcast(aShape, bShape, target);
  const rank = shape.length;
  const inner = shape[rank - 1], ia = strideA[rank - 1], ib = strideB[rank - 1];
  const layout = wasmLayout(shape, strideA, strideB);
  if (layout && elementwise(WASM_KIND[op], a, b, layout, out)) return;
  const rows = out.length / inner;
  if (rows === 1) { row(op, a, 0, ia, b, 0, ib, out, 0, inner); return; }
  const counter = new Array<number>(rank - 1).fill(0);
  let oa = 0, ob = 0;
  for (let r = 0; r < rows; r++) {
    row(op, a, oa, ia, b, ob, ib, out, r * inner, inner);
    for (let d = rank - 2; d >= 0; d--) {
      oa += strideA[d]; ob += strideB[d];
      if (++counter[d] < shape[d]) break;
      oa -= strideA[d] * shape[d]; ob -= strideB[d] * shape[d];
      counter[d] = 0;
    }
  }
}

const WASM_KIND: Record<Arithmetic, ElementwiseKind> = { 0: 'add', 1: 'sub', 2: 'mul', 3: 'div', 4: 'prelu' };

/**
 * The collapsed broadcast as the WASM kernels' row layout (up to two outer dimensions, unit or zero inner strides),
 * or null for the rarer shapes the JS loops take.
 */
function wasmLayout(shape: number[], strideA: number[], strideB: number[]): ElementwiseLayout | null {
  const rank = shape.length;
  if (rank > 3) return null;
  const aInner = strideA[rank - 1], bInner = strideB[rank - 1];
  if ((aInner !== 0 && aInner !== 1) || (bInner !== 0 && bInner !== 1) || aInner + bInner === 0) return null;
  const outer = shape.slice(0, rank - 1), sa = strideA.slice(0, rank - 1), sb = strideB.slice(0, rank - 1);
  while (outer.length < 2) { outer.unshift(1); sa.unshift(0); sb.unshift(0); }
  return {
    rows: outer[0] * outer[1], length: shape[rank - 1], r0Count: outer[1],
    aStride0: sa[1], aStride1: sa[0], bStride0: sb[1], bStride1: sb[0], aInner, bInner,
  };
}

function row(op: Arithmetic, a: Float32Array, oa: number, ia: number, b: Float32Array, ob: number, ib: number, out: Float32Array, o: number, n: number): void {
  if (ia === 1 && ib === 1) {
    switch (op) {
      case Arithmetic.Add: for (let i = 0; i < n; i++) out[o + i] = a[oa + i] + b[ob + i]; return;
      case Arithmetic.Sub: for (let i = 0; i < n; i++) out[o + i] = a[oa + i] - b[ob + i]; return;
      case Arithmetic.Mul: for (let i = 0; i < n; i++) out[o + i] = a[oa + i] * b[ob + i]; return;
      case Arithmetic.Div: for (let i = 0; i < n; i++) out[o + i] = a[oa + i] / b[ob + i]; return;
      case Arithmetic.PRelu: for (let i = 0; i < n; i++) { const v = a[oa + i]; out[o + i] = v < 0 ? v * b[ob + i] : v; } return;
    }
  }
  if (ia === 1 && ib === 0) {
    const v = b[ob];
    switch (op) {
      case Arithmetic.Add: for (let i = 0; i < n; i++) out[o + i] = a[oa + i] + v; return;
      case Arithmetic.Sub: for (let i = 0; i < n; i++) out[o + i] = a[oa + i] - v; return;
      case Arithmetic.Mul: for (let i = 0; i < n; i++) out[o + i] = a[oa + i] * v; return;
      case Arithmetic.Div: for (let i = 0; i < n; i++) out[o + i] = a[oa + i] / v; return;
      case Arithmetic.PRelu: for (let i = 0; i < n; i++) { const x = a[oa + i]; out[o + i] = x < 0 ? x * v : x; } return;
    }
  }
  if (ia === 0 && ib === 1) {
    const v = a[oa];
    switch (op) {
      case Arithmetic.Add: for (let i = 0; i < n; i++) out[o + i] = v + b[ob + i]; return;
      case Arithmetic.Sub: for (let i = 0; i < n; i++) out[o + i] = v - b[ob + i]; return;
      case Arithmetic.Mul: for (let i = 0; i < n; i++) out[o + i] = v * b[ob + i]; return;
      case Arithmetic.Div: for (let i = 0; i < n; i++) out[o + i] = v / b[ob + i]; return;
      case Arithmetic.PRelu: for (let i = 0; i < n; i++) out[o + i] = v < 0 ? v * b[ob + i] : v; return;
    }
  }
  switch (op) {
    case Arithmetic.Add: for (let i = 0; i < n; i++) out[o + i] = a[oa + i * ia] + b[ob + i * ib]; return;
    case Arithmetic.Sub: for (let i = 0; i < n; i++) out[o + i] = a[oa + i * ia] - b[ob + i * ib]; return;
    case Arithmetic.Mul: for (let i = 0; i < n; i++) out[o + i] = a[oa + i * ia] * b[ob + i * ib]; return;
    case Arithmetic.Div: for (let i = 0; i < n; i++) out[o + i] = a[oa + i * ia] / b[ob + i * ib]; return;
    case Arithmetic.PRelu: for (let i = 0; i < n; i++) { const v = a[oa + i * ia]; out[o + i] = v < 0 ? v * b[ob + i * ib] : v; } return;
  }
}
