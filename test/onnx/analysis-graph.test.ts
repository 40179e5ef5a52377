import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyzeGraph } from '../../src/analysis/analyze.js';
import { loadOnnx } from '../../src/onnx/model.js';
import { onnxAnalysisGraph } from '../../src/onnx/analysis-graph.js';
import { buildModel } from './build-model.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'onnx');
/** An int64 initializer (shapes, axes, split sizes). */
const ints = (name: string, values: number[]) => ({ name, dims: [values.length], dataType: 7, values });
/** x [1, 4, 8] made global (squeeze-and-excitation) and read as tokens t [1, 8, 4]. */
const GLOBAL_TOKENS = [
  { op: 'GlobalAveragePool', inputs: ['x'], outputs: ['g'], name: 'squeeze' },
  { op: 'Mul', inputs: ['x', 'g'], outputs: ['e'], name: 'excite' },
  { op: 'Transpose', inputs: ['e'], outputs: ['t'], name: 'tokens', attributes: { perm: { ints: [0, 2, 1] } } },
];
/** The MACs of one layer of a model that analyses to the end as global. */
const globalLayerMacs = (bytes: Uint8Array, layer: string): number | null => {
  const { graph, partial } = onnxAnalysisGraph(loadOnnx(bytes));
  assert.equal(partial, null);
  const report = analyzeGraph(graph);
  assert.equal(report.output.global, true);
  return report.layers.find((l) => l.name === layer)!.macs;
};
const analyse = (file: string, shape?: number[]) => {
  const model = loadOnnx(readFileSync(join(FIXTURES, file)));
  const { graph, notes } = onnxAnalysisGraph(model, shape ? { input: shape } : {});
  return { report: analyzeGraph(graph), notes, model, graph };
};

describe('receptive fields of imported real architectures (narrow copies with the real geometry)', () => {
  // The PyTorch-measured values the issue states for torchvision's networks.
  const cases: [string, number, number, number][] = [
    ['vgg16-narrow.onnx', 212, 32, 90],
    ['resnet18-narrow.onnx', 435, 32, 217],
    ['resnet50-narrow.onnx', 427, 32, 213],
  ];
  for (const [file, rf, stride, padding] of cases) {
    test(`${file}: rf ${rf}, stride ${stride}, padding ${padding}`, () => {
      const { report, notes } = analyse(file);
      assert.deepEqual(report.output, { rf: [rf, rf], stride: [stride, stride], padding: [padding, padding], global: false, aligned: true, exact: true });
      assert.deepEqual(notes, []);
    });
  }

  test('the dilated ResNet-50 (output stride 8) keeps the 427 field at stride 8', () => {
    const { report } = analyse('dilated-resnet50-narrow.onnx');
    assert.deepEqual([report.output.rf, report.output.stride, report.output.padding], [[427, 427], [8, 8], [213, 213]]);
  });

  test('the causal WaveNet trimmed by Slice sees only the past: padding = rf − 1', () => {
    const { report } = analyse('wavenet.onnx');
    assert.deepEqual(report.output.rf, [127]);
    assert.deepEqual(report.output.padding, [126]);
    assert.equal(report.output.global, false);
  });

  test('ASPP with image pooling is global; without it the widest branch (rate 18) sets the field', () => {
    assert.equal(analyse('aspp.onnx', [1, 16, 33, 33]).report.output.global, true);
    const plain = analyse('aspp-no-pooling.onnx').report;
    assert.deepEqual([plain.output.rf, plain.output.stride, plain.output.padding, plain.output.global], [[37, 37], [1, 1], [18, 18], false]);
    assert.ok(plain.warnings.some((w) => w.kind === 'gridding'), 'rates 6/12/18 leave holes');
  });

  test('the context module covers 67×67 without holes', () => {
    const { report } = analyse('context-module.onnx');
    assert.deepEqual(report.output.rf, [67, 67]);
    assert.equal(report.coverage?.holes, 0);
  });

  test('every analysed layer has the output shape the executor plans, and convs carry their parameter count', () => {
    const { report, model } = analyse('resnet18-narrow.onnx');
    const plan = model.plan();
    const byNode = new Map(plan.steps.map((s) => [s.node.name, s.outputs[0].shape]));
    for (const layer of report.layers.slice(1)) {
      assert.deepEqual(layer.outputShape, byNode.get(layer.name)!.slice(1), layer.name);
    }
    const stem = report.layers.find((l) => l.op === 'conv')!;
    assert.equal(stem.params, 4 * 3 * 7 * 7 + 4, 'BatchNorm folded into the conv bias by the exporter');
  });

  test('a squeeze-and-excitation gate (a pooled 1×1 map times the feature map) makes the field global', () => {
    const bytes = buildModel({
      inputs: [{ name: 'x', dims: [1, 2, 9, 9] }], outputs: [{ name: 'y' }],
      nodes: [
        { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], name: 'conv', attributes: { pads: { ints: [1, 1, 1, 1] } } },
        { op: 'GlobalAveragePool', inputs: ['c'], outputs: ['g'], name: 'squeeze' },
        { op: 'Sigmoid', inputs: ['g'], outputs: ['s'], name: 'gate' },
        { op: 'Mul', inputs: ['c', 's'], outputs: ['y'], name: 'excite' },
      ],
      initializers: [{ name: 'w', dims: [2, 2, 3, 3], values: Array(36).fill(0.1) }],
    });
    const { graph, notes } = onnxAnalysisGraph(loadOnnx(bytes));
    assert.deepEqual(notes, []);
    assert.equal(graph.output, 'excite');
    assert.equal(analyzeGraph(graph).output.global, true);
  });

  test('a Linear on windows folded into the batch axis (Swin) costs every window: MACs from the file\'s shapes', () => {
    // Past a global value the IR keeps its last grid while the file reshapes [1, 8, 8, 4] into 4 windows of 16
    // tokens ([4, 16, 4]): a Linear 4 → 6 there runs 64 rows per input sample, not 16 (once counted as 16), and
    // a Linear back on the 8×8 grid runs 64 positions.
    const bytes = buildModel({
      inputs: [{ name: 'x', dims: [1, 2, 8, 8] }], outputs: [{ name: 'y' }],
      nodes: [
        { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], name: 'conv' },
        { op: 'GlobalAveragePool', inputs: ['c'], outputs: ['g'], name: 'squeeze' },
        { op: 'Mul', inputs: ['c', 'g'], outputs: ['e'], name: 'excite' },
        { op: 'Transpose', inputs: ['e'], outputs: ['t'], name: 'last', attributes: { perm: { ints: [0, 2, 3, 1] } } },
        { op: 'Reshape', inputs: ['t', 'windows'], outputs: ['r'], name: 'partition' },
        { op: 'MatMul', inputs: ['r', 'q'], outputs: ['m'], name: 'qkv' },
        { op: 'Reshape', inputs: ['m', 'grid'], outputs: ['u'], name: 'merge' },
        { op: 'MatMul', inputs: ['u', 'p'], outputs: ['y'], name: 'mlp' },
      ],
      initializers: [
        { name: 'w', dims: [4, 2, 1, 1], values: Array(8).fill(0.1) }, { name: 'q', dims: [4, 6], values: Array(24).fill(0.1) },
        { name: 'p', dims: [6, 3], values: Array(18).fill(0.1) }, ints('windows', [4, 16, 4]), ints('grid', [1, 8, 8, 6]),
      ],
    });
    const report = analyzeGraph(onnxAnalysisGraph(loadOnnx(bytes)).graph);
    const macs = (name: string) => report.layers.find((l) => l.name === name)!.macs;
    assert.deepEqual([macs('conv'), macs('qkv'), macs('mlp')], [64 * 8, 64 * 24, 64 * 18]);
    assert.equal(report.macs, 64 * (8 + 24 + 18));
  });

  test('a conv on heads folded into the batch axis past a global value (MViT\'s pooling) still costs its MACs', () => {
    // [1, 4, 8] → global; reshaped to 2 heads × 2 channels ([2, 2, 8]) and pooled by a depthwise conv (k 3,
    // stride 2, pad 1 → 4 positions): 2 channels × 3 taps × 4 positions × 2 heads = 48 MACs per input sample.
    const bytes = buildModel({
      inputs: [{ name: 'x', dims: [1, 4, 8] }], outputs: [{ name: 'y' }],
      nodes: [
        ...GLOBAL_TOKENS,
        { op: 'Reshape', inputs: ['t', 'heads'], outputs: ['h'], name: 'split_heads' },
        { op: 'Transpose', inputs: ['h'], outputs: ['c'], name: 'channels_first', attributes: { perm: { ints: [1, 2, 0] } } },
        { op: 'Conv', inputs: ['c', 'w'], outputs: ['y'], name: 'pool', attributes: { group: { i: 2 }, strides: { ints: [2] }, pads: { ints: [1, 1] } } },
      ],
      initializers: [ints('heads', [8, 2, 2]), { name: 'w', dims: [2, 1, 3], values: Array(6).fill(0.5) }],
    });
    assert.equal(globalLayerMacs(bytes, 'pool'), 48);
  });

  test('values past a global node merge as the file broadcasts them, whatever channels the IR tracked (MViT-V2)', () => {
    // [1, 8, 4] tokens plus a per-token term [1, 8, 1] computed through a Linear to 2 features: valid ONNX
    // broadcasting, though the IR last saw 4 and 2 "channels" on its two inputs.
    const bytes = buildModel({
      opset: 13,
      inputs: [{ name: 'x', dims: [1, 4, 8] }], outputs: [{ name: 'y' }],
      nodes: [
        ...GLOBAL_TOKENS,
        { op: 'MatMul', inputs: ['t', 'w'], outputs: ['f'], name: 'linear' },
        { op: 'ReduceMean', inputs: ['f'], outputs: ['m'], name: 'mean', attributes: { axes: { ints: [2] }, keepdims: { i: 1 } } },
        { op: 'Add', inputs: ['t', 'm'], outputs: ['y'], name: 'biased' },
      ],
      initializers: [{ name: 'w', dims: [4, 2], values: Array(8).fill(0.5) }],
    });
    assert.equal(globalLayerMacs(bytes, 'linear'), 8 * 8);
  });

  test('a channel shuffle passes the grid through; a channel slice keeps the field with fewer channels', () => {
    const bytes = buildModel({
      inputs: [{ name: 'x', dims: [1, 4, 6, 6] }], outputs: [{ name: 'y' }],
      nodes: [
        { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], name: 'conv', attributes: { dilations: { ints: [2, 2] } } },
        { op: 'Reshape', inputs: ['c', 'groups'], outputs: ['r'], name: 'split_groups' },
        { op: 'Transpose', inputs: ['r'], outputs: ['t'], name: 'shuffle', attributes: { perm: { ints: [0, 2, 1, 3, 4] } } },
        { op: 'Reshape', inputs: ['t', 'back'], outputs: ['s'], name: 'merge_groups' },
        { op: 'Relu', inputs: ['s'], outputs: ['a'], name: 'relu' },
        { op: 'Slice', inputs: ['a', 'start', 'end', 'axis'], outputs: ['y'], name: 'half' },
      ],
      initializers: [
        { name: 'w', dims: [4, 4, 3, 3], values: Array(144).fill(0.1) },
        ints('groups', [1, 2, 2, 2, 2]), ints('back', [1, 4, 2, 2]), ints('start', [0]), ints('end', [2]), ints('axis', [1]),
      ],
    });
    const { graph, notes, partial } = onnxAnalysisGraph(loadOnnx(bytes));
    assert.deepEqual([graph.output, notes, partial], ['half', [], null]);
    const report = analyzeGraph(graph);
    assert.deepEqual(report.output.rf, [5, 5]);
    assert.deepEqual(report.layers.at(-1)!.outputShape, [2, 2, 2], 'two of the four channels kept');
  });

  test('a WaveNet gate (one conv split into filter and gate by Split or Slice) keeps the dilated field', () => {
    const bytes = buildModel({
      opset: 13,
      inputs: [{ name: 'x', dims: [1, 2, 40] }], outputs: [{ name: 'y' }],
      nodes: [
        { op: 'Conv', inputs: ['x', 'w1'], outputs: ['c1'], name: 'conv1', attributes: { dilations: { ints: [1] } } },
        { op: 'Split', inputs: ['c1', 'halves'], outputs: ['f', 'g'], name: 'chunk', attributes: { axis: { i: 1 } } },
        { op: 'Tanh', inputs: ['f'], outputs: ['ft'], name: 'filter' },
        { op: 'Sigmoid', inputs: ['g'], outputs: ['gs'], name: 'gate' },
        { op: 'Mul', inputs: ['ft', 'gs'], outputs: ['h'], name: 'gated' },
        { op: 'Conv', inputs: ['h', 'w2'], outputs: ['c2'], name: 'conv2', attributes: { dilations: { ints: [4] } } },
        { op: 'Slice', inputs: ['c2', 'zero', 'two', 'one'], outputs: ['s0'], name: 'first_half' },
        { op: 'Slice', inputs: ['c2', 'two', 'four', 'one'], outputs: ['s1'], name: 'second_half' },
        { op: 'Mul', inputs: ['s0', 's1'], outputs: ['y'], name: 'gated2' },
      ],
      initializers: [
        { name: 'w1', dims: [4, 2, 2], values: Array(16).fill(0.1) }, { name: 'w2', dims: [4, 2, 2], values: Array(16).fill(0.1) },
        ints('halves', [2, 2]), ints('zero', [0]), ints('two', [2]), ints('four', [4]), ints('one', [1]),
      ],
    });
    const { graph, partial } = onnxAnalysisGraph(loadOnnx(bytes));
    assert.equal(partial, null);
    const report = analyzeGraph(graph);
    assert.deepEqual([report.output.rf, report.output.padding], [[6], [0]], 'taps 2 at dilation 1 and 4: 1 + 1 + 4');
    assert.deepEqual(report.layers.find((l) => l.name === 'chunk:0')!.outputShape, [2, 39]);
    assert.deepEqual(report.layers.at(-1)!.outputShape, [2, 35]);
  });

  test('a Concat with a constant (ENet\'s zero channels) counts its channels; a mismatched Add is the model\'s error', () => {
    const bytes = buildModel({
      inputs: [{ name: 'x', dims: [1, 2, 8, 8] }], outputs: [{ name: 'y' }],
      nodes: [
        { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], name: 'conv', attributes: { pads: { ints: [1, 1, 1, 1] } } },
        { op: 'Concat', inputs: ['c', 'zeros'], outputs: ['z'], name: 'widen', attributes: { axis: { i: 1 } } },
        { op: 'Conv', inputs: ['z', 'w2'], outputs: ['y'], name: 'conv2' },
      ],
      initializers: [
        { name: 'w', dims: [2, 2, 3, 3], values: Array(36).fill(0.1) }, { name: 'zeros', dims: [1, 6, 8, 8], values: Array(384).fill(0) },
        { name: 'w2', dims: [3, 8, 1, 1], values: Array(24).fill(0.1) },
      ],
    });
    const report = analyzeGraph(onnxAnalysisGraph(loadOnnx(bytes)).graph);
    assert.deepEqual(report.layers.find((l) => l.name === 'widen')!.outputShape, [8, 8, 8]);
    assert.equal(report.layers.find((l) => l.name === 'conv2')!.params, 24, '8 input channels, not 2');
  });

  test('a node the IR cannot express makes the result partial, naming it', () => {
    const bytes = buildModel({
      inputs: [{ name: 'x', dims: [1, 1, 6, 6] }], outputs: [{ name: 'y' }],
      nodes: [
        { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], name: 'conv' },
        { op: 'Transpose', inputs: ['c'], outputs: ['t'], name: 'swap_hw', attributes: { perm: { ints: [0, 1, 3, 2] } } },
        { op: 'Relu', inputs: ['t'], outputs: ['y'], name: 'relu' },
      ],
      initializers: [{ name: 'w', dims: [1, 1, 3, 3], values: Array(9).fill(1) }],
    });
    const { graph, partial } = onnxAnalysisGraph(loadOnnx(bytes));
    assert.equal(graph.output, 'conv');
    assert.deepEqual([partial?.node, partial?.opType], ['swap_hw', 'Transpose']);
  });

  test('a channels-last block (ConvNeXt: transpose, LayerNorm and Linear on channels, transpose back) keeps the grid', () => {
    const bytes = buildModel({
      opset: 17,
      inputs: [{ name: 'x', dims: [1, 4, 16, 16] }], outputs: [{ name: 'y' }],
      nodes: [
        { op: 'Conv', inputs: ['x', 'w1'], outputs: ['a'], name: 'dwconv', attributes: { pads: { ints: [3, 3, 3, 3] }, group: { i: 4 } } },
        { op: 'Transpose', inputs: ['a'], outputs: ['t'], name: 'to_nhwc', attributes: { perm: { ints: [0, 2, 3, 1] } } },
        { op: 'LayerNormalization', inputs: ['t', 'g'], outputs: ['n'], name: 'norm' },
        { op: 'MatMul', inputs: ['n', 'fc'], outputs: ['m'], name: 'pwconv' },
        { op: 'Transpose', inputs: ['m'], outputs: ['u'], name: 'to_nchw', attributes: { perm: { ints: [0, 3, 1, 2] } } },
        { op: 'Conv', inputs: ['u', 'w2'], outputs: ['y'], name: 'conv', attributes: { dilations: { ints: [2, 2] } } },
      ],
      initializers: [
        { name: 'w1', dims: [4, 1, 7, 7], values: Array(196).fill(0.01) }, { name: 'g', dims: [4], values: [1, 1, 1, 1] },
        { name: 'fc', dims: [4, 8], values: Array(32).fill(0.1) }, { name: 'w2', dims: [2, 8, 3, 3], values: Array(144).fill(0.1) },
      ],
    });
    const { graph, notes } = onnxAnalysisGraph(loadOnnx(bytes));
    assert.deepEqual(notes, []);
    const report = analyzeGraph(graph);
    assert.deepEqual(report.output.rf, [11, 11], '7 + 2·(3 − 1)');
    assert.equal(report.layers.find((l) => l.name === 'pwconv')?.params, 32, 'the Linear counts as a 1×1 conv');
    assert.equal(report.output.global, false, 'LayerNorm over channels does not mix positions');
  });

  test('a resize by a non-integer factor (4 → 10, linear) has the exact field of every output phase', () => {
    const bytes = buildModel({
      inputs: [{ name: 'x', dims: [1, 1, 10, 10] }], outputs: [{ name: 'y' }],
      nodes: [
        { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], name: 'conv', attributes: { strides: { ints: [2, 2] } } },
        { op: 'Resize', inputs: ['c', '', '', 'sizes'], outputs: ['r'], name: 'resize', attributes: { mode: { s: 'linear' } } },
        { op: 'Relu', inputs: ['r'], outputs: ['y'] },
      ],
      initializers: [{ name: 'w', dims: [1, 1, 3, 3], values: Array(9).fill(1) }, { name: 'sizes', dims: [4], dataType: 7, values: [1, 1, 10, 10] }],
    });
    const { graph, notes, partial } = onnxAnalysisGraph(loadOnnx(bytes));
    assert.deepEqual([notes, partial], [[], null]);
    const report = analyzeGraph(graph);
    // By definition: output o's half-pixel source x = (o + ½)·4/10 − ½ reads conv outputs ⌊x⌋ and ⌈x⌉, and conv
    // output i reads inputs 2i … 2i + 2; the field is the widest phase and the padding the largest lead.
    const stride = 2 * 4 / 10;
    let rf = 0, padding = -Infinity;
    for (let o = 0; o < 10; o++) {
      const x = (o + 0.5) * 0.4 - 0.5;
      const lo = 2 * Math.floor(x), hi = 2 * Math.ceil(x) + 2;
      rf = Math.max(rf, hi - lo + 1);
      padding = Math.max(padding, o * stride - lo);
    }
    assert.deepEqual(report.output.rf, [rf, rf]);
    assert.deepEqual(report.output.padding.map((p) => Math.round(p * 1e9) / 1e9), [padding, padding].map((p) => Math.round(p * 1e9) / 1e9));
    assert.equal(report.output.exact, true);
  });

  test('twenty global normalizations at length 2000 stay global without multiplying phases (once a stack overflow)', () => {
    const nodes = [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['h0'], name: 'conv' }];
    for (let i = 0; i < 20; i++) {
      nodes.push({ op: 'ReduceMean', inputs: [`h${i}`], outputs: [`m${i}`], name: `mean${i}`, attributes: { axes: { ints: [1, 2] } } } as typeof nodes[0]);
      nodes.push({ op: 'Sub', inputs: [`h${i}`, `m${i}`], outputs: [`h${i + 1}`], name: `centre${i}` });
    }
    const bytes = buildModel({
      inputs: [{ name: 'x', dims: [1, 2, 2000] }], outputs: [{ name: 'h20' }], nodes,
      initializers: [{ name: 'w', dims: [2, 2, 3], values: Array(12).fill(0.1) }],
    });
    const { graph, partial } = onnxAnalysisGraph(loadOnnx(bytes));
    assert.equal(partial, null);
    const report = analyzeGraph(graph);
    assert.deepEqual([report.output.global, report.output.exact], [true, true]);
  });

  test('MaxPool → MaxUnpool (SegNet): an unpooled output may hold any value of its pooling window', () => {
    const bytes = buildModel({
      inputs: [{ name: 'x', dims: [1, 1, 12, 12] }], outputs: [{ name: 'y' }],
      nodes: [
        { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], name: 'conv' },
        { op: 'MaxPool', inputs: ['c'], outputs: ['p', 'i'], name: 'pool', attributes: { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } } },
        { op: 'MaxUnpool', inputs: ['p', 'i'], outputs: ['y'], name: 'unpool', attributes: { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } } },
      ],
      initializers: [{ name: 'w', dims: [1, 1, 3, 3], values: Array(9).fill(1) }],
    });
    const { graph, partial } = onnxAnalysisGraph(loadOnnx(bytes));
    assert.equal(partial, null);
    const report = analyzeGraph(graph);
    // Outputs 2j and 2j + 1 both read pooled j, which reads conv outputs 2j, 2j + 1, i.e. inputs 2j … 2j + 3.
    assert.deepEqual([report.output.rf, report.output.stride, report.output.padding], [[4, 4], [1, 1], [1, 1]]);
    assert.deepEqual(report.layers.at(-1)!.outputShape, [1, 10, 10]);
  });

  test('GroupNorm as PyTorch exports it (reshape to [N, G, −1], InstanceNormalization, reshape back) is global and keeps the grid', () => {
    const bytes = buildModel({
      inputs: [{ name: 'x', dims: [1, 4, 50] }], outputs: [{ name: 'y' }],
      nodes: [
        { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], name: 'conv' },
        { op: 'Reshape', inputs: ['c', 'grouped'], outputs: ['r'], name: 'view' },
        { op: 'InstanceNormalization', inputs: ['r', 'one', 'zero'], outputs: ['n'], name: 'norm' },
        { op: 'Reshape', inputs: ['n', 'back'], outputs: ['u'], name: 'unview' },
        { op: 'Add', inputs: ['u', 'c'], outputs: ['s'], name: 'residual' },
        { op: 'Conv', inputs: ['s', 'w2'], outputs: ['y'], name: 'conv2', attributes: { pads: { ints: [1, 1] } } },
      ],
      initializers: [
        { name: 'w', dims: [4, 4, 3], values: Array(48).fill(0.1) }, { name: 'w2', dims: [4, 4, 3], values: Array(48).fill(0.1) },
        ints('grouped', [1, 1, -1]), { name: 'one', dims: [1], values: [1] }, { name: 'zero', dims: [1], values: [0] }, ints('back', [1, 4, 48]),
      ],
    });
    const { graph, partial } = onnxAnalysisGraph(loadOnnx(bytes));
    assert.equal(partial, null);
    const report = analyzeGraph(graph);
    assert.equal(report.output.global, true);
    const conv2 = report.layers.find((l) => l.name === 'conv2')!;
    assert.deepEqual([conv2.outputShape, conv2.macs], [[4, 48], 48 * 48], 'the grid of 48 positions survives the view');
  });
});
