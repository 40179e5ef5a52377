/**
 * Depthwise convolution (one input channel per group, COG output channels per group): each output channel is a
 * sum of T shifted rows of its one input channel, so there is no channel reduction to feed a GEMM. Each output row
 * is accumulated tap by tap with a vector axpy while it sits in L1. Rows whose tap lands in padding are skipped;
 * along W the staged zero padding is read instead (for these layers a few columns), which keeps the axpy
 * branch-free.
 *
 *   forward          y[c, o]                  = bias[c] + Σ_t w[c, t] · xs[g, o·s + t·d]
 *   backward input   dxs[g, o·s + t·d]       += Σ_{c in g} w[c, t] · dy[c, o]     (then un-staged)
 */
import * as p from './params';
import { epilogueRun, hasEpilogue } from './epilogue';
import { madd } from './madd';
import { stagedPlane, walk } from './stage-input';

/** Task = (n, one output channel). */
export function depthwiseForwardTasks(params: usize): i32 {
  return p.slot(params, p.N) * p.slot(params, p.G) * p.slot(params, p.COG);
}

export function depthwiseForwardTask(params: usize, task: i32): void {
  depthwiseForwardChannel(params, task);
  if (!hasEpilogue(params)) return;
  const y = <usize>p.slot(params, p.Y) + (<usize>task * <usize>p.slot(params, p.DENSE_PLANE) << 2);
  epilogueRun(params, y, task, 0, p.slot(params, p.OD) * p.slot(params, p.OH) * p.slot(params, p.OW));
}

/** Output channel c of batch item n (task = n·channels + c), bias included. */
function depthwiseForwardChannel(params: usize, task: i32): void {
  const G = p.slot(params, p.G), COG = p.slot(params, p.COG);
  const channels = G * COG;
  const n = task / channels, c = task % channels, g = c / COG;
  const OD = p.slot(params, p.OD), OH = p.slot(params, p.OH), OW = p.slot(params, p.OW);
  const KD = p.slot(params, p.KD), KH = p.slot(params, p.KH), KW = p.slot(params, p.KW);
  const SD = p.slot(params, p.SD), SH = p.slot(params, p.SH);
  const DD = p.slot(params, p.DD), DH = p.slot(params, p.DH);
  const XH = p.slot(params, p.XH);
  const rowFloats = p.slot(params, p.SW) * p.slot(params, p.XQ);
  const T = KD * KH * KW;
  const x = <usize>p.slot(params, p.XS) + (<usize>(n * G + g) * <usize>stagedPlane(params) << 2);
  const y = <usize>p.slot(params, p.Y) + (<usize>(n * channels + c) * <usize>p.slot(params, p.DENSE_PLANE) << 2);
  const weights = <usize>p.slot(params, p.PANELS) + (<usize>(c * T) << 2);
  const biasAddress = <usize>p.slot(params, p.BIAS);
  const bias: f32 = biasAddress != 0 ? load<f32>(biasAddress + (<usize>c << 2)) : 0;
  const fullWidth = OW & ~7;
  if (KD == 1 && KH == 3 && KW == 3) {
    depthwiseRows3x3(params, x, y, weights, bias, fullWidth);
    return;
  }
  const biasVector = f32x4.splat(bias);
  for (let od = 0; od < OD; od++) {
    for (let oh = 0; oh < OH; oh++) {
      const yRow = y + (<usize>((od * OH + oh) * OW) << 2);
      for (let ow = 0; ow < fullWidth; ow += 4) v128.store(yRow + (<usize>ow << 2), biasVector);
      for (let ow = fullWidth; ow < OW; ow++) store<f32>(yRow + (<usize>ow << 2), bias);
      for (let kd = 0; kd < KD; kd++) {
        if (od < p.rangeLo(params, 0, kd) || od >= p.rangeHi(params, 0, kd)) continue;
        for (let kh = 0; kh < KH; kh++) {
          if (oh < p.rangeLo(params, 1, kh) || oh >= p.rangeHi(params, 1, kh)) continue;
          const row = x + (<usize>(((od * SD + kd * DD) * XH + oh * SH + kh * DH) * rowFloats) << 2);
          const tapWeights = weights + (<usize>((kd * KH + kh) * KW) << 2);
          let kw = 0;
          for (; kw + 3 <= KW; kw += 3) {
            accumulateRow3(yRow, row, p.columnOffset(params, kw), p.columnOffset(params, kw + 1), p.columnOffset(params, kw + 2),
              tapWeights + (<usize>kw << 2), fullWidth, OW);
          }
          for (; kw < KW; kw++) {
            accumulateRow(yRow, row + (<usize>p.columnOffset(params, kw) << 2), load<f32>(tapWeights + (<usize>kw << 2)), fullWidth, OW);
          }
        }
      }
    }
  }
}

/**
 * The 3×3 case (MobileNet's): all nine weights stay in registers and each 8-wide tile of a row is summed over every
 * tap in one pass, stored once. Tap rows that land in padding read the staged zero rows instead of being skipped,
 * which keeps the loop free of branches (the staged input covers every row any output reads).
 */
function depthwiseRows3x3(params: usize, x: usize, y: usize, weights: usize, bias: f32, fullWidth: i32): void {
  const OH = p.slot(params, p.OH), OW = p.slot(params, p.OW);
  const SH = p.slot(params, p.SH), DH = p.slot(params, p.DH), XH = p.slot(params, p.XH);
  const rowBytes = <usize>(p.slot(params, p.SW) * p.slot(params, p.XQ)) << 2;
  const c0 = <usize>p.columnOffset(params, 0) << 2, c1 = <usize>p.columnOffset(params, 1) << 2, c2 = <usize>p.columnOffset(params, 2) << 2;
  const w00 = v128.load32_splat(weights), w01 = v128.load32_splat(weights, 4), w02 = v128.load32_splat(weights, 8);
  const w10 = v128.load32_splat(weights, 12), w11 = v128.load32_splat(weights, 16), w12 = v128.load32_splat(weights, 20);
  const w20 = v128.load32_splat(weights, 24), w21 = v128.load32_splat(weights, 28), w22 = v128.load32_splat(weights, 32);
  const start = f32x4.splat(bias);
  const rowStep = <usize>DH * rowBytes;
  for (let od = 0; od < p.slot(params, p.OD); od++) {
    const plane = x + <usize>(od * p.slot(params, p.SD) * XH) * rowBytes;
    for (let oh = 0; oh < OH; oh++) {
      const r0 = plane + <usize>(oh * SH) * rowBytes, r1 = r0 + rowStep, r2 = r1 + rowStep;
      const yRow = y + (<usize>((od * OH + oh) * OW) << 2);
      for (let ow = 0; ow < fullWidth; ow += 8) {
        const o = <usize>ow << 2;
        let lo = start, hi = start;
        lo = madd(w00, v128.load(r0 + c0 + o), lo); hi = madd(w00, v128.load(r0 + c0 + o, 16), hi);
        lo = madd(w01, v128.load(r0 + c1 + o), lo); hi = madd(w01, v128.load(r0 + c1 + o, 16), hi);
        lo = madd(w02, v128.load(r0 + c2 + o), lo); hi = madd(w02, v128.load(r0 + c2 + o, 16), hi);
        lo = madd(w10, v128.load(r1 + c0 + o), lo); hi = madd(w10, v128.load(r1 + c0 + o, 16), hi);
        lo = madd(w11, v128.load(r1 + c1 + o), lo); hi = madd(w11, v128.load(r1 + c1 + o, 16), hi);
        lo = madd(w12, v128.load(r1 + c2 + o), lo); hi = madd(w12, v128.load(r1 + c2 + o, 16), hi);
        lo = madd(w20, v128.load(r2 + c0 + o), lo); hi = madd(w20, v128.load(r2 + c0 + o, 16), hi);
        lo = madd(w21, v128.load(r2 + c1 + o), lo); hi = madd(w21, v128.load(r2 + c1 + o, 16), hi);
        lo = madd(w22, v128.load(r2 + c2 + o), lo); hi = madd(w22, v128.load(r2 + c2 + o, 16), hi);
        v128.store(yRow + o, lo);
        v128.store(yRow + o, hi, 16);
      }
      for (let ow = fullWidth; ow < OW; ow++) {
        const o = <usize>ow << 2;
        let acc = bias;
        for (let kh = 0; kh < 3; kh++) {
          const row = r0 + <usize>kh * rowStep + o;
          const w = weights + (<usize>(kh * 3) << 2);
          acc += load<f32>(w) * load<f32>(row + c0) + load<f32>(w, 4) * load<f32>(row + c1) + load<f32>(w, 8) * load<f32>(row + c2);
        }
        store<f32>(yRow + o, acc);
      }
    }
  }
}

/**
 * to[0 … width) += Σ_j w[j] · row[offset_j + 0 … width) for three taps of one kernel row: each 8-float tile of
 * `to` is loaded and stored once for the three taps.
 */
// @ts-ignore: decorator
@inline function accumulateRow3(to: usize, row: usize, offset0: i32, offset1: i32, offset2: i32, w: usize, fullWidth: i32, width: i32): void {
  const w0 = v128.load32_splat(w), w1 = v128.load32_splat(w, 4), w2 = v128.load32_splat(w, 8);
  const from0 = row + (<usize>offset0 << 2), from1 = row + (<usize>offset1 << 2), from2 = row + (<usize>offset2 << 2);
  for (let i = 0; i < fullWidth; i += 8) {
    const at = to + (<usize>i << 2), step = <usize>i << 2;
    let lo = v128.load(at), hi = v128.load(at, 16);
    lo = madd(w0, v128.load(from0 + step), lo); hi = madd(w0, v128.load(from0 + step, 16), hi);
    lo = madd(w1, v128.load(from1 + step), lo); hi = madd(w1, v128.load(from1 + step, 16), hi);
    lo = madd(w2, v128.load(from2 + step), lo); hi = madd(w2, v128.load(from2 + step, 16), hi);
    v128.store(at, lo);
    v128.store(at, hi, 16);
  }
  const s0 = load<f32>(w), s1 = load<f32>(w, 4), s2 = load<f32>(w, 8);
  for (let i = fullWidth; i < width; i++) {
    const at = to + (<usize>i << 2), step = <usize>i << 2;
    store<f32>(at, load<f32>(at) + s0 * load<f32>(from0 + step) + s1 * load<f32>(from1 + step) + s2 * load<f32>(from2 + step));
  }
}

/** to[0 … width) += w · from[0 … width): 8 floats per step, then one at a time. */
// @ts-ignore: decorator
@inline function accumulateRow(to: usize, from: usize, w: f32, fullWidth: i32, width: i32): void {
  const wv = f32x4.splat(w);
  for (let i = 0; i < fullWidth; i += 8) {
    const at = to + (<usize>i << 2), src = from + (<usize>i << 2);
    v128.store(at, madd(wv, v128.load(src), v128.load(at)));
    v128.store(at, madd(wv, v128.load(src, 16), v128.load(at, 16)), 16);
  }
  for (let i = fullWidth; i < width; i++) {
    const at = to + (<usize>i << 2);
    store<f32>(at, load<f32>(at) + w * load<f32>(from + (<usize>i << 2)));
  }
}

/** Task = (n, one input channel g): gathers the adjoint of every output channel of group g. */
export function depthwiseBackwardInputTasks(params: usize): i32 {
  return p.slot(params, p.N) * p.slot(params, p.G);
}

export function depthwiseBackwardInputTask(params: usize, task: i32): void {
  const G = p.slot(params, p.G), COG = p.slot(params, p.COG);
  const n = task / G, g = task % G;
  const OD = p.slot(params, p.OD), OH = p.slot(params, p.OH), OW = p.slot(params, p.OW);
  const KD = p.slot(params, p.KD), KH = p.slot(params, p.KH), KW = p.slot(params, p.KW);
  const SD = p.slot(params, p.SD), SH = p.slot(params, p.SH);
  const DD = p.slot(params, p.DD), DH = p.slot(params, p.DH);
  const XH = p.slot(params, p.XH);
  const rowFloats = p.slot(params, p.SW) * p.slot(params, p.XQ);
  const T = KD * KH * KW, P = p.slot(params, p.DENSE_PLANE);
  const planeBytes = <usize>stagedPlane(params) << 2;
  const dx = <usize>p.slot(params, p.XS) + <usize>task * planeBytes;
  const fullWidth = OW & ~7;
  memory.fill(dx, 0, planeBytes);
  for (let j = 0; j < COG; j++) {
    const c = g * COG + j;
    const dy = <usize>p.slot(params, p.Y) + (<usize>(n * G * COG + c) * <usize>P << 2);
    const weights = <usize>p.slot(params, p.PANELS) + (<usize>(c * T) << 2);
    for (let od = 0; od < OD; od++) {
      for (let oh = 0; oh < OH; oh++) {
        const dyRow = dy + (<usize>((od * OH + oh) * OW) << 2);
        for (let kd = 0; kd < KD; kd++) {
          if (od < p.rangeLo(params, 0, kd) || od >= p.rangeHi(params, 0, kd)) continue;
          for (let kh = 0; kh < KH; kh++) {
            if (oh < p.rangeLo(params, 1, kh) || oh >= p.rangeHi(params, 1, kh)) continue;
            const row = dx + (<usize>(((od * SD + kd * DD) * XH + oh * SH + kh * DH) * rowFloats) << 2);
            for (let kw = 0; kw < KW; kw++) {
              const dst = row + (<usize>p.columnOffset(params, kw) << 2);
              const wk = load<f32>(weights + (<usize>((kd * KH + kh) * KW + kw) << 2));
              accumulateRow(dst, dyRow, wk, fullWidth, OW);
            }
          }
        }
      }
    }
  }
  const denseBytes = <usize>(p.slot(params, p.ID) * p.slot(params, p.IH) * p.slot(params, p.IW)) << 2;
  walk(params, <usize>p.slot(params, p.OUT) + <usize>task * denseBytes, dx, false);
}
