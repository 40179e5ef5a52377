import type { ConvGeometry } from '../../geometry/conv-geometry.js';
import { spatialSize } from '../../geometry/conv-geometry.js';
import { tapValidRange } from '../../geometry/tap-valid-range.js';
import { effectiveKernelSize } from '../../geometry/conv-arithmetic.js';

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
  /** Floats per staged channel plane (padded, see cacheFriendlyStride). */
  stagedPlane: number;
  /** Floats between channels of the output and dy as laid out in the module's memory (padded likewise). */
  densePlane: number;
  /**
   * Per dimension D, H, W then per tap: the valid output range [lo, hi) (along W widened to whole vectors, see
   * widenToVectors); then per W tap the float offset its reads start at within a staged row (stride phase ·
   * stagedQ + index), so the kernels never divide. Float64 here; the kernels read them as int32 (see fitsInt32).
   */
  ranges: Float64Array;
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

/**
 * A W range widened, within [0, out), to a whole number of 4-float vectors. The extra columns read the staged
 * zero padding (so they add w·0 to the output, or, in the adjoint, write into padding that un-staging crops), and
 * they spare the kernels their slow 1-column tails: a few wasted multiply-adds instead of a scalar loop.
 */
function widenToVectors([lo, hi]: [number, number], out: number): [number, number] {
  if (hi <= lo) return [lo, hi];
  const width = Math.min(out, Math.ceil((hi - lo) / 4) * 4);
  const start = Math.max(0, Math.min(hi - width, out - width));
  return [start, start + width];
}

/**
 * A channel stride of at least `floats` that is an odd number of 64-byte cache lines: rows read at the same offset
 * from many channels then spread over every L1 set instead of piling into a few (a 64×64 plane is exactly 16 KiB,
 * which put all 64 rows of a K=64 sweep into one set).
 */
export function cacheFriendlyStride(floats: number): number {
  const lines = Math.ceil(floats / 16);
  return (lines % 2 === 0 ? lines + 1 : lines) * 16;
}

export function stageGeometry(g: ConvGeometry): StagedGeometry {
  const inSize = lift(g.inSize, 1), outSize = lift(g.outSize, 1), kernel = lift(g.kernelSize, 1);
  const stride = lift(g.stride, 1), dilation = lift(g.dilation, 1), padBefore = lift(g.padBefore, 0);
  const reach = (i: number): number => Math.max(padBefore[i] + inSize[i], (outSize[i] - 1) * stride[i] + effectiveKernelSize(kernel[i], dilation[i]));
  const stagedD = reach(0), stagedH = reach(1);
  const stagedQ = Math.ceil(reach(2) / stride[2]);
  const ranges: number[] = [];
  for (let dim = 0; dim < 3; dim++) {
    for (let t = 0; t < kernel[dim]; t++) {
      const valid = tapValidRange(outSize[dim], inSize[dim], t, stride[dim], padBefore[dim], dilation[dim]);
      ranges.push(...(dim === 2 ? widenToVectors(valid, outSize[2]) : valid));
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
    stagedD, stagedH, stagedQ, stagedPlane: cacheFriendlyStride(stagedD * stagedH * stride[2] * stagedQ),
    densePlane: cacheFriendlyStride(spatialSize(outSize)),
    ranges: Float64Array.from(ranges),
    P: spatialSize(outSize), I: spatialSize(inSize), T: spatialSize(kernel),
    depthwise: Cig === 1,
  };
}
