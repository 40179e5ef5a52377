import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GraphBuilder, convStack, graphFromLayers, type LayerSpec } from '../../src/analysis/graph.js';
import { receptiveField } from '../../src/analysis/receptive-field.js';
import { resizeReads, resizeWindow, resolveGraph } from '../../src/analysis/resolve.js';
import { traceReceptiveField } from '../../src/analysis/trace.js';
import { sourceCoordinate } from '../../src/ops/resize.js';
import { OptionError } from '../../src/errors.js';
import { Random } from '../../src/tensor/random.js';
import { randomGraph } from './random-graphs.js';

const pool = (kernel: number, stride: number): LayerSpec => ({ op: 'maxPool', kernel, stride });

describe('receptive field of the seeds\' stacks', () => {
  it('is 11 for five plain 3-tap layers and 63 for dilations 1,2,4,8,16 (seed 003)', () => {
    assert.deepEqual(receptiveField(convStack({ kernel: 3, dilations: [1, 1, 1, 1, 1] })).output.rf, [11]);
    assert.deepEqual(receptiveField(convStack({ kernel: 3, dilations: [1, 2, 4, 8, 16] })).output.rf, [63]);
  });

  it('grows 3, 7, 15, 31 layer by layer for dilations 1,2,4,8 (seed 001)', () => {
    assert.deepEqual(receptiveField(convStack({ kernel: 3, dilations: [1, 2, 4, 8] })).layers.slice(1).map((l) => l.rf[0]), [3, 7, 15, 31]);
  });

  it('is 1024 for WaveNet\'s 2-tap dilations 1…512, with causal effective padding rf − 1', () => {
    const dilations = Array.from({ length: 10 }, (_, i) => 2 ** i);
    const b = new GraphBuilder({ rank: 1 });
    let x = b.input;
    for (const d of dilations) x = b.conv(x, { kernel: 2, dilation: d, padding: 'causal' });
    const out = receptiveField(b.build()).output;
    assert.deepEqual(out.rf, [1024]);
    assert.deepEqual(out.padding, [1023]);
    assert.deepEqual(out.stride, [1]);
  });
});

describe('receptive field of published networks (Araujo et al., Distill 2019, table)', () => {
  it('VGG-16 to pool5: rf 212, stride 32, effective padding 90', () => {
    const blocks = [[2, 64], [2, 128], [3, 256], [3, 512], [3, 512]];
    const layers: LayerSpec[] = blocks.flatMap(([n, outChannels]) => [
      ...Array.from({ length: n }, (): LayerSpec => ({ op: 'conv', kernel: 3, padding: 1, outChannels })), pool(2, 2),
    ]);
    const out = receptiveField(graphFromLayers({ rank: 2, input: { channels: 3, size: [224, 224] }, layers })).output;
    assert.deepEqual(out.rf, [212, 212]);
    assert.deepEqual(out.stride, [32, 32]);
    assert.deepEqual(out.padding, [90, 90]);
    assert.deepEqual(out.outputShape, [512, 7, 7]);
  });

  it('AlexNet v2 (TF-slim) to pool5: rf 195, stride 32, effective padding 64', () => {
    const layers: LayerSpec[] = [
      { op: 'conv', kernel: 11, stride: 4, padding: 'valid', outChannels: 64 }, pool(3, 2),
      { op: 'conv', kernel: 5, padding: 'same', outChannels: 192 }, pool(3, 2),
      { op: 'conv', kernel: 3, padding: 'same', outChannels: 384 },
      { op: 'conv', kernel: 3, padding: 'same', outChannels: 384 },
      { op: 'conv', kernel: 3, padding: 'same', outChannels: 256 }, pool(3, 2),
    ];
    const out = receptiveField(graphFromLayers({ rank: 2, input: { channels: 3, size: [224, 224] }, layers })).output;
    assert.deepEqual(out.rf, [195, 195]);
    assert.deepEqual(out.stride, [32, 32]);
    assert.deepEqual(out.padding, [64, 64]);
  });
});

describe('receptive field of branching graphs', () => {
  it('unites ASPP branches that share the centre and calls them aligned', () => {
    const b = new GraphBuilder({ rank: 2 });
    const arms = [1, 6, 12, 18].map((d) => b.conv(b.input, { kernel: d === 1 ? 1 : 3, dilation: d, padding: d === 1 ? 0 : d }));
    b.merge(arms, 'concat');
    const report = receptiveField(b.build());
    assert.deepEqual(report.output.rf, [37, 37]);
    assert.deepEqual(report.output.padding, [18, 18]);
    assert.equal(report.output.aligned, true);
    assert.deepEqual(report.misalignments, []);
  });

  it('reports the branches that disagree instead of silently taking the largest', () => {
    const b = new GraphBuilder({ rank: 1 });
    const same = b.conv(b.input, { kernel: 3, padding: 1 }, 'centred');
    const shifted = b.conv(b.input, { kernel: 3, padding: 0 }, 'shifted');
    b.add([same, shifted], 'sum');
    const report = receptiveField(b.build());
    assert.equal(report.output.aligned, false);
    assert.equal(report.misalignments.length, 1);
    const [m] = report.misalignments;
    assert.equal(m.node, 'sum');
    assert.deepEqual(m.branches.map((x) => [x.input, x.centre]), [['centred', 0], ['shifted', 1]]);
  });

  it('calls a residual around a causal dilated conv aligned: the branches share their last input', () => {
    const b = new GraphBuilder({ rank: 1 });
    const dilated = b.conv(b.input, { kernel: 2, dilation: 4, padding: [[4, 0]] }, 'causal');
    b.add([b.input, dilated], 'residual');
    const report = receptiveField(b.build());
    assert.equal(report.output.aligned, true);
    assert.deepEqual(report.misalignments, []);
    assert.deepEqual([report.output.rf, report.output.padding], [[5], [4]]);
  });

  it('reports branches whose strides differ', () => {
    const b = new GraphBuilder({ rank: 1 });
    const fine = b.conv(b.input, { kernel: 3, padding: 1 }, 'fine');
    const coarse = b.conv(b.input, { kernel: 3, padding: 1, stride: 2 }, 'coarse');
    b.add([fine, coarse]);
    const { misalignments } = receptiveField(b.build());
    assert.deepEqual(misalignments[0].branches.map((x) => x.stride), [1, 2]);
  });

  it('marks global pooling and fully connected layers as global, with the input size as the field', () => {
    const b = new GraphBuilder({ rank: 2, channels: 8, size: [32, 32] });
    const c = b.conv(b.input, { kernel: 3, padding: 1, outChannels: 16 });
    const g = b.global(c, 'globalPool');
    b.global(g, 'fullyConnected', { outFeatures: 10 });
    const report = receptiveField(b.build());
    assert.equal(report.layers[1].global, false);
    assert.equal(report.output.global, true);
    assert.deepEqual(report.output.rf, [32, 32]);
  });

  it('is global where a global branch meets a local one', () => {
    const b = new GraphBuilder({ rank: 2 });
    const local = b.conv(b.input, { kernel: 3, padding: 1 });
    const pooled = b.global(b.input, 'globalPool');
    b.add([local, b.upsample(pooled, { factor: 1 })]);
    const report = receptiveField(b.build());
    assert.equal(report.output.global, true);
    assert.deepEqual(report.output.rf, [null, null]);
  });
});

describe('receptive field after fractional strides', () => {
  it('fits every output phase of a conv → nearest upsample → conv exactly (traced)', () => {
    const b = new GraphBuilder({ rank: 1 });
    let x = b.conv(b.input, { kernel: 3, stride: 2, padding: 1 });
    x = b.upsample(x, { factor: 2 });
    x = b.conv(x, { kernel: 3, padding: 1 });
    const graph = b.build();
    const out = receptiveField(graph).output;
    assert.equal(out.phaseInvariant, false);
    assert.deepEqual(out.stride, [1]);
    const resolved = resolveGraph(graph);
    for (let o = -4; o < 8; o++) {
      const [[lo, hi]] = traceReceptiveField(resolved, 3, [o]) as [number, number][];
      assert.ok(lo >= o - out.padding[0] && hi - lo + 1 <= (out.rf[0] as number), `phase ${o}`);
    }
    // Output 0 reads input −3…1 and output 1 reads −1…3: five positions each, a lead of at most 3.
    assert.deepEqual([out.rf, out.padding], [[5], [3]]);
  });

  it('maps a stride-2 transposed convolution back to half the stride', () => {
    const b = new GraphBuilder({ rank: 1 });
    b.convTranspose(b.input, { kernel: 4, stride: 2, padding: 1 });
    const out = receptiveField(b.build()).output;
    assert.deepEqual(out.stride, [0.5]);
    assert.equal(out.rf[0], 2);
  });
});

describe('receptive field equals brute-force tracing (properties)', () => {
  it('on 1500 random 1-D and 2-D graphs with strides, pools, pads, crops, slices and branches', () => {
    const rng = new Random(2024);
    for (let trial = 0; trial < 1500; trial++) {
      const rank = 1 + (trial % 2);
      const graph = randomGraph(rng, rank);
      const resolved = resolveGraph(graph);
      const report = receptiveField(resolved);
      for (const node of resolved.nodes) {
        const field = report.layers[node.index];
        const o = Array.from({ length: rank }, () => rng.int(7) - 3);
        const traced = traceReceptiveField(resolved, node.index, o);
        assert.ok(traced, `trial ${trial}: ${node.node.name} reaches the input`);
        traced.forEach((range, d) => {
          const start = o[d] * (field.stride[d] as number) - field.padding[d];
          assert.deepEqual(range, [start, start + (field.rf[d] as number) - 1], `trial ${trial}, node ${node.node.name}, dim ${d}`);
        });
      }
    }
  });
});

/** Output positions traced per node: longer than every phase period these seeded graphs reach (at most 30). */
const PHASES_CHECKED = 120;

describe('receptive field after fractional strides, on random graphs (properties)', () => {
  it('holds every phase\'s traced window within rf and padding, some phase reaching each bound; phase-free nodes match exactly', () => {
    const rng = new Random(31);
    for (let trial = 0; trial < 400; trial++) {
      const rank = 1 + (trial % 2);
      const resolved = resolveGraph(randomGraph(rng, rank, { fractional: true, branches: false }));
      const report = receptiveField(resolved);
      for (const node of resolved.nodes) {
        const field = report.layers[node.index];
        if (field.phaseInvariant) {
          const traced = traceReceptiveField(resolved, node.index, Array(rank).fill(3));
          traced?.forEach((range, d) => {
            const start = 3 * (field.stride[d] as number) - field.padding[d];
            assert.deepEqual(range, [start, start + (field.rf[d] as number) - 1], `trial ${trial}, ${node.node.name}`);
          });
          continue;
        }
        for (let d = 0; d < rank; d++) {
          let widest = 0;
          let lead = -Infinity;
          for (let o = 0; o < PHASES_CHECKED; o++) {
            const traced = traceReceptiveField(resolved, node.index, Array(rank).fill(o));
            const range = traced?.[d];
            if (!range) continue;
            const stride = field.stride[d] as number;
            widest = Math.max(widest, range[1] - range[0] + 1);
            lead = Math.max(lead, o * stride - range[0]);
            assert.ok(range[1] - range[0] + 1 <= (field.rf[d] as number) && o * stride - range[0] <= field.padding[d] + 1e-9, `trial ${trial}, ${node.node.name}, o ${o}`);
          }
          assert.equal(widest, field.rf[d], `trial ${trial}, ${node.node.name}: rf is reached`);
          if (widest > 0) assert.ok(Math.abs(lead - field.padding[d]) < 1e-9, `trial ${trial}, ${node.node.name}: padding is reached`);
        }
      }
    }
  });
});

describe('graph validation', () => {
  it('refuses an unknown input name, naming the known nodes', () => {
    const b = new GraphBuilder({ rank: 1 });
    assert.throws(() => b.conv('nope', { kernel: 3 }), (e: unknown) => e instanceof OptionError && /nope/.test(e.message) && /input/.test(e.message));
  });

  it('refuses a per-dimension option with the wrong length', () => {
    const b = new GraphBuilder({ rank: 2 });
    assert.throws(() => b.conv(b.input, { kernel: [3, 3, 3] }), OptionError);
  });

  it('refuses an unknown layer op in a JSON layer list', () => {
    assert.throws(() => graphFromLayers({ rank: 1, layers: [{ op: 'lstm' } as unknown as LayerSpec] }), /unknown layer op "lstm"/);
  });

  it('refuses a stack whose lists disagree in length', () => {
    assert.throws(() => convStack({ kernel: 3, dilations: [1, 2], strides: [1] }), OptionError);
  });
});

describe('shapes of the graph', () => {
  it('follow PyTorch for convs, ceil-mode pools, transposed convs, pads and slices', () => {
    const b = new GraphBuilder({ rank: 2, channels: 3, size: [33, 33] });
    let x = b.conv(b.input, { kernel: 3, stride: 2, dilation: 2, padding: 'same', outChannels: 8 });
    x = b.pool(x, 'maxPool', { kernel: 2, ceilMode: true });
    x = b.convTranspose(x, { kernel: 4, stride: 2, padding: 1, outChannels: 4 });
    x = b.pad(x, [[1, -2], [0, 0]]);
    b.slice(x, { start: [1, 0], step: [2, 3] });
    const shapes = receptiveField(b.build()).layers.map((l) => l.outputShape);
    assert.deepEqual(shapes, [[3, 33, 33], [8, 17, 17], [8, 9, 9], [4, 18, 18], [4, 17, 18], [4, 8, 6]]);
  });

  it('refuse groups that do not divide the channels', () => {
    const b = new GraphBuilder({ rank: 1, channels: 6, size: [10] });
    b.conv(b.input, { kernel: 3, groups: 4, outChannels: 8 });
    assert.throws(() => receptiveField(b.build()), /groups 4 does not divide the 6 input channels/);
  });
});

describe('the integer read rule of a resize equals the runtime\'s source coordinate', () => {
  it('for every coordinate transform and nearest mode, on sizes up and down by whole and rational factors', () => {
    const coordinates = ['half_pixel', 'pytorch_half_pixel', 'asymmetric', 'align_corners', 'tf_half_pixel_for_nearest'] as const;
    const nearest = ['floor', 'ceil', 'round_prefer_floor', 'round_prefer_ceil'] as const;
    for (const [inSize, outSize] of [[4, 8], [33, 257], [5, 13], [9, 4], [7, 7], [3, 1], [1, 5], [6, 9]]) {
      const factor = outSize / inSize;
      for (const coordinate of coordinates) {
        for (const mode of ['nearest', 'linear'] as const) {
          for (const rounding of mode === 'nearest' ? nearest : (['floor'] as const)) {
            const w = resizeWindow(factor, mode, coordinate, rounding, inSize, outSize);
            assert.equal(w.exact, true);
            for (let o = 0; o < outSize; o++) {
              const x = sourceCoordinate(coordinate, o, inSize, outSize, factor);
              // The runtime's rounding, before it clamps to the input (the analysis keeps virtual indices).
              const half = x - Math.floor(x) === 0.5;
              const index = rounding === 'floor' ? Math.floor(x) : rounding === 'ceil' ? Math.ceil(x)
                : half ? Math.floor(x) + (rounding === 'round_prefer_ceil' ? 1 : 0) : Math.round(x);
              const expected = (mode === 'nearest' ? [index, index] : [Math.floor(x), Math.ceil(x)]).map((i) => i + 0);
              assert.deepEqual(resizeReads(w, o), expected, `${inSize}→${outSize} ${coordinate} ${mode} ${rounding} o=${o}`);
            }
          }
        }
      }
    }
  });
});
