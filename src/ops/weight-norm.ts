/**
 * Weight normalization (Salimans & Kingma 2016; PyTorch `weight_norm`, dim 0): `w = g · v/‖v‖` with one norm
 * per output channel (over every other axis), and its gradients with respect to `v` and `g`.
 */
import { ShapeError, describeValue } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { checkTensor } from './bias.js';
import { checkSameShape } from './shape-checks.js';

/**
 * `v [Cout, ...]`, `g` with `Cout` values (shape `[Cout, 1, ...]` as PyTorch stores it) → `w` of `v`'s shape.
 *
 * @example weightNorm(tensor([3, 4], [1, 2]), tensor([10], [1, 1])).data // [6, 8]
 */
export function weightNorm(v: Tensor, g: Tensor): Tensor {
  const { rows, columns, norms } = rowNorms('weightNorm', v, g);
  const out = new Float32Array(v.size);
  for (let r = 0; r < rows; r++) {
    const scale = g.data[r] / norms[r];
    for (let c = 0; c < columns; c++) out[r * columns + c] = v.data[r * columns + c] * scale;
  }
  return new Tensor(out, v.shape);
}

/** Gradients of {@link weightNorm}: `dg = ⟨dw, v⟩/‖v‖`, `dv = (g/‖v‖)(dw − v·⟨dw, v⟩/‖v‖²)` per output channel. */
export function weightNormBackward(v: Tensor, g: Tensor, gradOutput: Tensor): { v: Tensor; g: Tensor } {
  const { rows, columns, norms } = rowNorms('weightNormBackward', v, g);
  checkSameShape('weightNormBackward', 'gradOutput', gradOutput, v.shape);
  const V = v.data, G = gradOutput.data;
  const gradV = new Float32Array(v.size);
  const gradG = new Float32Array(g.size);
  for (let r = 0; r < rows; r++) {
    let dot = 0;
    for (let c = 0; c < columns; c++) dot += G[r * columns + c] * V[r * columns + c];
    const n = norms[r];
    gradG[r] = dot / n;
    const scale = g.data[r] / n;
    for (let c = 0; c < columns; c++) {
      const i = r * columns + c;
      gradV[i] = scale * (G[i] - V[i] * dot / (n * n));
    }
  }
  return { v: new Tensor(gradV, v.shape), g: new Tensor(gradG, g.shape) };
}

/** The norm of each output channel's slice of `v`: PyTorch's `norm_except_dim(v, 2, 0)`. */
export function channelNorms(v: Tensor): Tensor {
  checkTensor('channelNorms', 'v', v);
  const columns = v.size / v.shape[0];
  const norms = new Float32Array(v.shape[0]);
  for (let r = 0; r < v.shape[0]; r++) {
    let s = 0;
    for (let c = 0; c < columns; c++) s += v.data[r * columns + c] ** 2;
    norms[r] = Math.sqrt(s);
  }
  return new Tensor(norms, [v.shape[0], ...v.shape.slice(1).map(() => 1)]);
}

function rowNorms(op: string, v: Tensor, g: Tensor): { rows: number; columns: number; norms: Float64Array } {
  checkTensor(op, 'v', v);
  checkTensor(op, 'g', g);
  if (v.rank < 1 || g.size !== v.shape[0]) {
    throw new ShapeError(op, 'g', `g shape ${describeValue(g.shape)} must hold one value per output channel of v ${describeValue(v.shape)}`);
  }
  const rows = v.shape[0];
  const columns = v.size / rows;
  const norms = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < columns; c++) s += v.data[r * columns + c] ** 2;
    norms[r] = Math.sqrt(s);
  }
  return { rows, columns, norms };
}
