import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { asciiRow } from '../../src/analysis/ascii-row.js';
import { backwardPathCounts } from '../../src/analysis/backward-path-counts.js';
import { coverage } from '../../src/analysis/coverage.js';
import { GraphBuilder, convStack, type Graph } from '../../src/analysis/graph.js';
import { resolveGraph, type ResolvedGraph } from '../../src/analysis/resolve.js';
import { OptionError } from '../../src/errors.js';
import { conv, convBackward, tensor as tensorOf } from '../../src/index.js';
import { Random } from '../../src/tensor/random.js';
import { randomGraph } from './random-graphs.js';
import { sourceCoordinate } from '../../src/ops/resize.js';

const row = (kernel: number, dilations: number[]) => asciiRow(coverage(convStack({ kernel, dilations })).multiplicity);

describe('coverage of the seeds\' stacks (seed 003 printed rows)', () => {
  it('is a solid row of 11 for five plain layers and of 63 for the doubling stack', () => {
    assert.equal(row(3, [1, 1, 1, 1, 1]), '█'.repeat(11));
    assert.equal(row(3, [1, 2, 4, 8, 16]), '█'.repeat(63));
  });

  it('prints ███.███.███.███.███.███.███ for dilations 1, 4, 8', () => {
    assert.equal(row(3, [1, 4, 8]), '███.███.███.███.███.███.███');
    assert.equal(coverage(convStack({ kernel: 3, dilations: [1, 4, 8] })).holes, 6);
  });

  it('reads every offset of (1, 3) exactly once: a perfect field (seed 004)', () => {
    const c = coverage(convStack({ kernel: 3, dilations: [1, 3] }));
    assert.deepEqual(c.multiplicity, [1, 1, 1, 1, 1, 1, 1, 1, 1]);
    assert.equal(c.uniform, true);
  });

  it('covers WaveNet\'s 1024 offsets once each with 2-tap dilations 1…512', () => {
    const c = coverage(convStack({ kernel: 2, dilations: Array.from({ length: 10 }, (_, i) => 2 ** i) }));
    assert.equal(c.area, 1024);
    assert.equal(c.holes, 0);
    assert.equal(c.uniform, true);
  });

  it('leaves every second offset of [2, 2, 2] unread, with binomial-like counts elsewhere', () => {
    const c = coverage(convStack({ kernel: 3, dilations: [2, 2, 2] }));
    assert.deepEqual(c.multiplicity, [1, 0, 3, 0, 6, 0, 7, 0, 6, 0, 3, 0, 1]);
    assert.equal(c.holes, 6);
    assert.equal(c.coveredFraction, 7 / 13);
    assert.deepEqual(c.holePositions, [[1], [3], [5], [7], [9], [11]]);
  });
});

describe('2-D and 3-D coverage maps', () => {
  it('draws seed 001\'s two d=2 layers as a 9×9 map with holes on odd rows and columns', () => {
    const c = coverage(convStack({ kernel: 3, dilations: [2, 2], rank: 2 }));
    assert.deepEqual(c.size, [9, 9]);
    assert.deepEqual(c.multiplicityCenterRow, [3, 0, 6, 0, 9, 0, 6, 0, 3]);
    assert.deepEqual(c.multiplicity, c.multiplicityCenterRow);
    assert.equal(c.covered, 25);
    assert.equal(c.area, 81);
  });

  it('counts a 3-D stack as the product of its 1-D counts', () => {
    const one = coverage(convStack({ kernel: 3, dilations: [1, 2] })).multiplicity;
    const c = coverage(convStack({ kernel: 3, dilations: [1, 2], rank: 3 }));
    assert.deepEqual(c.size, [7, 7, 7]);
    for (let i = 0; i < 7; i++) for (let j = 0; j < 7; j++) for (let k = 0; k < 7; k++) {
      assert.equal(c.map[(i * 7 + j) * 7 + k], one[i] * one[j] * one[k]);
    }
  });

  it('adds the paths of parallel branches (a 3×3 and a d=2 3×3 summed)', () => {
    const b = new GraphBuilder({ rank: 2 });
    b.add([b.conv(b.input, { kernel: 3, padding: 1 }), b.conv(b.input, { kernel: 3, dilation: 2, padding: 2 })]);
    const c = coverage(b.build());
    assert.deepEqual(c.multiplicityCenterRow, [1, 1, 2, 1, 1]);
    assert.equal(c.holes, 8);
  });

  it('honours a tap mask that is not separable (a plus-shaped kernel)', () => {
    const b = new GraphBuilder({ rank: 2 });
    const plus = [false, true, false, true, true, true, false, true, false];
    const x = b.conv(b.input, { kernel: 3, taps: plus });
    b.conv(x, { kernel: 3, taps: plus });
    const c = coverage(b.build());
    // Two plus shapes make a diamond of radius 2: 13 of the 25 cells.
    assert.equal(c.covered, 13);
    assert.deepEqual(c.multiplicityCenterRow, [1, 2, 5, 2, 1]);
  });

});

describe('coverage where the map depends on the output (fractional strides)', () => {
  const upsampled = () => {
    const b = new GraphBuilder({ rank: 1 });
    let x = b.conv(b.input, { kernel: 3, stride: 2, padding: 1 });
    x = b.upsample(x, { factor: 2 });
    b.conv(x, { kernel: 3, padding: 1 });
    return b.build();
  };

  it('counts conv(s=2) → nearest ×2 → conv per output phase, by hand', () => {
    const even = coverage(upsampled(), { outputIndex: [0] });
    assert.deepEqual([even.start, even.multiplicity], [[-3], [1, 1, 3, 2, 2]]);
    const odd = coverage(upsampled(), { outputIndex: [1] });
    assert.deepEqual([odd.start, odd.multiplicity], [[-1], [2, 2, 3, 1, 1]]);
  });

  it('reads the two neighbours of linear upsampling and the phase taps of a transposed conv', () => {
    const b = new GraphBuilder({ rank: 1 });
    b.upsample(b.input, { factor: 2, mode: 'linear' });
    assert.deepEqual(coverage(b.build(), { outputIndex: [1] }).start, [0]);
    assert.deepEqual(coverage(b.build(), { outputIndex: [1] }).multiplicity, [1, 1]);
    const t = new GraphBuilder({ rank: 1 });
    t.convTranspose(t.input, { kernel: 4, stride: 2, padding: 1 });
    const c = coverage(t.build(), { outputIndex: [0] });
    assert.deepEqual([c.start, c.multiplicity], [[-1], [1, 1]]);
  });

  it('refuses a global head, which has no map', () => {
    const b = new GraphBuilder({ rank: 1 });
    b.global(b.conv(b.input, { kernel: 3 }), 'globalPool');
    assert.throws(() => coverage(b.build()), (e: unknown) => e instanceof OptionError && /global/.test(e.message));
  });
});

describe('coverage after fractional strides equals path enumeration (properties)', () => {
  it('on 300 random graphs with upsampling and transposed convolutions, at random outputs', () => {
    const rng = new Random(17);
    for (let trial = 0; trial < 300; trial++) {
      const rank = 1 + (trial % 2);
      const graph = randomGraph(rng, rank, { fractional: true, layers: 1 + rng.int(4) });
      const o = Array.from({ length: rank }, () => rng.int(6));
      let reached = true;
      try {
        coverage(graph, { outputIndex: o });
      } catch (error) {
        // An output no tap of a transposed convolution reaches has no paths at all.
        reached = !(error instanceof OptionError && /no path/.test(error.message));
        if (reached) throw error;
      }
      if (reached) checkAgainstEnumeration(graph, `fractional trial ${trial}`, o);
      else assert.equal(enumeratePaths(resolveGraph(graph), o).size, 0, `fractional trial ${trial}`);
    }
  });
});

describe('the backward path count agrees with the forward polynomial product', () => {
  it('on 400 random graphs at random output positions', () => {
    const rng = new Random(99);
    for (let trial = 0; trial < 400; trial++) {
      const rank = 1 + (trial % 2);
      const resolved = resolveGraph(randomGraph(rng, rank, { layers: 1 + rng.int(5) }));
      const o = Array.from({ length: rank }, () => rng.int(9) - 4);
      const forward = coverage(resolved, { outputIndex: o });
      const backward = backwardPathCounts(resolved, resolved.output, o);
      assert.deepEqual([backward.start, backward.size], [forward.start, forward.size], `trial ${trial}`);
      assert.deepEqual(Array.from(backward.data), Array.from(forward.map), `trial ${trial}`);
    }
  });
});

describe('coverage equals path enumeration (properties)', () => {
  it('on 800 random 1-D and 2-D graphs with strides, pools, pads, slices and branches', () => {
    const rng = new Random(7);
    for (let trial = 0; trial < 800; trial++) {
      const rank = 1 + (trial % 2);
      checkAgainstEnumeration(randomGraph(rng, rank, { layers: 1 + rng.int(4) }), `trial ${trial}`);
    }
  });

  it('on residual 2-D networks whose many branches force the dense path', () => {
    const rng = new Random(5);
    for (let trial = 0; trial < 20; trial++) {
      const b = new GraphBuilder({ rank: 2 });
      let x = b.input;
      for (let block = 0; block < 6; block++) {
        const d = [1 + rng.int(3), 1 + rng.int(3)];
        const inner = b.conv(x, { kernel: [1 + rng.int(3), 1 + rng.int(3)], dilation: d, padding: d });
        x = b.add([x, inner]);
      }
      if (trial % 2) x = b.conv(x, { kernel: 3, stride: 2, dilation: 2 });
      checkAgainstEnumeration(b.build(), `residual trial ${trial}`);
    }
  });

  it('on 200 random chains with random (often non-separable) 2-D tap masks', () => {
    const rng = new Random(11);
    for (let trial = 0; trial < 200; trial++) {
      const b = new GraphBuilder({ rank: 2 });
      let x = b.input;
      for (let l = 1 + rng.int(3); l > 0; l--) {
        const kernel = [1 + rng.int(3), 1 + rng.int(3)];
        const taps = Array.from({ length: kernel[0] * kernel[1] }, () => rng.uniform() < 0.6);
        taps[rng.int(taps.length)] = true;
        x = b.conv(x, { kernel, taps, stride: [1 + rng.int(2), 1 + rng.int(2)], dilation: [1 + rng.int(3), 1 + rng.int(3)] });
      }
      checkAgainstEnumeration(b.build(), `masked trial ${trial}`);
    }
  });
});

/** Counts paths from the output at index 0 to every input index by plain recursion over taps. */
function enumeratePaths(graph: ResolvedGraph, outputIndex?: number[]): Map<string, number> {
  const memo = new Map<string, Map<string, number>>();
  const visit = (node: number, at: number[]): Map<string, number> => {
    const key = `${node}:${at.join(',')}`;
    const known = memo.get(key);
    if (known) return known;
    const result = new Map<string, number>();
    const addAll = (from: Map<string, number>) => from.forEach((v, k) => result.set(k, (result.get(k) ?? 0) + v));
    const rn = graph.nodes[node];
    if (node === 0) result.set(at.join(','), 1);
    else {
      for (const source of sources(rn, at)) for (const input of rn.inputs) addAll(visit(input, source));
    }
    memo.set(key, result);
    return result;
  };
  return visit(graph.output, outputIndex ?? Array(graph.rank).fill(0));
}

function sources(rn: ResolvedGraph['nodes'][number], at: number[]): number[][] {
  const perDim = rn.windows.map((w, d) => {
    if (w.kind === 'window') return Array.from({ length: w.kernel }, (_, t) => at[d] * w.stride - w.padBefore + t * w.dilation);
    if (w.kind === 'shift') return [at[d] * w.step + w.start];
    if (w.kind === 'upsample' && rn.node.op === 'upsample') {
      // The runtime's source coordinate, in floating point, rounded as ONNX says (no clamping: virtual indices).
      const { coordinate, nearestMode } = rn.node;
      const x = sourceCoordinate(coordinate, at[d], 1000, Math.round(1000 * w.factor), w.factor);
      if (w.mode === 'linear') return Number.isInteger(x) ? [x] : [Math.floor(x), Math.floor(x) + 1];
      const half = x - Math.floor(x) === 0.5;
      if (nearestMode === 'floor') return [Math.floor(x)];
      if (nearestMode === 'ceil') return [Math.ceil(x)];
      return [half ? Math.floor(x) + (nearestMode === 'round_prefer_ceil' ? 1 : 0) : Math.round(x)];
    }
    if (w.kind === 'transposed') {
      // By the definition: input i writes output i·s − p + t·d; collect every (i, t) landing on this output.
      const found: number[] = [];
      for (let i = -100; i <= 100; i++) {
        for (let t = 0; t < w.kernel; t++) if (i * w.stride - w.padBefore + t * w.dilation === at[d]) found.push(i);
      }
      return found;
    }
    throw new Error(`unexpected window ${w.kind}`);
  });
  const mask = rn.node.op === 'conv' ? rn.node.taps : undefined;
  const out: number[][] = [];
  const count = perDim.reduce((a, l) => a * l.length, 1);
  for (let i = 0; i < count; i++) {
    if (mask && !mask[i]) continue;
    let rest = i;
    const index = Array(perDim.length).fill(0);
    for (let d = perDim.length - 1; d >= 0; d--) {
      index[d] = perDim[d][rest % perDim[d].length];
      rest = Math.floor(rest / perDim[d].length);
    }
    out.push(index);
  }
  return out;
}

function checkAgainstEnumeration(graph: Graph, label: string, outputIndex?: number[]): void {
  const resolved = resolveGraph(graph);
  const c = coverage(resolved, { outputIndex });
  const expected = enumeratePaths(resolved, outputIndex);
  let total = 0;
  for (let i = 0; i < c.map.length; i++) {
    const index: number[] = [];
    let rest = i;
    for (let d = c.rank - 1; d >= 0; d--) {
      index[d] = c.start[d] + (rest % c.size[d]);
      rest = Math.floor(rest / c.size[d]);
    }
    assert.equal(c.map[i], expected.get(index.join(',')) ?? 0, `${label}: offset ${index.join(',')}`);
    total += c.map[i];
  }
  const all = [...expected.values()].reduce((a, b) => a + b, 0);
  assert.equal(total, all, `${label}: every path lands inside the receptive field`);
}

describe('coverage equals the input gradient of an all-ones linear network (ops engine)', () => {
  it('on 150 random 1-D and 2-D conv chains with stride and dilation', () => {
    const rng = new Random(23);
    for (let trial = 0; trial < 150; trial++) {
      const rank = 1 + (trial % 2);
      const layers = Array.from({ length: 1 + rng.int(3) }, () => ({
        kernel: Array.from({ length: rank }, () => 1 + rng.int(3)),
        stride: Array.from({ length: rank }, () => 1 + rng.int(2)),
        dilation: Array.from({ length: rank }, () => 1 + rng.int(3)),
      }));
      const b = new GraphBuilder({ rank });
      let x = b.input;
      for (const l of layers) x = b.conv(x, l);
      const c = coverage(b.build());
      // Input exactly the field: one output, whose gradient with all-ones weights counts the paths per input.
      const inputs = [tensorOf(new Float32Array(c.area).fill(1), [1, 1, ...c.size])];
      const weights = layers.map((l) => tensorOf(new Float32Array(l.kernel.reduce((p, k) => p * k, 1)).fill(1), [1, 1, ...l.kernel]));
      layers.forEach((l, i) => inputs.push(conv(inputs[i], weights[i], { stride: l.stride, dilation: l.dilation })));
      let gradient = tensorOf(Float32Array.of(1), inputs[inputs.length - 1].shape);
      for (let i = layers.length - 1; i >= 0; i--) {
        gradient = convBackward(inputs[i], weights[i], gradient, { stride: layers[i].stride, dilation: layers[i].dilation }).input;
      }
      assert.deepEqual(Array.from(gradient.data), Array.from(c.map), `trial ${trial}`);
    }
  });
});
