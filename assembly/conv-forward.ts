/**
 * Forward convolution as one GEMM per kernel tap over the tap's valid output box:
 *
 *   y[co, o] += Σ_ci W[co, ci, t] · xs[ci, o·s + t·d]      for o in the box where the tap reads data, not padding
 *
 * so multiply-adds that would land in zero padding are skipped (43% of them for a 3×3, d=12 layer on 33×33), and
 * dilation only moves where a row of B starts: the SIMD loop never sees it. A task is (n, group, a run of
 * BLOCKS_PER_TASK blocks of 4 output channels); it starts its rows from the bias, adds tap after tap, then applies
 * the epilogue (residual, activation) to the rows of its band while they are in cache.
 *
 * B's rows (one per input channel) lie a whole channel plane apart. When a task has two or more channel blocks to
 * run over the same rows, it first packs them into its thread's scratch, K rows of 8 floats per group of 8 columns, so the
 * microkernel streams B from L1 instead of touching K cache lines a plane apart (measured on the isolated bench:
 * +8 to +10 points of one-thread efficiency on the GEMM layers). The products and their order are unchanged, so
 * the results are bit for bit those of the unpacked loop.
 */
import * as p from './params';
import { f32_gemm_4x8, gemmRow } from './f32-gemm-4x8';
import { stagedPlane } from './stage-input';
import { epilogueRun, hasEpilogue } from './epilogue';

export function forwardTasks(params: usize): i32 {
  return p.slot(params, p.N) * p.slot(params, p.G) * blockRuns(params, p.slot(params, p.COGP)) * bands(params) * columnParts(params);
}

// @ts-ignore: decorator
@inline function columnParts(params: usize): i32 {
  const per = p.slot(params, p.COLUMNS_PER_TASK);
  return (p.slot(params, p.OW) + per - 1) / per;
}

/** Bands of ROWS_PER_BAND output rows over the OD·OH rows of a channel. */
// @ts-ignore: decorator
@inline export function bands(params: usize): i32 {
  const rows = p.slot(params, p.OD) * p.slot(params, p.OH), per = p.slot(params, p.ROWS_PER_BAND);
  return (rows + per - 1) / per;
}

// @ts-ignore: decorator
@inline export function blockRuns(params: usize, paddedChannels: i32): i32 {
  const per = p.slot(params, p.BLOCKS_PER_TASK);
  return (paddedChannels / 4 + per - 1) / per;
}

export function forwardTask(params: usize, task: i32): void {
  const G = p.slot(params, p.G), CIG = p.slot(params, p.CIG), COG = p.slot(params, p.COG), COGP = p.slot(params, p.COGP);
  const runs = blockRuns(params, COGP), bandCount = bands(params), parts = columnParts(params);
  const part = task % parts, band = (task / parts) % bandCount, run = (task / (parts * bandCount)) % runs;
  const ng = task / (parts * bandCount * runs), g = ng % G;
  const per = p.slot(params, p.BLOCKS_PER_TASK);
  const blockBegin = run * per, blockEnd = min(blockBegin + per, COGP / 4);
  const OD = p.slot(params, p.OD), OH = p.slot(params, p.OH), OW = p.slot(params, p.OW);
  const P = p.slot(params, p.DENSE_PLANE);
  const yGroup = <usize>p.slot(params, p.Y) + (<usize>(ng * COGP) * <usize>P << 2);

  const perBand = p.slot(params, p.ROWS_PER_BAND);
  const rowBegin = band * perBand, rowEnd = min(rowBegin + perBand, OD * OH);
  const columnsPerTask = p.slot(params, p.COLUMNS_PER_TASK);
  const columnBegin = part * columnsPerTask, columnEnd = min(columnBegin + columnsPerTask, OW);
  const bias = <usize>p.slot(params, p.BIAS);
  for (let co = blockBegin * 4; co < blockEnd * 4; co++) {
    const value: f32 = bias != 0 && co < COG ? load<f32>(bias + (<usize>(g * COG + co) << 2)) : 0;
    for (let r = rowBegin; r < rowEnd; r++) {
      const first = yGroup + (<usize>(co * P + r * OW + columnBegin) << 2), end = first + (<usize>(columnEnd - columnBegin) << 2);
      if (value == 0) memory.fill(first, 0, end - first);
      else for (let at = first; at < end; at += 4) store<f32>(at, value);
    }
  }

  const plane = stagedPlane(params);
  const xGroup = <usize>p.slot(params, p.XS) + (<usize>(ng * CIG) * <usize>plane << 2);
  const panels = <usize>p.slot(params, p.PANELS);
  const KD = p.slot(params, p.KD), KH = p.slot(params, p.KH), KW = p.slot(params, p.KW), T = KD * KH * KW;
  const panelBytes = <usize>(CIG * 16);
  const groupPanels = panels + <usize>(g * (COGP / 4) * T) * panelBytes;
  traverseTaps(params, xGroup, yGroup, <usize>plane << 2, <usize>P << 2, CIG, groupPanels, blockBegin, blockEnd, panelBytes, false, rowBegin, rowEnd, columnBegin, columnEnd);
  if (!hasEpilogue(params)) return;
  for (let co = blockBegin * 4; co < min(blockEnd * 4, COG); co++) {
    for (let r = rowBegin; r < rowEnd; r++) {
      const at = r * OW + columnBegin;
      epilogueRun(params, yGroup + (<usize>(co * P + at) << 2), ng * COG + co, at, columnEnd - columnBegin);
    }
  }
}

/**
 * Runs the microkernels for channel blocks [blockBegin, blockEnd) over output rows [rowBegin, rowEnd) (flattened
 * D·H) and columns [columnBegin, columnEnd), blocked for cache: column chunk by column chunk, then tap by tap over the rows of the band, so a tap's
 * panels and the input rows it reads are reused while they are hot. Each tap only visits the part of the band and
 * chunk inside its valid box. `staged` is the staged tensor (B operand for the forward pass, C for the adjoint);
 * `dense` the [channels][P] tensor on the other side.
 */
export function traverseTaps(
  params: usize, staged: usize, dense: usize, stagedChannelBytes: usize, denseChannelBytes: usize, K: i32,
  panels: usize, blockBegin: i32, blockEnd: i32, panelBytes: usize, adjoint: bool, rowBegin: i32, rowEnd: i32,
  columnBegin: i32, columnEnd: i32,
): void {
  const OH = p.slot(params, p.OH), OW = p.slot(params, p.OW);
  const KD = p.slot(params, p.KD), KH = p.slot(params, p.KH), KW = p.slot(params, p.KW), T = KD * KH * KW;
  const SD = p.slot(params, p.SD), SH = p.slot(params, p.SH), SW = p.slot(params, p.SW);
  const DD = p.slot(params, p.DD), DH = p.slot(params, p.DH);
  const XH = p.slot(params, p.XH), XQ = p.slot(params, p.XQ);
  const chunk = p.slot(params, p.CHUNK);
  const stagedRowFloats = SW * XQ;
  const scratch = p.threadScratch(params);
  const bStride = adjoint ? denseChannelBytes : stagedChannelBytes, cStride = adjoint ? stagedChannelBytes : denseChannelBytes;
  for (let c0 = columnBegin; c0 < columnEnd; c0 += chunk) {
    const c1 = min(c0 + chunk, columnEnd);
    for (let kd = 0; kd < KD; kd++) {
      const d0 = p.rangeLo(params, 0, kd), d1 = p.rangeHi(params, 0, kd);
      for (let kh = 0; kh < KH; kh++) {
        const h0 = p.rangeLo(params, 1, kh), h1 = p.rangeHi(params, 1, kh);
        for (let kw = 0; kw < KW; kw++) {
          const w0 = max(c0, p.rangeLo(params, 2, kw)), w1 = min(c1, p.rangeHi(params, 2, kw));
          if (d0 >= d1 || h0 >= h1 || w0 >= w1) continue;
          const t = (kd * KH + kh) * KW + kw;
          const columnOffset = p.columnOffset(params, kw);
          const offset = <usize>w0 << 2, width = w1 - w0;
          for (let r = rowBegin; r < rowEnd; r++) {
            const od = r / OH, oh = r - od * OH;
            if (od < d0 || od >= d1 || oh < h0 || oh >= h1) continue;
            const stagedRow = staged + (<usize>(((od * SD + kd * DD) * XH + oh * SH + kh * DH) * stagedRowFloats + columnOffset) << 2);
            const denseRow = dense + (<usize>(r * OW) << 2);
            const b = (adjoint ? denseRow : stagedRow) + offset;
            const c = (adjoint ? stagedRow : denseRow) + offset;
            const packed = width >= 8 && blockEnd - blockBegin >= 2 ? scratch : 0;
            if (packed != 0) {
              // K rows of 8 columns, contiguous: the microkernel then streams its B operand instead of touching
              // K cache lines a plane apart, and every block of the task reuses the packed copy.
              const groups = width >> 3, packedWidth = groups << 3, tail = width - packedWidth;
              packColumns(b, bStride, K, groups, tail, packed);
              const tailPanel = packed + <usize>(groups * K) * 32;
              for (let block = blockBegin; block < blockEnd; block++) {
                const a = panels + <usize>(block * T + t) * panelBytes;
                const cBlock = c + <usize>(block * 4) * cStride;
                for (let j = 0; j < groups; j++) {
                  f32_gemm_4x8(a, packed + <usize>(j * K) * 32, 32, K, cBlock + (<usize>j << 5), cStride);
                }
                if (tail > 0) gemmRow(a, tailPanel, <usize>tail << 2, K, cBlock + (<usize>packedWidth << 2), cStride, tail);
              }
              continue;
            }
            for (let block = blockBegin; block < blockEnd; block++) {
              const a = panels + <usize>(block * T + t) * panelBytes;
              gemmRow(a, b, bStride, K, c + <usize>(block * 4) * cStride, cStride, width);
            }
          }
        }
      }
    }
  }
}

/**
 * Copies `groups` groups of 8 columns of K rows (`stride` bytes apart) from b into `packed` as [groups][K][8], then
 * the last `tail` (< 8) columns as [K][tail]: the row's remainder, which the 4-wide and 1-wide kernels then also
 * read from contiguous memory instead of one cache line per k.
 */
function packColumns(b: usize, stride: usize, K: i32, groups: i32, tail: i32, packed: usize): void {
  for (let j = 0; j < groups; j++) {
    let from = b + (<usize>j << 5), to = packed + <usize>(j * K) * 32;
    for (let k = 0; k < K; k++) {
      v128.store(to, v128.load(from));
      v128.store(to, v128.load(from, 16), 16);
      from += stride;
      to += 32;
    }
  }
  if (tail == 0) return;
  let from = b + (<usize>groups << 5), to = packed + <usize>(groups * K) * 32;
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < tail; i++) store<f32>(to + (<usize>i << 2), load<f32>(from + (<usize>i << 2)));
    from += stride;
    to += <usize>tail << 2;
  }
}
