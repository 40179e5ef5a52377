import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { PARTIAL_EXIT_CODE } from '../../src/cli/commands/analyze.js';
import { main } from '../../src/cli/main.js';
import { loadOnnx } from '../../src/onnx/model.js';
import { readNpy } from '../../src/tensor/npy.js';
import { buildModel } from './build-model.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'onnx');

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await main(args, { out: (t) => { out += `${t}\n`; }, err: (t) => { err += `${t}\n`; } });
  return { code, out, err };
}

describe('atrous analyze and atrous run', () => {
  test('analyze --json prints the DESIGN.md object for an ONNX file', async () => {
    const { code, out } = await cli(['analyze', join(FIXTURES, 'vgg16-narrow.onnx'), '--json']);
    assert.equal(code, 0);
    const report = JSON.parse(out);
    assert.deepEqual(report.output, { rf: [212, 212], stride: [32, 32], padding: [90, 90], global: false, aligned: true, exact: true, partial: false });
    for (const key of ['name', 'op', 'outputShape', 'rf', 'stride', 'padding', 'params', 'macs']) assert.ok(key in report.layers[1], key);
    assert.deepEqual(report.layers.slice(0, 6).map((l: { op: string }) => l.op), ['input', 'Conv', 'Relu', 'Conv', 'Relu', 'MaxPool']);
    assert.ok(Array.isArray(report.coverage.multiplicity));
    assert.ok(Array.isArray(report.warnings));
    assert.equal(report.model.opset, 13);
  });

  test('analyze prints a per-layer table and the network receptive field', async () => {
    const { code, out } = await cli(['analyze', join(FIXTURES, 'wavenet.onnx')]);
    assert.equal(code, 0);
    assert.match(out, /layer\s+op\s+output\s+RF\s+stride\s+padding\s+params\s+MACs/);
    assert.match(out, /receptive field of \S+: 127, effective stride 1, effective padding 126/);
  });

  test('a partial analysis says so in the table, in --json and in the exit code (3)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atrous-analyze-'));
    const file = join(dir, 'swap.onnx');
    writeFileSync(file, buildModel({
      inputs: [{ name: 'x', dims: [1, 1, 6, 6] }], outputs: [{ name: 'y' }],
      nodes: [
        { op: 'Conv', inputs: ['x', 'w'], outputs: ['c'], name: 'conv' },
        { op: 'Transpose', inputs: ['c'], outputs: ['y'], name: 'swap_hw', attributes: { perm: { ints: [0, 1, 3, 2] } } },
      ],
      initializers: [{ name: 'w', dims: [1, 1, 3, 3], values: Array(9).fill(1) }],
    }));
    const table = await cli(['analyze', file]);
    assert.equal(table.code, PARTIAL_EXIT_CODE);
    assert.match(table.out, /PARTIAL — the analysis stopped at swap_hw \(Transpose\)/);
    assert.doesNotMatch(table.out, /receptive field of/);
    const json = await cli(['analyze', file, '--json']);
    assert.equal(json.code, 3);
    const output = JSON.parse(json.out).output;
    assert.deepEqual([output.partial, output.stoppedAt.node, output.stoppedAt.opType], [true, 'swap_hw', 'Transpose']);
  });

  test('analyze with symbolic dims needs --input-shape, and uses it', async () => {
    const missing = await cli(['analyze', join(FIXTURES, 'aspp.onnx')]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /--input-shape input=1,16,224,224/);
    const given = await cli(['analyze', join(FIXTURES, 'aspp.onnx'), '--input-shape', 'input=1,16,65,65', '--json']);
    assert.equal(given.code, 0);
    assert.deepEqual(JSON.parse(given.out).output.rf, [65, 65]);
  });

  test('run writes the output the library computes, as .npy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atrous-run-'));
    const { code, out } = await cli(['run', join(FIXTURES, 'context-module.onnx'), '--input', join(FIXTURES, 'context-module.input.npy'), '--output', join(dir, 'y.npy'), '--json']);
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(out).outputs[0].shape, [1, 8, 48, 48]);
    const written = readNpy(readFileSync(join(dir, 'y.npy')));
    const expected = loadOnnx(readFileSync(join(FIXTURES, 'context-module.onnx'))).run({ input: readNpy(readFileSync(join(FIXTURES, 'context-module.input.npy'))) }).output;
    assert.deepEqual(written.data, expected.data);
  });

  test('a file that is not ONNX exits 1 with one line naming the problem; a missing flag exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atrous-run-'));
    writeFileSync(join(dir, 'x.onnx'), 'definitely not protobuf');
    const bad = await cli(['analyze', join(dir, 'x.onnx')]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /^atrous analyze: the file does not start like an ONNX ModelProto/);
    assert.equal((await cli(['run', join(FIXTURES, 'wavenet.onnx'), '--input', 'x.npy'])).code, 2);
  });
});
