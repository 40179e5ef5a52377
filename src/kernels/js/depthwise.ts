/**
 * Direct kernels for convolutions with one input channel per group (depthwise, with any channel multiplier
 * Cout / groups, and the single-channel plain conv). There is no reduction over channels to turn into a GEMM, so
 * im2col would only copy; instead every output channel walks its taps' valid rows (`TapRows`) and
 *   forward         y[co, out row]  += w[co, t] · x[ci, in row]         (axpy)
 *   backward input  dx[ci, in row]  += w[co, t] · dy[co, out row]       (axpy, scattered by the stride)
 *   backward weight dw[co, t]       += ⟨x[ci, in row], dy[co, out row]⟩ (dot)
 * with ci = co / (Cout / groups). The inner loops are branch-free over contiguous output runs. Forward fuses the
 * last dimension's taps three at a time over the outputs all three reach, so each output is loaded and stored
 * once per three multiply-adds instead of once per one (V8 does not vectorize; memory traffic is the cost).
 */
import type { ConvGeometry } from '../../geometry/conv-geometry.js';
import { spatialSize } from '../../geometry/conv-geometry.js';
import { buildTapRows } from './tap-rows.js';

/** True when the direct depthwise kernels apply: one input channel per group. */
export function isDepthwise(g: ConvGeometry): boolean {
  return g.inChannels === g.groups;
}

export function depthwiseForward(g: ConvGeometry, x: Float32Array, w: Float32Array, bias: Float32Array | null): Float32Array {
  const { leadTaps, lastTaps, first, outRow, inRow, lo, hi, step, dilation } = buildTapRows(g);
  const T = spatialSize(g.kernelSize), P = spatialSize(g.outSize), I = spatialSize(g.inSize);
  const Cog = g.outChannels / g.groups;
  const y = new Float32Array(g.batch * g.outChannels * P);
  for (let n = 0; n < g.batch; n++) {
    for (let co = 0; co < g.outChannels; co++) {
      const yBase = (n * g.outChannels + co) * P;
      const xBase = (n * g.inChannels + Math.floor(co / Cog)) * I;
      if (bias) y.fill(bias[co], yBase, yBase + P);
      for (let lead = 0; lead < leadTaps; lead++) {
        const wLead = co * T + lead * lastTaps;
        for (let r = first[lead]; r < first[lead + 1]; r++) {
          const yRow = yBase + outRow[r], xRow = xBase + inRow[r];
          let k = 0;
          for (; k + 3 <= lastTaps; k += 3) {
            const from = Math.max(lo[k], lo[k + 1], lo[k + 2]), to = Math.min(hi[k], hi[k + 1], hi[k + 2]);
            const xTap = xRow + k * dilation;
            if (from < to) {
              axpy3(from, to, w[wLead + k], w[wLead + k + 1], w[wLead + k + 2], x, xTap, step, dilation, y, yRow);
              for (let e = k; e < k + 3; e++) {
                const xe = xRow + e * dilation, a = w[wLead + e];
                axpyRun(lo[e], Math.min(hi[e], from), a, x, xe, step, y, yRow);
                axpyRun(Math.max(lo[e], to), hi[e], a, x, xe, step, y, yRow);
              }
            } else {
              for (let e = k; e < k + 3; e++) axpyRun(lo[e], hi[e], w[wLead + e], x, xRow + e * dilation, step, y, yRow);
            }
          }
          for (; k < lastTaps; k++) axpyRun(lo[k], hi[k], w[wLead + k], x, xRow + k * dilation, step, y, yRow);
        }
      }
    }
  }
  return y;
}

export function depthwiseBackwardInput(g: ConvGeometry, dy: Float32Array, w: Float32Array): Float32Array {
  const { leadTaps, lastTaps, first, outRow, inRow, lo, hi, step, dilation } = buildTapRows(g);
  const T = spatialSize(g.kernelSize), P = spatialSize(g.outSize), I = spatialSize(g.inSize);
  const Cog = g.outChannels / g.groups;
  const dx = new Float32Array(g.batch * g.inChannels * I);
  for (let n = 0; n < g.batch; n++) {
    for (let co = 0; co < g.outChannels; co++) {
      const yBase = (n * g.outChannels + co) * P;
      const xBase = (n * g.inChannels + Math.floor(co / Cog)) * I;
      for (let lead = 0; lead < leadTaps; lead++) {
        for (let r = first[lead]; r < first[lead + 1]; r++) {
          const yRow = yBase + outRow[r], xRow = xBase + inRow[r];
          for (let k = 0; k < lastTaps; k++) {
            scatterRun(lo[k], hi[k], w[co * T + lead * lastTaps + k], dy, yRow, dx, xRow + k * dilation, step);
          }
        }
      }
    }
  }
  return dx;
}

export function depthwiseBackwardWeight(g: ConvGeometry, x: Float32Array, dy: Float32Array): Float32Array {
  const { leadTaps, lastTaps, first, outRow, inRow, lo, hi, step, dilation } = buildTapRows(g);
  const T = spatialSize(g.kernelSize), P = spatialSize(g.outSize), I = spatialSize(g.inSize);
  const Cog = g.outChannels / g.groups;
  const dw = new Float32Array(g.outChannels * T);
  for (let co = 0; co < g.outChannels; co++) {
    for (let lead = 0; lead < leadTaps; lead++) {
      for (let k = 0; k < lastTaps; k++) {
        let sum = 0;
        for (let n = 0; n < g.batch; n++) {
          const yBase = (n * g.outChannels + co) * P;
          const xTap = (n * g.inChannels + Math.floor(co / Cog)) * I + k * dilation;
          for (let r = first[lead]; r < first[lead + 1]; r++) {
            sum += dotRun(lo[k], hi[k], x, xTap + inRow[r], step, dy, yBase + outRow[r]);
          }
        }
        dw[co * T + lead * lastTaps + k] = sum;
      }
    }
  }
  return dw;
}

/** y[yRow + o] += a · x[xRow + o·step] for o in [from, to). */
function axpyRun(from: number, to: number, a: number, x: Float32Array, xRow: number, step: number, y: Float32Array, yRow: number): void {
  for (let o = from; o < to; o++) y[yRow + o] += a * x[xRow + o * step];
}

/** Three neighbouring taps at once: y[yRow + o] += Σ_e a_e · x[xRow + o·step + e·dilation] for o in [from, to). */
function axpy3(
  from: number, to: number, a0: number, a1: number, a2: number,
  x: Float32Array, xRow: number, step: number, dilation: number, y: Float32Array, yRow: number,
): void {
  const x1 = xRow + dilation, x2 = x1 + dilation;
  for (let o = from; o < to; o++) {
    const i = o * step;
    y[yRow + o] += a0 * x[xRow + i] + a1 * x[x1 + i] + a2 * x[x2 + i];
  }
}

/** dx[xRow + o·step] += a · dy[yRow + o] for o in [from, to). */
function scatterRun(from: number, to: number, a: number, dy: Float32Array, yRow: number, dx: Float32Array, xRow: number, step: number): void {
  for (let o = from; o < to; o++) dx[xRow + o * step] += a * dy[yRow + o];
}

/** Σ x[xRow + o·step] · dy[yRow + o] over o in [from, to), in double precision. */
function dotRun(from: number, to: number, x: Float32Array, xRow: number, step: number, dy: Float32Array, yRow: number): number {
  let s = 0;
  for (let o = from; o < to; o++) s += x[xRow + o * step] * dy[yRow + o];
  return s;
}
