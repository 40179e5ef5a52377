/**
 * Matrix products: `matmul` (NumPy/PyTorch semantics — 1-D operands promoted, batch dimensions broadcast) and
 * `linear` (`x·Wᵀ + b` over the last axis, as `torch.nn.functional.linear`), with their gradients, on the
 * blocked GEMM of the JS kernels.
 */
import { ShapeError, describeValue } from '../errors.js';
import { gemmNN, gemmNT, gemmTN } from '../kernels/js/gemm.js';
import { Tensor } from '../tensor/tensor.js';
import { checkBias, checkTensor } from './bias.js';
import { broadcastShapes, broadcastStrides, sumToShape } from './broadcast.js';
import { checkSameShape } from './shape-checks.js';

/**
 * `a @ b`: `[..., M, K] @ [..., K, N] → [..., M, N]`, batch dimensions broadcast.
 *
 * @example matmul(tensor([1, 2, 3, 4], [2, 2]), tensor([1, 0], [2, 1])).data // [1, 3]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const p = promote('matmul', a, b);
  const out = new Float32Array(p.batchShape.reduce((x, n) => x * n, 1) * p.M * p.N);
  forEachBatch(p, (i, ao, bo) => gemmNN(p.M, p.N, p.K, a.data, ao, p.K, b.data, bo, p.N, out, i * p.M * p.N, p.N));
  return new Tensor(out, p.outShape);
}

/** Gradients of {@link matmul}: `g·bᵀ` and `aᵀ·g`, summed over broadcast batch dimensions. */
export function matmulBackward(a: Tensor, b: Tensor, gradOutput: Tensor): { a: Tensor; b: Tensor } {
  const p = promote('matmulBackward', a, b);
  checkSameShape('matmulBackward', 'gradOutput', gradOutput, p.outShape);
  const G = gradOutput.data;
  const batch = p.batchShape.reduce((x, n) => x * n, 1);
  const gradA = new Float32Array(batch * p.M * p.K);
  const gradB = new Float32Array(batch * p.K * p.N);
  forEachBatch(p, (i, ao, bo) => {
    gemmNT(p.M, p.K, p.N, G, i * p.M * p.N, p.N, b.data, bo, p.N, gradA, i * p.M * p.K, p.K);
    gemmTN(p.K, p.N, p.M, a.data, ao, p.K, G, i * p.M * p.N, p.N, gradB, i * p.K * p.N, p.N);
  });
  const fullA = sumToShape(new Tensor(gradA, [...p.batchShape, p.M, p.K]), p.aShape);
  const fullB = sumToShape(new Tensor(gradB, [...p.batchShape, p.K, p.N]), p.bShape);
  return { a: fullA.reshape(a.shape), b: fullB.reshape(b.shape) };
}

/**
 * A fully connected layer's product: `x [..., in]`, `weight [out, in]`, optional `bias [out]` → `[..., out]`.
 *
 * @example linear(tensor([1, 2], [1, 2]), tensor([1, 1], [1, 2]), tensor([0.5])).data // [3.5]
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const { rows, inFeatures, outFeatures } = linearShapes('linear', x, weight);
  const b = checkBias('linear', bias, outFeatures);
  const out = new Float32Array(rows * outFeatures);
  if (b) for (let r = 0; r < rows; r++) out.set(b, r * outFeatures);
  gemmNT(rows, outFeatures, inFeatures, x.data, 0, inFeatures, weight.data, 0, inFeatures, out, 0, outFeatures);
  return new Tensor(out, [...x.shape.slice(0, -1), outFeatures]);
}

/** Gradients of {@link linear}: input `g·W`, weight `gᵀ·x`, bias `Σg` over rows. */
export function linearBackward(x: Tensor, weight: Tensor, gradOutput: Tensor): { input: Tensor; weight: Tensor; bias: Tensor } {
  const { rows, inFeatures, outFeatures } = linearShapes('linearBackward', x, weight);
  checkSameShape('linearBackward', 'gradOutput', gradOutput, [...x.shape.slice(0, -1), outFeatures]);
  const G = gradOutput.data;
  const gradInput = new Float32Array(x.size);
  gemmNN(rows, inFeatures, outFeatures, G, 0, outFeatures, weight.data, 0, inFeatures, gradInput, 0, inFeatures);
  const gradWeight = new Float32Array(weight.size);
  gemmTN(outFeatures, inFeatures, rows, G, 0, outFeatures, x.data, 0, inFeatures, gradWeight, 0, inFeatures);
  const gradBias = new Float32Array(outFeatures);
  for (let r = 0; r < rows; r++) for (let o = 0; o < outFeatures; o++) gradBias[o] += G[r * outFeatures + o];
  return { input: new Tensor(gradInput, x.shape), weight: new Tensor(gradWeight, weight.shape), bias: new Tensor(gradBias, [outFeatures]) };
}

interface Promoted {
  M: number; K: number; N: number;
  /** Operand shapes with 1-D operands promoted to matrices. */
  aShape: number[]; bShape: number[];
  batchShape: number[];
  aStrides: number[]; bStrides: number[];
  outShape: number[];
}

function promote(op: string, a: Tensor, b: Tensor): Promoted {
  checkTensor(op, 'a', a);
  checkTensor(op, 'b', b);
  if (a.rank < 1 || b.rank < 1) throw new ShapeError(op, 'input', `matmul needs operands of rank ≥ 1, got ${describeValue(a.shape)} and ${describeValue(b.shape)}`);
  const aShape = a.rank === 1 ? [1, a.shape[0]] : a.shape.slice();
  const bShape = b.rank === 1 ? [b.shape[0], 1] : b.shape.slice();
  const [M, K] = aShape.slice(-2);
  const [K2, N] = bShape.slice(-2);
  if (K !== K2) {
    throw new ShapeError(op, 'b', `inner dimensions differ: a ${describeValue(a.shape)} has ${K} columns but b ${describeValue(b.shape)} has ${K2} rows`);
  }
  const batchShape = broadcastShapes(op, aShape.slice(0, -2), bShape.slice(0, -2));
  const outShape = [...batchShape, ...(a.rank === 1 ? [] : [M]), ...(b.rank === 1 ? [] : [N])];
  return {
    M, K, N, aShape, bShape, batchShape, outShape,
    aStrides: broadcastStrides(aShape.slice(0, -2), batchShape),
    bStrides: broadcastStrides(bShape.slice(0, -2), batchShape),
  };
}

function forEachBatch(p: Promoted, visit: (index: number, aOffset: number, bOffset: number) => void): void {
  const batch = p.batchShape.reduce((x, n) => x * n, 1);
  const counter = new Array<number>(p.batchShape.length).fill(0);
  for (let i = 0; i < batch; i++) {
    let ai = 0, bi = 0;
    for (let d = 0; d < counter.length; d++) { ai += counter[d] * p.aStrides[d]; bi += counter[d] * p.bStrides[d]; }
    visit(i, ai * p.M * p.K, bi * p.K * p.N);
    for (let d = counter.length - 1; d >= 0; d--) { if (++counter[d] < p.batchShape[d]) break; counter[d] = 0; }
  }
}

function linearShapes(op: string, x: Tensor, weight: Tensor): { rows: number; inFeatures: number; outFeatures: number } {
  checkTensor(op, 'input', x);
  checkTensor(op, 'weight', weight);
  if (weight.rank !== 2) throw new ShapeError(op, 'weight', `weight shape ${describeValue(weight.shape)} must be [outFeatures, inFeatures]`);
  const [outFeatures, inFeatures] = weight.shape;
  if (x.rank < 1 || x.shape[x.rank - 1] !== inFeatures) {
    throw new ShapeError(op, 'input', `input shape ${describeValue(x.shape)} must end in ${inFeatures} features to match weight ${describeValue(weight.shape)}`);
  }
  return { rows: x.size / inFeatures, inFeatures, outFeatures };
}
