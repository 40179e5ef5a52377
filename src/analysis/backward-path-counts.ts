import { OptionError } from '../errors.js';
import { resizeReads, type DimWindow, type ResolvedGraph, type ResolvedNode } from './resolve.js';
import { countBuffer } from './count-buffer.js';
import { readRange } from './trace.js';

/** Path counts over a box of input indices: `data` row-major over `size`, first cell at `start`. */
export interface PathCountBox {
  start: number[];
  size: number[];
  data: Float64Array;
}

/** One source of an output coordinate along one dimension: the tap taken and the input index read. */
interface Source {
  tap: number;
  index: number;
}

/**
 * Exact path counts from the graph input to the single output position `outputIndex` of `node`, by walking
 * the graph backward and spreading each node's counts over the inputs its window reads. Unlike the forward
 * polynomial product this needs no common stride, so it counts after upsampling (nearest: one source; linear:
 * the two interpolated neighbours, one when the source falls on a sample) and strided transposed convolution,
 * where the map depends on the output's phase. Cost: the cells of every intermediate box times the taps.
 *
 * @example backwardPathCounts(resolveGraph(convStack({ kernel: 3, dilations: [1, 2] })), 2, [0]).data // 1 1 2 1 2 1 1
 */
export function backwardPathCounts(graph: ResolvedGraph, node: number, outputIndex: readonly number[]): PathCountBox {
  const rank = graph.rank;
  const boxes: (PathCountBox | null)[] = Array(node + 1).fill(null);
  const target = { start: [...outputIndex], size: Array(rank).fill(1), data: Float64Array.of(1) };
  boxes[node] = target;
  const reach = boxHulls(graph, node, outputIndex);
  for (let n = node; n > 0; n--) {
    const box = boxes[n];
    if (!box) continue;
    const rn = graph.nodes[n];
    const sources = rn.windows.map((w, d) => Array.from({ length: box.size[d] }, (_, i) => windowSources(rn, w, box.start[d] + i)));
    for (const from of rn.inputs) {
      const hull = reach[from];
      if (!hull) continue;
      if (!boxes[from]) {
        const size = hull.map(([lo, hi]) => hi - lo + 1);
        boxes[from] = { start: hull.map(([lo]) => lo), size, data: countBuffer(size.reduce((a, b) => a * b, 1)) };
      }
      spread(rn, box, sources, boxes[from]!);
    }
  }
  const input = boxes[0];
  if (!input) throw new OptionError('coverage', 'graph', 'no path leads from the input to this output');
  return input;
}

/** Per node, the hull of indices the output position depends on (the boxes the counts live in). */
function boxHulls(graph: ResolvedGraph, node: number, outputIndex: readonly number[]): ([number, number][] | null)[] {
  const hulls: ([number, number][] | null)[] = Array(node + 1).fill(null);
  hulls[node] = outputIndex.map((o) => [o, o]);
  for (let n = node; n > 0; n--) {
    const ranges = hulls[n];
    if (!ranges) continue;
    const mapped = graph.nodes[n].windows.map((w, d) => readRange(w, ranges[d]));
    if (mapped.some((r) => r === null)) continue;
    for (const from of graph.nodes[n].inputs) {
      const current = hulls[from];
      hulls[from] = mapped.map((r, d) => (current
        ? [Math.min(current[d][0], r![0]), Math.max(current[d][1], r![1])]
        : [r![0], r![1]]));
    }
  }
  if (hulls[0] && hulls[0].some(([lo, hi]) => !Number.isFinite(lo) || !Number.isFinite(hi))) {
    throw new OptionError('coverage', 'graph', 'a global node reads the whole input, so there is no receptive-field map to count paths over');
  }
  return hulls;
}

function windowSources(rn: ResolvedNode, w: DimWindow, o: number): Source[] {
  switch (w.kind) {
    case 'window':
      return Array.from({ length: w.kernel }, (_, t) => ({ tap: t, index: o * w.stride - w.padBefore + t * w.dilation }));
    case 'shift':
      return [{ tap: 0, index: o * w.step + w.start }];
    case 'transposed': {
      const out: Source[] = [];
      for (let t = 0; t < w.kernel; t++) {
        const shifted = o + w.padBefore - t * w.dilation;
        if (((shifted % w.stride) + w.stride) % w.stride === 0) out.push({ tap: t, index: shifted / w.stride });
      }
      return out;
    }
    case 'upsample': {
      // Nearest reads one index; linear the neighbours ⌊x⌋ and ⌈x⌉ of its source coordinate (one when x is whole).
      if (!w.exact) throw new OptionError('coverage', 'graph', `${JSON.stringify(rn.node.name)} resizes by ${w.factor}, no ratio of small integers: which inputs each output reads is only bounded`);
      const [lo, hi] = resizeReads(w, o);
      return Array.from({ length: hi - lo + 1 }, (_, t) => ({ tap: t, index: lo + t }));
    }
    case 'global':
      throw new OptionError('coverage', 'graph', `${JSON.stringify(rn.node.name)} is global: every output reads the whole input, so there is no receptive-field map to count paths over`);
  }
}

/** Adds every cell's count to each input cell it reads, skipping taps a conv's mask marks absent. */
function spread(rn: ResolvedNode, box: PathCountBox, sources: Source[][][], into: PathCountBox): void {
  const rank = box.size.length;
  const mask = rn.node.op === 'conv' ? rn.node.taps : undefined;
  const kernel = rn.node.op === 'conv' ? rn.node.kernel : undefined;
  const strides = into.size.map((_, d) => into.size.slice(d + 1).reduce((a, b) => a * b, 1));
  const cell = Array(rank).fill(0);
  for (let i = 0; i < box.data.length; i++) {
    const count = box.data[i];
    let rest = i;
    for (let d = rank - 1; d >= 0; d--) {
      cell[d] = rest % box.size[d];
      rest = Math.floor(rest / box.size[d]);
    }
    if (count === 0) continue;
    const lists = cell.map((c, d) => sources[d][c]);
    const visit = (d: number, offset: number, tapIndex: number): void => {
      if (d === rank) {
        if (!mask || mask[tapIndex]) into.data[offset] += count;
        return;
      }
      for (const s of lists[d]) {
        const at = s.index - into.start[d];
        visit(d + 1, offset + at * strides[d], kernel ? tapIndex * kernel[d] + s.tap : 0);
      }
    };
    visit(0, 0, 0);
  }
}
