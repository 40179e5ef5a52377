/**
 * The pure-JavaScript fast path: im2col through the tap indirection table, then blocked GEMM.
 * Runs wherever JavaScript runs; the WASM backend is faster where WebAssembly SIMD exists.
 *
 * Per batch item n and group: cols[K = Cig·T, Pc] gathers the input each (channel, tap) reads for a chunk of Pc
 * output positions (zeros where the tap lands in padding), and
 *   forward         y[Cog, Pc]   += W[Cog, K] · cols[K, Pc]
 *   backward input  dcols[K, Pc]  = W[Cog, K]ᵀ · dy[Cog, Pc], scattered back through the table (col2im)
 *   backward weight dW[Cog, K]   += dy[Cog, Pc] · cols[K, Pc]ᵀ
 * Output positions are chunked so cols stays within COLS_BUDGET floats whatever the layer size.
 */
import type { ConvGeometry } from '../../geometry/conv-geometry.js';
import { spatialSize } from '../../geometry/conv-geometry.js';
import type { ConvKernels } from '../backend.js';
import { gemmNN, gemmNT, gemmTN } from './gemm.js';
import { buildTapOffsets } from './tap-offsets.js';

const COLS_BUDGET = 1 << 21;

interface Layout {
  Cig: number; Cog: number; K: number; T: number; P: number; I: number; chunk: number; offsets: Int32Array;
}

function layout(g: ConvGeometry): Layout {
  const Cig = g.inChannels / g.groups, Cog = g.outChannels / g.groups;
  const T = spatialSize(g.kernelSize), P = spatialSize(g.outSize), I = spatialSize(g.inSize);
  const K = Cig * T;
  const chunk = Math.max(1, Math.min(P, Math.floor(COLS_BUDGET / K)));
  return { Cig, Cog, K, T, P, I, chunk, offsets: buildTapOffsets(g) };
}

/** cols[K, width] ← x[n, group channels, positions p0 .. p0+width) through the table. */
function im2col(L: Layout, x: Float32Array, xBase: number, p0: number, width: number, cols: Float32Array): void {
  const { Cig, T, P, I, offsets } = L;
  for (let ci = 0; ci < Cig; ci++) {
    const channel = xBase + ci * I;
    for (let t = 0; t < T; t++) {
      const row = (ci * T + t) * width;
      const table = t * P + p0;
      for (let j = 0; j < width; j++) {
        const s = offsets[table + j];
        cols[row + j] = s >= 0 ? x[channel + s] : 0;
      }
    }
  }
}

/** dx[n, group channels] += dcols[K, width] scattered back through the table. */
function col2im(L: Layout, dcols: Float32Array, dx: Float32Array, xBase: number, p0: number, width: number): void {
  const { Cig, T, P, I, offsets } = L;
  for (let ci = 0; ci < Cig; ci++) {
    const channel = xBase + ci * I;
    for (let t = 0; t < T; t++) {
      const row = (ci * T + t) * width;
      const table = t * P + p0;
      for (let j = 0; j < width; j++) {
        const s = offsets[table + j];
        if (s >= 0) dx[channel + s] += dcols[row + j];
      }
    }
  }
}

export function convForwardIm2col(g: ConvGeometry, x: Float32Array, w: Float32Array, bias: Float32Array | null): Float32Array {
  const L = layout(g);
  const { Cig, Cog, K, P, I, chunk } = L;
  const y = new Float32Array(g.batch * g.outChannels * P);
  if (bias) {
    for (let n = 0; n < g.batch; n++) {
      for (let co = 0; co < g.outChannels; co++) y.fill(bias[co], (n * g.outChannels + co) * P, (n * g.outChannels + co + 1) * P);
    }
  }
  const cols = new Float32Array(K * chunk);
  for (let n = 0; n < g.batch; n++) {
    for (let group = 0; group < g.groups; group++) {
      const xBase = (n * g.inChannels + group * Cig) * I;
      const yBase = (n * g.outChannels + group * Cog) * P;
      for (let p0 = 0; p0 < P; p0 += chunk) {
        const width = Math.min(chunk, P - p0);
        im2col(L, x, xBase, p0, width, cols);
        gemmNN(Cog, width, K, w, group * Cog * K, K, cols, 0, width, y, yBase + p0, P);
      }
    }
  }
  return y;
}

export function convBackwardInputIm2col(g: ConvGeometry, dy: Float32Array, w: Float32Array): Float32Array {
  const L = layout(g);
  const { Cig, Cog, K, P, I, chunk } = L;
  const dx = new Float32Array(g.batch * g.inChannels * I);
  const dcols = new Float32Array(K * chunk);
  for (let n = 0; n < g.batch; n++) {
    for (let group = 0; group < g.groups; group++) {
      const xBase = (n * g.inChannels + group * Cig) * I;
      const yBase = (n * g.outChannels + group * Cog) * P;
      for (let p0 = 0; p0 < P; p0 += chunk) {
        const width = Math.min(chunk, P - p0);
        dcols.fill(0, 0, K * width);
        gemmTN(K, width, Cog, w, group * Cog * K, K, dy, yBase + p0, P, dcols, 0, width);
        col2im(L, dcols, dx, xBase, p0, width);
      }
    }
  }
  return dx;
}

export function convBackwardWeightIm2col(g: ConvGeometry, x: Float32Array, dy: Float32Array): Float32Array {
  const L = layout(g);
  const { Cig, Cog, K, P, I, chunk } = L;
  const dw = new Float32Array(g.outChannels * K);
  const cols = new Float32Array(K * chunk);
  for (let n = 0; n < g.batch; n++) {
    for (let group = 0; group < g.groups; group++) {
      const xBase = (n * g.inChannels + group * Cig) * I;
      const yBase = (n * g.outChannels + group * Cog) * P;
      for (let p0 = 0; p0 < P; p0 += chunk) {
        const width = Math.min(chunk, P - p0);
        im2col(L, x, xBase, p0, width, cols);
        gemmNT(Cog, K, width, dy, yBase + p0, P, cols, 0, width, dw, group * Cog * K, K);
      }
    }
  }
  return dw;
}

/** The pure-JS fast path as a backend (`setBackend('js')`). */
export const jsKernels: ConvKernels = {
  name: 'js',
  convForward: convForwardIm2col,
  convBackwardInput: convBackwardInputIm2col,
  convBackwardWeight: convBackwardWeightIm2col,
};
