import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLES } from '../../examples/index.js';
import type { ExampleResult } from '../../examples/lib/example.js';

/**
 * Every example runs end to end in its smoke size (a few training steps): the numbers the analysis gives are
 * checked exactly; the trained numbers only for being numbers (a few steps decide nothing).
 */
async function runSmoke(name: string): Promise<ExampleResult> {
  const example = EXAMPLES.find((e) => e.name === name);
  assert.ok(example, `example ${name} is registered`);
  const outDir = mkdtempSync(join(tmpdir(), `atrous-example-${name}-`));
  try {
    const result = await example.run({ smoke: true, seed: 1, outDir, log: () => {} });
    for (const figure of result.figures) {
      assert.deepEqual([...readFileSync(figure).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], `${figure} is a PNG`);
    }
    for (const table of result.tables) {
      assert.ok(table.rows.length > 0);
      for (const row of table.rows) assert.equal(row.length, table.columns.length, `${table.title}: one cell per column`);
    }
    return result;
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

describe('the examples (smoke size)', () => {
  it('audio: the dilated TCN hears 253 samples (31.6 ms at 8 kHz), the undilated one 25, with the same parameters', async () => {
    const { metrics } = await runSmoke('audio');
    assert.equal(metrics['dilated.rf'], 253);
    assert.equal(metrics['undilated.rf'], 25);
    assert.equal(metrics['dilated.params'], metrics['undilated.params']);
    for (const key of ['dilated.snr', 'undilated.snr', 'noisy.snr']) assert.ok(Number.isFinite(metrics[key] as number), key);
  });

  it('segmentation: three schedules with one parameter budget, fields 9, 33 and 19, holes only at dilation 4', async () => {
    const { metrics } = await runSmoke('segmentation');
    assert.equal(metrics['dilation 1.rf'], 9);
    assert.equal(metrics['dilation 4.rf'], 33);
    assert.equal(metrics['HDC 1,2,5,1.rf'], 19);
    assert.equal(metrics['dilation 1.holes'], 0);
    // Dilation 4 everywhere reaches only offsets that are multiples of 4: 9×9 of the 33×33 field.
    assert.equal(metrics['dilation 4.holes'], 33 * 33 - 9 * 9);
    assert.equal(metrics['HDC 1,2,5,1.holes'], 0);
    assert.equal(metrics['dilation 1.params'], metrics['dilation 4.params']);
    assert.equal(metrics['dilation 1.params'], metrics['HDC 1,2,5,1.params']);
    assert.equal(metrics['dilation 1.macs'], metrics['HDC 1,2,5,1.macs']);
    for (const key of ['dilation 1.meanIoU', 'dilation 4.meanIoU', 'HDC 1,2,5,1.meanIoU']) {
      const v = metrics[key] as number;
      assert.ok(v >= 0 && v <= 1, `${key} = ${v}`);
    }
  });

  it('aspp: the single-rate head is within 5% of ASPP\'s multiply-adds, and every branch has an ablation row', async () => {
    const { metrics } = await runSmoke('aspp');
    const ratio = (metrics['single-rate.macs'] as number) / (metrics['aspp.macs'] as number);
    assert.ok(ratio > 0.95 && ratio < 1.05, `MAC ratio ${ratio}`);
    for (const branch of ['1×1', '3×3 rate 2', '3×3 rate 4', '3×3 rate 8', 'image pooling']) {
      assert.equal((metrics[`ablation.${branch}`] as number[]).length, 3);
    }
  });

  it('gridding: 2,2,2 has holes and uncorrelated neighbours on noise; 1,2,5 has neither', async () => {
    const { metrics } = await runSmoke('gridding');
    assert.equal(metrics['dilations 2,2,2.holes'], 13 * 13 - 7 * 7);
    assert.equal(metrics['dilations 1,2,5.holes'], 0);
    assert.ok(Math.abs(metrics['dilations 2,2,2.neighbourCorrelation'] as number) < 0.1);
    assert.ok((metrics['dilations 1,2,5.neighbourCorrelation'] as number) > 0.5);
    assert.equal(metrics['dilations 2,2,2.impulseOnLattice'], 1);
    assert.ok((metrics['dilations 1,2,5.impulseOnLattice'] as number) < 0.5);
  });

  it('pooling: same parameters, 8×8 against 32×32 outputs, the dilated net costs more multiply-adds', async () => {
    const { metrics } = await runSmoke('pooling');
    assert.equal(metrics['pooling.params'], metrics['dilation.params']);
    assert.equal(metrics['pooling.outputSize'], 8);
    assert.equal(metrics['dilation.outputSize'], 32);
    assert.ok((metrics['dilation.macs'] as number) > 4 * (metrics['pooling.macs'] as number));
  });
});
