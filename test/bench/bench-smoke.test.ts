import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runSuite } from '../../bench/suite.js';
import { benchCommand } from '../../src/cli/commands/bench.js';
import { UsageError } from '../../src/cli/command.js';

describe('the in-process benchmark (--in-process)', () => {
  it('runs every contestant on a tiny layer in --quick mode and reports rows, ratios, unsupported peers and its label', async () => {
    const result = await runSuite({ quick: true, shapes: ['tiny'] });
    const names = result.rows.map((r) => r.contestant);
    for (const expected of ['atrous js', 'atrous reference', 'tfjs-wasm', 'tfjs-cpu', 'ort-web ×1', 'ort-web ×2', 'onnxruntime-node', 'atrous js backward']) {
      assert.ok(names.includes(expected), `missing row ${expected}`);
    }
    const measured = result.rows.filter((r) => r.samplesMs.length > 0);
    assert.ok(measured.some((r) => r.contestant.startsWith('atrous')), 'no atrous row was measured');
    for (const row of measured) assert.ok(row.gflops > 0 && row.samplesMs.length === 3, `${row.contestant}: ${row.samplesMs.length} samples`);
    const tfjs = result.rows.find((r) => r.contestant === 'tfjs-wasm')!;
    assert.match(tfjs.unsupported ?? '', /strides and dilations/);
    assert.match(result.text, /ratios/);
    assert.match(result.text, /IN-PROCESS/);
    assert.equal(result.environment.mode, 'in-process');
    assert.equal(result.summary.perShape[0].shape, 'tiny');
  });
});

describe('atrous bench options', () => {
  const io = { out: () => undefined, err: () => undefined };
  const run = async (args: string[]): Promise<number> => benchCommand.run(args, io);
  it('refuses options of the other mode, contradictory switches and unknown names as usage errors', async () => {
    await assert.rejects(run(['--models', '--shapes', 'aspp']), (e: unknown) => e instanceof UsageError && /--shapes applies to the layer bench/.test(e.message));
    await assert.rejects(run(['--heap-runs', '5']), (e: unknown) => e instanceof UsageError && /--heap-runs applies to the models bench/.test(e.message));
    await assert.rejects(run(['--models', '--skip-training', '--training-only']), (e: unknown) => e instanceof UsageError && /exclude each other/.test(e.message));
    await assert.rejects(run(['--in-process', '--contenders', 'atrous-js']), (e: unknown) => e instanceof UsageError && /--in-process runs its fixed contender set/.test(e.message));
    await assert.rejects(run(['--contenders', 'mxnet']), (e: unknown) => e instanceof UsageError && /unknown bench contender "mxnet"/.test(e.message));
    await assert.rejects(run(['--models', '--select', 'bert']), (e: unknown) => e instanceof UsageError && /unknown bench model "bert"/.test(e.message));
  });
});
