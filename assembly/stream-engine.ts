/**
 * The streaming interpreter: runs a compiled stream program (src/nn/stream/plan.ts writes it; engine-js.ts is the
 * same program in plain JavaScript, the reference these kernels must equal) over `steps` time steps of `batch`
 * streams in one call, so a per-sample step costs one call from JavaScript.
 *
 * Memory (byte addresses, all chosen by the plan):
 *   buffer table  per buffer 8 i32: base, channels, history, capacity, cursor, -, -, -
 *   buffer rows   [capacity slots][batch][channels]: slot s holds time step s of every stream; a buffer with
 *                 history keeps the last `history` time steps before its cursor (what dilated taps read)
 *   program       per op 16 i32 (opcode first, see the OP_ constants)
 *   conv weights  per group, per 32-row panel: [taps][K][32] (rows past M zero), bias padded to a multiple of 32
 *
 * A dilated tap reads its input `(taps−1−j)·d` slots back; the plan sizes every history so those slots exist.
 */
import { madd } from './madd';
// One set of vectorized transcendentals for the runtime and the streamer (accuracy stated in pointwise.ts).
import { exp4, gelu4, sigmoid4, tanh4 } from './pointwise';

export const STREAM_OP_CONV: i32 = 1;
export const STREAM_OP_UNARY: i32 = 2;
export const STREAM_OP_GATE: i32 = 3;
export const STREAM_OP_ADD: i32 = 4;
export const STREAM_OP_AFFINE: i32 = 5;
export const STREAM_OP_STREAM_BIAS: i32 = 6;

export const STREAM_UNARY_COPY: i32 = 0;
export const STREAM_UNARY_RELU: i32 = 1;
export const STREAM_UNARY_LEAKY_RELU: i32 = 2;
export const STREAM_UNARY_TANH: i32 = 3;
export const STREAM_UNARY_SIGMOID: i32 = 4;
export const STREAM_UNARY_GELU: i32 = 5;

const OP_WORDS: usize = 16;
const BUFFER_WORDS: usize = 8;
const B_BASE: usize = 0;
const B_CHANNELS: usize = 1;
const B_HISTORY: usize = 2;
const B_CAPACITY: usize = 3;
const B_CURSOR: usize = 4;

// @ts-ignore: decorator
@inline function word(at: usize, index: usize): i32 { return load<i32>(at + (index << 2)); }

/** Byte address of channel `offset` of the first stream at the buffer's cursor (time step 0 of this call). */
// @ts-ignore: decorator
@inline function cursorAddress(table: usize, buffer: i32, batch: i32, offset: i32): usize {
  const entry = table + (<usize>buffer) * BUFFER_WORDS * 4;
  const channels = word(entry, B_CHANNELS);
  return <usize>word(entry, B_BASE) + (((<usize>word(entry, B_CURSOR) * <usize>batch) * <usize>channels + <usize>offset) << 2);
}

// @ts-ignore: decorator
@inline function channelsOf(table: usize, buffer: i32): i32 {
  return word(table + (<usize>buffer) * BUFFER_WORDS * 4, B_CHANNELS);
}

/**
 * Runs the `opCount` ops at `program` over `steps` time steps, then moves every history buffer's cursor on by
 * `steps`, sliding its last `history` slots back to the front when the next call could run past its capacity.
 */
export function stream_run(program: usize, opCount: i32, table: usize, bufferCount: i32, batch: i32, steps: i32, maxSteps: i32): void {
  const columns = steps * batch;
  for (let i = 0; i < opCount; i++) {
    const op = program + (<usize>i) * OP_WORDS * 4;
    const code = word(op, 0);
    if (code == STREAM_OP_CONV) runConv(op, table, batch, columns);
    else if (code == STREAM_OP_UNARY) runUnary(op, table, batch, columns);
    else if (code == STREAM_OP_GATE) runGate(op, table, batch, columns);
    else if (code == STREAM_OP_ADD) runAdd(op, table, batch, columns);
    else if (code == STREAM_OP_AFFINE) runAffine(op, table, batch, columns);
    else if (code == STREAM_OP_STREAM_BIAS) runStreamBias(op, table, batch, steps);
  }
  for (let b = 0; b < bufferCount; b++) {
    const entry = table + (<usize>b) * BUFFER_WORDS * 4;
    const history = word(entry, B_HISTORY);
    if (history == 0) continue;
    let cursor = word(entry, B_CURSOR) + steps;
    if (cursor + maxSteps > word(entry, B_CAPACITY)) {
      const slot = <usize>batch * <usize>word(entry, B_CHANNELS) * 4;
      const base = <usize>word(entry, B_BASE);
      memory.copy(base, base + <usize>(cursor - history) * slot, <usize>history * slot);
      cursor = history;
    }
    store<i32>(entry + B_CURSOR * 4, cursor);
  }
}

/**
 * out[:, outOff + g·M + m] = bias + Σ_j Σ_k W_g[m, k, j] · in[t − (taps−1−j)·d, inOff + g·K + k] (+ src) (relu),
 * for every column (time step × stream). Fields: out, outOff, in, inOff, M, K, taps, dilation, weights, bias,
 * src (−1 none), srcOff, relu, groups. Weights come in panels of 32 rows, `[taps][K][32]`, so every kernel walks
 * one pointer 128 bytes per k and finds its rows at fixed offsets.
 */
function runConv(op: usize, table: usize, batch: i32, columns: i32): void {
  const outBuffer = word(op, 1), inBuffer = word(op, 3), srcBuffer = word(op, 11);
  const M = word(op, 5), K = word(op, 6), taps = word(op, 7), dilation = word(op, 8);
  const relu = word(op, 13) != 0;
  const groups = word(op, 14);
  const inStride = <usize>channelsOf(table, inBuffer) << 2;
  const outStride = <usize>channelsOf(table, outBuffer) << 2;
  const srcStride: usize = srcBuffer >= 0 ? <usize>channelsOf(table, srcBuffer) << 2 : 0;
  const tapStep = <usize>dilation * <usize>batch * inStride;
  const panels = (M + 31) >> 5;
  const panelBytes = <usize>taps * <usize>K * 128;
  let weights = <usize>word(op, 9);
  let bias = <usize>word(op, 10);
  for (let g = 0; g < groups; g++) {
    const input = cursorAddress(table, inBuffer, batch, word(op, 4) + g * K) - <usize>(taps - 1) * tapStep;
    const output = cursorAddress(table, outBuffer, batch, word(op, 2) + g * M);
    const src: usize = srcBuffer >= 0 ? cursorAddress(table, srcBuffer, batch, word(op, 12) + g * M) : 0;
    for (let p = 0; p < panels; p++) {
      const w = weights + <usize>p * panelBytes;
      const first = p << 5;
      const rows = min(32, M - first);
      const b: usize = bias ? bias + (<usize>first << 2) : 0;
      let c = 0;
      for (; c + 4 <= columns; c += 4) {
        for (let r = 0; r < rows; r += 8) {
          const at = <usize>(first + r) << 2;
          conv8x4(w + (<usize>r << 2), input + <usize>c * inStride, inStride, tapStep, taps, K, b ? b + (<usize>r << 2) : 0,
            output + <usize>c * outStride + at, outStride, src ? src + <usize>c * srcStride + at : 0, srcStride, relu, min(8, rows - r));
        }
      }
      for (; c < columns; c++) {
        const x = input + <usize>c * inStride;
        const y = output + <usize>c * outStride + (<usize>first << 2);
        const sc: usize = src ? src + <usize>c * srcStride + (<usize>first << 2) : 0;
        if (rows == 32) conv32x1(w, x, tapStep, taps, K, b, y, sc, relu);
        else {
          for (let r = 0; r < rows; r += 8) {
            const at = <usize>r << 2;
            conv8x1(w + at, x, tapStep, taps, K, b ? b + at : 0, y + at, sc ? sc + at : 0, relu, min(8, rows - r));
          }
        }
      }
    }
    weights += <usize>panels * panelBytes;
    if (bias) bias += <usize>panels << 7;
  }
}

/** Adds bias and src to a finished 8-row accumulator pair, applies relu, stores `rows` (≤ 8) values at y. */
// @ts-ignore: decorator
@inline function finish8(lo: v128, hi: v128, bias: usize, y: usize, src: usize, relu: bool, rows: i32): void {
  if (bias) { lo = f32x4.add(lo, v128.load(bias)); hi = f32x4.add(hi, v128.load(bias, 16)); }
  if (src) {
    if (rows == 8) { lo = f32x4.add(lo, v128.load(src)); hi = f32x4.add(hi, v128.load(src, 16)); }
    else {
      for (let r = 0; r < rows; r++) {
        const v = load<f32>(src + (<usize>r << 2));
        if (r < 4) lo = addLane(lo, r, v);
        else hi = addLane(hi, r - 4, v);
      }
    }
  }
  if (relu) { const zero = f32x4.splat(0); lo = f32x4.pmax(lo, zero); hi = f32x4.pmax(hi, zero); }
  if (rows == 8) { v128.store(y, lo); v128.store(y, hi, 16); return; }
  for (let r = 0; r < rows; r++) store<f32>(y + (<usize>r << 2), r < 4 ? lane(lo, r) : lane(hi, r - 4));
}

function lane(v: v128, i: i32): f32 {
  if (i == 0) return f32x4.extract_lane(v, 0);
  if (i == 1) return f32x4.extract_lane(v, 1);
  if (i == 2) return f32x4.extract_lane(v, 2);
  return f32x4.extract_lane(v, 3);
}

function addLane(v: v128, i: i32, value: f32): v128 {
  if (i == 0) return f32x4.replace_lane(v, 0, f32x4.extract_lane(v, 0) + value);
  if (i == 1) return f32x4.replace_lane(v, 1, f32x4.extract_lane(v, 1) + value);
  if (i == 2) return f32x4.replace_lane(v, 2, f32x4.extract_lane(v, 2) + value);
  return f32x4.replace_lane(v, 3, f32x4.extract_lane(v, 3) + value);
}

/** Eight rows of a panel against four columns: per k two weight vectors, four input splats, eight multiply-adds. */
function conv8x4(w: usize, x: usize, xStride: usize, tapStep: usize, taps: i32, K: i32, bias: usize, y: usize, yStride: usize, src: usize, srcStride: usize, relu: bool, rows: i32): void {
  let a0 = f32x4.splat(0), b0 = f32x4.splat(0), a1 = f32x4.splat(0), b1 = f32x4.splat(0);
  let a2 = f32x4.splat(0), b2 = f32x4.splat(0), a3 = f32x4.splat(0), b3 = f32x4.splat(0);
  const x1 = xStride, x2 = xStride << 1, x3 = xStride * 3;
  for (let j = 0; j < taps; j++) {
    let xp = x + <usize>j * tapStep;
    const end = xp + (<usize>K << 2);
    while (xp < end) {
      const lo = v128.load(w), hi = v128.load(w, 16);
      const s0 = v128.load32_splat(xp);
      a0 = madd(lo, s0, a0); b0 = madd(hi, s0, b0);
      const s1 = v128.load32_splat(xp + x1);
      a1 = madd(lo, s1, a1); b1 = madd(hi, s1, b1);
      const s2 = v128.load32_splat(xp + x2);
      a2 = madd(lo, s2, a2); b2 = madd(hi, s2, b2);
      const s3 = v128.load32_splat(xp + x3);
      a3 = madd(lo, s3, a3); b3 = madd(hi, s3, b3);
      w += 128;
      xp += 4;
    }
  }
  finish8(a0, b0, bias, y, src, relu, rows);
  finish8(a1, b1, bias, y + yStride, src ? src + srcStride : 0, relu, rows);
  finish8(a2, b2, bias, y + 2 * yStride, src ? src + 2 * srcStride : 0, relu, rows);
  finish8(a3, b3, bias, y + 3 * yStride, src ? src + 3 * srcStride : 0, relu, rows);
}

/** Eight rows of a panel against one column (a panel's last rows when the outputs are not a multiple of 32). */
function conv8x1(w: usize, x: usize, tapStep: usize, taps: i32, K: i32, bias: usize, y: usize, src: usize, relu: bool, rows: i32): void {
  let a = f32x4.splat(0), b = f32x4.splat(0);
  for (let j = 0; j < taps; j++) {
    let xp = x + <usize>j * tapStep;
    const end = xp + (<usize>K << 2);
    while (xp < end) {
      const s = v128.load32_splat(xp);
      a = madd(v128.load(w), s, a); b = madd(v128.load(w, 16), s, b);
      w += 128;
      xp += 4;
    }
  }
  finish8(a, b, bias, y, src, relu, rows);
}

/** A whole 32-row panel against one column: eight independent accumulators, one splat and one pointer step per k. */
function conv32x1(w: usize, x: usize, tapStep: usize, taps: i32, K: i32, bias: usize, y: usize, src: usize, relu: bool): void {
  let a0 = f32x4.splat(0), b0 = f32x4.splat(0), a1 = f32x4.splat(0), b1 = f32x4.splat(0);
  let a2 = f32x4.splat(0), b2 = f32x4.splat(0), a3 = f32x4.splat(0), b3 = f32x4.splat(0);
  for (let j = 0; j < taps; j++) {
    let xp = x + <usize>j * tapStep;
    const end = xp + (<usize>K << 2);
    while (xp < end) {
      const s = v128.load32_splat(xp);
      a0 = madd(v128.load(w), s, a0); b0 = madd(v128.load(w, 16), s, b0);
      a1 = madd(v128.load(w, 32), s, a1); b1 = madd(v128.load(w, 48), s, b1);
      a2 = madd(v128.load(w, 64), s, a2); b2 = madd(v128.load(w, 80), s, b2);
      a3 = madd(v128.load(w, 96), s, a3); b3 = madd(v128.load(w, 112), s, b3);
      w += 128;
      xp += 4;
    }
  }
  finish8(a0, b0, bias, y, src, relu, 8);
  finish8(a1, b1, bias ? bias + 32 : 0, y + 32, src ? src + 32 : 0, relu, 8);
  finish8(a2, b2, bias ? bias + 64 : 0, y + 64, src ? src + 64 : 0, relu, 8);
  finish8(a3, b3, bias ? bias + 96 : 0, y + 96, src ? src + 96 : 0, relu, 8);
}

/** Fields: out, outOff, in, inOff, channels, kind, parameter (f32 bits). */
function runUnary(op: usize, table: usize, batch: i32, columns: i32): void {
  const out = word(op, 1), input = word(op, 3), channels = word(op, 5), kind = word(op, 6);
  const parameter = reinterpret<f32>(word(op, 7));
  const outStride = <usize>channelsOf(table, out) << 2, inStride = <usize>channelsOf(table, input) << 2;
  const y0 = cursorAddress(table, out, batch, word(op, 2)), x0 = cursorAddress(table, input, batch, word(op, 4));
  for (let c = 0; c < columns; c++) {
    const y = y0 + <usize>c * outStride, x = x0 + <usize>c * inStride;
    let i = 0;
    for (; i + 4 <= channels; i += 4) {
      const at = <usize>i << 2;
      v128.store(y + at, unaryVector(kind, v128.load(x + at), parameter));
    }
    for (; i < channels; i++) {
      const at = <usize>i << 2;
      store<f32>(y + at, f32x4.extract_lane(unaryVector(kind, f32x4.splat(load<f32>(x + at)), parameter), 0));
    }
  }
}

// @ts-ignore: decorator
@inline function unaryVector(kind: i32, v: v128, parameter: f32): v128 {
  if (kind == STREAM_UNARY_RELU) return f32x4.pmax(v, f32x4.splat(0));
  if (kind == STREAM_UNARY_LEAKY_RELU) {
    const zero = f32x4.splat(0);
    return f32x4.add(f32x4.pmax(v, zero), f32x4.mul(f32x4.pmin(v, zero), f32x4.splat(parameter)));
  }
  if (kind == STREAM_UNARY_TANH) return tanh4(v);
  if (kind == STREAM_UNARY_SIGMOID) return sigmoid4(v);
  if (kind == STREAM_UNARY_GELU) return gelu4(v);
  return v;
}

/** Fields: out, outOff, a, aOff, b, bOff, channels: out = tanh(a) ⊙ σ(b), WaveNet's gated unit. */
function runGate(op: usize, table: usize, batch: i32, columns: i32): void {
  const out = word(op, 1), a = word(op, 3), b = word(op, 5), channels = word(op, 7);
  const yS = <usize>channelsOf(table, out) << 2, aS = <usize>channelsOf(table, a) << 2, bS = <usize>channelsOf(table, b) << 2;
  const y0 = cursorAddress(table, out, batch, word(op, 2));
  const a0 = cursorAddress(table, a, batch, word(op, 4)), b0 = cursorAddress(table, b, batch, word(op, 6));
  for (let c = 0; c < columns; c++) {
    const y = y0 + <usize>c * yS, pa = a0 + <usize>c * aS, pb = b0 + <usize>c * bS;
    let i = 0;
    for (; i + 4 <= channels; i += 4) {
      const at = <usize>i << 2;
      v128.store(y + at, gate4(v128.load(pa + at), v128.load(pb + at)));
    }
    for (; i < channels; i++) {
      const at = <usize>i << 2;
      const g = gate4(f32x4.splat(load<f32>(pa + at)), f32x4.splat(load<f32>(pb + at)));
      store<f32>(y + at, f32x4.extract_lane(g, 0));
    }
  }
}

/** Fields: out, outOff, a, aOff, b, bOff, channels, relu: out = a + b, then relu if asked (TCN's residual). */
function runAdd(op: usize, table: usize, batch: i32, columns: i32): void {
  const out = word(op, 1), a = word(op, 3), b = word(op, 5), channels = word(op, 7), relu = word(op, 8) != 0;
  const yS = <usize>channelsOf(table, out) << 2, aS = <usize>channelsOf(table, a) << 2, bS = <usize>channelsOf(table, b) << 2;
  const y0 = cursorAddress(table, out, batch, word(op, 2));
  const a0 = cursorAddress(table, a, batch, word(op, 4)), b0 = cursorAddress(table, b, batch, word(op, 6));
  const zero = f32x4.splat(0);
  for (let c = 0; c < columns; c++) {
    const y = y0 + <usize>c * yS, pa = a0 + <usize>c * aS, pb = b0 + <usize>c * bS;
    let i = 0;
    for (; i + 4 <= channels; i += 4) {
      const at = <usize>i << 2;
      let v = f32x4.add(v128.load(pa + at), v128.load(pb + at));
      if (relu) v = f32x4.pmax(v, zero);
      v128.store(y + at, v);
    }
    for (; i < channels; i++) {
      const at = <usize>i << 2;
      let v = load<f32>(pa + at) + load<f32>(pb + at);
      if (relu) v = max<f32>(v, 0);
      store<f32>(y + at, v);
    }
  }
}

/** Fields: out, outOff, in, inOff, channels, scale, shift: per-channel x·scale + shift (batch norm in eval mode). */
function runAffine(op: usize, table: usize, batch: i32, columns: i32): void {
  const out = word(op, 1), input = word(op, 3), channels = word(op, 5);
  const scale = <usize>word(op, 6), shift = <usize>word(op, 7);
  const yS = <usize>channelsOf(table, out) << 2, xS = <usize>channelsOf(table, input) << 2;
  const y0 = cursorAddress(table, out, batch, word(op, 2)), x0 = cursorAddress(table, input, batch, word(op, 4));
  for (let c = 0; c < columns; c++) {
    const y = y0 + <usize>c * yS, x = x0 + <usize>c * xS;
    for (let i = 0; i < channels; i++) {
      const at = <usize>i << 2;
      store<f32>(y + at, load<f32>(x + at) * load<f32>(scale + at) + load<f32>(shift + at));
    }
  }
}

/** Fields: buffer, offset, channels, bias: adds bias[stream][channel] at every step (global conditioning). */
function runStreamBias(op: usize, table: usize, batch: i32, steps: i32): void {
  const buffer = word(op, 1), channels = word(op, 3), bias = <usize>word(op, 4);
  const stride = <usize>channelsOf(table, buffer) << 2;
  const y0 = cursorAddress(table, buffer, batch, word(op, 2));
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < batch; b++) {
      const y = y0 + (<usize>(t * batch + b)) * stride, h = bias + (<usize>(b * channels) << 2);
      for (let i = 0; i < channels; i++) {
        const at = <usize>i << 2;
        store<f32>(y + at, load<f32>(y + at) + load<f32>(h + (<usize>i << 2)));
      }
    }
  }
}

/**
 * tanh(a)·σ(b) with one division: sign(a)·(1 − e^(−2|a|)) / ((1 + e^(−2|a|))·(1 + e^(−b))). Where e^(−b)
 * overflows (b below −88.7) the denominator is +∞ and the gate is ±0, its limit.
 */
// @ts-ignore: decorator
@inline function gate4(a: v128, b: v128): v128 {
  const ea = exp4(f32x4.mul(f32x4.abs(a), f32x4.splat(-2)));
  const eb = exp4(f32x4.neg(b));
  const one = f32x4.splat(1);
  const value = f32x4.div(f32x4.sub(one, ea), f32x4.mul(f32x4.add(one, ea), f32x4.add(one, eb)));
  return v128.or(value, v128.and(a, i32x4.splat(0x80000000)));
}
