/**
 * Dense convolution as one small GEMM per (kernel tap, valid output row), reading the input in place: no im2col
 * buffer, and no multiply-add for a tap that lands in the zero padding (43% of a 3×3, d=12 ASPP branch on 33×33).
 * Per batch item n, group and tap t, for every row r of `TapRows`:
 *   forward         y[Cog, out row]  += W_t[Cog, Cig]  · x[Cig, in row]
 *   backward input  dx[Cig, in row]  += W_tᵀ[Cig, Cog] · dy[Cog, out row]
 *   backward weight dW_t[Cog, Cig]   += Σ_rows dy[Cog, out row] · x[Cig, in row]ᵀ
 * where `in row` is strided by the last dimension's stride. W_t is packed once per call into panels of four rows
 * (`tap-panels.ts`) so the microkernels read it sequentially; dW_t is accumulated in place in the [Cout, Cig, T]
 * layout by `weightTile4x2`.
 */
import type { ConvGeometry } from '../../geometry/conv-geometry.js';
import { spatialSize } from '../../geometry/conv-geometry.js';
import { gemm4x2Strided } from './gemm-4x2.js';
import { cachedTapPanels, panelCount } from './tap-panels.js';
import { buildTapRows, type TapRows } from './tap-rows.js';
import { weightTile4x2 } from './weight-tile-4x2.js';
import { outputBuffer } from '../output-buffer.js';

/**
 * Walks every (batch item, group, tap, valid row) of `g` and hands `visit` the flat tap index within its group,
 * where the row starts in x (`xStart`, strided by `rows.step`) and in y (`yStart`), and its length. Forward and
 * input gradient run the same walk; only the product they do per row differs.
 */
function forEachTapRow(
  g: ConvGeometry, rows: TapRows,
  visit: (group: number, tap: number, xStart: number, yStart: number, length: number) => void,
): void {
  const { leadTaps, lastTaps, first, outRow, inRow, lo, hi, step, dilation } = rows;
  const Cig = g.inChannels / g.groups, Cog = g.outChannels / g.groups;
  const P = spatialSize(g.outSize), I = spatialSize(g.inSize);
  for (let n = 0; n < g.batch; n++) {
    for (let group = 0; group < g.groups; group++) {
      const xBase = (n * g.inChannels + group * Cig) * I;
      const yBase = (n * g.outChannels + group * Cog) * P;
      for (let lead = 0; lead < leadTaps; lead++) {
        for (let k = 0; k < lastTaps; k++) {
          const length = hi[k] - lo[k];
          if (length <= 0) continue;
          const xRow = xBase + lo[k] * step + k * dilation, yRow = yBase + lo[k];
          for (let r = first[lead]; r < first[lead + 1]; r++) {
            visit(group, lead * lastTaps + k, xRow + inRow[r], yRow + outRow[r], length);
          }
        }
      }
    }
  }
}

/** y[N, Cout, ...outSize] = conv(x, w) + bias, one GEMM per (tap, valid row). */
export function tapGemmForward(g: ConvGeometry, x: Float32Array, w: Float32Array, bias: Float32Array | null): Float32Array {
  const rows = buildTapRows(g);
  const Cig = g.inChannels / g.groups, Cog = g.outChannels / g.groups;
  const T = spatialSize(g.kernelSize), P = spatialSize(g.outSize), I = spatialSize(g.inSize);
  const panels = cachedTapPanels(g, w, false);
  const tapStride = panelCount(Cog) * 4 * Cig;
  const y = outputBuffer(g.op, 'output', g.batch * g.outChannels * P);
  if (bias) {
    for (let n = 0; n < g.batch; n++) {
      for (let co = 0; co < g.outChannels; co++) y.fill(bias[co], (n * g.outChannels + co) * P, (n * g.outChannels + co + 1) * P);
    }
  }
  forEachTapRow(g, rows, (group, tap, xStart, yStart, length) => {
    gemm4x2Strided(Cog, length, Cig, panels, (group * T + tap) * tapStride, x, xStart, I, rows.step, y, yStart, P, 1);
  });
  return y;
}

/** dx[N, Cin, ...inSize]: W_tᵀ · dy per (tap, valid row), written back through the stride. */
export function tapGemmBackwardInput(g: ConvGeometry, dy: Float32Array, w: Float32Array): Float32Array {
  const rows = buildTapRows(g);
  const Cig = g.inChannels / g.groups, Cog = g.outChannels / g.groups;
  const T = spatialSize(g.kernelSize), P = spatialSize(g.outSize), I = spatialSize(g.inSize);
  const panels = cachedTapPanels(g, w, true);
  const tapStride = panelCount(Cig) * 4 * Cog;
  const dx = outputBuffer(g.op, 'input gradient', g.batch * g.inChannels * I);
  forEachTapRow(g, rows, (group, tap, xStart, yStart, length) => {
    gemm4x2Strided(Cig, length, Cog, panels, (group * T + tap) * tapStride, dy, yStart, P, 1, dx, xStart, I, rows.step);
  });
  return dx;
}

/** dw[Cout, Cin/groups, ...kernelSize]: per tap, dy · xᵀ summed over its valid rows and the batch. */
export function tapGemmBackwardWeight(g: ConvGeometry, x: Float32Array, dy: Float32Array): Float32Array {
  const rows = buildTapRows(g);
  const { leadTaps, lastTaps, lo, hi, step, dilation } = rows;
  const Cig = g.inChannels / g.groups, Cog = g.outChannels / g.groups;
  const T = spatialSize(g.kernelSize), P = spatialSize(g.outSize), I = spatialSize(g.inSize);
  const dw = outputBuffer(g.op, 'weight gradient', g.outChannels * Cig * T);
  for (let n = 0; n < g.batch; n++) {
    for (let group = 0; group < g.groups; group++) {
      const xBase = (n * g.inChannels + group * Cig) * I;
      const yBase = (n * g.outChannels + group * Cog) * P;
      for (let lead = 0; lead < leadTaps; lead++) {
        for (let k = 0; k < lastTaps; k++) {
          const t = lead * lastTaps + k, len = hi[k] - lo[k];
          if (len <= 0) continue;
          weightTile4x2(Cog, Cig, rows, lead, len, dy, yBase + lo[k], P, x, xBase + lo[k] * step + k * dilation, I,
            dw, group * Cog * Cig * T + t, Cig * T, T);
        }
      }
    }
  }
  return dw;
}
