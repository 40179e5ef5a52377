import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runSuite } from '../../bench/suite.js';

describe('the benchmark harness', () => {
  it('runs every contestant on a tiny layer in --quick mode and reports rows, ratios and unsupported peers', async () => {
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
    assert.equal(result.summary.perShape[0].shape, 'tiny');
  });
});
