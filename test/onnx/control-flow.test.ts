import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OnnxError } from '../../src/errors.js';
import { loadOnnx } from '../../src/onnx/model.js';
import { onnxAnalysisGraph } from '../../src/onnx/analysis-graph.js';
import { randn } from '../../src/tensor/random.js';
import { buildModel, type NodeSpec, type TensorSpec } from './build-model.js';
import { relativeError, runOnnxRuntime } from './ort.js';

const int64 = (name: string, values: number[], dims = [values.length]): TensorSpec => ({ name, dims, dataType: 7, values });

/** `size = Shape(x)[axis]` as PyTorch writes it (Shape → Gather), a value the planner folds. */
const sizeOf = (x: string, axis: number, out: string): NodeSpec[] => [
  { op: 'Shape', inputs: [x], outputs: [`${out}:shape`] },
  { op: 'Gather', inputs: [`${out}:shape`, `${out}:axis`], outputs: [out], attributes: { axis: { i: 0 } } },
];
const sizeAxis = (out: string, axis: number): TensorSpec => int64(`${out}:axis`, [axis], []);

/**
 * PyTorch 1.13's `squeeze(dim)` where the dim's size is not known when exporting: If (size == 1) → Squeeze,
 * else → Identity. Here the then branch also reads a value of the outer graph (`x`) and has its own constant.
 */
function squeezeIf(): Uint8Array {
  return buildModel({
    opset: 13,
    inputs: [{ name: 'x', dims: [1, 'c', 6] }], outputs: [{ name: 'y' }],
    nodes: [
      ...sizeOf('x', 1, 'c'),
      { op: 'Equal', inputs: ['c', 'one'], outputs: ['single'] },
      {
        op: 'If', inputs: ['single'], outputs: ['y'], name: 'squeeze_if',
        attributes: {
          then_branch: { g: { inputs: [], outputs: [{ name: 't' }], initializers: [int64('axes', [1])], nodes: [{ op: 'Squeeze', inputs: ['x', 'axes'], outputs: ['t'] }] } },
          else_branch: { g: { inputs: [], outputs: [{ name: 'e' }], nodes: [{ op: 'Neg', inputs: ['x'], outputs: ['e'] }] } },
        },
      },
    ],
    initializers: [sizeAxis('c', 1), int64('one', [1], [])],
  });
}

/**
 * `torch.tensor_split(x, (1,), dim=2)` as PyTorch 1.13 exports it: a Loop over the split points fills a sequence
 * with Slices (the sequence is loop-carried), and SequenceAt takes the pieces out. The loop's trip count comes
 * from a constant; a scan output stacks each iteration's running sum, and the iteration number feeds the body.
 */
function tensorSplitLoop(): Uint8Array {
  return buildModel({
    opset: 13,
    inputs: [{ name: 'x', dims: [1, 3, 'n'] }], outputs: [{ name: 'first' }, { name: 'rest' }, { name: 'stacked' }, { name: 'count' }],
    nodes: [
      ...sizeOf('x', 2, 'n'),
      { op: 'Unsqueeze', inputs: ['n', 'zero_axis'], outputs: ['n1'] },
      { op: 'Concat', inputs: ['bounds_start', 'n1'], outputs: ['bounds'], attributes: { axis: { i: 0 } } },
      { op: 'SequenceEmpty', inputs: [], outputs: ['empty'], attributes: { dtype: { i: 1 } } },
      {
        op: 'Loop', inputs: ['trips', 'go', 'empty', 'x'], outputs: ['pieces', 'last', 'scan'], name: 'split_loop',
        attributes: {
          body: {
            g: {
              inputs: [{ name: 'i', elemType: 7, dims: [] }, { name: 'cond_in', elemType: 9, dims: [] }, { name: 'seq_in', sequence: true }, { name: 'acc_in' }],
              outputs: [{ name: 'cond_out', elemType: 9, dims: [] }, { name: 'seq_out', sequence: true }, { name: 'acc_out' }, { name: 'scan_out' }],
              initializers: [int64('one_step', [1]), int64('two', [2])],
              nodes: [
                { op: 'Identity', inputs: ['cond_in'], outputs: ['cond_out'] },
                { op: 'Unsqueeze', inputs: ['i', 'zero_axis'], outputs: ['i1'] },
                { op: 'Add', inputs: ['i1', 'one_step'], outputs: ['i2'] },
                { op: 'Gather', inputs: ['bounds', 'i1'], outputs: ['start'], attributes: { axis: { i: 0 } } },
                { op: 'Gather', inputs: ['bounds', 'i2'], outputs: ['end'], attributes: { axis: { i: 0 } } },
                { op: 'Slice', inputs: ['x', 'start', 'end', 'two'], outputs: ['piece'] },
                { op: 'SequenceInsert', inputs: ['seq_in', 'piece'], outputs: ['seq_out'] },
                { op: 'Cast', inputs: ['i'], outputs: ['i_float'], attributes: { to: { i: 1 } } },
                { op: 'Add', inputs: ['acc_in', 'i_float'], outputs: ['acc_out'] },
                { op: 'Mul', inputs: ['acc_out', 'x'], outputs: ['scan_out'] },
              ],
            },
          },
        },
      },
      { op: 'SequenceAt', inputs: ['pieces', 'at_zero'], outputs: ['first'] },
      { op: 'SequenceAt', inputs: ['pieces', 'at_last'], outputs: ['rest'] },
      { op: 'Identity', inputs: ['scan'], outputs: ['stacked'] },
      { op: 'SequenceLength', inputs: ['pieces'], outputs: ['count_int'] },
      { op: 'Cast', inputs: ['count_int'], outputs: ['count'], attributes: { to: { i: 1 } } },
    ],
    initializers: [
      sizeAxis('n', 2), int64('zero_axis', [0]), int64('bounds_start', [0, 1]), int64('trips', [2], []),
      { name: 'go', dims: [], dataType: 9, values: [1] }, int64('at_zero', [0], []), int64('at_last', [-1], []),
    ],
  });
}

/** SplitToSequence and ConcatFromSequence (with and without a new axis) in the main graph. */
function sequenceRoundTrip(): Uint8Array {
  return buildModel({
    opset: 13,
    inputs: [{ name: 'x', dims: [2, 6] }], outputs: [{ name: 'joined' }, { name: 'stacked' }, { name: 'third' }],
    nodes: [
      { op: 'SplitToSequence', inputs: ['x', 'sizes'], outputs: ['parts'], attributes: { axis: { i: 1 } } },
      { op: 'ConcatFromSequence', inputs: ['parts'], outputs: ['joined'], attributes: { axis: { i: 0 } } },
      { op: 'SplitToSequence', inputs: ['x'], outputs: ['rows'], attributes: { axis: { i: 0 }, keepdims: { i: 0 } } },
      { op: 'ConcatFromSequence', inputs: ['rows'], outputs: ['stacked'], attributes: { axis: { i: 1 }, new_axis: { i: 1 } } },
      { op: 'SequenceAt', inputs: ['parts', 'two'], outputs: ['third'] },
    ],
    initializers: [int64('sizes', [2, 2, 2]), int64('two', [2], [])],
  });
}

async function assertEqualsOrt(bytes: Uint8Array, x: ReturnType<typeof randn>): Promise<void> {
  const ours = loadOnnx(bytes).run({ x });
  const theirs = await runOnnxRuntime(bytes, { x });
  for (const [name, expected] of Object.entries(theirs)) {
    assert.deepEqual(ours[name].shape, expected.shape, `${name} shape`);
    assert.ok(relativeError(ours[name], expected) <= 1e-6, `${name}: ${relativeError(ours[name], expected)}`);
  }
}

describe('control flow and sequences, resolved while planning, equal onnxruntime', () => {
  test('If on a folded shape condition inlines the branch it picks (both branches, outer values, branch constants)', async () => {
    const bytes = squeezeIf();
    await assertEqualsOrt(bytes, randn([1, 1, 6], 1));
    await assertEqualsOrt(bytes, randn([1, 3, 6], 2));
    const plan = loadOnnx(bytes).plan({ x: [1, 3, 6] });
    assert.deepEqual(plan.steps.map((s) => s.node.opType), ['Neg', 'Identity'], 'only the else branch runs');
  });

  test('a Loop that fills a loop-carried sequence (torch.tensor_split), with a scan output and the iteration number', async () => {
    const bytes = tensorSplitLoop();
    await assertEqualsOrt(bytes, randn([1, 3, 5], 3));
    await assertEqualsOrt(bytes, randn([1, 3, 2], 4));
  });

  test('SplitToSequence → ConcatFromSequence, with and without a new axis, and SequenceAt', async () => {
    await assertEqualsOrt(sequenceRoundTrip(), randn([2, 6], 5));
  });

  test('the analysis walks through the inlined nodes', () => {
    const { graph, partial } = onnxAnalysisGraph(loadOnnx(tensorSplitLoop()), { x: [1, 3, 9] });
    assert.equal(partial, null);
    assert.ok(graph.nodes.length > 1);
  });

  test('a condition known only at run time, or a loop past the bound, is refused naming the node', () => {
    const dynamic = buildModel({
      opset: 13,
      inputs: [{ name: 'x', dims: [1] }], outputs: [{ name: 'y' }],
      nodes: [
        { op: 'Greater', inputs: ['x', 'zero'], outputs: ['positive'] },
        {
          op: 'If', inputs: ['positive'], outputs: ['y'], name: 'data_if',
          attributes: {
            then_branch: { g: { inputs: [], outputs: [{ name: 'a' }], nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['a'] }] } },
            else_branch: { g: { inputs: [], outputs: [{ name: 'b' }], nodes: [{ op: 'Neg', inputs: ['x'], outputs: ['b'] }] } },
          },
        },
      ],
      initializers: [{ name: 'zero', dims: [1], values: [0] }],
    });
    assert.throws(() => loadOnnx(dynamic).plan({ x: [1] }), (e: unknown) => e instanceof OnnxError && /data_if/.test(e.message) && /known only when the model runs/.test(e.message));
    const endless = buildModel({
      opset: 13,
      inputs: [{ name: 'x', dims: [1] }], outputs: [{ name: 'y' }],
      nodes: [{
        op: 'Loop', inputs: ['', 'go', 'x'], outputs: ['y'], name: 'forever',
        attributes: {
          body: {
            g: {
              inputs: [{ name: 'i', elemType: 7, dims: [] }, { name: 'c', elemType: 9, dims: [] }, { name: 'v' }],
              outputs: [{ name: 'c2', elemType: 9, dims: [] }, { name: 'v2' }],
              nodes: [{ op: 'Identity', inputs: ['c'], outputs: ['c2'] }, { op: 'Neg', inputs: ['v'], outputs: ['v2'] }],
            },
          },
        },
      }],
      initializers: [{ name: 'go', dims: [], dataType: 9, values: [1] }],
    });
    assert.throws(() => loadOnnx(endless).plan({ x: [1] }), (e: unknown) => e instanceof OnnxError && /forever/.test(e.message) && /4096/.test(e.message));
  });
});
