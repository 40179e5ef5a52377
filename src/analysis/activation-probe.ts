/**
 * Gridding made visible in activations: a stack of 3×3 filters with positive weights and ReLU — every path adds,
 * none cancels, so an output is a weighted sum over exactly the input offsets the coverage map counts — run on
 * probe images that show what the coverage predicts. Where the coverage has holes (dilations 2,2,2), neighbouring
 * outputs read disjoint inputs and the activations break into a lattice; a hole-free stack (1,2,5) gives smooth maps.
 */
import { OptionError, describeValue } from '../errors.js';
import { checkOptionKeys, optionKeys } from '../options.js';
import { conv } from '../ops/conv.js';
import { relu } from '../ops/activations.js';
import { Random } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';

/** The probe images: a single bright pixel, one-pixel lines and dots, and white noise. */
export type ProbeImageKind = 'impulse' | 'lines' | 'noise';

export const PROBE_IMAGE_KINDS: readonly ProbeImageKind[] = ['impulse', 'lines', 'noise'];

/** Options of {@link activationProbe}. */
export interface ActivationProbeOptions {
  /** Dilation of each 3×3 layer. */
  dilations: readonly number[];
  image: ProbeImageKind;
  /** Side of the square image (default 48, at most 512). */
  size?: number;
  /** Seed of the positive weights and of the image's random parts (default 1): the same seed, the same filters. */
  seed?: number;
}

/** The probe image, the stack's activation map and the two numbers that measure gridding. */
export interface ActivationProbe {
  input: Tensor;
  activation: Tensor;
  /**
   * Pearson correlation between horizontally adjacent outputs away from the border. On white noise: 0 when
   * neighbours read disjoint inputs (gridding), near 1 when they share most of them.
   */
  neighbourCorrelation: number;
  /** Share of the activation on the input's own lattice (rows and columns of the centre's parity); 1 on an impulse through 2,2,2. */
  latticeShare: number;
}

const MAX_SIZE = 512;

/**
 * Runs the probe. The filters depend only on the seed and the layer count, so two stacks of the same depth compare
 * on identical weights.
 *
 * @example activationProbe({ dilations: [2, 2, 2], image: 'noise' }).neighbourCorrelation // ≈ 0: four lattices
 */
export function activationProbe(options: ActivationProbeOptions): ActivationProbe {
  checkOptionKeys('activationProbe', options, optionKeys<ActivationProbeOptions>({ dilations: true, image: true, size: true, seed: true }));
  const { dilations, image } = options;
  const size = options.size ?? 48, seed = options.seed ?? 1;
  if (!Array.isArray(dilations) || dilations.length === 0 || dilations.length > 16 || !dilations.every((d) => Number.isInteger(d) && d >= 1 && d <= size)) {
    throw new OptionError('activationProbe', 'dilations', `dilations ${describeValue(dilations)} must be 1 to 16 whole numbers from 1 to the image size ${size}`);
  }
  if (!PROBE_IMAGE_KINDS.includes(image)) throw new OptionError('activationProbe', 'image', `image ${describeValue(image)} must be one of ${PROBE_IMAGE_KINDS.join(', ')}`);
  if (!Number.isInteger(size) || size < 8 || size > MAX_SIZE) throw new OptionError('activationProbe', 'size', `size ${describeValue(size)} must be a whole number from 8 to ${MAX_SIZE}`);
  if (!Number.isInteger(seed) || seed < 0) throw new OptionError('activationProbe', 'seed', `seed ${describeValue(seed)} must be a whole number ≥ 0`);
  const weights = new Random(seed);
  const filters = dilations.map(() => new Tensor(Float32Array.from({ length: 9 }, () => 0.5 + weights.uniform()), [1, 1, 3, 3]));
  const input = probeImage(image, size, new Random(seed + 1));
  let activation = input;
  dilations.forEach((d, i) => { activation = relu(conv(activation, filters[i], { dilation: d, padding: d })); });
  return { input, activation, neighbourCorrelation: neighbourCorrelation(activation), latticeShare: latticeShare(activation) };
}

function probeImage(kind: ProbeImageKind, size: number, random: Random): Tensor {
  const data = new Float32Array(size * size);
  if (kind === 'impulse') {
    data[(size >> 1) * size + (size >> 1)] = 1;
  } else if (kind === 'lines') {
    for (let i = 0; i < size; i++) {
      data[i * size + Math.min(size - 1, Math.floor(i * 0.7) + 4)] = 1;   // a steep diagonal
      data[Math.floor(size * 0.75) * size + i] = 1;                       // a horizontal line
    }
    for (let k = 0; k < 12; k++) data[random.int(size) * size + random.int(size)] = 1;
  } else {
    for (let i = 0; i < data.length; i++) data[i] = random.normal();
  }
  return new Tensor(data, [1, 1, size, size]);
}

function neighbourCorrelation(map: Tensor): number {
  const size = map.shape[3], margin = Math.min(8, size >> 2);
  let n = 0, sa = 0, sb = 0;
  for (let i = margin; i < size - margin; i++) {
    for (let j = margin; j < size - margin - 1; j++) { sa += map.data[i * size + j]; sb += map.data[i * size + j + 1]; n++; }
  }
  const ma = sa / n, mb = sb / n;
  let cov = 0, va = 0, vb = 0;
  for (let i = margin; i < size - margin; i++) {
    for (let j = margin; j < size - margin - 1; j++) {
      const a = map.data[i * size + j] - ma, b = map.data[i * size + j + 1] - mb;
      cov += a * b; va += a * a; vb += b * b;
    }
  }
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : 0;
}

function latticeShare(map: Tensor): number {
  const size = map.shape[3], centre = size >> 1;
  let on = 0, total = 0;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      const v = Math.abs(map.data[i * size + j]);
      total += v;
      if ((i - centre) % 2 === 0 && (j - centre) % 2 === 0) on += v;
    }
  }
  return total > 0 ? on / total : 0;
}
