/**
 * Weight gradient: for each tap, a correlation of dy with the input restricted to the tap's valid output box,
 *
 *   dW[co, ci, t] = Σ_n Σ_{o in box(t)} dy[n, co, o] · xs[n, ci, o·s + t·d]
 *
 * computed 4 output × 2 input channels at a time with vector partial sums over output positions (8 accumulators,
 * 6 loads per 4 positions), reduced once per tile. A row's last positions go through lane 0 of the same
 * accumulators (load32_zero), so no scalar sums stay live across the loop to crowd out the 16 vector registers. A task is (group, block of 4 output channels); every dW element
 * is owned by one task and summed in a fixed order, so any thread count gives the same bits.
 *
 * Depthwise 3×3 layers (one input channel per group, MobileNet's) have no channel tile to fill, and one
 * accumulator per tap would make each dot product a chain of dependent multiply-adds; instead all nine taps of an
 * output channel are summed in one sweep over dy, nine independent accumulators fed by one dy load per vector.
 */
import * as p from './params';
import { madd } from './madd';
import { stagedPlane } from './stage-input';

export function backwardWeightTasks(params: usize): i32 {
  return p.slot(params, p.G) * ((p.slot(params, p.COG) + 3) / 4);
}

export function backwardWeightTask(params: usize, task: i32): void {
  const COG = p.slot(params, p.COG), CIG = p.slot(params, p.CIG);
  const blocks = (COG + 3) / 4;
  const g = task / blocks, co0 = (task % blocks) * 4;
  const rows = min(4, COG - co0);
  const T = p.slot(params, p.KD) * p.slot(params, p.KH) * p.slot(params, p.KW);
  if (CIG == 1 && p.slot(params, p.KD) == 1 && p.slot(params, p.KH) == 3 && p.slot(params, p.KW) == 3) {
    for (let r = 0; r < rows; r++) depthwise3x3(params, g, co0 + r);
    return;
  }
  for (let ci = 0; ci < CIG; ci += 2) {
    const cols = min(2, CIG - ci);
    for (let t = 0; t < T; t++) {
      if (rows == 4 && cols == 2) tile4x2(params, g, co0, ci, t);
      else for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) tile1x1(params, g, co0 + r, ci + c, t);
    }
  }
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// @ts-ignore: decorator
@inline function dwAddress(params: usize, g: i32, co: i32, ci: i32, t: i32): usize {
  const COG = p.slot(params, p.COG), CIG = p.slot(params, p.CIG);
  const T = p.slot(params, p.KD) * p.slot(params, p.KH) * p.slot(params, p.KW);
  return <usize>p.slot(params, p.OUT) + (<usize>(((g * COG + co) * CIG + ci) * T + t) << 2);
}

function tile4x2(params: usize, g: i32, co: i32, ci: i32, t: i32): void {
  let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
  let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
  const KH = p.slot(params, p.KH), KW = p.slot(params, p.KW);
  const kw = t % KW, kh = (t / KW) % KH, kd = t / (KW * KH);
  const d0 = p.rangeLo(params, 0, kd), d1 = p.rangeHi(params, 0, kd);
  const h0 = p.rangeLo(params, 1, kh), h1 = p.rangeHi(params, 1, kh);
  const w0 = p.rangeLo(params, 2, kw), w1 = p.rangeHi(params, 2, kw);
  const rowFloats = p.slot(params, p.SW) * p.slot(params, p.XQ), XH = p.slot(params, p.XH);
  const odStep = p.slot(params, p.SD) * XH * rowFloats, ohStep = p.slot(params, p.SH) * rowFloats;
  const tapBase = (kd * p.slot(params, p.DD) * XH + kh * p.slot(params, p.DH)) * rowFloats + p.columnOffset(params, kw);
  if (d0 < d1 && h0 < h1 && w0 < w1) {
    const N = p.slot(params, p.N), G = p.slot(params, p.G), COG = p.slot(params, p.COG), CIG = p.slot(params, p.CIG);
    const OH = p.slot(params, p.OH), OW = p.slot(params, p.OW), P = p.slot(params, p.DENSE_PLANE);
    const dyStride = <usize>P << 2, xStride = <usize>stagedPlane(params) << 2;
    for (let n = 0; n < N; n++) {
      const dyBase = <usize>p.slot(params, p.Y) + (<usize>((n * G + g) * COG + co) * <usize>P << 2);
      const xBase = <usize>p.slot(params, p.XS) + <usize>((n * G + g) * CIG + ci) * xStride;
      for (let od = d0; od < d1; od++) {
        for (let oh = h0; oh < h1; oh++) {
          const dy0 = dyBase + (<usize>((od * OH + oh) * OW) << 2);
          const dy1 = dy0 + dyStride, dy2 = dy1 + dyStride, dy3 = dy2 + dyStride;
          const x0 = xBase + (<usize>(od * odStep + oh * ohStep + tapBase) << 2), x1 = x0 + xStride;
          let ow = w0;
          for (; ow + 4 <= w1; ow += 4) {
            const at = <usize>ow << 2;
            const u0 = v128.load(x0 + at), u1 = v128.load(x1 + at);
            const v0 = v128.load(dy0 + at);
            a00 = madd(v0, u0, a00); a01 = madd(v0, u1, a01);
            const v1 = v128.load(dy1 + at);
            a10 = madd(v1, u0, a10); a11 = madd(v1, u1, a11);
            const v2 = v128.load(dy2 + at);
            a20 = madd(v2, u0, a20); a21 = madd(v2, u1, a21);
            const v3 = v128.load(dy3 + at);
            a30 = madd(v3, u0, a30); a31 = madd(v3, u1, a31);
          }
          for (; ow < w1; ow++) {
            const at = <usize>ow << 2;
            const u0 = v128.load32_zero(x0 + at), u1 = v128.load32_zero(x1 + at);
            const v0 = v128.load32_zero(dy0 + at);
            a00 = madd(v0, u0, a00); a01 = madd(v0, u1, a01);
            const v1 = v128.load32_zero(dy1 + at);
            a10 = madd(v1, u0, a10); a11 = madd(v1, u1, a11);
            const v2 = v128.load32_zero(dy2 + at);
            a20 = madd(v2, u0, a20); a21 = madd(v2, u1, a21);
            const v3 = v128.load32_zero(dy3 + at);
            a30 = madd(v3, u0, a30); a31 = madd(v3, u1, a31);
          }
        }
      }
    }
  }
  store<f32>(dwAddress(params, g, co, ci, t), hsum(a00));
  store<f32>(dwAddress(params, g, co, ci + 1, t), hsum(a01));
  store<f32>(dwAddress(params, g, co + 1, ci, t), hsum(a10));
  store<f32>(dwAddress(params, g, co + 1, ci + 1, t), hsum(a11));
  store<f32>(dwAddress(params, g, co + 2, ci, t), hsum(a20));
  store<f32>(dwAddress(params, g, co + 2, ci + 1, t), hsum(a21));
  store<f32>(dwAddress(params, g, co + 3, ci, t), hsum(a30));
  store<f32>(dwAddress(params, g, co + 3, ci + 1, t), hsum(a31));
}

function tile1x1(params: usize, g: i32, co: i32, ci: i32, t: i32): void {
  let acc = f32x4.splat(0);
  const KH = p.slot(params, p.KH), KW = p.slot(params, p.KW);
  const kw = t % KW, kh = (t / KW) % KH, kd = t / (KW * KH);
  const d0 = p.rangeLo(params, 0, kd), d1 = p.rangeHi(params, 0, kd);
  const h0 = p.rangeLo(params, 1, kh), h1 = p.rangeHi(params, 1, kh);
  const w0 = p.rangeLo(params, 2, kw), w1 = p.rangeHi(params, 2, kw);
  const rowFloats = p.slot(params, p.SW) * p.slot(params, p.XQ), XH = p.slot(params, p.XH);
  const odStep = p.slot(params, p.SD) * XH * rowFloats, ohStep = p.slot(params, p.SH) * rowFloats;
  const tapBase = (kd * p.slot(params, p.DD) * XH + kh * p.slot(params, p.DH)) * rowFloats + p.columnOffset(params, kw);
  if (d0 < d1 && h0 < h1 && w0 < w1) {
    const N = p.slot(params, p.N), G = p.slot(params, p.G), COG = p.slot(params, p.COG), CIG = p.slot(params, p.CIG);
    const OH = p.slot(params, p.OH), OW = p.slot(params, p.OW), P = p.slot(params, p.DENSE_PLANE);
    const xStride = <usize>stagedPlane(params) << 2;
    for (let n = 0; n < N; n++) {
      const dyBase = <usize>p.slot(params, p.Y) + (<usize>((n * G + g) * COG + co) * <usize>P << 2);
      const xBase = <usize>p.slot(params, p.XS) + <usize>((n * G + g) * CIG + ci) * xStride;
      for (let od = d0; od < d1; od++) {
        for (let oh = h0; oh < h1; oh++) {
          const dy = dyBase + (<usize>((od * OH + oh) * OW) << 2);
          const x = xBase + (<usize>(od * odStep + oh * ohStep + tapBase) << 2);
          let ow = w0;
          for (; ow + 4 <= w1; ow += 4) acc = madd(v128.load(dy + (<usize>ow << 2)), v128.load(x + (<usize>ow << 2)), acc);
          for (; ow < w1; ow++) acc = madd(v128.load32_zero(dy + (<usize>ow << 2)), v128.load32_zero(x + (<usize>ow << 2)), acc);
        }
      }
    }
  }
  store<f32>(dwAddress(params, g, co, ci, t), hsum(acc));
}

/**
 * dW[co, 0, 0…8] of a depthwise 3×3 layer, over every output position (taps that land in padding read the
 * staged zeros, so no range checks: a few wasted multiply-adds at the borders instead of nine loop nests).
 */
function depthwise3x3(params: usize, g: i32, co: i32): void {
  let t0 = f32x4.splat(0), t1 = f32x4.splat(0), t2 = f32x4.splat(0), t3 = f32x4.splat(0), t4 = f32x4.splat(0);
  let t5 = f32x4.splat(0), t6 = f32x4.splat(0), t7 = f32x4.splat(0), t8 = f32x4.splat(0);
  const N = p.slot(params, p.N), G = p.slot(params, p.G), COG = p.slot(params, p.COG);
  const OD = p.slot(params, p.OD), OH = p.slot(params, p.OH), OW = p.slot(params, p.OW), P = p.slot(params, p.DENSE_PLANE);
  const rowBytes = <usize>(p.slot(params, p.SW) * p.slot(params, p.XQ)) << 2, XH = p.slot(params, p.XH);
  const rowStep = <usize>p.slot(params, p.DH) * rowBytes;
  const c0 = <usize>p.columnOffset(params, 0) << 2, c1 = <usize>p.columnOffset(params, 1) << 2, c2 = <usize>p.columnOffset(params, 2) << 2;
  const xStride = <usize>stagedPlane(params) << 2;
  const fullWidth = OW & ~3;
  for (let n = 0; n < N; n++) {
    const dyBase = <usize>p.slot(params, p.Y) + (<usize>((n * G + g) * COG + co) * <usize>P << 2);
    const xBase = <usize>p.slot(params, p.XS) + <usize>(n * G + g) * xStride;
    for (let od = 0; od < OD; od++) {
      const plane = xBase + <usize>(od * p.slot(params, p.SD) * XH) * rowBytes;
      for (let oh = 0; oh < OH; oh++) {
        const dyRow = dyBase + (<usize>((od * OH + oh) * OW) << 2);
        const r0 = plane + <usize>(oh * p.slot(params, p.SH)) * rowBytes, r1 = r0 + rowStep, r2 = r1 + rowStep;
        for (let ow = 0; ow < fullWidth; ow += 4) {
          const o = <usize>ow << 2;
          const v = v128.load(dyRow + o);
          t0 = madd(v, v128.load(r0 + c0 + o), t0); t1 = madd(v, v128.load(r0 + c1 + o), t1); t2 = madd(v, v128.load(r0 + c2 + o), t2);
          t3 = madd(v, v128.load(r1 + c0 + o), t3); t4 = madd(v, v128.load(r1 + c1 + o), t4); t5 = madd(v, v128.load(r1 + c2 + o), t5);
          t6 = madd(v, v128.load(r2 + c0 + o), t6); t7 = madd(v, v128.load(r2 + c1 + o), t7); t8 = madd(v, v128.load(r2 + c2 + o), t8);
        }
        for (let ow = fullWidth; ow < OW; ow++) {
          const o = <usize>ow << 2;
          const v = v128.load32_zero(dyRow + o);
          t0 = madd(v, v128.load32_zero(r0 + c0 + o), t0); t1 = madd(v, v128.load32_zero(r0 + c1 + o), t1); t2 = madd(v, v128.load32_zero(r0 + c2 + o), t2);
          t3 = madd(v, v128.load32_zero(r1 + c0 + o), t3); t4 = madd(v, v128.load32_zero(r1 + c1 + o), t4); t5 = madd(v, v128.load32_zero(r1 + c2 + o), t5);
          t6 = madd(v, v128.load32_zero(r2 + c0 + o), t6); t7 = madd(v, v128.load32_zero(r2 + c1 + o), t7); t8 = madd(v, v128.load32_zero(r2 + c2 + o), t8);
        }
      }
    }
  }
  const out = dwAddress(params, g, co, 0, 0);
  store<f32>(out, hsum(t0)); store<f32>(out, hsum(t1), 4); store<f32>(out, hsum(t2), 8);
  store<f32>(out, hsum(t3), 12); store<f32>(out, hsum(t4), 16); store<f32>(out, hsum(t5), 20);
  store<f32>(out, hsum(t6), 24); store<f32>(out, hsum(t7), 28); store<f32>(out, hsum(t8), 32);
}
