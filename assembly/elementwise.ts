/**
 * Memory-bound pointwise kernels: broadcasting arithmetic, relu/leaky relu and the gradients of relu, leaky relu,
 * tanh, sigmoid and WaveNet's gate, four lanes at a time. These ops do one or two flops per element, so a JS loop
 * (one float32↔float64 conversion per load and store, no vectors) runs them 10–15× slower than memory allows.
 *
 * A job is ROWS rows of LENGTH floats. Rows are numbered r = r1·R0 + r0 (up to two broadcast dimensions around the
 * innermost one), and row r of operand A starts at A + r1·A_STRIDE1 + r0·A_STRIDE0 (floats), likewise B; the
 * output is dense. Inside a row A and B advance by A_INNER and B_INNER floats per element (1, or 0 for a value
 * stretched along the row). A task is a chunk of CHUNK floats of one row, or ROWS_PER_TASK whole rows when rows are
 * short, so tiny rows do not cost a call each. Tasks write disjoint outputs: any thread count gives the same bits.
 *
 * Accuracy: arithmetic, PRelu, relu and relu's gradient equal the JS loops bit for bit (a float64 add, sub, mul or
 * div of two float32s rounds to the same float32 as the float32 operation; a NaN's payload aside). Leaky relu and
 * the tanh, sigmoid and gate gradients evaluate the same formula with a float32 rounding after each operation, as
 * PyTorch's float kernels do, where the JS loops round once at the end: they differ by at most a few ulps.
 *
 * REDUCE_CHANNELS sums a [N][C][P] tensor over N and P into C floats (the bias gradient), each channel one task,
 * each row of P in float64 (two f64x2 accumulators; the JS loop sums in sequence, so the two agree except where
 * cancellation exposes float64 rounding, far below float32's).
 */
import * as p from './params';

export const KIND = 1;
export const A = 2;
export const B = 3;
export const C = 4;
export const DST = 5;
export const DST2 = 6;
export const DST3 = 7;
export const LENGTH = 8;
export const ROWS = 9;
export const R0 = 10;
export const A_STRIDE0 = 11;
export const A_STRIDE1 = 12;
export const B_STRIDE0 = 13;
export const B_STRIDE1 = 14;
export const A_INNER = 15;
export const B_INNER = 16;
export const CHUNK = 17;
export const ROWS_PER_TASK = 18;
/** One f32 parameter (leaky relu's slope), as its bits. */
export const PARAM = 19;
/** REDUCE_CHANNELS: batch and positions (channels are ROWS). */
export const BATCH = 20;

export const ELEMENTWISE_ADD: i32 = 1;
export const ELEMENTWISE_SUB: i32 = 2;
export const ELEMENTWISE_MUL: i32 = 3;
export const ELEMENTWISE_DIV: i32 = 4;
/** `a < 0 ? a·b : a` (b the slope), ONNX PRelu. */
export const ELEMENTWISE_PRELU: i32 = 5;
export const ELEMENTWISE_RELU: i32 = 6;
/** `b` where `a > 0`, else 0 (a the relu's input, b the output gradient). */
export const ELEMENTWISE_RELU_BACKWARD: i32 = 7;
export const ELEMENTWISE_LEAKY_RELU: i32 = 8;
export const ELEMENTWISE_LEAKY_RELU_BACKWARD: i32 = 9;
/** `b·(1 − a²)` (a = tanh's output). */
export const ELEMENTWISE_TANH_BACKWARD: i32 = 10;
/** `b·a·(1 − a)` (a = sigmoid's output). */
export const ELEMENTWISE_SIGMOID_BACKWARD: i32 = 11;
/** Gate gradient: a = tanh, b = σ, c = dy → DST = dy·σ·(1 − tanh²), DST2 = dy·σ·tanh·(1 − σ). */
export const ELEMENTWISE_GATE_BACKWARD: i32 = 12;
/** `a·scale + shift` with B pointing at the row's [scale, shift] pair (B_STRIDE0 = 2): a normalization's affine. */
export const ELEMENTWISE_AFFINE: i32 = 13;
/** `a·k0 + c·k1 + k2` with B pointing at the row's [k0, k1, k2] (B_STRIDE0 = 3) and C dense: batch norm's dx. */
export const ELEMENTWISE_AFFINE2: i32 = 14;

export function elementwiseTasks(params: usize): i32 {
  const length = p.slot(params, LENGTH), rows = p.slot(params, ROWS);
  const perRow = p.slot(params, ROWS_PER_TASK);
  if (perRow > 1) return (rows + perRow - 1) / perRow;
  const chunk = p.slot(params, CHUNK);
  return rows * ((length + chunk - 1) / chunk);
}

export function elementwiseTask(params: usize, task: i32): void {
  const length = p.slot(params, LENGTH), rows = p.slot(params, ROWS);
  const perRow = p.slot(params, ROWS_PER_TASK);
  const kind = p.slot(params, KIND);
  if (perRow > 1) {
    const end = min(rows, (task + 1) * perRow);
    for (let r = task * perRow; r < end; r++) rowSegment(params, kind, r, 0, length);
    return;
  }
  const chunk = p.slot(params, CHUNK), chunks = (length + chunk - 1) / chunk;
  const r = task / chunks, start = (task - r * chunks) * chunk;
  rowSegment(params, kind, r, start, min(length, start + chunk));
}

/** Elements [start, end) of row r. */
// @ts-ignore: decorator
@inline function rowSegment(params: usize, kind: i32, r: i32, start: i32, end: i32): void {
  const r0count = p.slot(params, R0);
  const r1 = r / r0count, r0 = r - r1 * r0count;
  const aInner = p.slot(params, A_INNER), bInner = p.slot(params, B_INNER);
  const aRow = <usize>p.slot(params, A) + ((<usize>r1 * p.slot(params, A_STRIDE1) + <usize>r0 * p.slot(params, A_STRIDE0)) << 2);
  const bRow = <usize>p.slot(params, B) + ((<usize>r1 * p.slot(params, B_STRIDE1) + <usize>r0 * p.slot(params, B_STRIDE0)) << 2);
  const denseOffset = (<usize>r * p.slot(params, LENGTH) + start) << 2;
  const a = aRow + ((<usize>(start * aInner)) << 2), b = bRow + ((<usize>(start * bInner)) << 2);
  const dst = <usize>p.slot(params, DST) + denseOffset;
  const n = end - start;
  if (kind <= ELEMENTWISE_PRELU) {
    // One loop per operator and stride pattern, so each inlined sweep is a straight vector loop.
    if (aInner == 1 && bInner == 1) arithmetic(kind, a, 16, b, 16, dst, n);
    else if (bInner == 0) arithmetic(kind, a, 16, b, 0, dst, n);
    else arithmetic(kind, a, 0, b, 16, dst, n);
    return;
  }
  const slope = reinterpret<f32>(p.slot(params, PARAM));
  if (kind == ELEMENTWISE_RELU) sweep(ELEMENTWISE_RELU, a, b, dst, n, 0);
  else if (kind == ELEMENTWISE_RELU_BACKWARD) sweep(ELEMENTWISE_RELU_BACKWARD, a, b, dst, n, 0);
  else if (kind == ELEMENTWISE_LEAKY_RELU) sweep(ELEMENTWISE_LEAKY_RELU, a, b, dst, n, slope);
  else if (kind == ELEMENTWISE_LEAKY_RELU_BACKWARD) sweep(ELEMENTWISE_LEAKY_RELU_BACKWARD, a, b, dst, n, slope);
  else if (kind == ELEMENTWISE_TANH_BACKWARD) sweep(ELEMENTWISE_TANH_BACKWARD, a, b, dst, n, 0);
  else if (kind == ELEMENTWISE_SIGMOID_BACKWARD) sweep(ELEMENTWISE_SIGMOID_BACKWARD, a, b, dst, n, 0);
  else if (kind == ELEMENTWISE_AFFINE) affine(a, f32x4.splat(load<f32>(bRow)), f32x4.splat(load<f32>(bRow, 4)), dst, n);
  else if (kind == ELEMENTWISE_AFFINE2) {
    const c = <usize>p.slot(params, C) + denseOffset;
    affine2(a, c, f32x4.splat(load<f32>(bRow)), f32x4.splat(load<f32>(bRow, 4)), f32x4.splat(load<f32>(bRow, 8)), dst, n);
  }
  else if (kind == ELEMENTWISE_GATE_BACKWARD) {
    const c = <usize>p.slot(params, C) + denseOffset, dst2 = <usize>p.slot(params, DST2) + denseOffset;
    gateBackward(a, b, c, dst, dst2, n);
  }
}

/** `dst = a ∘ b` with the operands' byte steps per four lanes (16 walks, 0 repeats one splatted value). */
// @ts-ignore: decorator
@inline function arithmetic(kind: i32, a: usize, aStep: usize, b: usize, bStep: usize, dst: usize, n: i32): void {
  if (kind == ELEMENTWISE_ADD) arithmeticSweep(ELEMENTWISE_ADD, a, aStep, b, bStep, dst, n);
  else if (kind == ELEMENTWISE_SUB) arithmeticSweep(ELEMENTWISE_SUB, a, aStep, b, bStep, dst, n);
  else if (kind == ELEMENTWISE_MUL) arithmeticSweep(ELEMENTWISE_MUL, a, aStep, b, bStep, dst, n);
  else if (kind == ELEMENTWISE_DIV) arithmeticSweep(ELEMENTWISE_DIV, a, aStep, b, bStep, dst, n);
  else arithmeticSweep(ELEMENTWISE_PRELU, a, aStep, b, bStep, dst, n);
}

// @ts-ignore: decorator
@inline function arithmeticSweep(kind: i32, a: usize, aStep: usize, b: usize, bStep: usize, dst: usize, n: i32): void {
  const aSplat = f32x4.splat(load<f32>(a)), bSplat = f32x4.splat(load<f32>(b));
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const va = aStep == 0 ? aSplat : v128.load(a), vb = bStep == 0 ? bSplat : v128.load(b);
    v128.store(dst, combine(kind, va, vb));
    a += aStep; b += bStep; dst += 16;
  }
  for (; i < n; i++) {
    const va = f32x4.splat(load<f32>(a)), vb = f32x4.splat(load<f32>(b));
    store<f32>(dst, f32x4.extract_lane(combine(kind, va, vb), 0));
    a += aStep >> 2; b += bStep >> 2; dst += 4;
  }
}

// @ts-ignore: decorator
@inline function combine(kind: i32, a: v128, b: v128): v128 {
  if (kind == ELEMENTWISE_ADD) return f32x4.add(a, b);
  if (kind == ELEMENTWISE_SUB) return f32x4.sub(a, b);
  if (kind == ELEMENTWISE_MUL) return f32x4.mul(a, b);
  if (kind == ELEMENTWISE_DIV) return f32x4.div(a, b);
  return v128.bitselect(f32x4.mul(a, b), a, f32x4.lt(a, f32x4.splat(0)));
}

/** The one- and two-operand kinds on dense rows (b unused by relu and leaky relu). */
// @ts-ignore: decorator
@inline function sweep(kind: i32, a: usize, b: usize, dst: usize, n: i32, slope: f32): void {
  const s = f32x4.splat(slope);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    v128.store(dst + at, unary(kind, v128.load(a + at), kind == ELEMENTWISE_RELU || kind == ELEMENTWISE_LEAKY_RELU ? s : v128.load(b + at), s));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const vb = kind == ELEMENTWISE_RELU || kind == ELEMENTWISE_LEAKY_RELU ? s : f32x4.splat(load<f32>(b + at));
    store<f32>(dst + at, f32x4.extract_lane(unary(kind, f32x4.splat(load<f32>(a + at)), vb, s), 0));
  }
}

// @ts-ignore: decorator
@inline function unary(kind: i32, a: v128, b: v128, slope: v128): v128 {
  const one = f32x4.splat(1);
  // x > 0 is false for −0, NaN and negatives: all of them give +0, as the JS loops' `x > 0 ? x : 0` does.
  if (kind == ELEMENTWISE_RELU) return v128.and(a, f32x4.gt(a, f32x4.splat(0)));
  if (kind == ELEMENTWISE_RELU_BACKWARD) return v128.and(b, f32x4.gt(a, f32x4.splat(0)));
  if (kind == ELEMENTWISE_LEAKY_RELU) return v128.bitselect(a, f32x4.mul(slope, a), f32x4.gt(a, f32x4.splat(0)));
  if (kind == ELEMENTWISE_LEAKY_RELU_BACKWARD) return v128.bitselect(b, f32x4.mul(slope, b), f32x4.gt(a, f32x4.splat(0)));
  if (kind == ELEMENTWISE_TANH_BACKWARD) return f32x4.mul(b, f32x4.sub(one, f32x4.mul(a, a)));
  return f32x4.mul(f32x4.mul(b, a), f32x4.sub(one, a));
}

// @ts-ignore: decorator
@inline function gateBackward(t: usize, s: usize, g: usize, dFilter: usize, dGate: usize, n: i32): void {
  const one = f32x4.splat(1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    const vt = v128.load(t + at), vs = v128.load(s + at);
    const gs = f32x4.mul(v128.load(g + at), vs);
    v128.store(dFilter + at, f32x4.mul(gs, f32x4.sub(one, f32x4.mul(vt, vt))));
    v128.store(dGate + at, f32x4.mul(f32x4.mul(gs, vt), f32x4.sub(one, vs)));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    const vt = load<f32>(t + at), vs = load<f32>(s + at);
    const gs = load<f32>(g + at) * vs;
    store<f32>(dFilter + at, gs * (1 - vt * vt));
    store<f32>(dGate + at, gs * vt * (1 - vs));
  }
}

// @ts-ignore: decorator
@inline function affine(a: usize, scale: v128, shift: v128, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    v128.store(dst + at, f32x4.add(f32x4.mul(v128.load(a + at), scale), shift));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(dst + at, load<f32>(a + at) * f32x4.extract_lane(scale, 0) + f32x4.extract_lane(shift, 0));
  }
}

// @ts-ignore: decorator
@inline function affine2(a: usize, c: usize, k0: v128, k1: v128, k2: v128, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i << 2;
    v128.store(dst + at, f32x4.add(f32x4.add(f32x4.mul(v128.load(a + at), k0), f32x4.mul(v128.load(c + at), k1)), k2));
  }
  for (; i < n; i++) {
    const at = <usize>i << 2;
    store<f32>(dst + at, load<f32>(a + at) * f32x4.extract_lane(k0, 0) + load<f32>(c + at) * f32x4.extract_lane(k1, 0) + f32x4.extract_lane(k2, 0));
  }
}

/** Channel c's first row (LENGTH floats) in a [BATCH][ROWS][LENGTH] tensor at A. */
// @ts-ignore: decorator
@inline function channelRows(params: usize, c: i32): usize {
  return <usize>p.slot(params, A) + ((<usize>c * <usize>p.slot(params, LENGTH)) << 2);
}

export function channelMomentsTasks(params: usize): i32 {
  return p.slot(params, ROWS);
}

/**
 * Batch norm's statistics of channel c of a [BATCH][ROWS][LENGTH] tensor, in two float64 passes as the JS loop:
 * the mean, then the mean of squared deviations from it. Stored as [mean, variance] float64s at DST + 16c.
 */
export function channelMomentsTask(params: usize, c: i32): void {
  const batch = p.slot(params, BATCH), channels = p.slot(params, ROWS), length = p.slot(params, LENGTH);
  const rowBytes = (<usize>channels * <usize>length) << 2;
  const first = channelRows(params, c);
  let s01 = f64x2.splat(0), s23 = f64x2.splat(0), tail: f64 = 0;
  for (let n = 0; n < batch; n++) {
    const row = first + <usize>n * rowBytes;
    let i = 0;
    for (; i + 4 <= length; i += 4) {
      const v = v128.load(row + (<usize>i << 2));
      s01 = f64x2.add(s01, f64x2.promote_low_f32x4(v));
      s23 = f64x2.add(s23, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
    }
    for (; i < length; i++) tail += <f64>load<f32>(row + (<usize>i << 2));
  }
  const count = <f64>batch * <f64>length;
  const both = f64x2.add(s01, s23);
  const mean = (f64x2.extract_lane(both, 0) + f64x2.extract_lane(both, 1) + tail) / count;
  const m = f64x2.splat(mean);
  let q01 = f64x2.splat(0), q23 = f64x2.splat(0), qTail: f64 = 0;
  for (let n = 0; n < batch; n++) {
    const row = first + <usize>n * rowBytes;
    let i = 0;
    for (; i + 4 <= length; i += 4) {
      const v = v128.load(row + (<usize>i << 2));
      const d01 = f64x2.sub(f64x2.promote_low_f32x4(v), m), d23 = f64x2.sub(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)), m);
      q01 = f64x2.add(q01, f64x2.mul(d01, d01));
      q23 = f64x2.add(q23, f64x2.mul(d23, d23));
    }
    for (; i < length; i++) {
      const d = <f64>load<f32>(row + (<usize>i << 2)) - mean;
      qTail += d * d;
    }
  }
  const q = f64x2.add(q01, q23);
  const out = <usize>p.slot(params, DST) + (<usize>c << 4);
  store<f64>(out, mean);
  store<f64>(out, (f64x2.extract_lane(q, 0) + f64x2.extract_lane(q, 1) + qTail) / count, 8);
}

/**
 * Batch norm's gradient sums of channel c: Σ dy and Σ dy·(x − mean)·invStd over the batch and positions, in float64
 * as the JS loop, with A = dy, C = x and [mean, invStd] float64s read at B + 16c; stored as two float64s at DST + 16c.
 */
export function channelGradientSumsTask(params: usize, c: i32): void {
  const batch = p.slot(params, BATCH), channels = p.slot(params, ROWS), length = p.slot(params, LENGTH);
  const rowBytes = (<usize>channels * <usize>length) << 2;
  const offset = (<usize>c * <usize>length) << 2;
  const gFirst = <usize>p.slot(params, A) + offset, xFirst = <usize>p.slot(params, C) + offset;
  const stats = <usize>p.slot(params, B) + (<usize>c << 4);
  const mean = load<f64>(stats), invStd = load<f64>(stats, 8);
  const m = f64x2.splat(mean), k = f64x2.splat(invStd);
  let g01 = f64x2.splat(0), g23 = f64x2.splat(0), gx01 = f64x2.splat(0), gx23 = f64x2.splat(0);
  let gTail: f64 = 0, gxTail: f64 = 0;
  for (let n = 0; n < batch; n++) {
    const gRow = gFirst + <usize>n * rowBytes, xRow = xFirst + <usize>n * rowBytes;
    let i = 0;
    for (; i + 4 <= length; i += 4) {
      const at = <usize>i << 2;
      const vg = v128.load(gRow + at), vx = v128.load(xRow + at);
      const ga = f64x2.promote_low_f32x4(vg), gb = f64x2.promote_low_f32x4(i32x4.shuffle(vg, vg, 2, 3, 0, 1));
      const xa = f64x2.promote_low_f32x4(vx), xb = f64x2.promote_low_f32x4(i32x4.shuffle(vx, vx, 2, 3, 0, 1));
      g01 = f64x2.add(g01, ga); g23 = f64x2.add(g23, gb);
      gx01 = f64x2.add(gx01, f64x2.mul(f64x2.mul(ga, f64x2.sub(xa, m)), k));
      gx23 = f64x2.add(gx23, f64x2.mul(f64x2.mul(gb, f64x2.sub(xb, m)), k));
    }
    for (; i < length; i++) {
      const g = <f64>load<f32>(gRow + (<usize>i << 2));
      gTail += g;
      gxTail += g * (<f64>load<f32>(xRow + (<usize>i << 2)) - mean) * invStd;
    }
  }
  const gs = f64x2.add(g01, g23), gxs = f64x2.add(gx01, gx23);
  const out = <usize>p.slot(params, DST) + (<usize>c << 4);
  store<f64>(out, f64x2.extract_lane(gs, 0) + f64x2.extract_lane(gs, 1) + gTail);
  store<f64>(out, f64x2.extract_lane(gxs, 0) + f64x2.extract_lane(gxs, 1) + gxTail, 8);
}

export function momentsTasks(params: usize): i32 {
  return p.slot(params, ROWS);
}

/**
 * Region `g` (LENGTH floats at A + g·LENGTH): its first value f, the mean of x − f and the population variance,
 * as three float64s at DST + 24g. The same four float64 accumulators in the same order as the JS
 * `shiftedMoments` (src/onnx/operators/normalization.ts), so the statistics are bit for bit equal; shifting by a
 * value of the data keeps the variance accurate when the mean is large against the spread.
 */
export function momentsTask(params: usize, g: i32): void {
  const length = p.slot(params, LENGTH);
  const base = <usize>p.slot(params, A) + ((<usize>g * <usize>length) << 2);
  const first = <f64>load<f32>(base), shift = f64x2.splat(first);
  let s01 = f64x2.splat(0), s23 = f64x2.splat(0), q01 = f64x2.splat(0), q23 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    const v = v128.load(base + (<usize>i << 2));
    const d01 = f64x2.sub(f64x2.promote_low_f32x4(v), shift);
    const d23 = f64x2.sub(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)), shift);
    s01 = f64x2.add(s01, d01); s23 = f64x2.add(s23, d23);
    q01 = f64x2.add(q01, f64x2.mul(d01, d01)); q23 = f64x2.add(q23, f64x2.mul(d23, d23));
  }
  let s0 = f64x2.extract_lane(s01, 0), q0 = f64x2.extract_lane(q01, 0);
  for (; i < length; i++) {
    const d = <f64>load<f32>(base + (<usize>i << 2)) - first;
    s0 += d; q0 += d * d;
  }
  const centred = (s0 + f64x2.extract_lane(s01, 1) + f64x2.extract_lane(s23, 0) + f64x2.extract_lane(s23, 1)) / <f64>length;
  const squares = (q0 + f64x2.extract_lane(q01, 1) + f64x2.extract_lane(q23, 0) + f64x2.extract_lane(q23, 1)) / <f64>length;
  const out = <usize>p.slot(params, DST) + <usize>g * 24;
  store<f64>(out, first);
  store<f64>(out, centred, 8);
  store<f64>(out, max(squares - centred * centred, 0), 16);
}

export function reduceChannelsTasks(params: usize): i32 {
  return p.slot(params, ROWS);
}

/** Channel `c` of a [BATCH][ROWS][LENGTH] tensor at A, summed into DST[c]. */
export function reduceChannelsTask(params: usize, c: i32): void {
  const batch = p.slot(params, BATCH), channels = p.slot(params, ROWS), length = p.slot(params, LENGTH);
  const base = <usize>p.slot(params, A);
  let total: f32 = 0;
  for (let n = 0; n < batch; n++) {
    const row = base + ((<usize>(n * channels + c) * <usize>length) << 2);
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
    let i = 0;
    for (; i + 4 <= length; i += 4) {
      const v = v128.load(row + (<usize>i << 2));
      s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v));
      s1 = f64x2.add(s1, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
    }
    const both = f64x2.add(s0, s1);
    let sum = f64x2.extract_lane(both, 0) + f64x2.extract_lane(both, 1);
    for (; i < length; i++) sum += <f64>load<f32>(row + (<usize>i << 2));
    // As the JS loop's `grad[c] += sum` into a Float32Array: the float32 total plus the float64 row sum, rounded once.
    total = <f32>(<f64>total + sum);
  }
  store<f32>(<usize>p.slot(params, DST) + (<usize>c << 2), total);
}
