/**
 * Issue 17, items 4, 6 and 11: ONNX files from outside. External data is read by range (a 12-byte tensor reads 12
 * bytes, files past 2 GiB work), constants saved with `convert_attribute=True` load, integer tensors and plan
 * intermediates respect the memory budget, folded intermediates are freed, and empty batches return at once.
 */
import assert from 'node:assert/strict';
import { closeSync, ftruncateSync, mkdtempSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MemoryLimitError, OnnxError } from '../../src/errors.js';
import { loadOnnx } from '../../src/onnx/model.js';
import { loadOnnxFile } from '../../src/onnx/load-file.js';
import { Tensor, tensor } from '../../src/tensor/tensor.js';
import { setMemoryLimit } from '../../src/tensor/memory-budget.js';
import { hasStack, runCli } from '../hardening/limited-child.js';
import { buildModel, tensorBytes, type TensorSpec } from './build-model.js';

/** y = x + w, with w as given. */
function addModel(w: TensorSpec): Uint8Array {
  return buildModel({
    inputs: [{ name: 'x', dims: [3] }], outputs: [{ name: 'y' }],
    nodes: [{ op: 'Add', inputs: ['x', 'w'], outputs: ['y'] }],
    initializers: [{ name: 'w', ...w }],
  });
}

function underBudget<T>(bytes: number, fn: () => T): T {
  const previous = setMemoryLimit(bytes);
  try { return fn(); } finally { setMemoryLimit(previous); }
}

describe('external data', () => {
  it('a 12-byte tensor past 2 GiB in a 3 GiB (sparse) file is read by range', () => {
    const dir = mkdtempSync(join(tmpdir(), 'atrous-ext-'));
    const offset = 2 ** 31 + 4096;
    const fd = openSync(join(dir, 'big.bin'), 'w');
    ftruncateSync(fd, 3 * 2 ** 30);
    writeSync(fd, tensorBytes([1, 2, 3]), 0, 12, offset);
    closeSync(fd);
    writeFileSync(join(dir, 'm.onnx'), addModel({ dims: [3], values: [], external: { location: 'big.bin', offset, length: 12 } }));
    const model = loadOnnxFile(join(dir, 'm.onnx'));
    assert.deepEqual(Array.from(model.run({ x: tensor([10, 20, 30]) }).y.data), [11, 22, 33]);
  });

  it('a custom reader is asked for exactly the range, and a wrong answer is an OnnxError', () => {
    const calls: unknown[] = [];
    const bytes = addModel({ dims: [3], values: [], external: { location: 'w.bin', offset: 8, length: 12 } });
    const model = loadOnnx(bytes, { externalData: (location, offset, length) => { calls.push([location, offset, length]); return tensorBytes([1, 2, 3]); } });
    assert.deepEqual(calls, [['w.bin', 8, 12]]);
    assert.deepEqual(Array.from(model.run({ x: tensor([0, 0, 0]) }).y.data), [1, 2, 3]);
    assert.throws(() => loadOnnx(bytes, { externalData: () => new Uint8Array(40) }), (e: unknown) => e instanceof OnnxError && /reader returned 40 bytes/.test((e as Error).message));
  });

  it('a Constant whose value attribute is stored externally (onnx convert_attribute=True) loads with loadOnnxFile', () => {
    const dir = mkdtempSync(join(tmpdir(), 'atrous-ext-'));
    writeFileSync(join(dir, 'c.bin'), tensorBytes([5, 6, 7]));
    writeFileSync(join(dir, 'm.onnx'), buildModel({
      inputs: [{ name: 'x', dims: [3] }], outputs: [{ name: 'y' }],
      nodes: [
        { op: 'Constant', inputs: [], outputs: ['c'], attributes: { value: { t: { dims: [3], values: [], external: { location: 'c.bin', offset: 0, length: 12 } } } } },
        { op: 'Add', inputs: ['x', 'c'], outputs: ['y'] },
      ],
    }));
    const model = loadOnnxFile(join(dir, 'm.onnx'));
    assert.deepEqual(Array.from(model.run({ x: tensor([1, 1, 1]) }).y.data), [6, 7, 8]);
  });
});

describe('memory budget for ONNX values', () => {
  it('two ConstantOfShape([2^28]) int64 nodes are refused by the budget of a 4 GiB process, naming the node', () => {
    const bytes = buildModel({
      inputs: [{ name: 'x', dims: [1] }], outputs: [{ name: 'y' }],
      nodes: [
        { op: 'ConstantOfShape', name: 'big', inputs: ['shape'], outputs: ['a'], attributes: { value: { t: { dims: [1], dataType: 7, values: [1] } } } },
        { op: 'ConstantOfShape', inputs: ['shape'], outputs: ['b'], attributes: { value: { t: { dims: [1], dataType: 7, values: [2] } } } },
        { op: 'Add', inputs: ['a', 'b'], outputs: ['y'] },
      ],
      initializers: [{ name: 'shape', dims: [1], dataType: 7, values: [2 ** 28] }],
    });
    underBudget(2 ** 30, () => {
      assert.throws(() => loadOnnx(bytes).plan({ x: [1] }), (e: unknown) => e instanceof MemoryLimitError && /^big: the output would need 2 GiB/.test((e as Error).message));
    });
  });
});

/** A model of `count` convolutions folded at load time (their input is a ConstantOfShape), added to the graph input. */
function foldedConvChain(count: number, length: number): Uint8Array {
  const nodes = [{ op: 'ConstantOfShape', inputs: ['shape'], outputs: ['c0'], attributes: { value: { t: { dims: [1], values: [0.5] } } } }] as Parameters<typeof buildModel>[0]['nodes'];
  for (let i = 1; i <= count; i++) nodes.push({ op: 'Conv', inputs: [`c${i - 1}`, 'w'], outputs: [`c${i}`], attributes: { pads: { ints: [1, 1] } } });
  nodes.push({ op: 'Add', inputs: ['x', `c${count}`], outputs: ['y'] });
  return buildModel({
    inputs: [{ name: 'x', dims: [1, 1, length] }], outputs: [{ name: 'y' }], nodes,
    initializers: [{ name: 'shape', dims: [3], dataType: 7, values: [1, 1, length] }, { name: 'w', dims: [1, 1, 3], values: [0.25, 0.5, 0.25] }],
  });
}

describe('the planner frees folded intermediates', () => {
  it('after planning, only the folded value still read at run time keeps its data', () => {
    const model = loadOnnx(foldedConvChain(10, 64));
    const plan = model.plan({ x: [1, 1, 64] });
    const kept = [...plan.infos].filter(([name, info]) => /^c\d+$/.test(name) && info.value !== undefined).map(([name]) => name);
    assert.deepEqual(kept, ['c10']);
    assert.deepEqual(Array.from(model.run({ x: tensor(new Float32Array(64), [1, 1, 64]) }).y.data.slice(10, 12)), [0.5, 0.5]);
  });

  it('atrous analyze of a small model of 100 folded convs of 2^21 values peaks well under 512 MB (not 800 MB)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atrous-fold-'));
    const bytes = foldedConvChain(100, 2 ** 21);
    assert.ok(bytes.length < 8192, `${bytes.length} bytes`);
    writeFileSync(join(dir, 'chain.onnx'), bytes);
    const r = await runCli(['analyze', join(dir, 'chain.onnx'), '--json'], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.peakMiB < 512, `peak ${r.peakMiB} MiB`);
  });
});

describe('empty batches through the CLI (child processes under 4 GiB)', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'atrous-empty-'));
  const conv = buildModel({
    inputs: [{ name: 'x', dims: ['N', 1, 'H', 'W'] }], outputs: [{ name: 'y' }],
    nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attributes: { dilations: { ints: [2, 2] }, pads: { ints: [2, 2, 2, 2] } } }],
    initializers: [{ name: 'w', dims: [1, 1, 3, 3], values: Array(9).fill(1) }],
  });
  writeFileSync(join(dir, 'conv.onnx'), conv);

  it('atrous run on a 128-byte .npy of shape (0, 1, 2^27, 2^27) writes an empty output', async () => {
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 1, 134217728, 134217728), }";
    const padded = header + ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
    const npy = new Uint8Array(10 + padded.length);
    npy.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    new DataView(npy.buffer).setUint16(8, padded.length, true);
    npy.set(new TextEncoder().encode(padded), 10);
    writeFileSync(join(dir, 'empty.npy'), npy);
    const r = await runCli(['run', join(dir, 'conv.onnx'), '--input', join(dir, 'empty.npy'), '--output', join(dir, 'y.npy'), '--json']);
    assert.ok(!r.timedOut && !hasStack(r.stderr), r.stderr);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).outputs[0].shape, [0, 1, 2 ** 27, 2 ** 27]);
  });

  it('atrous analyze with an empty batch answers or refuses by name', async () => {
    const r = await runCli(['analyze', join(dir, 'conv.onnx'), '--input-shape', '0,1,134217728,134217728', '--json']);
    assert.ok(!r.timedOut && !hasStack(r.stderr), r.stderr);
    assert.ok(r.code === 0 || r.code === 1 || r.code === 2, `exit ${r.code}: ${r.stderr}`);
  });

  it('a small empty batch runs in-process too', () => {
    const model = loadOnnx(conv);
    const y = model.run({ x: new Tensor(new Float32Array(0), [0, 1, 4, 4]) }).y;
    assert.deepEqual(y.shape, [0, 1, 4, 4]);
  });
});
