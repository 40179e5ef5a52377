import { inputIndex } from '../geometry/conv-arithmetic.js';
import { checkOptionKeys } from '../options.js';
import { resizeReads, type DimWindow, type ResolvedGraph } from './resolve.js';

/** An inclusive range of indices along one dimension, or `null` when nothing is reached. */
export type IndexRange = [number, number] | null;

/**
 * Traces, exactly and without any formula, which input indices one output position of `node` depends on:
 * walks the graph backward from the output, mapping index ranges through every node's window and taking
 * hulls where branches meet. Returns one range per spatial dimension at the graph input (for a global node
 * what its whole input reaches, ±Infinity when sizes are unknown), or `null` when no path reaches the input. This is the brute-force check of the analytical
 * receptive field and the exact answer where a fractional stride makes the field depend on the output phase.
 *
 * With `clip`, every node's range is cut to the positions that exist (`0 … size − 1`, where sizes are known):
 * padding reads nothing, so the answer is the real input range one output depends on — what a gradient
 * measures — rather than the virtual window of the field recurrences.
 *
 * @example traceReceptiveField(resolveGraph(convStack({ kernel: 3, dilations: [1, 2] })), 2, [0]) // [[0, 6]]
 */
export function traceReceptiveField(graph: ResolvedGraph, node: number, outputIndex: readonly number[], options: { clip?: boolean } = {}): IndexRange[] | null {
  checkOptionKeys('traceReceptiveField', options, ['clip']);
  const reach: (IndexRange[] | null)[] = Array(node + 1).fill(null);
  reach[node] = outputIndex.map((o) => [o, o]);
  const existing = (n: number): void => {
    const size = graph.nodes[n].size;
    const ranges = reach[n];
    if (!options.clip || !size || !ranges) return;
    const cut = ranges.map((r, d) => (r && Math.max(r[0], 0) <= Math.min(r[1], size[d] - 1) ? [Math.max(r[0], 0), Math.min(r[1], size[d] - 1)] as IndexRange : null));
    reach[n] = cut.some((r) => r === null) ? null : cut;
  };
  for (let n = node; n > 0; n--) {
    existing(n);
    const ranges = reach[n];
    if (!ranges) continue;
    const { windows, inputs } = graph.nodes[n];
    // A global node reads every position of its input: exactly 0 … size − 1 when the size is known (a strided
    // layer before it may never read the input's last rows), else everything.
    const mapped = ranges.map((range, dim) => {
      const size = windows[dim].kind === 'global' ? graph.nodes[inputs[0]].size?.[dim] : undefined;
      return size === undefined ? readRange(windows[dim], range) : [0, size - 1] as IndexRange;
    });
    if (mapped.some((r) => r === null)) continue;
    for (const from of inputs) reach[from] = hull(reach[from], mapped);
  }
  existing(0);
  return reach[0];
}

/**
 * The hull of the input indices that outputs `lo … hi` read through one window.
 *
 * @example readRange({ kind: 'window', kernel: 3, stride: 2, dilation: 2, padBefore: 1 }, [0, 1]) // [-1, 5]
 */
export function readRange(window: DimWindow, range: IndexRange): IndexRange {
  if (range === null) return null;
  const [a, b] = range;
  switch (window.kind) {
    case 'window': {
      const { kernel, stride, dilation, padBefore } = window;
      return [inputIndex(a, 0, stride, padBefore, dilation), inputIndex(b, kernel - 1, stride, padBefore, dilation)];
    }
    case 'shift':
      return [a * window.step + window.start, b * window.step + window.start];
    case 'upsample':
      return [resizeReads(window, a)[0], resizeReads(window, b)[1]];
    case 'transposed':
      return transposedSources(window, a, b);
    case 'global':
      return [-Infinity, Infinity];
  }
}

/** Input `i` feeds output `i·s − p + t·d`: the smallest and largest `i` feeding any output in `a … b`. */
function transposedSources(w: Extract<DimWindow, { kind: 'transposed' }>, a: number, b: number): IndexRange {
  const { kernel, stride, dilation, padBefore } = w;
  let lo = Infinity;
  let hi = -Infinity;
  // Only the first and last `stride` outputs can hold the extremes: further in, the same phases repeat.
  const scan = (o: number): void => {
    for (let t = 0; t < kernel; t++) {
      const shifted = o + padBefore - t * dilation;
      if (((shifted % stride) + stride) % stride !== 0) continue;
      const i = shifted / stride;
      if (i < lo) lo = i;
      if (i > hi) hi = i;
    }
  };
  for (let o = a; o <= Math.min(b, a + stride - 1); o++) scan(o);
  for (let o = Math.max(a + stride, b - stride + 1); o <= b; o++) scan(o);
  return lo === Infinity ? null : [lo, hi];
}

function hull(current: IndexRange[] | null, add: IndexRange[]): IndexRange[] {
  if (current === null) return add.map((r) => (r ? [r[0], r[1]] : null));
  return current.map((r, i) => {
    const s = add[i];
    if (r === null) return s;
    if (s === null) return r;
    return [Math.min(r[0], s[0]), Math.max(r[1], s[1])];
  });
}
