/**
 * Staging only what taps read. The WASM kernels stage the zero-padded input in full, which is the right layout
 * when taps overlap (every staged float is read several times) but not when padding or dilation dwarf the output:
 * `dilation: 2**26, padding: 'causal'` on ten samples would stage 2^27 floats for ten outputs.
 *
 * Along such a dimension the input is gathered instead into the windows taps actually read, tap t's window at
 * [t·out, (t+1)·out): gathered index t·out + o holds input o·s − padBefore + t·d (or zero where that is padding).
 * The convolution over the gathered input with stride 1, dilation out and no padding reads, for every (o, t),
 * exactly the value the original one reads, so forward and weight gradient run on it unchanged, and the input
 * gradient is scatter-added back through the same index map. The gathered size is out·k per dimension:
 * proportional to the multiply-adds, whatever the padding or dilation.
 */
import type { ConvGeometry } from '../../geometry/conv-geometry.js';
import { spatialSize } from '../../geometry/conv-geometry.js';
import { checkAllocation } from '../../tensor/memory-budget.js';

/** A dimension is gathered only when staging it would take this many times the windows (plus a few floats). */
const WASTE_FACTOR = 4;
const WASTE_SLACK = 256;

export interface TapWindows {
  /** The equivalent convolution over the gathered input. */
  geometry: ConvGeometry;
  /** Per spatial dimension, gathered index → original input index, or −1 where the tap reads padding. */
  sources: Float64Array[];
}

/**
 * The gathered form of `g`, or null when staging `g` as it is wastes little (every dimension's padded extent is
 * within WASTE_FACTOR of its windows).
 *
 * @example compactTapWindows(computeConvGeometry('conv', [1, 1, 10], [1, 1, 3], { dilation: 2 ** 26, padding: 'causal' }))!.geometry.inSize // [30]
 */
export function compactTapWindows(g: ConvGeometry): TapWindows | null {
  // Decided before anything is built: this runs on every conv call, and almost every geometry stages as it is.
  const extentOf = (i: number): number => Math.max(g.padBefore[i] + g.inSize[i], (g.outSize[i] - 1) * g.stride[i] + (g.kernelSize[i] - 1) * g.dilation[i] + 1);
  if (g.inSize.every((_, i) => extentOf(i) <= WASTE_FACTOR * g.outSize[i] * g.kernelSize[i] + WASTE_SLACK)) return null;
  const sources: Float64Array[] = [];
  const inSize: number[] = [], stride: number[] = [], dilation: number[] = [], padBefore: number[] = [], padAfter: number[] = [];
  g.inSize.forEach((n, i) => {
    const out = g.outSize[i], k = g.kernelSize[i], s = g.stride[i], d = g.dilation[i], pb = g.padBefore[i];
    if (extentOf(i) <= WASTE_FACTOR * out * k + WASTE_SLACK) {
      const identity = new Float64Array(n);
      for (let j = 0; j < n; j++) identity[j] = j;
      sources.push(identity);
      inSize.push(n); stride.push(s); dilation.push(d); padBefore.push(pb); padAfter.push(g.padAfter[i]);
      return;
    }
    const source = new Float64Array(out * k);
    for (let t = 0; t < k; t++) {
      for (let o = 0; o < out; o++) {
        const at = o * s - pb + t * d;
        source[t * out + o] = at >= 0 && at < n ? at : -1;
      }
    }
    sources.push(source);
    inSize.push(out * k); stride.push(1); dilation.push(out); padBefore.push(0); padAfter.push(0);
  });
  return { geometry: { ...g, inSize, stride, dilation, padBefore, padAfter }, sources };
}

/**
 * Visits every (gathered, original) flat position pair of one channel whose source is real input, calling
 * `visit(gatheredIndex, originalIndex)`. Dimensions are walked last-fastest, as the tensors are laid out.
 */
function forEachSource(windows: TapWindows, originalSize: readonly number[], visit: (gathered: number, original: number) => void): void {
  const { sources } = windows;
  const rank = sources.length;
  const walk = (dim: number, gathered: number, original: number): void => {
    const source = sources[dim];
    for (let j = 0; j < source.length; j++) {
      const from = source[j];
      if (from < 0) continue;
      const nextGathered = gathered * source.length + j, nextOriginal = original * originalSize[dim] + from;
      if (dim === rank - 1) visit(nextGathered, nextOriginal);
      else walk(dim + 1, nextGathered, nextOriginal);
    }
  };
  walk(0, 0, 0);
}

/** x `[N, Cin, ...inSize]` → the gathered input `[N, Cin, ...windows.geometry.inSize]` (zeros where padding is read). */
export function gatherInput(g: ConvGeometry, windows: TapWindows, x: Float32Array): Float32Array {
  const channels = g.batch * g.inChannels;
  const I = spatialSize(g.inSize), J = spatialSize(windows.geometry.inSize);
  checkAllocation(g.op, 'gathered input', channels * J * 4);
  const gathered = new Float32Array(channels * J);
  forEachSource(windows, g.inSize, (j, i) => {
    for (let c = 0; c < channels; c++) gathered[c * J + j] = x[c * I + i];
  });
  return gathered;
}

/** The adjoint of {@link gatherInput}: dx `[N, Cin, ...inSize]` = Σ of the gathered gradient over each input's copies. */
export function scatterInputGradient(g: ConvGeometry, windows: TapWindows, gatheredGradient: Float32Array): Float32Array {
  const channels = g.batch * g.inChannels;
  const I = spatialSize(g.inSize), J = spatialSize(windows.geometry.inSize);
  checkAllocation(g.op, 'input gradient', channels * I * 4);
  const dx = new Float32Array(channels * I);
  forEachSource(windows, g.inSize, (j, i) => {
    for (let c = 0; c < channels; c++) dx[c * I + i] += gatheredGradient[c * J + j];
  });
  return dx;
}
