import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { OnnxError } from '../../src/errors.js';
import { loadOnnx } from '../../src/onnx/model.js';
import { readNpy } from '../../src/tensor/npy.js';
import { randn } from '../../src/tensor/random.js';
import { buildModel } from './build-model.js';
import { relativeError, runOnnxRuntime } from './ort.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'onnx');
const manifest = JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')) as {
  torch: string;
  models: Record<string, { file: string; input: string; output: string; inputName: string }>;
};

/** The tolerance of the issue: relative error (max |a − b| / max |b|) at most 1e-4. */
const TOLERANCE = 1e-4;

describe('fixture models run by atrous equal PyTorch and onnxruntime-node', () => {
  for (const [name, m] of Object.entries(manifest.models)) {
    test(`${name} (torch ${manifest.torch})`, async () => {
      const bytes = readFileSync(join(FIXTURES, m.file));
      const x = readNpy(readFileSync(join(FIXTURES, m.input)));
      const torch = readNpy(readFileSync(join(FIXTURES, m.output)));
      const actual = loadOnnx(bytes).run({ [m.inputName]: x }).output;
      const ort = (await runOnnxRuntime(bytes, { [m.inputName]: x })).output;
      assert.deepEqual(actual.shape, torch.shape);
      assert.ok(relativeError(actual, torch) <= TOLERANCE, `vs PyTorch: ${relativeError(actual, torch)}`);
      assert.ok(relativeError(actual, ort) <= TOLERANCE, `vs onnxruntime: ${relativeError(actual, ort)}`);
    });
  }
});

describe('load-time folding of PyTorch shape arithmetic', () => {
  const bytes = readFileSync(join(FIXTURES, 'aspp.onnx'));

  test('the image-pooling branch\'s Shape/Gather/Unsqueeze/Concat/Cast chain folds, leaving only compute nodes', () => {
    const model = loadOnnx(bytes);
    const plan = model.plan({ input: [1, 16, 33, 33] });
    const shapeOps = new Set(['Shape', 'Gather', 'Unsqueeze', 'Concat', 'Cast', 'Constant', 'Slice']);
    const left = plan.steps.map((s) => s.node.opType);
    assert.ok(plan.folded >= 14, `folded ${plan.folded}`);
    assert.deepEqual(left.filter((op) => shapeOps.has(op)), ['Concat'], 'only the feature-map Concat runs');
    const resize = plan.steps.find((s) => s.node.opType === 'Resize')!;
    assert.deepEqual(resize.outputs[0].shape, [1, 8, 33, 33]);
  });

  test('the same model runs at other input sizes, each folded for its own shape', async () => {
    const model = loadOnnx(bytes);
    for (const shape of [[1, 16, 21, 17], [2, 16, 40, 40]]) {
      const x = randn(shape, 3);
      const actual = model.run({ input: x }).output;
      const ort = (await runOnnxRuntime(bytes, { input: x })).output;
      assert.deepEqual(actual.shape, [shape[0], 8, shape[2], shape[3]]);
      assert.ok(relativeError(actual, ort) <= TOLERANCE);
    }
  });

  test('planning a model with symbolic dims and no input shape asks for one', () => {
    assert.throws(() => loadOnnx(bytes).plan(), (e: unknown) => e instanceof OnnxError && /--input-shape input=/.test(e.message) && /\[batch, 16, size2, size3\]/.test(e.message));
  });

  test('an input that contradicts the declared dims is refused', () => {
    assert.throws(() => loadOnnx(bytes).run({ input: randn([1, 3, 33, 33], 1) }), /declares \[batch, 16, size2, size3\]/);
  });

  test('a constant a step reads at run time keeps its data when a folded node reads it last (Swin\'s window indices)', async () => {
    const model = buildModel({
      inputs: [{ name: 'x', dims: [1, 3, 4] }], outputs: [{ name: 'y' }],
      nodes: [
        { op: 'Constant', inputs: [], outputs: ['index'], attributes: { value: { t: { dims: [], dataType: 7, values: [2] } } } },
        { op: 'Gather', inputs: ['x', 'index'], outputs: ['picked'], attributes: { axis: { i: 1 } } },
        { op: 'Shape', inputs: ['x'], outputs: ['shape'] },
        { op: 'Gather', inputs: ['shape', 'index'], outputs: ['length'], attributes: { axis: { i: 0 } } },
        { op: 'Cast', inputs: ['length'], outputs: ['offset'], attributes: { to: { i: 1 } } },
        { op: 'Add', inputs: ['picked', 'offset'], outputs: ['y'] },
      ],
    });
    const x = randn([1, 3, 4], 9);
    assert.ok(relativeError(loadOnnx(model).run({ x }).y, (await runOnnxRuntime(model, { x })).y) <= 1e-7);
  });
});
