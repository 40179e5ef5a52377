/**
 * Softmax cross-entropy over the channel axis of logits [N][C][P] (src/ops/softmax-cross-entropy.ts is the host
 * and the JS reference). A task is one batch item's block of BLOCK positions; it walks the channels in order, each
 * channel's positions contiguous, so every pass streams memory:
 *   1. the maximum over channels per position;
 *   2. e = exp(x − max) into the probabilities (exp4, the JS backend's vectorized exp), summed per position in
 *      float64, channel after channel, as the JS loop does;
 *   3. the probabilities scaled by 1/total in float64, and the loss −(x_t − max) + log(total).
 * Targets are int32 class indices, −1 where ignored (the host checks them). The sums, the scaling and the loss's
 * roundings follow the JS loop step for step, so the probabilities equal it bit for bit and the losses to the last
 * bit of log (AssemblyScript's Math.log against V8's, both within 1 ulp in float64).
 *
 * The gradient kind writes out[c, p] = s_p·prob[c, p], then subtracts s_p at the target's channel, with s the
 * per-position scale (0 where ignored), in float32 as the JS loop.
 */
import * as p from './params';
import { exp4 } from './pointwise';

export const LOGITS = 1;
export const TARGETS = 2;
export const PROBABILITIES = 3;
export const LOSSES = 4;
export const BATCH = 5;
export const CHANNELS = 6;
export const POSITIONS = 7;
/** Per task: BLOCK float32 maxima then BLOCK float64 totals. */
export const SCRATCH = 8;
export const SCALE = 9;
export const GRADIENT = 10;
export const BACKWARD = 11;

export const SOFTMAX_BLOCK: i32 = 256;

export function softmaxCrossEntropyTasks(params: usize): i32 {
  const positions = p.slot(params, POSITIONS);
  return p.slot(params, BATCH) * ((positions + SOFTMAX_BLOCK - 1) / SOFTMAX_BLOCK);
}

export function softmaxCrossEntropyTask(params: usize, task: i32): void {
  const C = p.slot(params, CHANNELS), P = p.slot(params, POSITIONS);
  const blocks = (P + SOFTMAX_BLOCK - 1) / SOFTMAX_BLOCK;
  const n = task / blocks, p0 = (task - n * blocks) * SOFTMAX_BLOCK, count = min(SOFTMAX_BLOCK, P - p0);
  const planeBytes = <usize>P << 2;
  const batchOffset = ((<usize>n * <usize>C * <usize>P + <usize>p0) << 2);
  const targets = <usize>p.slot(params, TARGETS) + ((<usize>n * <usize>P + <usize>p0) << 2);
  if (p.slot(params, BACKWARD) != 0) {
    backward(params, batchOffset, targets, n * P + p0, count, C, planeBytes);
    return;
  }
  const logits = <usize>p.slot(params, LOGITS) + batchOffset;
  const probabilities = <usize>p.slot(params, PROBABILITIES) + batchOffset;
  const maxima = <usize>p.slot(params, SCRATCH) + <usize>task * <usize>(SOFTMAX_BLOCK * 12);
  const totals = maxima + <usize>(SOFTMAX_BLOCK * 4);
  const vectorEnd = count & ~3;

  for (let i = 0; i < count; i++) store<f32>(maxima + (<usize>i << 2), -Infinity);
  for (let c = 0; c < C; c++) {
    const row = logits + <usize>c * planeBytes;
    let i = 0;
    for (; i < vectorEnd; i += 4) {
      const at = <usize>i << 2;
      // x > max keeps the first maximum and skips NaN, as the JS loop's comparison does.
      const x = v128.load(row + at), m = v128.load(maxima + at);
      v128.store(maxima + at, v128.bitselect(x, m, f32x4.gt(x, m)));
    }
    for (; i < count; i++) {
      const at = <usize>i << 2;
      const x = load<f32>(row + at);
      if (x > load<f32>(maxima + at)) store<f32>(maxima + at, x);
    }
  }
  // The loss starts as −(x_t − max), read before the exponentials overwrite the logits' copy.
  const losses = <usize>p.slot(params, LOSSES) + ((<usize>n * <usize>P + <usize>p0) << 2);
  for (let i = 0; i < count; i++) {
    const t = load<i32>(targets + (<usize>i << 2));
    const at = <usize>i << 2;
    store<f32>(losses + at, t < 0 ? 0 : -(load<f32>(logits + <usize>t * planeBytes + at) - load<f32>(maxima + at)));
    store<f64>(totals + (<usize>i << 3), 0);
  }
  for (let c = 0; c < C; c++) {
    const row = <usize>c * planeBytes;
    let i = 0;
    for (; i < vectorEnd; i += 4) {
      const at = <usize>i << 2;
      const e = exp4(f32x4.sub(v128.load(logits + row + at), v128.load(maxima + at)));
      v128.store(probabilities + row + at, e);
      const t = totals + (<usize>i << 3);
      v128.store(t, f64x2.add(v128.load(t), f64x2.promote_low_f32x4(e)));
      v128.store(t, f64x2.add(v128.load(t, 16), f64x2.promote_low_f32x4(i32x4.shuffle(e, e, 2, 3, 0, 1))), 16);
    }
    for (; i < count; i++) {
      const at = <usize>i << 2;
      const e = f32x4.extract_lane(exp4(f32x4.splat(load<f32>(logits + row + at) - load<f32>(maxima + at))), 0);
      store<f32>(probabilities + row + at, e);
      const t = totals + (<usize>i << 3);
      store<f64>(t, load<f64>(t) + <f64>e);
    }
  }
  for (let i = 0; i < count; i++) {
    const t = totals + (<usize>i << 3), total = load<f64>(t);
    if (load<i32>(targets + (<usize>i << 2)) >= 0) {
      const at = losses + (<usize>i << 2);
      store<f32>(at, <f32>(<f64>load<f32>(at) + Math.log(total)));
    }
    store<f64>(t, 1 / total);
  }
  for (let c = 0; c < C; c++) {
    const row = probabilities + <usize>c * planeBytes;
    let i = 0;
    for (; i < vectorEnd; i += 4) {
      const at = <usize>i << 2, t = totals + (<usize>i << 3);
      const e = v128.load(row + at);
      const low = f64x2.mul(f64x2.promote_low_f32x4(e), v128.load(t));
      const high = f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(e, e, 2, 3, 0, 1)), v128.load(t, 16));
      v128.store(row + at, i32x4.shuffle(f32x4.demote_f64x2_zero(low), f32x4.demote_f64x2_zero(high), 0, 1, 4, 5));
    }
    for (; i < count; i++) {
      const at = <usize>i << 2;
      store<f32>(row + at, <f32>(<f64>load<f32>(row + at) * load<f64>(totals + (<usize>i << 3))));
    }
  }
}

// @ts-ignore: decorator
@inline function backward(params: usize, batchOffset: usize, targets: usize, first: i32, count: i32, C: i32, planeBytes: usize): void {
  const probabilities = <usize>p.slot(params, PROBABILITIES) + batchOffset;
  const gradient = <usize>p.slot(params, GRADIENT) + batchOffset;
  const scale = <usize>p.slot(params, SCALE) + (<usize>first << 2);
  const vectorEnd = count & ~3;
  for (let c = 0; c < C; c++) {
    const row = <usize>c * planeBytes;
    let i = 0;
    for (; i < vectorEnd; i += 4) {
      const at = <usize>i << 2;
      v128.store(gradient + row + at, f32x4.mul(v128.load(scale + at), v128.load(probabilities + row + at)));
    }
    for (; i < count; i++) {
      const at = <usize>i << 2;
      store<f32>(gradient + row + at, load<f32>(scale + at) * load<f32>(probabilities + row + at));
    }
  }
  for (let i = 0; i < count; i++) {
    const t = load<i32>(targets + (<usize>i << 2));
    if (t < 0) continue;
    const at = gradient + <usize>t * planeBytes + (<usize>i << 2);
    store<f32>(at, load<f32>(at) - load<f32>(scale + (<usize>i << 2)));
  }
}
