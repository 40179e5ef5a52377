/**
 * A classification-and-location task: each image holds one shape — a filled square, a plus or a ring — somewhere
 * on a noisy background. The class needs the whole shape (a ring and a square agree on every edge pixel); the
 * location is the shape's centre pixel, which a network can only give as finely as its output resolution.
 */
import { Random, Tensor } from '../../src/index.js';

export const SHAPE_NAMES = ['square', 'plus', 'ring'] as const;

/** Images `[N, 1, S, S]`, classes `[N]`, centres `[N]` as flat pixel indices `row·S + col`. */
export interface CentredShapes {
  images: Tensor;
  classes: Tensor;
  centres: Tensor;
}

/**
 * @example centredShapes({ count: 8, size: 32, seed: 1 }).classes.data // e.g. [2, 0, 1, ...]
 */
export function centredShapes(options: { count: number; size: number; seed: number }): CentredShapes {
  const { count, size } = options;
  const random = new Random(options.seed);
  const images = new Float32Array(count * size * size);
  const classes = new Float32Array(count), centres = new Float32Array(count);
  const half = 4;   // shapes span 9×9 pixels
  for (let n = 0; n < count; n++) {
    const image = images.subarray(n * size * size, (n + 1) * size * size);
    const kind = random.int(SHAPE_NAMES.length);
    const ci = half + random.int(size - 2 * half), cj = half + random.int(size - 2 * half);
    for (let di = -half; di <= half; di++) {
      for (let dj = -half; dj <= half; dj++) {
        const edge = Math.max(Math.abs(di), Math.abs(dj));
        const on = kind === 0 ? true : kind === 1 ? Math.abs(di) <= 1 || Math.abs(dj) <= 1 : edge >= half - 1;
        if (on) image[(ci + di) * size + cj + dj] = 1;
      }
    }
    for (let i = 0; i < image.length; i++) image[i] += 0.2 * random.normal();
    classes[n] = kind;
    centres[n] = ci * size + cj;
  }
  return { images: new Tensor(images, [count, 1, size, size]), classes: new Tensor(classes, [count]), centres: new Tensor(centres, [count]) };
}
