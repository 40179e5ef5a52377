/**
 * Staging: the input written into zero padding with its W axis split into SW stride phases, so that for every
 * tap the outputs of one row read consecutive floats (position w + PW lands in phase (w + PW) mod SW at index
 * (w + PW) div SW). Un-staging is the adjoint: it crops the padding and merges the phases back.
 */
import * as p from './params';

/** Plane size of the staged layout, in floats. */
// @ts-ignore: decorator
@inline export function stagedPlane(params: usize): i32 {
  return p.slot(params, p.STAGED_PLANE);
}

/** Task = one channel of [N·C]: SOURCE[channel] (dense D×H×W) → XS[channel] (staged). */
export function stageChannel(params: usize, channel: i32): void {
  const plane = stagedPlane(params);
  const dst = <usize>p.slot(params, p.XS) + (<usize>channel * <usize>plane << 2);
  memory.fill(dst, 0, <usize>plane << 2);
  const ID = p.slot(params, p.ID), IH = p.slot(params, p.IH), IW = p.slot(params, p.IW);
  const src = <usize>p.slot(params, p.SOURCE) + (<usize>channel * <usize>(ID * IH * IW) << 2);
  walk(params, src, dst, true);
}

/** dense[D×H×W] ↔ staged plane; `toStaged` picks the direction. */
export function walk(params: usize, dense: usize, staged: usize, toStaged: bool): void {
  const ID = p.slot(params, p.ID), IH = p.slot(params, p.IH), IW = p.slot(params, p.IW);
  const XH = p.slot(params, p.XH), SW = p.slot(params, p.SW), XQ = p.slot(params, p.XQ);
  const PD = p.slot(params, p.PD), PH = p.slot(params, p.PH), PW = p.slot(params, p.PW);
  const rowFloats = SW * XQ;
  for (let d = 0; d < ID; d++) {
    for (let h = 0; h < IH; h++) {
      const denseRow = dense + (<usize>((d * IH + h) * IW) << 2);
      const stagedRow = staged + (<usize>(((d + PD) * XH + h + PH) * rowFloats) << 2);
      if (SW == 1) {
        const padded = stagedRow + (<usize>PW << 2);
        if (toStaged) memory.copy(padded, denseRow, <usize>IW << 2);
        else memory.copy(denseRow, padded, <usize>IW << 2);
        continue;
      }
      for (let phase = 0; phase < SW; phase++) {
        let w = phase - PW, q = 0;
        if (w < 0) {
          q = (SW - 1 - w) / SW;
          w += q * SW;
        }
        const stagedPhase = stagedRow + (<usize>(phase * XQ) << 2);
        for (; w < IW; w += SW, q++) {
          const at = stagedPhase + (<usize>q << 2), from = denseRow + (<usize>w << 2);
          if (toStaged) store<f32>(at, load<f32>(from));
          else store<f32>(from, load<f32>(at));
        }
      }
    }
  }
}
