import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runIsolatedSuite } from '../../bench/isolated-suite.js';
import { runModelSuite } from '../../bench/models-suite.js';
import { measurePeak } from '../../bench/peak.js';
import { RESULT_MARKER, runProcess } from '../../bench/spawn.js';

describe('the isolated benchmark', () => {
  it('runs each contender in its own process and reports samples, efficiency, the load average and the peak', async () => {
    const result = await runIsolatedSuite({ quick: true, shapes: ['tiny'], contenders: ['atrous-wasm-1', 'atrous-js', 'ort-node'], rounds: 2 });
    const byName = new Map(result.rows.map((r) => [r.contestant, r]));
    for (const name of ['atrous wasm ×1', 'atrous js', 'onnxruntime-node']) {
      const row = byName.get(name);
      assert.ok(row, `missing row ${name}`);
      assert.equal(row.samplesMs.length, 2, `${name}: one sample per round`);
      assert.ok(row.gflops > 0 && row.usefulGflops > 0 && row.usefulGflops < row.gflops, name);
    }
    assert.ok(byName.get('atrous wasm ×1')!.efficiency > 0, 'a WASM row has an efficiency');
    assert.ok(Number.isNaN(byName.get('onnxruntime-node')!.efficiency), 'native code has no WASM efficiency');
    assert.equal(result.environment.mode, 'isolated');
    assert.match(result.text, /load average [\d.]+, [\d.]+, [\d.]+ at start/);
    assert.match(result.text, /plain SIMD [\d.]+ GFLOP\/s/);
  });

  it('refuses an unknown contender by name, listing the valid ones', async () => {
    await assert.rejects(runIsolatedSuite({ quick: true, shapes: ['tiny'], contenders: ['tfjs-webgl'] }), /unknown bench contender "tfjs-webgl"; valid: atrous-wasm-1, /);
    await assert.rejects(runModelSuite({ select: ['resnet152'] }), /unknown bench model "resnet152"; valid: wavenet, /);
    await assert.rejects(runModelSuite({ contenders: ['tfjs-wasm'] }), /unknown bench contender "tfjs-wasm"; valid with --models: atrous, /);
  });
});

describe('a benchmark child process', () => {
  it('returns the result line it prints', async () => {
    const outcome = await runProcess(process.execPath, ['-e', `console.log('noise'); console.log(${JSON.stringify(RESULT_MARKER)} + JSON.stringify({ ms: [1, 2] }))`], 30_000);
    assert.deepEqual(outcome, { ok: true, value: { ms: [1, 2] } });
  });

  it('reports a crash with the last lines of its stderr, never throwing', async () => {
    const outcome = await runProcess(process.execPath, ['-e', `process.stderr.write('OnnxError: loadOnnx: InstanceNormalization\\n'); process.exit(1)`], 30_000);
    assert.deepEqual(outcome, { ok: false, error: 'OnnxError: loadOnnx: InstanceNormalization' });
  });

  it('is killed when it outlives its time limit', async () => {
    const outcome = await runProcess(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], 300);
    assert.equal(outcome.ok, false);
    assert.match(!outcome.ok ? outcome.error : '', /timed out after 0 s/);
  });
});

describe('the peak probe', () => {
  it('measures a positive plain-SIMD multiply-add rate, and relaxed SIMD where the engine validates it', () => {
    const peak = measurePeak({ repeats: 1, callMs: 5 });
    assert.ok(peak.plain > 0);
    const relaxedValidates = WebAssembly.validate(readFileSync(new URL('../../bench/peak-probe-relaxed-simd.wasm', import.meta.url)));
    assert.equal(peak.relaxed !== null, relaxedValidates);
    assert.ok(peak.relaxed === null || peak.relaxed > 0);
  });
});
