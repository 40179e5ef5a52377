/**
 * Colours that colour-blind readers can tell apart: the Okabe–Ito qualitative palette for series and categories,
 * and viridis (perceptually uniform, readable in grey) for magnitudes.
 */

/** Okabe & Ito (2008), "Color Universal Design", in the order figures use them for series. */
export const OKABE_ITO = {
  blue: '#0072B2',
  orange: '#E69F00',
  green: '#009E73',
  vermillion: '#D55E00',
  skyBlue: '#56B4E9',
  reddishPurple: '#CC79A7',
  yellow: '#F0E442',
  black: '#000000',
} as const;

/** Series colours in plotting order (yellow last: it is faint on white). */
export const SERIES_COLOURS: readonly string[] = [
  OKABE_ITO.blue, OKABE_ITO.vermillion, OKABE_ITO.green, OKABE_ITO.orange,
  OKABE_ITO.reddishPurple, OKABE_ITO.skyBlue, OKABE_ITO.black, OKABE_ITO.yellow,
];

/** Fill of a gridding hole: a neutral light grey that viridis never produces. */
export const HOLE_COLOUR = '#f2f2f2';

/** Colours of the padding, input, kernel-tap and output cells in the convolution animations. */
export const CELL_COLOURS = {
  padding: '#ffffff',
  input: '#cfe3f3',
  tap: OKABE_ITO.blue,
  span: '#9cc6e8',
  output: '#bfe6d6',
  outputDone: OKABE_ITO.green,
  outputCurrent: OKABE_ITO.vermillion,
  grid: '#555555',
} as const;

/** Viridis sampled at 9 evenly spaced points (matplotlib's table); {@link viridis} interpolates between them. */
const VIRIDIS_STOPS: readonly (readonly [number, number, number])[] = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
  [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];

/**
 * The viridis colour at `t` in [0, 1] (clamped) as `#rrggbb`.
 *
 * @example viridis(0) // "#440154"
 */
export function viridis(t: number): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  const position = clamped * (VIRIDIS_STOPS.length - 1);
  const low = Math.floor(position);
  const high = Math.min(low + 1, VIRIDIS_STOPS.length - 1);
  const f = position - low;
  const channel = (i: number) => Math.round(VIRIDIS_STOPS[low][i] + (VIRIDIS_STOPS[high][i] - VIRIDIS_STOPS[low][i]) * f);
  return `#${[0, 1, 2].map((i) => channel(i).toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Black or white, whichever reads better on `background` (`#rrggbb`), for labels drawn inside cells.
 *
 * @example textColourOn('#440154') // "#fff"
 */
export function textColourOn(background: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(background.slice(i, i + 2), 16) / 255);
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // '#fff', not '#ffffff': a label stays white on a dark cell when styleFigure swaps white backgrounds for dark.
  return luminance > 0.45 ? '#000000' : '#fff';
}

/**
 * Path counts share one colour scale in every figure, so a count means the same colour everywhere (1 is always
 * the darkest): nine classes doubling in width — 1, 2, 3–4, 5–8, …, 129 and more — on the viridis stops.
 */
export const PATH_COUNT_CLASSES: readonly (readonly [number, number])[] = [
  [1, 1], [2, 2], [3, 4], [5, 8], [9, 16], [17, 32], [33, 64], [65, 128], [129, Infinity],
];

/**
 * The class of a path count `m ≥ 1` in {@link PATH_COUNT_CLASSES} (0 for 1, 1 for 2, 2 for 3–4, …).
 *
 * @example pathCountClass(4) // 2
 */
export function pathCountClass(m: number): number {
  return Math.min(PATH_COUNT_CLASSES.length - 1, Math.max(0, Math.ceil(Math.log2(Math.max(1, m)))));
}

/**
 * The fill of a cell or bar reached by `m ≥ 1` paths, the same in every figure.
 *
 * @example pathCountColour(1) // "#440154"
 */
export function pathCountColour(m: number): string {
  return viridis(pathCountClass(m) / (PATH_COUNT_CLASSES.length - 1));
}

/**
 * The classes a figure whose counts run from `min` to `max` needs in its key, as `[label, colour]`:
 * `pathCountKey(1, 3)` → `[['1', …], ['2', …], ['3–4', …]]` (whole numbers only).
 *
 * @example pathCountKey(1, 2).map(([label]) => label) // ['1', '2']
 */
export function pathCountKey(min: number, max: number): [string, string][] {
  const first = pathCountClass(min);
  const last = pathCountClass(max);
  return PATH_COUNT_CLASSES.slice(first, last + 1).map(([low, high], i) => {
    const label = high === Infinity ? `${low}+` : low === high ? String(low) : `${low}–${high}`;
    return [label, viridis((first + i) / (PATH_COUNT_CLASSES.length - 1))];
  });
}
