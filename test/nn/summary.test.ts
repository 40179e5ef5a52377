import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random, ShapeError, TCN, summary, writeSafetensors } from '../../src/index.js';
import { main } from '../../src/cli/main.js';

const tcn = () => new TCN({ inputChannels: 1, channels: [4, 4], kernelSize: 3, random: new Random(1) });

describe('summary(module, inputShape)', () => {
  it('tabulates output shapes with the batch, parameters, MACs and each layer\'s receptive field', () => {
    const model = tcn();
    model.network.modules[0].setRequiresGrad(false);
    const s = summary(model, [2, 1, 100]);
    const conv2 = s.rows.find((r) => r.name === 'network.1.conv2')!;
    assert.deepEqual(conv2.outputShape, [2, 4, 100]);
    assert.equal(conv2.params, 4 * 4 * 3 + 4);
    assert.equal(conv2.macs, 2 * 4 * 4 * 3 * 100);
    assert.deepEqual([conv2.rf, conv2.stride, conv2.padding], [[13], [1], [12]]);
    assert.equal(s.totalParams, model.parameterCount());
    assert.equal(s.trainableParams, model.parameterCount() - model.network.modules[0].parameterCount());
    assert.deepEqual(s.output.rf, [13]);
    assert.match(s.text, /Layer \(type\) +Output Shape +Param # +MACs +RF +Stride +Padding/);
    assert.match(s.text, /Receptive field: 13, effective stride 1, effective padding 12/);
  });

  it('refuses an input shape without batch and channels', () => {
    assert.throws(() => summary(tcn(), [100]), ShapeError);
  });

  it('atrous summary reads a .safetensors state dict with its block config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atrous-summary-'));
    writeFileSync(join(dir, 'tcn.safetensors'), writeSafetensors(tcn().stateDict()));
    writeFileSync(join(dir, 'tcn.json'), JSON.stringify({ type: 'TCN', inputChannels: 1, channels: [4, 4], kernelSize: 3 }));
    const out: string[] = [];
    const code = await main(['summary', join(dir, 'tcn.safetensors'), '--model-config', join(dir, 'tcn.json'), '--input-shape', '1,1,64', '--json'], { out: (t) => out.push(t), err: (t) => out.push(t) });
    assert.equal(code, 0, out.join('\n'));
    const result = JSON.parse(out.join('')) as { totalParams: number; output: { rf: number[] } };
    assert.equal(result.totalParams, tcn().parameterCount());
    assert.deepEqual(result.output.rf, [13]);
  });
});
