/**
 * Input gradient, the adjoint of the forward pass tap by tap: for each tap's valid output box
 *
 *   dxs[ci, o·s + t·d] += Σ_co W[co, ci, t] · dy[co, o]
 *
 * accumulated in the staged (padded, phase-split) layout and un-staged at the end. A task is (n, group, a run
 * of blocks of 4 input channels), so every element of dx is owned by one task.
 */
import * as p from './params';
import { blockRuns, traverseTaps } from './conv-forward';
import { stagedPlane, walk } from './stage-input';

export function backwardInputTasks(params: usize): i32 {
  return p.slot(params, p.N) * p.slot(params, p.G) * blockRuns(params, p.slot(params, p.CIGP));
}

export function backwardInputTask(params: usize, task: i32): void {
  const G = p.slot(params, p.G), CIG = p.slot(params, p.CIG), COG = p.slot(params, p.COG), CIGP = p.slot(params, p.CIGP);
  const runs = blockRuns(params, CIGP);
  const run = task % runs, ng = task / runs, g = ng % G;
  const per = p.slot(params, p.BLOCKS_PER_TASK);
  const blockBegin = run * per, blockEnd = min(blockBegin + per, CIGP / 4);
  const P = p.slot(params, p.DENSE_PLANE);
  const plane = stagedPlane(params);
  const planeBytes = <usize>plane << 2;

  const dxGroup = <usize>p.slot(params, p.XS) + <usize>(ng * CIGP) * planeBytes;
  memory.fill(dxGroup + <usize>(blockBegin * 4) * planeBytes, 0, <usize>((blockEnd - blockBegin) * 4) * planeBytes);

  const dyGroup = <usize>p.slot(params, p.Y) + (<usize>(ng * COG) * <usize>P << 2);
  const T = p.slot(params, p.KD) * p.slot(params, p.KH) * p.slot(params, p.KW);
  const panelBytes = <usize>(COG * 16);
  const groupPanels = <usize>p.slot(params, p.PANELS) + <usize>(g * (CIGP / 4) * T) * panelBytes;
  const rows = p.slot(params, p.OD) * p.slot(params, p.OH), perBand = p.slot(params, p.ROWS_PER_BAND);
  for (let rowBegin = 0; rowBegin < rows; rowBegin += perBand) {
    traverseTaps(params, dxGroup, dyGroup, planeBytes, <usize>P << 2, COG, groupPanels, blockBegin, blockEnd, panelBytes, true, rowBegin, min(rowBegin + perBand, rows), 0, p.slot(params, p.OW));
  }

  const denseBytes = <usize>(p.slot(params, p.ID) * p.slot(params, p.IH) * p.slot(params, p.IW)) << 2;
  const out = <usize>p.slot(params, p.OUT) + <usize>(ng * CIG) * denseBytes;
  for (let ci = blockBegin * 4; ci < min(blockEnd * 4, CIG); ci++) {
    walk(params, out + <usize>ci * denseBytes, dxGroup + <usize>ci * planeBytes, false);
  }
}
