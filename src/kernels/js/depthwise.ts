/**
 * Direct kernels for convolutions with one input channel per group (depthwise, with any channel multiplier
 * Cout / groups, and the single-channel plain conv). There is no reduction over channels to turn into a GEMM, so
 * im2col would only copy; instead every output channel walks its taps' valid rows (`TapRows`) and
 *   forward         y[co, out row]  += w[co, t] · x[ci, in row]         (axpy)
 *   backward input  dx[ci, in row]  += w[co, t] · dy[co, out row]       (axpy, scattered by the stride)
 *   backward weight dw[co, t]       += ⟨x[ci, in row], dy[co, out row]⟩ (dot)
 * with ci = co / (Cout / groups). The inner loops are branch-free over contiguous output runs. For 3-wide last
 * dimensions the forward fuses three input rows × three taps over the outputs all nine reach, so each output is
 * loaded and stored once per nine multiply-adds instead of once per one (V8 does not vectorize scalar loops, so
 * memory traffic is the cost); the edges and the remaining rows go one tap at a time.
 */
import type { ConvGeometry } from '../../geometry/conv-geometry.js';
import { spatialSize } from '../../geometry/conv-geometry.js';
import { buildTapRows, type TapRows } from './tap-rows.js';
import { outputBuffer } from '../output-buffer.js';

/** True when the direct depthwise kernels apply: one input channel per group. */
export function isDepthwise(g: ConvGeometry): boolean {
  return g.inChannels === g.groups;
}

/** y[N, Cout, ...outSize] = depthwise conv(x, w) + bias. */
export function depthwiseForward(g: ConvGeometry, x: Float32Array, w: Float32Array, bias: Float32Array | null): Float32Array {
  const plan = forwardPlan(buildTapRows(g));
  const T = spatialSize(g.kernelSize), P = spatialSize(g.outSize), I = spatialSize(g.inSize);
  const Cog = g.outChannels / g.groups;
  const y = outputBuffer(g.op, 'output', g.batch * g.outChannels * P);
  for (let n = 0; n < g.batch; n++) {
    for (let co = 0; co < g.outChannels; co++) {
      const yBase = (n * g.outChannels + co) * P;
      const xBase = (n * g.inChannels + Math.floor(co / Cog)) * I;
      if (bias) y.fill(bias[co], yBase, yBase + P);
      for (let q = 0; q < plan.outRow.length; q++) forwardOutputRow(plan, q, w, co * T, x, xBase, y, yBase);
    }
  }
  return y;
}

/**
 * The tap rows regrouped by the output row they add to: `start[q] .. start[q+1]` are the lead taps reaching output
 * row `outRow[q]`, with the input row each reads, so the forward can fuse three lead taps into one pass; `from`,
 * `to` are the outputs all three last-dimension taps reach (when there are three).
 */
interface ForwardPlan {
  rows: TapRows;
  start: Int32Array;
  outRow: Float64Array;
  lead: Int32Array;
  inRow: Float64Array;
  from: number;
  to: number;
}

/**
 * One output row of one channel: y[yBase + outRow[q] + o] += every tap reaching it. Kept a small function of its own
 * so V8 optimizes it after a few calls rather than waiting for on-stack replacement of the channel loop.
 */
function forwardOutputRow(
  plan: ForwardPlan, q: number, w: Float32Array, wBase: number, x: Float32Array, xBase: number, y: Float32Array, yBase: number,
): void {
  const { start, outRow, lead, inRow, from, to } = plan;
  const { lastTaps, lo, hi, step, dilation } = plan.rows;
  const yRow = yBase + outRow[q];
  let e = start[q];
  if (from < to) {
    for (; e + 3 <= start[q + 1]; e += 3) {
      axpy9(from, to, w, wBase + lead[e] * 3, wBase + lead[e + 1] * 3, wBase + lead[e + 2] * 3,
        x, xBase + inRow[e], xBase + inRow[e + 1], xBase + inRow[e + 2], step, dilation, y, yRow);
      for (let k = 0; k < 3; k++) {
        const a = w[wBase + lead[e] * 3 + k], b = w[wBase + lead[e + 1] * 3 + k], c = w[wBase + lead[e + 2] * 3 + k];
        const xa = xBase + inRow[e] + k * dilation, xb = xBase + inRow[e + 1] + k * dilation;
        const xc = xBase + inRow[e + 2] + k * dilation;
        axpyRows3(lo[k], Math.min(hi[k], from), a, b, c, x, xa, xb, xc, step, y, yRow);
        axpyRows3(Math.max(lo[k], to), hi[k], a, b, c, x, xa, xb, xc, step, y, yRow);
      }
    }
  }
  for (; e < start[q + 1]; e++) {
    const wLead = wBase + lead[e] * lastTaps, xRow = xBase + inRow[e];
    for (let k = 0; k < lastTaps; k++) axpyRun(lo[k], hi[k], w[wLead + k], x, xRow + k * dilation, step, y, yRow);
  }
}

function forwardPlan(rows: TapRows): ForwardPlan {
  return { rows, ...tapsByOutputRow(rows), ...commonRange(rows) };
}

/** The tap rows regrouped by the output row they add to (see {@link ForwardPlan}). */
function tapsByOutputRow(rows: TapRows): { start: Int32Array; outRow: Float64Array; lead: Int32Array; inRow: Float64Array } {
  const entries: { out: number; lead: number; input: number }[] = [];
  for (let lead = 0; lead < rows.leadTaps; lead++) {
    for (let r = rows.first[lead]; r < rows.first[lead + 1]; r++) entries.push({ out: rows.outRow[r], lead, input: rows.inRow[r] });
  }
  entries.sort((a, b) => a.out - b.out || a.lead - b.lead);
  const start: number[] = [], outRow: number[] = [];
  entries.forEach((entry, i) => {
    if (i === 0 || entry.out !== entries[i - 1].out) { start.push(i); outRow.push(entry.out); }
  });
  start.push(entries.length);
  return {
    start: Int32Array.from(start), outRow: Float64Array.from(outRow),
    lead: Int32Array.from(entries, (entry) => entry.lead), inRow: Float64Array.from(entries, (entry) => entry.input),
  };
}

/**
 * dx[N, Cin, ...inSize] of a depthwise conv: each tap scatters w·dy back along its rows; with three last-dimension
 * taps, one pass over dy row carries all three over the outputs they all reach.
 */
export function depthwiseBackwardInput(g: ConvGeometry, dy: Float32Array, w: Float32Array): Float32Array {
  const rows = buildTapRows(g);
  const { leadTaps, lastTaps, first, outRow, inRow, lo, hi, step, dilation } = rows;
  const T = spatialSize(g.kernelSize), P = spatialSize(g.outSize), I = spatialSize(g.inSize);
  const Cog = g.outChannels / g.groups;
  const { from, to } = commonRange(rows);
  const dx = outputBuffer(g.op, 'input gradient', g.batch * g.inChannels * I);
  for (let n = 0; n < g.batch; n++) {
    for (let co = 0; co < g.outChannels; co++) {
      const yBase = (n * g.outChannels + co) * P;
      const xBase = (n * g.inChannels + Math.floor(co / Cog)) * I;
      for (let lead = 0; lead < leadTaps; lead++) {
        const wLead = co * T + lead * lastTaps;
        for (let r = first[lead]; r < first[lead + 1]; r++) {
          const yRow = yBase + outRow[r], xRow = xBase + inRow[r];
          if (from < to) {
            scatter3(from, to, w[wLead], w[wLead + 1], w[wLead + 2], dy, yRow, dx, xRow, step, dilation);
            for (let k = 0; k < 3; k++) {
              scatterRun(lo[k], Math.min(hi[k], from), w[wLead + k], dy, yRow, dx, xRow + k * dilation, step);
              scatterRun(Math.max(lo[k], to), hi[k], w[wLead + k], dy, yRow, dx, xRow + k * dilation, step);
            }
          } else {
            for (let k = 0; k < lastTaps; k++) scatterRun(lo[k], hi[k], w[wLead + k], dy, yRow, dx, xRow + k * dilation, step);
          }
        }
      }
    }
  }
  return dx;
}

/**
 * dw[Cout, 1, ...kernelSize] of a depthwise conv: each tap's dot product of x and dy over its rows; with three
 * last-dimension taps, one pass over the dy row feeds all three sums over the outputs they all reach.
 */
export function depthwiseBackwardWeight(g: ConvGeometry, x: Float32Array, dy: Float32Array): Float32Array {
  const rows = buildTapRows(g);
  const { leadTaps, lastTaps, first, outRow, inRow, lo, hi, step, dilation } = rows;
  const T = spatialSize(g.kernelSize), P = spatialSize(g.outSize), I = spatialSize(g.inSize);
  const Cog = g.outChannels / g.groups;
  const { from, to } = commonRange(rows);
  const sums = new Float64Array(lastTaps);
  const dw = outputBuffer(g.op, 'weight gradient', g.outChannels * T);
  for (let co = 0; co < g.outChannels; co++) {
    for (let lead = 0; lead < leadTaps; lead++) {
      sums.fill(0);
      for (let n = 0; n < g.batch; n++) {
        const yBase = (n * g.outChannels + co) * P;
        const xBase = (n * g.inChannels + Math.floor(co / Cog)) * I;
        for (let r = first[lead]; r < first[lead + 1]; r++) {
          const yRow = yBase + outRow[r], xRow = xBase + inRow[r];
          if (from < to) {
            dot3(from, to, x, xRow, step, dilation, dy, yRow, sums);
            for (let k = 0; k < 3; k++) {
              sums[k] += dotRun(lo[k], Math.min(hi[k], from), x, xRow + k * dilation, step, dy, yRow)
                + dotRun(Math.max(lo[k], to), hi[k], x, xRow + k * dilation, step, dy, yRow);
            }
          } else {
            for (let k = 0; k < lastTaps; k++) sums[k] += dotRun(lo[k], hi[k], x, xRow + k * dilation, step, dy, yRow);
          }
        }
      }
      for (let k = 0; k < lastTaps; k++) dw[co * T + lead * lastTaps + k] = sums[k];
    }
  }
  return dw;
}

/** The outputs all three last-dimension taps reach, when there are exactly three (else an empty range). */
function commonRange(rows: TapRows): { from: number; to: number } {
  const { lo, hi } = rows;
  if (rows.lastTaps !== 3) return { from: 0, to: 0 };
  return { from: Math.max(lo[0], lo[1], lo[2]), to: Math.min(hi[0], hi[1], hi[2]) };
}

/** dx[xRow + o·step + k·dilation] += a_k · dy[yRow + o] for k < 3 and o in [from, to). */
function scatter3(
  from: number, to: number, a0: number, a1: number, a2: number,
  dy: Float32Array, yRow: number, dx: Float32Array, xRow: number, step: number, dilation: number,
): void {
  const x1 = xRow + dilation, x2 = x1 + dilation;
  for (let o = from; o < to; o++) {
    const v = dy[yRow + o], i = o * step;
    dx[xRow + i] += a0 * v;
    dx[x1 + i] += a1 * v;
    dx[x2 + i] += a2 * v;
  }
}

/** sums[k] += Σ_o x[xRow + o·step + k·dilation] · dy[yRow + o] for k < 3 and o in [from, to). */
function dot3(
  from: number, to: number, x: Float32Array, xRow: number, step: number, dilation: number,
  dy: Float32Array, yRow: number, sums: Float64Array,
): void {
  const x1 = xRow + dilation, x2 = x1 + dilation;
  let s0 = 0, s1 = 0, s2 = 0;
  for (let o = from; o < to; o++) {
    const v = dy[yRow + o], i = o * step;
    s0 += x[xRow + i] * v;
    s1 += x[x1 + i] * v;
    s2 += x[x2 + i] * v;
  }
  sums[0] += s0;
  sums[1] += s1;
  sums[2] += s2;
}

/** y[yRow + o] += a · x[xRow + o·step] for o in [from, to). */
function axpyRun(from: number, to: number, a: number, x: Float32Array, xRow: number, step: number, y: Float32Array, yRow: number): void {
  for (let o = from; o < to; o++) y[yRow + o] += a * x[xRow + o * step];
}

/** One tap of three rows at once: y[yRow + o] += a·x[xa + o·step] + b·x[xb + o·step] + c·x[xc + o·step], o ∈ [from, to). */
function axpyRows3(
  from: number, to: number, a: number, b: number, c: number,
  x: Float32Array, xa: number, xb: number, xc: number, step: number, y: Float32Array, yRow: number,
): void {
  for (let o = from; o < to; o++) {
    const i = o * step;
    y[yRow + o] += a * x[xa + i] + b * x[xb + i] + c * x[xc + i];
  }
}

/**
 * Nine taps at once (three rows, three last-dimension taps each, weights `w[wa..wa+3)`, `w[wb..)`, `w[wc..)`):
 * y[yRow + o] += Σ_rows Σ_k w · x[row + o·step + k·dilation] for o in [from, to), one load and store of y per nine.
 * The unit-stride loop is written out on its own: without the multiply it measured 5–10% faster.
 */
function axpy9(
  from: number, to: number, w: Float32Array, wa: number, wb: number, wc: number,
  x: Float32Array, xa: number, xb: number, xc: number, step: number, dilation: number, y: Float32Array, yRow: number,
): void {
  const a0 = w[wa], a1 = w[wa + 1], a2 = w[wa + 2];
  const b0 = w[wb], b1 = w[wb + 1], b2 = w[wb + 2];
  const c0 = w[wc], c1 = w[wc + 1], c2 = w[wc + 2];
  const d2 = 2 * dilation;
  if (step === 1) {
    for (let o = from; o < to; o++) {
      const ia = xa + o, ib = xb + o, ic = xc + o;
      y[yRow + o] += (a0 * x[ia] + a1 * x[ia + dilation] + a2 * x[ia + d2])
        + (b0 * x[ib] + b1 * x[ib + dilation] + b2 * x[ib + d2])
        + (c0 * x[ic] + c1 * x[ic + dilation] + c2 * x[ic + d2]);
    }
    return;
  }
  for (let o = from; o < to; o++) {
    const i = o * step, ia = xa + i, ib = xb + i, ic = xc + i;
    y[yRow + o] += (a0 * x[ia] + a1 * x[ia + dilation] + a2 * x[ia + d2])
      + (b0 * x[ib] + b1 * x[ib + dilation] + b2 * x[ib + d2])
      + (c0 * x[ic] + c1 * x[ic + dilation] + c2 * x[ic + d2]);
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
