import type { ConvGeometry } from '../../geometry/conv-geometry.js';
import { spatialSize } from '../../geometry/conv-geometry.js';
import { inputIndex } from '../../geometry/conv-arithmetic.js';

/**
 * The indirection table of a convolution: for tap `t` and output position `p`, `offsets[t·P + p]` is the flat
 * spatial input position the tap reads, or −1 where it lands in the zero padding. Dilation, stride and padding
 * are resolved here once, so the inner loops that use the table never see them (XNNPACK's indirection idea).
 *
 * Shape: `[T = prod(kernelSize), P = prod(outSize)]`.
 */
export function buildTapOffsets(g: ConvGeometry): Int32Array {
  const T = spatialSize(g.kernelSize), P = spatialSize(g.outSize);
  const rank = g.inSize.length;
  const offsets = new Int32Array(T * P);
  const tap = new Array<number>(rank).fill(0);
  for (let t = 0; t < T; t++) {
    const row = t * P;
    const out = new Array<number>(rank).fill(0);
    for (let p = 0; p < P; p++) {
      let flat = 0;
      for (let d = 0; d < rank; d++) {
        const i = inputIndex(out[d], tap[d], g.stride[d], g.padBefore[d], g.dilation[d]);
        if (i < 0 || i >= g.inSize[d]) { flat = -1; break; }
        flat = flat * g.inSize[d] + i;
      }
      offsets[row + p] = flat;
      increment(out, g.outSize);
    }
    increment(tap, g.kernelSize);
  }
  return offsets;
}

/** Advances a multi-index over `shape`, last dimension fastest. */
function increment(index: number[], shape: readonly number[]): void {
  for (let d = index.length - 1; d >= 0; d--) {
    if (++index[d] < shape[d]) return;
    index[d] = 0;
  }
}
