import { OptionError } from '../../errors.js';
import { computeConvGeometry, inputIndex, spatialSize, type ConvGeometry, type Padding } from '../../geometry/index.js';
import { CELL_COLOURS } from '../palette.js';
import { element, svgDocument, text } from '../svg.js';
import type { AnimationFrame } from '../gif.js';
import { checkOptionKeys, optionKeys } from '../../options.js';

/** The convolution to animate (one channel; 1-D or 2-D). */
export interface SlidingKernelOptions {
  /** Spatial input size: `[length]` or `[height, width]`. */
  inSize: readonly number[];
  /** Kernel size per dimension (same length as `inSize`). */
  kernel: readonly number[];
  stride?: number | readonly number[];
  padding?: Padding;
  dilation?: number | readonly number[];
  /** Milliseconds per output position (default 600). */
  delay?: number;
  /**
   * Animate the transposed convolution with this stride, padding and dilation instead: as conv_arithmetic draws
   * it, a stride-1 convolution over the input with `stride − 1` zeros inserted between samples and
   * `d(k−1) − padding` zeros around it (numeric padding only).
   */
  transposed?: boolean;
}

/** Largest padded input side drawn per rank (cells would shrink below legibility beyond it). */
const MAX_SIDE = { 1: 64, 2: 32 } as const;
/** Most frames (output positions) in one animation: beyond it the GIF is too long to watch and too large. */
export const MAX_SLIDING_FRAMES = 400;

/**
 * The conv_arithmetic animation with dilation allowed: the kernel's taps (dark blue) slide over the padded
 * input (light blue; padding white and dashed), the span of the dilated kernel shaded, and the output fills in
 * (green) one position per frame — so the frame count is the number of output positions. Tap positions come
 * from `computeConvGeometry` and `inputIndex`, exactly as the kernels read them.
 *
 * @example slidingKernelFrames({ inSize: [7, 7], kernel: [3, 3], dilation: 2 }).length // 9 (3×3 outputs)
 */
export function slidingKernelFrames(options: SlidingKernelOptions): AnimationFrame[] {
  checkOptionKeys('slidingKernelFrames', options, optionKeys<typeof options>({ inSize: true, kernel: true, stride: true, padding: true, dilation: true, delay: true, transposed: true }));
  const rank = options.inSize.length;
  if (rank !== 1 && rank !== 2) {
    throw new OptionError('slidingKernelFrames', 'inSize', `inSize ${JSON.stringify(options.inSize)} must have 1 or 2 entries (a 1-D or 2-D input)`);
  }
  const scene = options.transposed ? transposedScene(options, rank) : directScene(options);
  const g = scene.geometry;
  const padded = g.inSize.map((n, i) => n + g.padBefore[i] + g.padAfter[i]);
  const maxSide = MAX_SIDE[rank];
  if (padded.some((n) => n > maxSide)) {
    throw new OptionError('slidingKernelFrames', 'inSize', `the padded input ${padded.join('×')} is too large to animate legibly (at most ${maxSide} per side in ${rank}-D)`);
  }
  const count = spatialSize(g.outSize);
  if (count > MAX_SLIDING_FRAMES) {
    throw new OptionError('slidingKernelFrames', 'inSize', `${count} output positions would make ${count} frames (at most ${MAX_SLIDING_FRAMES}); use a smaller input or a larger stride`);
  }
  const frames: AnimationFrame[] = [];
  for (let o = 0; o < count; o++) frames.push({ svg: rank === 1 ? frame1d(scene, o) : frame2d(scene, o), delay: options.delay ?? 600 });
  return frames;
}

/** What a frame draws: the geometry the kernel slides over, which cells hold real input, how to caption it. */
interface Scene {
  geometry: ConvGeometry;
  /** Whether input index (per dimension, unpadded) holds a real sample (not an inserted zero). */
  real: (index: readonly number[]) => boolean;
  title: string;
  caption: string;
  /** Names the drawn input, e.g. `input 5, zeros inserted: 9`. */
  inputLabel: string;
  /** Causal: output t is drawn under input t (its last tap), not under the middle of its taps. */
  causal: boolean;
  /** Some cell is padding or an inserted zero, so the key lists it. */
  hasZeros: boolean;
  /** The input sample a padded-grid index along `dim` reads, or null for padding and inserted zeros. */
  source: (index: number, dim: number) => number | null;
}

/** `x[1, 3]` from the source samples a frame's taps read (zeros left out). */
function readList(scene: Scene, indices: readonly number[], dim: number): string {
  const read = indices.map((i) => scene.source(i, dim)).filter((i): i is number => i !== null);
  return read.length === 0 ? 'zeros only' : read.join(', ');
}

function directScene(options: SlidingKernelOptions): Scene {
  const g = computeConvGeometry('slidingKernelFrames', [1, 1, ...options.inSize], [1, 1, ...options.kernel], {
    stride: options.stride, padding: options.padding, dilation: options.dilation,
  });
  return {
    geometry: g, real: () => true, title: g.inSize.length === 1 ? 'Dilated 1-D convolution, one output per frame' : 'Dilated convolution, one output per frame',
    caption: describe(g), causal: options.padding === 'causal',
    inputLabel: `input ${g.inSize.length === 1 ? 'length ' : ''}${g.inSize.join('×')}`,
    hasZeros: g.padBefore.some((p) => p > 0) || g.padAfter.some((p) => p > 0),
    source: (index, dim) => (index >= 0 && index < g.inSize[dim] ? index : null),
  };
}

function transposedScene(options: SlidingKernelOptions, rank: number): Scene {
  const perDim = (v: number | readonly number[] | undefined, fallback: number, name: string) => {
    const list = v === undefined ? Array(rank).fill(fallback) : typeof v === 'number' ? Array(rank).fill(v) : [...v];
    if (list.length !== rank || list.some((x) => !Number.isInteger(x) || x < (name === 'padding' ? 0 : 1))) {
      throw new OptionError('slidingKernelFrames', name, `${name} ${JSON.stringify(v)} must be ${name === 'padding' ? 'a whole number ≥ 0' : 'a whole number ≥ 1'} or one per dimension, for a transposed convolution`);
    }
    return list as number[];
  };
  if (typeof options.padding === 'string' || (Array.isArray(options.padding) && options.padding.some((p) => Array.isArray(p)))) {
    throw new OptionError('slidingKernelFrames', 'padding', `padding ${JSON.stringify(options.padding)}: a transposed convolution takes a number per dimension`);
  }
  const stride = perDim(options.stride, 1, 'stride');
  const dilation = perDim(options.dilation, 1, 'dilation');
  const padding = perDim(options.padding as number | number[] | undefined, 0, 'padding');
  const kernel = [...options.kernel];
  const around = kernel.map((k, i) => dilation[i] * (k - 1) - padding[i]);
  if (around.some((a) => a < 0)) {
    throw new OptionError('slidingKernelFrames', 'padding', `padding ${padding.join(',')} is more than d(k−1) = ${kernel.map((k, i) => dilation[i] * (k - 1)).join(',')}: the transposed convolution would crop its own output`);
  }
  const expanded = options.inSize.map((n, i) => (n - 1) * stride[i] + 1);
  const g = computeConvGeometry('slidingKernelFrames', [1, 1, ...expanded], [1, 1, ...kernel], { stride: 1, padding: around, dilation });
  const join = (v: readonly number[]) => (v.every((x) => x === v[0]) ? String(v[0]) : v.join('×'));
  return {
    geometry: g,
    real: (index) => index.every((v, i) => v % stride[i] === 0),
    title: 'Transposed convolution, one output per frame',
    caption: `transposed: kernel ${join(kernel)}, stride ${join(stride)}, padding ${join(padding)}, dilation ${join(dilation)} — zeros: ${join(stride.map((s) => s - 1))} between inputs, ${join(around)} around; then stride 1`,
    inputLabel: `input ${options.inSize.join('×')} with zeros inserted: ${expanded.join('×')}`,
    causal: false,
    hasZeros: true,
    source: (index, dim) => (index >= 0 && index < g.inSize[dim] && index % stride[dim] === 0 ? index / stride[dim] : null),
  };
}

/** `conv k=3×3 s=1 p=1 d=2` for captions. */
function describe(g: ConvGeometry): string {
  const join = (v: readonly number[]) => (v.every((x) => x === v[0]) ? String(v[0]) : v.join('×'));
  const pad = g.padBefore.every((p, i) => p === g.padAfter[i]) ? join(g.padBefore) : g.padBefore.map((p, i) => `${p} before ${g.padAfter[i]} after`).join(' × ');
  return `kernel ${g.kernelSize.join('×')}, stride ${join(g.stride)}, padding ${pad}, dilation ${join(g.dilation)}`;
}

function taps(g: ConvGeometry, dim: number, out: number): number[] {
  return Array.from({ length: g.kernelSize[dim] }, (_, t) => inputIndex(out, t, g.stride[dim], g.padBefore[dim], g.dilation[dim]));
}

function inputCell(x: number, y: number, size: number, index: readonly number[], scene: Scene, state: 'plain' | 'span' | 'tap'): string[] {
  const g = scene.geometry;
  const inside = index.every((v, i) => v >= 0 && v < g.inSize[i]) && scene.real(index);
  const fill = state === 'tap' ? CELL_COLOURS.tap : state === 'span' ? CELL_COLOURS.span : inside ? CELL_COLOURS.input : CELL_COLOURS.padding;
  const cell = element('rect', {
    x, y, width: size, height: size, fill, stroke: CELL_COLOURS.grid, 'stroke-width': 1,
    'stroke-dasharray': inside ? undefined : '3 2', class: state === 'tap' ? 'tap' : inside ? 'input' : 'padding',
  });
  return state === 'tap' && !inside
    ? [cell, element('rect', { x: x + size * 0.3, y: y + size * 0.3, width: size * 0.4, height: size * 0.4, fill: '#ffffff' })]
    : [cell];
}

function outputCell(x: number, y: number, size: number, position: number, current: number): string {
  const fill = position < current ? CELL_COLOURS.outputDone : position === current ? CELL_COLOURS.outputCurrent : CELL_COLOURS.output;
  return element('rect', { x, y, width: size, height: size, fill, stroke: CELL_COLOURS.grid, 'stroke-width': 1, class: position <= current ? 'output-filled' : 'output-empty' });
}

/** A key of the cell colours in two centred lines, the first at `y`; padding only where there is some. */
function key(width: number, y: number, hasZeros: boolean): string {
  const lines: [string, string, boolean][][] = [
    hasZeros
      ? [['input', CELL_COLOURS.input, false], ['zero (padding or inserted)', CELL_COLOURS.padding, true], ['tap (□: reads a zero)', CELL_COLOURS.tap, false]]
      : [['input', CELL_COLOURS.input, false], ['tap', CELL_COLOURS.tap, false]],
    [['dilated span', CELL_COLOURS.span, false], ['output done', CELL_COLOURS.outputDone, false], ['output now', CELL_COLOURS.outputCurrent, false]],
  ];
  const parts: string[] = [];
  lines.forEach((entries, line) => {
    const widths = entries.map(([label]) => 22 + label.length * 6.4 + 16);
    let x = (width - widths.reduce((a, b) => a + b, 0)) / 2;
    const ly = y + line * 20;
    entries.forEach(([label, fill, dashed], i) => {
      parts.push(element('rect', { x, y: ly - 10, width: 14, height: 14, fill, stroke: CELL_COLOURS.grid, 'stroke-dasharray': dashed ? '3 2' : undefined }));
      parts.push(text(x + 20, ly + 1, label, { size: 11 }));
      x += widths[i];
    });
  });
  return element('g', { class: 'key' }, ...parts);
}

function frame2d(scene: Scene, o: number): string {
  const g = scene.geometry;
  const [outH, outW] = g.outSize;
  const oy = Math.floor(o / outW);
  const ox = o % outW;
  const rows = taps(g, 0, oy);
  const cols = taps(g, 1, ox);
  const [padH, padW] = g.inSize.map((n, i) => n + g.padBefore[i] + g.padAfter[i]);
  const cell = Math.max(10, Math.min(30, Math.floor(380 / Math.max(padH, padW))));
  const outCell = Math.max(10, Math.min(30, Math.floor(240 / Math.max(outH, outW))));
  const top = 92;
  const inLeft = 30;
  const outLeft = inLeft + padW * cell + 70;
  const width = Math.max(outLeft + outW * outCell + 30, 640);
  const height = Math.max(top + Math.max(padH * cell, outH * outCell) + 98, 340);
  const body: string[] = [
    text(width / 2, 26, scene.title, { size: 17, anchor: 'middle', weight: 'bold' }),
    text(width / 2, 46, scene.caption, { size: 12, anchor: 'middle', fill: '#555' }),
    text(inLeft, top - 10, `${scene.inputLabel}${scene.hasZeros ? ' (zeros dashed)' : ''}`, { size: 12 }),
    text(outLeft, top - 10, `output ${g.outSize.join('×')}`, { size: 12 }),
  ];
  const cells: string[] = [];
  for (let r = 0; r < padH; r++) {
    for (let c = 0; c < padW; c++) {
      const index = [r - g.padBefore[0], c - g.padBefore[1]];
      const isTap = rows.includes(index[0]) && cols.includes(index[1]);
      const inSpan = index[0] >= rows[0] && index[0] <= rows[rows.length - 1] && index[1] >= cols[0] && index[1] <= cols[cols.length - 1];
      cells.push(...inputCell(inLeft + c * cell, top + r * cell, cell, index, scene, isTap ? 'tap' : inSpan ? 'span' : 'plain'));
    }
  }
  for (let r = 0; r < outH; r++) {
    for (let c = 0; c < outW; c++) cells.push(outputCell(outLeft + c * outCell, top + r * outCell, outCell, r * outW + c, o));
  }
  const arrowY = top + Math.min(padH * cell, outH * outCell) / 2;
  body.push(element('g', { class: 'cells' }, ...cells));
  body.push(element('path', { d: `M${inLeft + padW * cell + 12} ${arrowY}h46m-8 -6l8 6l-8 6`, stroke: '#333', 'stroke-width': 2, fill: 'none' }));
  body.push(key(width, height - 34, scene.hasZeros));
  body.push(text(width / 2, height - 62,
    `output (${oy}, ${ox}) = Σ w · x[rows ${readList(scene, rows, 0)}] × [cols ${readList(scene, cols, 1)}]   (frame ${o + 1} of ${outH * outW})`,
    { size: 12, anchor: 'middle' }));
  return svgDocument({ width, height, title: `dilated convolution, output ${o + 1} of ${outH * outW}` }, body);
}

function frame1d(scene: Scene, o: number): string {
  const g = scene.geometry;
  const [outN] = g.outSize;
  const positions = taps(g, 0, o);
  const padN = g.inSize[0] + g.padBefore[0] + g.padAfter[0];
  const cell = Math.max(12, Math.min(34, Math.floor(640 / padN)));
  const left = 30;
  const inTop = 92;
  const outTop = inTop + cell + 90;
  const width = Math.max(left * 2 + padN * cell, 640);
  const height = outTop + cell + 104;
  const cells: string[] = [];
  for (let c = 0; c < padN; c++) {
    const index = c - g.padBefore[0];
    const state = positions.includes(index) ? 'tap' : index >= positions[0] && index <= positions[positions.length - 1] ? 'span' : 'plain';
    cells.push(...inputCell(left + c * cell, inTop, cell, [index], scene, state));
  }
  // Each output sits under the middle of its taps, or, for a causal convolution, under its last tap: y[t] under x[t].
  const anchor = scene.causal ? (g.kernelSize[0] - 1) * g.dilation[0] : ((g.kernelSize[0] - 1) * g.dilation[0]) / 2;
  const outX = (p: number) => left + (anchor + p * g.stride[0]) * cell;
  for (let p = 0; p < outN; p++) cells.push(outputCell(outX(p), outTop, cell, p, o));
  const lines = positions.map((index) => element('line', {
    x1: left + (index + g.padBefore[0] + 0.5) * cell, y1: inTop + cell, x2: outX(o) + cell / 2, y2: outTop,
    stroke: CELL_COLOURS.tap, 'stroke-width': 1.5,
  }));
  return svgDocument({ width, height, title: `dilated convolution, output ${o + 1} of ${outN}` }, [
    text(width / 2, 26, scene.title, { size: 17, anchor: 'middle', weight: 'bold' }),
    text(width / 2, 46, scene.caption, { size: 12, anchor: 'middle', fill: '#555' }),
    text(left, inTop - 10, `${scene.inputLabel}${scene.hasZeros ? ' (zeros dashed)' : ''}`, { size: 12 }),
    text(left, outTop + cell + 20, `output length ${outN}`, { size: 12 }),
    element('g', { class: 'cells' }, ...cells),
    ...lines,
    key(width, height - 32, scene.hasZeros),
    text(width / 2, height - 58, `y[${o}] = Σ w[t] · x[${readList(scene, positions, 0)}]   (frame ${o + 1} of ${outN})`, { size: 12, anchor: 'middle' }),
  ]);
}
