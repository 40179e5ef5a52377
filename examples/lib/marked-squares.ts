/**
 * A segmentation task whose answer lies far from most pixels. Each image holds squares of one texture; a square
 * whose centre pixel carries a bright dot is class 1, one without is class 2, the background class 0 — and every
 * pixel of a square takes its square's class. A pixel near a square's edge can only be labelled by a network whose
 * receptive field reaches the centre: a side of 15 needs a field of at least 15×15. A gridded field that skips
 * the centre pixel cannot see the dot at all, which is the gridding artifact made visible.
 */
import { OKABE_ITO, Random, Tensor, imagePanelsFigure } from '../../src/index.js';

/** Options of {@link markedSquares}. */
export interface MarkedSquaresOptions {
  count: number;
  /** Image side in pixels. */
  size: number;
  /** Smallest and largest square side; odd sides only, so a square has a centre pixel. */
  sides: readonly [number, number];
  /** Squares per image (1 to this many, placed without overlap). */
  maxSquares: number;
  seed: number;
}

/** Images `[N, 1, H, W]`, labels `[N, H, W]` (0 background, 1 dotted square, 2 plain square), and each square. */
export interface MarkedSquares {
  images: Tensor;
  labels: Tensor;
  squares: { image: number; top: number; left: number; side: number; dotted: boolean }[];
}

export const CLASS_NAMES = ['background', 'dotted square', 'plain square'] as const;

const SQUARE_LEVEL = 1;
const DOT_LEVEL = 3;
const NOISE = 0.15;

/**
 * Generates the data set, deterministically from the seed.
 *
 * @example markedSquares({ count: 4, size: 32, sides: [11, 15], maxSquares: 2, seed: 1 }).images.shape // [4, 1, 32, 32]
 */
export function markedSquares(options: MarkedSquaresOptions): MarkedSquares {
  const { count, size, sides, maxSquares } = options;
  const random = new Random(options.seed);
  const images = new Float32Array(count * size * size);
  const labels = new Float32Array(count * size * size);
  const squares: MarkedSquares['squares'] = [];
  for (let n = 0; n < count; n++) {
    const image = images.subarray(n * size * size, (n + 1) * size * size);
    const label = labels.subarray(n * size * size, (n + 1) * size * size);
    const wanted = 1 + random.int(maxSquares);
    const placed: { top: number; left: number; side: number }[] = [];
    for (let attempt = 0; placed.length < wanted && attempt < 50; attempt++) {
      const side = sides[0] + 2 * random.int((sides[1] - sides[0]) / 2 + 1);
      const top = random.int(size - side + 1), left = random.int(size - side + 1);
      // One pixel of background between squares, so every square's extent is visible.
      if (placed.some((p) => top <= p.top + p.side && p.top <= top + side && left <= p.left + p.side && p.left <= left + side)) continue;
      placed.push({ top, left, side });
      const dotted = random.uniform() < 0.5;
      squares.push({ image: n, top, left, side, dotted });
      for (let i = top; i < top + side; i++) {
        for (let j = left; j < left + side; j++) { image[i * size + j] = SQUARE_LEVEL; label[i * size + j] = dotted ? 1 : 2; }
      }
      if (dotted) image[(top + (side - 1) / 2) * size + left + (side - 1) / 2] = DOT_LEVEL;
    }
    for (let i = 0; i < image.length; i++) image[i] += NOISE * random.normal();
  }
  return { images: new Tensor(images, [count, 1, size, size]), labels: new Tensor(labels, [count, size, size]), squares };
}

/** The first `count` images that hold both a dotted and a plain square (then any others), for figures. */
export function showcaseImages(set: MarkedSquares, count: number): number[] {
  const images = set.images.shape[0];
  const both = (n: number) => set.squares.some((s) => s.image === n && s.dotted) && set.squares.some((s) => s.image === n && !s.dotted);
  const order = [...Array.from({ length: images }, (_, n) => n).filter(both), ...Array.from({ length: images }, (_, n) => n).filter((n) => !both(n))];
  return order.slice(0, count);
}

/** Class colours of the masks: background light grey, dotted squares vermillion, plain squares blue. */
export const CLASS_COLOURS = ['#f2f2f2', OKABE_ITO.vermillion, OKABE_ITO.blue];

/**
 * Input, true mask and each model's predicted mask, side by side, for four test images that hold both kinds of
 * square: the figure of the segmentation and ASPP examples.
 */
export function masksFigure(test: MarkedSquares, predictions: readonly { name: string; classes: Int32Array }[], title: string, subtitle: string): string {
  const size = test.images.shape[3], plane = size * size;
  return imagePanelsFigure({
    title, subtitle,
    columns: ['input', 'truth', ...predictions.map((p) => p.name)],
    rows: showcaseImages(test, 4).map((n) => ({
      label: `test image ${n}`,
      panels: [
        { values: test.images.data.subarray(n * plane, (n + 1) * plane), width: size, height: size, range: [-0.5, DOT_LEVEL] as const },
        { values: test.labels.data.subarray(n * plane, (n + 1) * plane), width: size, height: size, colours: CLASS_COLOURS },
        ...predictions.map((p) => ({ values: p.classes.subarray(n * plane, (n + 1) * plane), width: size, height: size, colours: CLASS_COLOURS })),
      ],
    })),
    legend: CLASS_NAMES.map((label, c) => ({ label, colour: CLASS_COLOURS[c] })),
    panelSize: 112,
  });
}
