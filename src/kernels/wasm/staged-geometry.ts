import type { ConvGeometry } from '../../geometry/conv-geometry.js';
import { spatialSize } from '../../geometry/conv-geometry.js';
import { tapValidRange } from '../../geometry/tap-valid-range.js';

/**
 * A convolution geometry as the WebAssembly kernels see it: three spatial dimensions (1-D and 2-D get leading
 * dimensions of size 1), the size of the staged input (zero padded, W split into stride phases) and every tap's
 * valid output range per dimension.
 */
export interface StagedGeometry {
  N: number; G: number; Cig: number; Cog: number;
  inSize: [number, number, number];
  outSize: [number, number, number];
  kernel: [number, number, number];
  stride: [number, number, number];
  dilation: [number, number, number];
  padBefore: [number, number, number];
  /** Staged input: padded depth, padded height, floats per stride phase of a row. */
  stagedD: number; stagedH: number; stagedQ: number;
  /** Floats per staged channel plane. */
  stagedPlane: number;
  /**
   * Per dimension D, H, W then per tap: the valid output range [lo, hi); then per W tap the float offset its
   * reads start at within a staged row (stride phase · stagedQ + index), so the kernels never divide.
   */
  ranges: Int32Array;
  /** Output positions, input positions and taps per channel. */
  P: number; I: number; T: number;
  /** Depthwise: one input channel per group, handled by its own kernels. */
  depthwise: boolean;
}

type Triple = [number, number, number];

function lift(values: readonly number[], fill: number): Triple {
  const out: number[] = Array(3 - values.length).fill(fill).concat(values);
  return out as Triple;
}

export function stageGeometry(g: ConvGeometry): StagedGeometry {
  const inSize = lift(g.inSize, 1), outSize = lift(g.outSize, 1), kernel = lift(g.kernelSize, 1);
  const stride = lift(g.stride, 1), dilation = lift(g.dilation, 1), padBefore = lift(g.padBefore, 0);
  const reach = (i: number): number => Math.max(padBefore[i] + inSize[i], (outSize[i] - 1) * stride[i] + (kernel[i] - 1) * dilation[i] + 1);
  const stagedD = reach(0), stagedH = reach(1);
  const stagedQ = Math.ceil(reach(2) / stride[2]);
  const ranges: number[] = [];
  for (let dim = 0; dim < 3; dim++) {
    for (let t = 0; t < kernel[dim]; t++) {
      ranges.push(...tapValidRange(outSize[dim], inSize[dim], t, stride[dim], padBefore[dim], dilation[dim]));
    }
  }
  for (let t = 0; t < kernel[2]; t++) {
    const shift = t * dilation[2];
    ranges.push((shift % stride[2]) * stagedQ + Math.floor(shift / stride[2]));
  }
  const Cig = g.inChannels / g.groups;
  return {
    N: g.batch, G: g.groups, Cig, Cog: g.outChannels / g.groups,
    inSize, outSize, kernel, stride, dilation, padBefore,
    stagedD, stagedH, stagedQ, stagedPlane: stagedD * stagedH * stride[2] * stagedQ,
    ranges: Int32Array.from(ranges),
    P: spatialSize(outSize), I: spatialSize(inSize), T: spatialSize(kernel),
    depthwise: Cig === 1,
  };
}
