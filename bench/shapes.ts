import { convOutputSize } from '../src/geometry/conv-arithmetic.js';

/**
 * The benchmark layers (issue 3): realistic dilated convolutions, batch 1, PyTorch layout.
 * `weight` is `[Cout, Cin/groups, ...kernel]`; options are those of `conv`.
 */
export interface BenchShape {
  name: string;
  layer: string;
  input: number[];
  weight: number[];
  stride: number[];
  dilation: number[];
  /** Symmetric padding per spatial dimension. */
  padding: number[];
  groups: number;
}

export const BENCH_SHAPES: BenchShape[] = [
  { name: 'aspp', layer: '256→256, 33×33, 3×3, d=12, pad 12 (DeepLab ASPP branch)', input: [1, 256, 33, 33], weight: [256, 256, 3, 3], stride: [1, 1], dilation: [12, 12], padding: [12, 12], groups: 1 },
  { name: 'context', layer: '64→64, 64×64, 3×3, d=2 (context module layer)', input: [1, 64, 64, 64], weight: [64, 64, 3, 3], stride: [1, 1], dilation: [2, 2], padding: [2, 2], groups: 1 },
  { name: 'highres', layer: '32→32, 128×128, 3×3, d=4 (dilated stage, high resolution)', input: [1, 32, 128, 128], weight: [32, 32, 3, 3], stride: [1, 1], dilation: [4, 4], padding: [4, 4], groups: 1 },
  { name: 'stride2', layer: '128→128, 56×56, 3×3, d=2, stride 2 (stride and dilation together)', input: [1, 128, 56, 56], weight: [128, 128, 3, 3], stride: [2, 2], dilation: [2, 2], padding: [2, 2], groups: 1 },
  { name: 'wavenet', layer: '64→128, length 16000, k=2, d=256, pad 128 (WaveNet layer)', input: [1, 64, 16000], weight: [128, 64, 2], stride: [1], dilation: [256], padding: [128], groups: 1 },
  { name: 'depthwise', layer: '128 depthwise, 64×64, 3×3, d=4 (MobileNet-DeepLab)', input: [1, 128, 64, 64], weight: [128, 1, 3, 3], stride: [1, 1], dilation: [4, 4], padding: [4, 4], groups: 128 },
];

/** A small layer with every feature on, for smoke runs and tests. */
export const TINY_SHAPE: BenchShape = {
  name: 'tiny', layer: '8→8, 12×12, 3×3, d=2, stride 2, groups 2', input: [1, 8, 12, 12], weight: [8, 4, 3, 3],
  stride: [2, 2], dilation: [2, 2], padding: [2, 2], groups: 2,
};

/** Spatial output size per dimension. */
export function outputSpatial(shape: BenchShape): number[] {
  return shape.input.slice(2).map((n, i) =>
    convOutputSize(n, shape.weight[2 + i], shape.stride[i], shape.dilation[i], shape.padding[i], shape.padding[i]));
}

/** Nominal floating-point operations of the forward pass: 2 per multiply-add, padding included. */
export function nominalFlops(shape: BenchShape): number {
  const [n] = shape.input;
  const [cout, cinPerGroup, ...kernel] = shape.weight;
  const taps = kernel.reduce((a, b) => a * b, 1);
  const positions = outputSpatial(shape).reduce((a, b) => a * b, 1);
  return 2 * n * cout * cinPerGroup * taps * positions;
}

/**
 * Useful floating-point operations of the forward pass: 2 per multiply-add whose input lies inside the tensor,
 * not in its zero padding (a kernel that skips padding does exactly these; one that pads does the rest too).
 */
export function usefulFlops(shape: BenchShape): number {
  const [n, , ...inSpatial] = shape.input;
  const [cout, cinPerGroup, ...kernel] = shape.weight;
  const outSpatial = outputSpatial(shape);
  // Per dimension and tap: how many outputs read a real input. Taps of different dimensions combine as a product.
  const validPerTap = inSpatial.map((size, dim) => Array.from({ length: kernel[dim] }, (_, tap) => {
    let valid = 0;
    for (let o = 0; o < outSpatial[dim]; o++) {
      const at = o * shape.stride[dim] - shape.padding[dim] + tap * shape.dilation[dim];
      if (at >= 0 && at < size) valid++;
    }
    return valid;
  }));
  const positionsTimesTaps = validPerTap.reduce((acc, counts) => acc * counts.reduce((a, b) => a + b, 0), 1);
  return 2 * n * cout * cinPerGroup * positionsTimesTaps;
}
