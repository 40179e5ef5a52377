import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { OnnxError } from '../../src/errors.js';
import { loadOnnxFile } from '../../src/onnx/load-file.js';
import { loadOnnx } from '../../src/onnx/model.js';
import { parseOnnx } from '../../src/onnx/onnx-graph.js';
import { tensor } from '../../src/tensor/tensor.js';
import { buildModel, tensorBytes, type TensorSpec } from './build-model.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'onnx');

/** y = x + c, with `c` stored as described by `constant`. */
function addModel(constant: TensorSpec, opset = 13): Uint8Array {
  return buildModel({
    opset,
    inputs: [{ name: 'x', dims: constant.dims }],
    outputs: [{ name: 'y' }],
    nodes: [{ op: 'Add', inputs: ['x', 'c'], outputs: ['y'] }],
    initializers: [{ ...constant, name: 'c' }],
  });
}

function rejects(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(() => loadOnnx(bytes), (e: unknown) => e instanceof OnnxError && pattern.test(e.message));
}

describe('ONNX import', () => {
  test('every committed fixture model parses, with its opset, inputs and outputs', () => {
    const manifest = JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8'));
    for (const [name, m] of Object.entries<{ file: string; opset: number }>(manifest.models)) {
      const graph = parseOnnx(readFileSync(join(FIXTURES, m.file)));
      assert.equal(graph.opset, m.opset, name);
      assert.deepEqual(graph.inputs.map((i) => i.name), ['input'], name);
      assert.deepEqual(graph.outputs.map((o) => o.name), ['output'], name);
      assert.ok(graph.initializers.size > 0, name);
    }
  });

  test('symbolic input dims are kept as their names', () => {
    const graph = parseOnnx(readFileSync(join(FIXTURES, 'aspp.onnx')));
    assert.deepEqual(graph.inputs[0].dims, ['batch', 16, 'size2', 'size3']);
  });

  test('initializers read from raw_data and from every typed field give the same values', () => {
    const values = [1.5, -2, 0.25, 8];
    const x = tensor([0, 0, 0, 0], [4]);
    for (const spec of [
      { dims: [4], values },
      { dims: [4], values, field: 'floatData' as const },
      { dims: [4], values, dataType: 11 },
      { dims: [4], values, dataType: 11, field: 'doubleData' as const },
    ]) {
      const model = loadOnnx(addModel(spec));
      assert.deepEqual(Array.from(model.run({ x }).y.data), values, JSON.stringify(spec));
    }
  });

  test('float16 initializers in raw_data and in int32_data decode to the same floats', () => {
    // 0x3c00 = 1, 0xc000 = -2, 0x3400 = 0.25, 0x7bff = 65504 (the largest half)
    const bits = [0x3c00, 0xc000, 0x3400, 0x7bff];
    const x = tensor([0, 0, 0, 0], [4]);
    for (const field of [undefined, 'int32Data' as const]) {
      const bytes = buildModel({
        inputs: [{ name: 'x', dims: [4] }], outputs: [{ name: 'y' }],
        nodes: [{ op: 'Cast', inputs: ['h'], outputs: ['f'], attributes: { to: { i: 1 } } }, { op: 'Add', inputs: ['x', 'f'], outputs: ['y'] }],
        initializers: [{ name: 'h', dims: [4], dataType: 10, values: bits, field }],
      });
      assert.deepEqual(Array.from(loadOnnx(bytes).run({ x }).y.data), [1, -2, 0.25, 65504], field ?? 'raw_data');
    }
  });

  test('int64 initializers keep values beyond 2^24 exact through shape arithmetic', () => {
    const bytes = buildModel({
      inputs: [{ name: 'x', dims: [2] }], outputs: [{ name: 'y' }],
      nodes: [
        { op: 'Sub', inputs: ['big', 'big1'], outputs: ['one'] },
        { op: 'Cast', inputs: ['one'], outputs: ['onef'], attributes: { to: { i: 1 } } },
        { op: 'Mul', inputs: ['x', 'onef'], outputs: ['y'] },
      ],
      initializers: [
        { name: 'big', dims: [1], dataType: 7, values: [2 ** 40 + 1] },
        { name: 'big1', dims: [1], dataType: 7, values: [2 ** 40], field: 'int64Data' },
      ],
    });
    assert.deepEqual(Array.from(loadOnnx(bytes).run({ x: tensor([3, 4]) }).y.data), [3, 4]);
  });

  test('an empty file, a .npy, a ZIP checkpoint and random text are refused as not ONNX', () => {
    rejects(new Uint8Array(0), /empty/);
    rejects(Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]), /NumPy/);
    rejects(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0]), /ZIP/);
    rejects(new TextEncoder().encode('hello, this is not a model'), /does not start like an ONNX ModelProto/);
  });

  test('a file cut short anywhere is an OnnxError, never another exception', () => {
    const bytes = readFileSync(join(FIXTURES, 'aspp-no-pooling.onnx'));
    for (let cut = 1; cut < bytes.length; cut += 97) {
      assert.throws(() => loadOnnx(bytes.subarray(0, cut)), OnnxError, `cut at ${cut}`);
    }
  });

  test('an absurd length field is refused before anything is allocated', () => {
    // ir_version 8, then field 7 (graph) claiming 2^62 bytes in a 12-byte file.
    const bytes = Uint8Array.from([0x08, 0x08, 0x3a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x3f]);
    rejects(bytes, /truncated or corrupted/);
  });

  test('an initializer whose dims promise more than its data is refused, however large the dims', () => {
    rejects(addModel({ dims: [4], values: [1, 2, 3] }), /needs 16 bytes but raw_data holds 12/);
    rejects(addModel({ dims: [4], values: [1, 2, 3], field: 'floatData' }), /needs 4 FLOAT values but holds 3/);
    rejects(addModel({ dims: [2 ** 20, 2 ** 20], values: [1] }), /more than atrous allocates/);
    rejects(addModel({ dims: [-3], values: [1] }), /non-negative integer/);
  });

  test('opsets outside 11–21 are refused with the supported range', () => {
    rejects(addModel({ dims: [1], values: [1] }, 9), /opset 9 is outside the supported range 11–21/);
    rejects(addModel({ dims: [1], values: [1] }, 22), /opset 22/);
  });

  test('every unsupported operator is listed at once, with its node names', () => {
    const bytes = buildModel({
      inputs: [{ name: 'x', dims: [1, 4] }], outputs: [{ name: 'z' }],
      nodes: [
        { op: 'Relu', inputs: ['x'], outputs: ['a'] },
        { op: 'NonMaxSuppression', inputs: ['a'], outputs: ['b'], name: 'nms' },
        { op: 'TopK', inputs: ['b'], outputs: ['c'], name: 'top1' },
        { op: 'TopK', inputs: ['c'], outputs: ['d'], name: 'top2' },
        { op: 'FusedConv', domain: 'com.microsoft', inputs: ['d'], outputs: ['z'], name: 'fused' },
      ],
    });
    assert.throws(() => loadOnnx(bytes), (e: unknown) => {
      assert.ok(e instanceof OnnxError);
      assert.match(e.message, /4 node\(s\) use operators atrous does not implement/);
      assert.match(e.message, /NonMaxSuppression \(1 node: nms\)/);
      assert.match(e.message, /TopK \(2 nodes: top1, top2\)/);
      assert.match(e.message, /com\.microsoft\.FusedConv \(1 node: fused\)/);
      return true;
    });
  });

  test('value_info and output shapes that contradict the planned shapes are refused; symbolic ones are not', () => {
    const model = (declared: (number | string)[]) => buildModel({
      inputs: [{ name: 'x', dims: [1, 2, 8] }], outputs: [{ name: 'y', dims: ['n', 2, 'len'] }],
      nodes: [
        { op: 'MaxPool', inputs: ['x'], outputs: ['p'], name: 'pool', attributes: { kernel_shape: { ints: [2] }, strides: { ints: [2] } } },
        { op: 'Relu', inputs: ['p'], outputs: ['y'] },
      ],
      valueInfo: [{ name: 'p', dims: declared }],
    });
    assert.deepEqual(loadOnnx(model([1, 2, 4])).run({ x: tensor(new Array(16).fill(1), [1, 2, 8]) }).y.shape, [1, 2, 4]);
    assert.deepEqual(loadOnnx(model(['n', 2, 'half'])).plan().steps.length, 2);
    assert.throws(() => loadOnnx(model([1, 2, 5])).plan(), (e: unknown) => e instanceof OnnxError && /computes "p" with shape \[1, 2, 4\], but the model declares \[1, 2, 5\]/.test(e.message));
  });

  test('a node reading a value nobody defines is refused by name', () => {
    const bytes = buildModel({
      inputs: [{ name: 'x', dims: [2] }], outputs: [{ name: 'y' }],
      nodes: [{ op: 'Add', inputs: ['x', 'ghost'], outputs: ['y'], name: 'adder' }],
    });
    rejects(bytes, /"adder" \(Add\) reads "ghost"/);
  });

  test('external data is read from the model folder, with offset and length', () => {
    const dir = mkdtempSync(join(tmpdir(), 'atrous-onnx-'));
    writeFileSync(join(dir, 'weights.bin'), Uint8Array.from([9, 9, 9, 9, ...tensorBytes([1, 2, 3])]));
    writeFileSync(join(dir, 'm.onnx'), addModel({ dims: [3], values: [], external: { location: 'weights.bin', offset: 4, length: 12 } }));
    const model = loadOnnxFile(join(dir, 'm.onnx'));
    assert.deepEqual(Array.from(model.run({ x: tensor([10, 20, 30]) }).y.data), [11, 22, 33]);
    assert.throws(() => loadOnnx(readFileSync(join(dir, 'm.onnx'))), /load the model with loadOnnxFile/);
  });

  test('external data outside the model folder, or past the end of its file, is refused', () => {
    const outside = mkdtempSync(join(tmpdir(), 'atrous-secret-'));
    writeFileSync(join(outside, 'secret.bin'), tensorBytes([1, 2, 3]));
    const dir = mkdtempSync(join(tmpdir(), 'atrous-onnx-'));
    symlinkSync(join(outside, 'secret.bin'), join(dir, 'link.bin'));
    writeFileSync(join(dir, 'w.bin'), tensorBytes([1, 2, 3]));
    const cases: [string, { location: string; offset?: number; length?: number }, RegExp][] = [
      ['dotdot', { location: '../secret.bin' }, /without "\.\."/],
      ['absolute', { location: join(outside, 'secret.bin') }, /relative path/],
      ['symlink', { location: 'link.bin' }, /resolves outside/],
      ['missing', { location: 'nope.bin' }, /does not exist/],
      ['past end', { location: 'w.bin', offset: 4, length: 12 }, /has only 12 bytes/],
    ];
    for (const [label, external, pattern] of cases) {
      writeFileSync(join(dir, `${label}.onnx`), addModel({ dims: [3], values: [], external }));
      assert.throws(() => loadOnnxFile(join(dir, `${label}.onnx`)), (e: unknown) => e instanceof OnnxError && pattern.test(e.message), label);
    }
  });
});
