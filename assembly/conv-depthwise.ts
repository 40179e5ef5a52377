/**
 * Depthwise convolution (one input channel per group, COG output channels per group): each output channel is a
 * sum of T shifted rows of its one input channel, so there is no channel reduction to feed a GEMM. Rows whose tap
 * lands in padding are skipped; along W the staged zero padding is read instead (for these layers it is a few
 * columns), which keeps every 8-wide tile branch-free.
 *
 *   forward          y[c, o]                  = bias[c] + Σ_t w[c, t] · xs[g, o·s + t·d]
 *   backward input   dxs[g, o·s + t·d]       += Σ_{c in g} w[c, t] · dy[c, o]     (then un-staged)
 */
import * as p from './params';
import { madd } from './madd';
import { stagedPlane, walk } from './stage-input';

/** Task = (n, one output channel). */
export function depthwiseForwardTasks(params: usize): i32 {
  return p.slot(params, p.N) * p.slot(params, p.G) * p.slot(params, p.COG);
}

export function depthwiseForwardTask(params: usize, task: i32): void {
  const G = p.slot(params, p.G), COG = p.slot(params, p.COG);
  const channels = G * COG;
  const n = task / channels, c = task % channels, g = c / COG;
  const OD = p.slot(params, p.OD), OH = p.slot(params, p.OH), OW = p.slot(params, p.OW);
  const KD = p.slot(params, p.KD), KH = p.slot(params, p.KH), KW = p.slot(params, p.KW);
  const SD = p.slot(params, p.SD), SH = p.slot(params, p.SH), SW = p.slot(params, p.SW);
  const DD = p.slot(params, p.DD), DH = p.slot(params, p.DH), DW = p.slot(params, p.DW);
  const XH = p.slot(params, p.XH), XQ = p.slot(params, p.XQ);
  const T = KD * KH * KW, rowFloats = SW * XQ;
  const x = <usize>p.slot(params, p.XS) + (<usize>(n * G + g) * <usize>stagedPlane(params) << 2);
  const y = <usize>p.slot(params, p.Y) + (<usize>(n * channels + c) * <usize>(OD * OH * OW) << 2);
  const weights = <usize>p.slot(params, p.PANELS) + (<usize>(c * T) << 2);
  const biasAddress = <usize>p.slot(params, p.BIAS);
  const bias: f32 = biasAddress != 0 ? load<f32>(biasAddress + (<usize>c << 2)) : 0;
  for (let od = 0; od < OD; od++) {
    for (let oh = 0; oh < OH; oh++) {
      const yRow = y + (<usize>((od * OH + oh) * OW) << 2);
      let ow = 0;
      for (; ow < OW; ow += 8) {
        const lanes = min(8, OW - ow);
        let acc0 = f32x4.splat(bias), acc1 = f32x4.splat(bias);
        let tail0: f32 = bias, tail1: f32 = bias, tail2: f32 = bias, tail3: f32 = bias;
        for (let kd = 0; kd < KD; kd++) {
          if (od < p.rangeLo(params, 0, kd) || od >= p.rangeHi(params, 0, kd)) continue;
          for (let kh = 0; kh < KH; kh++) {
            if (oh < p.rangeLo(params, 1, kh) || oh >= p.rangeHi(params, 1, kh)) continue;
            const row = x + (<usize>(((od * SD + kd * DD) * XH + oh * SH + kh * DH) * rowFloats + ow) << 2);
            const tapWeights = weights + (<usize>((kd * KH + kh) * KW) << 2);
            for (let kw = 0; kw < KW; kw++) {
              const shift = kw * DW;
              const at = row + (<usize>((shift % SW) * XQ + shift / SW) << 2);
              const wv = v128.load32_splat(tapWeights + (<usize>kw << 2));
              if (lanes == 8) {
                acc0 = madd(wv, v128.load(at), acc0);
                acc1 = madd(wv, v128.load(at, 16), acc1);
              } else if (lanes >= 4) {
                acc0 = madd(wv, v128.load(at), acc0);
                const wk = f32x4.extract_lane(wv, 0);
                if (lanes > 4) tail0 += wk * load<f32>(at, 16);
                if (lanes > 5) tail1 += wk * load<f32>(at, 20);
                if (lanes > 6) tail2 += wk * load<f32>(at, 24);
              } else {
                const wk = f32x4.extract_lane(wv, 0);
                tail0 += wk * load<f32>(at);
                if (lanes > 1) tail1 += wk * load<f32>(at, 4);
                if (lanes > 2) tail2 += wk * load<f32>(at, 8);
                if (lanes > 3) tail3 += wk * load<f32>(at, 12);
              }
            }
          }
        }
        const out = yRow + (<usize>ow << 2);
        if (lanes == 8) {
          v128.store(out, acc0);
          v128.store(out, acc1, 16);
        } else if (lanes >= 4) {
          v128.store(out, acc0);
          if (lanes > 4) store<f32>(out, tail0, 16);
          if (lanes > 5) store<f32>(out, tail1, 20);
          if (lanes > 6) store<f32>(out, tail2, 24);
        } else {
          store<f32>(out, tail0);
          if (lanes > 1) store<f32>(out, tail1, 4);
          if (lanes > 2) store<f32>(out, tail2, 8);
          if (lanes > 3) store<f32>(out, tail3, 12);
        }
      }
    }
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
  const SD = p.slot(params, p.SD), SH = p.slot(params, p.SH), SW = p.slot(params, p.SW);
  const DD = p.slot(params, p.DD), DH = p.slot(params, p.DH), DW = p.slot(params, p.DW);
  const XH = p.slot(params, p.XH), XQ = p.slot(params, p.XQ);
  const T = KD * KH * KW, rowFloats = SW * XQ, P = OD * OH * OW;
  const planeBytes = <usize>stagedPlane(params) << 2;
  const dx = <usize>p.slot(params, p.XS) + <usize>task * planeBytes;
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
              const shift = kw * DW;
              const dst = row + (<usize>((shift % SW) * XQ + shift / SW) << 2);
              const wk = load<f32>(weights + (<usize>((kd * KH + kh) * KW + kw) << 2));
              const wv = f32x4.splat(wk);
              let ow = 0;
              for (; ow + 8 <= OW; ow += 8) {
                const at = dst + (<usize>ow << 2), from = dyRow + (<usize>ow << 2);
                v128.store(at, madd(wv, v128.load(from), v128.load(at)));
                v128.store(at, madd(wv, v128.load(from, 16), v128.load(at, 16)), 16);
              }
              for (; ow < OW; ow++) {
                const at = dst + (<usize>ow << 2);
                store<f32>(at, load<f32>(at) + wk * load<f32>(dyRow + (<usize>ow << 2)));
              }
            }
          }
        }
      }
    }
  }
  const denseBytes = <usize>(p.slot(params, p.ID) * p.slot(params, p.IH) * p.slot(params, p.IW)) << 2;
  walk(params, <usize>p.slot(params, p.OUT) + <usize>task * denseBytes, dx, false);
}
