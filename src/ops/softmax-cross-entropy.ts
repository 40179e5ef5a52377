/**
 * Log-softmax and cross-entropy over the channel axis of `[N, C, ...positions]` in one pass: channel-major loops
 * (each channel's positions are contiguous, so every loop walks memory in order), the exponentials on the
 * vectorized kernels, and the softmax kept for the backward pass, which is then a single sweep
 * `g·(softmax − onehot)` — no second log-softmax.
 */
import { ShapeError } from '../errors.js';
import { softmaxCrossEntropyBackwardKernel, softmaxCrossEntropyKernel, transcendental } from '../kernels/pointwise/pointwise-kernels.js';
import { Tensor } from '../tensor/tensor.js';

/** The forward result: per-position losses (0 where ignored), the softmax, and how many positions counted. */
export interface SoftmaxCrossEntropy {
  /** `[N, ...positions]`. */
  losses: Float32Array;
  /** `[N, C, ...positions]`, the softmax over C. */
  probabilities: Float32Array;
  counted: number;
}

/**
 * Per-position cross-entropy `logΣexp(x) − x[target]` with the softmax of every position. Targets are class
 * indices stored as whole numbers; `ignoreIndex` positions contribute nothing.
 *
 * @example softmaxCrossEntropy('crossEntropy', tensor([0, 0], [1, 2]), tensor([1], [1]), -100).losses // [0.693]
 */
export function softmaxCrossEntropy(op: string, logits: Tensor, target: Tensor, ignoreIndex: number): SoftmaxCrossEntropy {
  const [N, C] = logits.shape;
  const P = N === 0 ? 0 : target.size / N;
  const X = logits.data, T = target.data;
  const probabilities = new Float32Array(logits.size);
  const losses = new Float32Array(target.size);
  const classes = classIndices(op, T, C, ignoreIndex);
  if (softmaxCrossEntropyKernel(X, classes.indices, N, C, P, probabilities, losses)) return { losses, probabilities, counted: classes.counted };
  const max = new Float32Array(P), total = new Float64Array(P);
  let counted = 0;
  for (let n = 0; n < N; n++) {
    const batch = n * C * P;
    max.fill(-Infinity);
    for (let c = 0; c < C; c++) {
      const row = batch + c * P;
      for (let p = 0; p < P; p++) if (X[row + p] > max[p]) max[p] = X[row + p];
    }
    for (let c = 0; c < C; c++) {
      const row = batch + c * P;
      for (let p = 0; p < P; p++) probabilities[row + p] = X[row + p] - max[p];
    }
    const shifted = probabilities.subarray(batch, batch + C * P);
    const targetRow = T.subarray(n * P, (n + 1) * P);
    for (let p = 0; p < P; p++) {
      const t = targetRow[p];
      if (t === ignoreIndex) continue;
      if (!Number.isInteger(t) || t < 0 || t >= C) {
        throw new ShapeError(op, 'target', `target value ${t} at position ${n * P + p} is not a class index in [0, ${C - 1}] nor the ignore index ${ignoreIndex}`);
      }
    }
    // The target's shifted logit, read before the exponentials overwrite it.
    for (let p = 0; p < P; p++) {
      const t = targetRow[p];
      losses[n * P + p] = t === ignoreIndex ? 0 : -shifted[t * P + p];
    }
    transcendental('exp', shifted, shifted);
    total.fill(0);
    for (let c = 0; c < C; c++) {
      const row = c * P;
      for (let p = 0; p < P; p++) total[p] += shifted[row + p];
    }
    for (let p = 0; p < P; p++) {
      const inverse = 1 / total[p];
      if (targetRow[p] !== ignoreIndex) { losses[n * P + p] += Math.log(total[p]); counted++; }
      total[p] = inverse;
    }
    for (let c = 0; c < C; c++) {
      const row = c * P;
      for (let p = 0; p < P; p++) shifted[row + p] *= total[p];
    }
  }
  return { losses, probabilities, counted };
}

/**
 * Gradient of the cross-entropy with respect to the logits from the kept softmax: `scale_p·(softmax − onehot)`
 * where `scale` is `gradOutput` per position (reduction 'none') or one number, and 0 at ignored positions.
 */
export function softmaxCrossEntropyBackward(probabilities: Float32Array, shape: readonly number[], target: Tensor, ignoreIndex: number, scale: Float32Array | number): Tensor {
  const [N, C] = shape;
  const P = N === 0 ? 0 : target.size / N;
  const T = target.data;
  const out = new Float32Array(probabilities.length);
  if (probabilities.length >= 2048) {
    const indices = new Int32Array(T.length), perPositionAll = new Float32Array(T.length);
    for (let i = 0; i < T.length; i++) {
      const ignored = T[i] === ignoreIndex;
      indices[i] = ignored ? -1 : T[i];
      perPositionAll[i] = ignored ? 0 : typeof scale === 'number' ? scale : scale[i];
    }
    if (softmaxCrossEntropyBackwardKernel(probabilities, indices, perPositionAll, N, C, P, out)) return new Tensor(out, shape);
  }
  const perPosition = new Float32Array(P);
  for (let n = 0; n < N; n++) {
    for (let p = 0; p < P; p++) {
      const t = T[n * P + p];
      perPosition[p] = t === ignoreIndex ? 0 : typeof scale === 'number' ? scale : scale[n * P + p];
    }
    for (let c = 0; c < C; c++) {
      const row = (n * C + c) * P;
      for (let p = 0; p < P; p++) out[row + p] = perPosition[p] * probabilities[row + p];
    }
    for (let p = 0; p < P; p++) {
      const t = T[n * P + p];
      if (t !== ignoreIndex) out[(n * C + t) * P + p] -= perPosition[p];
    }
  }
  return new Tensor(out, shape);
}

/**
 * The targets as int32 class indices, −1 where ignored, and how many count; a value that is neither a class index
 * nor the ignore index is refused with the op's ShapeError (the same check and message as the JS loop's).
 */
function classIndices(op: string, T: Float32Array, C: number, ignoreIndex: number): { indices: Int32Array; counted: number } {
  const indices = new Int32Array(T.length);
  let counted = 0;
  for (let i = 0; i < T.length; i++) {
    const t = T[i];
    if (t === ignoreIndex) { indices[i] = -1; continue; }
    if (!Number.isInteger(t) || t < 0 || t >= C) {
      throw new ShapeError(op, 'target', `target value ${t} at position ${i} is not a class index in [0, ${C - 1}] nor the ignore index ${ignoreIndex}`);
    }
    indices[i] = t;
    counted++;
  }
  return { indices, counted };
}
