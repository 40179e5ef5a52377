/**
 * A 2-D coverage map for the terminal: two characters (a square) per input offset of the receptive field, shaded by how many
 * paths reach it, holes marked `·`, offset 0 (the output's own position) labelled on both axes; maps wider than the terminal are cut into
 * column bands that say which offsets they show.
 */
import { OptionError } from '../../errors.js';
import { binGrid, binWidth, centredBins } from '../bins.js';
import { checkOptionKeys, optionKeys } from '../../options.js';

/** Shades from few paths to many; a hole is {@link COVERAGE_HOLE}. */
export const COVERAGE_SHADES = ['░', '▒', '▓', '█'] as const;
/** Mark of an offset no path reaches (a gridding hole). */
export const COVERAGE_HOLE = '·';

/** Characters per cell: terminal cells are about twice as tall as wide, so two make a square. */
const CELL_WIDTH = 2;

/** Options of {@link coverageMap}. */
export interface CoverageMapOptions {
  /** Terminal width (default 80): bands never pass it. */
  width?: number;
  /**
   * Largest side drawn offset by offset (default 64); a larger map is drawn in square bins of b×b offsets that fit
   * the width, shaded by the most paths in the bin, `×` beside the shade of a bin holding some holes.
   */
  maxSide?: number;
}

/**
 * The shade of a multiplicity `m` given the map's largest value: `·` for 0, then `░ ▒ ▓ █` over four equal
 * ranges of `1…max` (all `█` when every reached offset has the same count).
 *
 * @example coverageShade(0, 9) // "·"
 */
export function coverageShade(m: number, max: number): string {
  if (m <= 0) return COVERAGE_HOLE;
  if (max <= 1) return COVERAGE_SHADES[3];
  return COVERAGE_SHADES[Math.min(3, Math.floor(((m - 1) / (max - 1)) * 4))];
}

/**
 * The map drawn from the analysis's 2-D multiplicities (rows top to bottom), with a legend giving the range of
 * each shade and the number of holes.
 *
 * @example coverageMap([[1, 0, 1], [0, 0, 0], [1, 0, 1]])
 */
export function coverageMap(multiplicity: readonly (readonly number[])[], options: CoverageMapOptions = {}): string {
  checkOptionKeys('coverageMap', options, optionKeys<typeof options>({ width: true, maxSide: true }));
  const rows = multiplicity.length;
  const cols = rows ? multiplicity[0].length : 0;
  if (rows === 0 || cols === 0 || multiplicity.some((r) => r.length !== cols)) {
    throw new OptionError('coverageMap', 'multiplicity', 'the map must be a non-empty rectangle of rows');
  }
  const width = options.width ?? 80;
  if (Math.max(rows, cols) > (options.maxSide ?? 64)) return binnedMap(multiplicity, width);
  const max = Math.max(...multiplicity.map((r) => Math.max(...r)));
  let holes = 0;
  for (const r of multiplicity) for (const m of r) if (m === 0) holes++;
  const rowLabelWidth = String(-Math.floor(rows / 2)).length + 1;
  const band = Math.max(4, Math.floor((width - rowLabelWidth - 1) / CELL_WIDTH));
  const centreRow = Math.floor(rows / 2);
  const centreCol = Math.floor(cols / 2);
  const out: string[] = [];
  for (let start = 0; start < cols; start += band) {
    const end = Math.min(cols, start + band);
    if (cols > band) out.push(`columns ${start - centreCol}…${end - 1 - centreCol} of ${-centreCol}…${cols - 1 - centreCol}:`);
    if (centreCol >= start && centreCol < end) out.push(`${' '.repeat(rowLabelWidth + 1 + (centreCol - start) * CELL_WIDTH)}0`);
    for (let i = 0; i < rows; i++) {
      const label = (i === centreRow ? '0' : '').padStart(rowLabelWidth);
      const line = multiplicity[i].slice(start, end).map((m) => (m > 0 ? coverageShade(m, max).repeat(CELL_WIDTH) : `${COVERAGE_HOLE} `)).join('');
      out.push(`${label} ${line}`.trimEnd());
    }
    if (end < cols) out.push('');
  }
  out.push(`${COVERAGE_HOLE} hole (${holes} of ${rows * cols})   paths per offset: ${legendRanges(max).join('  ')}`);
  return out.join('\n');
}

/** The range of counts each shade stands for, `░ 1–2` …, given the largest count. */
function legendRanges(max: number): string[] {
  return COVERAGE_SHADES.map((shade, s) => {
    if (max <= 1) return s === 3 ? `${shade} 1` : '';
    const low = Math.ceil(1 + (s * (max - 1)) / 4);
    const high = s === 3 ? max : Math.ceil(1 + ((s + 1) * (max - 1)) / 4) - 1;
    return low > high ? '' : `${shade} ${low === high ? low : `${low}–${high}`}`;
  }).filter((r) => r.length > 0);
}

/** A map too large for the terminal, in square bins that fit `width` columns (and as many rows). */
function binnedMap(multiplicity: readonly (readonly number[])[], width: number): string {
  const rows = multiplicity.length;
  const cols = multiplicity[0].length;
  const rowLabelWidth = String(-Math.floor(rows / 2)).length + 1;
  const fit = Math.floor((width - rowLabelWidth - 1) / CELL_WIDTH);
  const colBins = centredBins(cols, fit);
  const side = binWidth(colBins);
  // Bins are square: the rows use the columns' bin width.
  const rowBins = binsOfWidth(rows, side);
  const bins = binGrid(multiplicity, rowBins, colBins);
  let max = 0;
  let holes = 0;
  for (const r of multiplicity) for (const m of r) { if (m > max) max = m; if (m === 0) holes++; }
  const centreRow = rowBins.findIndex((b) => Math.floor(rows / 2) < b.end);
  const centreCol = colBins.findIndex((b) => Math.floor(cols / 2) < b.end);
  const out = [`${' '.repeat(rowLabelWidth + 1 + centreCol * CELL_WIDTH)}0`];
  bins.forEach((line, i) => {
    const label = (i === centreRow ? '0' : '').padStart(rowLabelWidth);
    const cells = line.map((b) => {
      if (b.zeros === b.size) return `${COVERAGE_HOLE} `;
      const shade = coverageShade(b.max, max);
      return b.zeros > 0 ? `${shade}×` : shade.repeat(CELL_WIDTH);
    });
    out.push(`${label} ${cells.join('')}`.trimEnd());
  });
  out.push(`each cell is a bin of ${side}×${side} offsets of the ${rows}×${cols} field (edge bins smaller),`);
  out.push(`shade: the most paths in the bin; × beside it: some holes in it; ${COVERAGE_HOLE} holes only`);
  out.push(`holes: ${holes} of ${rows * cols}   paths per offset: ${legendRanges(max).join('  ')}`);
  return out.join('\n');
}

/** Bins of one odd width `side` over `0…n−1`, centred as {@link centredBins} lays them. */
function binsOfWidth(n: number, side: number): { start: number; end: number }[] {
  const centre = Math.floor(n / 2);
  const first = centre - (side - 1) / 2;
  const bins: { start: number; end: number }[] = [];
  for (let start = first - Math.ceil(first / side) * side; start < n; start += side) bins.push({ start: Math.max(0, start), end: Math.min(n, start + side) });
  return bins;
}
