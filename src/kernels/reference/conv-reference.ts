/**
 * The reference convolution: plain loops, written to be read. This is the living definition of what every
 * other backend computes, and it is checked against PyTorch on the committed fixtures.
 *
 * Letters: N batch, G groups, Cig/Cog input/output channels per group, o output position, t kernel tap,
 * i = o·s − padBefore + t·d the input position a tap reads (outside [0, inSize) it reads zero).
 *
 *   y[n, g·Cog + co, o] = bias[g·Cog + co] + Σ_{ci, t} w[g·Cog + co, ci, t] · x[n, g·Cig + ci, o·s − p + t·d]
 *
 * Spatial positions of any rank (1-D, 2-D, 3-D) are walked as flat indices and unravelled into coordinates.
 */
import type { ConvGeometry } from '../../geometry/conv-geometry.js';
import { spatialSize } from '../../geometry/conv-geometry.js';
import { inputIndex } from '../../geometry/conv-arithmetic.js';
import { separateBackward, type ConvKernels } from '../backend.js';
import { finishForward, finishGradient } from '../epilogue.js';
import { outputBuffer } from '../output-buffer.js';

/** y[N, Cout, ...outSize] = conv(x[N, Cin, ...inSize], w[Cout, Cin/G, ...k]) + bias[Cout]. */
export function convForwardReference(g: ConvGeometry, x: Float32Array, w: Float32Array, bias: Float32Array | null): Float32Array {
  const { batch: N, groups: G } = g;
  const Cig = g.inChannels / G, Cog = g.outChannels / G;
  const P = spatialSize(g.outSize), I = spatialSize(g.inSize), T = spatialSize(g.kernelSize);
  const y = outputBuffer(g.op, 'output', N * g.outChannels * P);
  for (let n = 0; n < N; n++) {
    for (let co = 0; co < g.outChannels; co++) {
      const group = Math.floor(co / Cog);
      for (let o = 0; o < P; o++) {
        let sum = bias ? bias[co] : 0;
        for (let ci = 0; ci < Cig; ci++) {
          const xChannel = (n * g.inChannels + group * Cig + ci) * I;   // x[n, group·Cig + ci, :]
          const wChannel = (co * Cig + ci) * T;                          // w[co, ci, :]
          for (let t = 0; t < T; t++) {
            const i = tapInputPosition(g, o, t);
            if (i >= 0) sum += w[wChannel + t] * x[xChannel + i];
          }
        }
        y[(n * g.outChannels + co) * P + o] = sum;
      }
    }
  }
  return y;
}

/** dx[N, Cin, ...inSize]: every tap scatters dy·w back to the input position it read. */
export function convBackwardInputReference(g: ConvGeometry, dy: Float32Array, w: Float32Array): Float32Array {
  const { batch: N, groups: G } = g;
  const Cig = g.inChannels / G, Cog = g.outChannels / G;
  const P = spatialSize(g.outSize), I = spatialSize(g.inSize), T = spatialSize(g.kernelSize);
  const dx = outputBuffer(g.op, 'input gradient', N * g.inChannels * I);
  for (let n = 0; n < N; n++) {
    for (let co = 0; co < g.outChannels; co++) {
      const group = Math.floor(co / Cog);
      for (let o = 0; o < P; o++) {
        const grad = dy[(n * g.outChannels + co) * P + o];
        for (let ci = 0; ci < Cig; ci++) {
          const xChannel = (n * g.inChannels + group * Cig + ci) * I;
          const wChannel = (co * Cig + ci) * T;
          for (let t = 0; t < T; t++) {
            const i = tapInputPosition(g, o, t);
            if (i >= 0) dx[xChannel + i] += grad * w[wChannel + t];
          }
        }
      }
    }
  }
  return dx;
}

/** dw[Cout, Cin/G, ...k]: each tap's weight collects dy·x over every output position and batch item. */
export function convBackwardWeightReference(g: ConvGeometry, x: Float32Array, dy: Float32Array): Float32Array {
  const { batch: N, groups: G } = g;
  const Cig = g.inChannels / G, Cog = g.outChannels / G;
  const P = spatialSize(g.outSize), I = spatialSize(g.inSize), T = spatialSize(g.kernelSize);
  const dw = outputBuffer(g.op, 'weight gradient', g.outChannels * Cig * T);
  for (let co = 0; co < g.outChannels; co++) {
    const group = Math.floor(co / Cog);
    for (let ci = 0; ci < Cig; ci++) {
      for (let t = 0; t < T; t++) {
        let sum = 0;
        for (let n = 0; n < N; n++) {
          const xChannel = (n * g.inChannels + group * Cig + ci) * I;
          const dyChannel = (n * g.outChannels + co) * P;
          for (let o = 0; o < P; o++) {
            const i = tapInputPosition(g, o, t);
            if (i >= 0) sum += dy[dyChannel + o] * x[xChannel + i];
          }
        }
        dw[(co * Cig + ci) * T + t] = sum;
      }
    }
  }
  return dw;
}

/**
 * Flat input position that tap `t` of output position `o` reads, or −1 when it lands in the zero padding.
 * Unravels `o` over `outSize` and `t` over `kernelSize` (last dimension fastest) and ravels the result over `inSize`.
 */
export function tapInputPosition(g: ConvGeometry, o: number, t: number): number {
  let flat = 0;
  let outRest = o, tapRest = t;
  let scale = 1;
  for (let dim = g.inSize.length - 1; dim >= 0; dim--) {
    const od = outRest % g.outSize[dim];
    const td = tapRest % g.kernelSize[dim];
    outRest = Math.floor(outRest / g.outSize[dim]);
    tapRest = Math.floor(tapRest / g.kernelSize[dim]);
    const i = inputIndex(od, td, g.stride[dim], g.padBefore[dim], g.dilation[dim]);
    if (i < 0 || i >= g.inSize[dim]) return -1;
    flat += i * scale;
    scale *= g.inSize[dim];
  }
  return flat;
}

/** The reference kernels as a backend (`setBackend('reference')`), for checking the fast ones. */
export const referenceKernels: ConvKernels = {
  name: 'reference',
  convForward: (g, x, w, bias, options) => finishForward(convForwardReference(g, x, w, bias), options),
  convBackwardInput: (g, dy, w, options) => finishGradient(convBackwardInputReference(g, dy, w), options),
  convBackwardWeight: (g, x, dy, options) => finishGradient(convBackwardWeightReference(g, x, dy), options),
  convBackward: (g, x, dy, w, options) => separateBackward(referenceKernels, g, x, dy, w, options),
};
