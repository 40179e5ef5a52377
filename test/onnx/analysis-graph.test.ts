import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyzeGraph } from '../../src/analysis/analyze.js';
import { loadOnnx } from '../../src/onnx/model.js';
import { onnxAnalysisGraph } from '../../src/onnx/analysis-graph.js';
import { buildModel } from './build-model.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'onnx');
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
      assert.deepEqual(report.output, { rf: [rf, rf], stride: [stride, stride], padding: [padding, padding], global: false, aligned: true });
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

  test('a channel shuffle passes the grid through; a channel slice ends the analysed path with a note', () => {
    const ints = (name: string, values: number[]) => ({ name, dims: [values.length], dataType: 7, values });
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
    const { graph, notes } = onnxAnalysisGraph(loadOnnx(bytes));
    assert.equal(graph.output, 'relu');
    assert.deepEqual(analyzeGraph(graph).output.rf, [5, 5]);
    assert.match(notes[0], /half \(Slice\): Slice selects a subset of the channels/);
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

  test('a resize by a non-integer factor ends the analysed path with a note', () => {
    const bytes = buildModel({
      inputs: [{ name: 'x', dims: [1, 1, 10, 10] }], outputs: [{ name: 'y' }],
      nodes: [
        { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], name: 'conv', attributes: { strides: { ints: [2, 2] } } },
        { op: 'Resize', inputs: ['c', '', '', 'sizes'], outputs: ['r'], name: 'resize', attributes: { mode: { s: 'linear' } } },
        { op: 'Relu', inputs: ['r'], outputs: ['y'] },
      ],
      initializers: [{ name: 'w', dims: [1, 1, 3, 3], values: Array(9).fill(1) }, { name: 'sizes', dims: [4], dataType: 7, values: [1, 1, 10, 10] }],
    });
    const { graph, notes } = onnxAnalysisGraph(loadOnnx(bytes));
    assert.equal(graph.output, 'conv');
    assert.match(notes[0], /resize \(Resize\): resize from 4×4 to 10×10 is not by an integer factor/);
  });
});
