import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noGrad } from '../../src/autograd/variable.js';
import { main } from '../../src/cli/main.js';
import { TCN } from '../../src/nn/blocks/tcn.js';
import { WaveNet } from '../../src/nn/blocks/wavenet.js';
import { Random } from '../../src/tensor/random.js';
import { writeSafetensors } from '../../src/tensor/safetensors.js';
import { Tensor } from '../../src/tensor/tensor.js';

/** A `--model-config` object's options: everything but its `"type"`, which names the class. */
function withoutType<C extends { type: string }>(config: C): Omit<C, 'type'> {
  const { type: _type, ...options } = config;
  return options;
}
import { readWav, writeWav } from '../../src/tensor/wav.js';

async function atrous(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const code = await main(args, { out: (t) => { out += `${t}\n`; }, err: (t) => { err += `${t}\n`; } });
  return { code, out, err };
}

/** A folder with a random TCN's config and weights and a two-channel 16 kHz WAV. */
function workspace(): { dir: string; weights: string; config: string; wav: string; model: TCN; signal: Float32Array[] } {
  const dir = mkdtempSync(join(tmpdir(), 'atrous-stream-'));
  const config = { type: 'TCN', inputChannels: 2, channels: [4, 2], kernelSize: 3 };
  const model = new TCN({ ...withoutType(config), random: new Random(3) }).eval();
  writeFileSync(join(dir, 'tcn.json'), JSON.stringify(config));
  writeFileSync(join(dir, 'tcn.safetensors'), writeSafetensors(model.stateDict()));
  const signal = [0, 1].map((c) => Float32Array.from({ length: 3000 }, (_, i) => 0.5 * Math.sin(i * (0.01 + 0.02 * c))));
  writeFileSync(join(dir, 'in.wav'), writeWav({ sampleRate: 16000, channels: signal }, { encoding: 'float32' }));
  return { dir, weights: join(dir, 'tcn.safetensors'), config: join(dir, 'tcn.json'), wav: join(dir, 'in.wav'), model, signal };
}

describe('atrous stream', () => {
  it('applies the model chunk by chunk, equal to its full forward, and reports the real-time factor', async () => {
    const w = workspace();
    const out = join(w.dir, 'out.wav');
    const r = await atrous(['stream', w.weights, '--model-config', w.config, '--in', w.wav, '--out', out, '--chunk', '700', '--json']);
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(r.out) as Record<string, number>;
    assert.equal(report.streams, 1);
    assert.equal(report.outChannels, 2);
    assert.ok(report.realTimeFactor > 0);
    const x = new Float32Array(6000);
    x.set(w.signal[0]); x.set(w.signal[1], 3000);
    const expected = noGrad(() => w.model.forward(new Tensor(x, [1, 2, 3000]))).value;
    const got = readWav(readFileSync(out));
    assert.equal(got.sampleRate, 16000);
    for (let c = 0; c < 2; c++) {
      for (let t = 0; t < 3000; t++) assert.ok(Math.abs(got.channels[c][t] - expected.data[c * 3000 + t]) <= 1e-5);
    }
  });

  it('runs a one-channel model on each channel of a stereo file as a batch of two streams', async () => {
    const w = workspace();
    const config = { type: 'WaveNet', inChannels: 1, outChannels: 1, residualChannels: 4, skipChannels: 4, layersPerStack: 3 };
    const net = new WaveNet({ ...withoutType(config), random: new Random(5) }).eval();
    writeFileSync(join(w.dir, 'wn.json'), JSON.stringify(config));
    writeFileSync(join(w.dir, 'wn.safetensors'), writeSafetensors(net.stateDict()));
    const out = join(w.dir, 'wn.wav');
    const r = await atrous(['stream', join(w.dir, 'wn.safetensors'), '--model-config', join(w.dir, 'wn.json'), '--in', w.wav, '--out', out]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /2 stream\(s\) × 1 → 1 channel\(s\), 16000 Hz.*× real time/);
    const got = readWav(readFileSync(out));
    for (let c = 0; c < 2; c++) {
      const expected = noGrad(() => net.forward(new Tensor(w.signal[c], [1, 1, 3000]))).value;
      for (let t = 0; t < 3000; t++) assert.ok(Math.abs(got.channels[c][t] - expected.data[t]) <= 1e-5);
    }
  });

  it('a truncated input WAV fails with a typed error and leaves no output file, not even a temporary', async () => {
    const w = workspace();
    writeFileSync(w.wav, readFileSync(w.wav).subarray(0, 1000));
    const out = join(w.dir, 'out.wav');
    const r = await atrous(['stream', w.weights, '--model-config', w.config, '--in', w.wav, '--out', out]);
    assert.equal(r.code, 1);
    assert.match(r.err, /atrous stream: truncated: the "data" chunk declares 24000 bytes but only 956 follow/);
    assert.equal(existsSync(out), false);
    assert.deepEqual(readdirSync(w.dir).sort(), ['in.wav', 'tcn.json', 'tcn.safetensors']);
  });

  it('an unwritable output leaves the folder as it was and says why', async () => {
    const w = workspace();
    const r = await atrous(['stream', w.weights, '--model-config', w.config, '--in', w.wav, '--out', join(w.dir, 'missing', 'out.wav')]);
    assert.equal(r.code, 1);
    assert.match(r.err, /cannot write .*missing\/out\.wav/);
    assert.deepEqual(readdirSync(w.dir).sort(), ['in.wav', 'tcn.json', 'tcn.safetensors']);
  });

  it('refuses a file whose channels the model cannot take, and a NaN sample, naming them', async () => {
    const w = workspace();
    const mono = join(w.dir, 'mono.wav');
    writeFileSync(mono, writeWav({ sampleRate: 8000, channels: [new Float32Array(10)] }));
    const r = await atrous(['stream', w.weights, '--model-config', w.config, '--in', mono, '--out', join(w.dir, 'o.wav')]);
    assert.equal(r.code, 1);
    assert.match(r.err, /has 1 channel\(s\) but the model takes 2/);
    const nan = join(w.dir, 'nan.wav');
    writeFileSync(nan, writeWav({ sampleRate: 8000, channels: [new Float32Array(10), new Float32Array(10)] }, { encoding: 'float32' }));
    const bytes = readFileSync(nan);
    new DataView(bytes.buffer, bytes.byteOffset).setFloat32(44 + 4 * 8 + 4, Number.NaN, true);
    writeFileSync(nan, bytes);
    const n = await atrous(['stream', w.weights, '--model-config', w.config, '--in', nan, '--out', join(w.dir, 'o.wav')]);
    assert.equal(n.code, 1);
    assert.match(n.err, /stream 0, channel 1 at step 4 is NaN/);
    assert.equal(existsSync(join(w.dir, 'o.wav')), false);
  });

  it('a config of an unknown layer type is a usage-level error', async () => {
    const w = workspace();
    writeFileSync(w.config, JSON.stringify({ type: 'Transformer' }));
    const r = await atrous(['stream', w.weights, '--model-config', w.config, '--in', w.wav, '--out', join(w.dir, 'o.wav')]);
    assert.equal(r.code, 1);
    assert.match(r.err, /config\.type "Transformer" is not one of WaveNet, TCN/);
  });
});

describe('atrous generate', () => {
  it('writes a 16-bit WAV of the requested length, the same for the same seed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atrous-generate-'));
    const config = { type: 'WaveNet', inChannels: 256, outChannels: 256, residualChannels: 8, skipChannels: 8, layersPerStack: 4 };
    writeFileSync(join(dir, 'wn.json'), JSON.stringify(config));
    writeFileSync(join(dir, 'wn.safetensors'), writeSafetensors(new WaveNet({ ...withoutType(config), random: new Random(1) }).stateDict()));
    const run = (out: string, seed: string) => atrous(['generate', join(dir, 'wn.safetensors'), '--model-config', join(dir, 'wn.json'), '--seconds', '0.05', '--rate', '8000', '--seed', seed, '--out', join(dir, out), '--json']);
    const r = await run('a.wav', '4');
    assert.equal(r.code, 0, r.err);
    assert.equal((JSON.parse(r.out) as { samples: number }).samples, 400);
    const a = readWav(readFileSync(join(dir, 'a.wav')));
    assert.equal(a.encoding, 'pcm16');
    assert.equal(a.channels[0].length, 400);
    await run('b.wav', '4');
    assert.deepEqual(readFileSync(join(dir, 'b.wav')), readFileSync(join(dir, 'a.wav')));
  });

  it('refuses a model that is not a WaveNet', async () => {
    const w = workspace();
    const r = await atrous(['generate', w.weights, '--model-config', w.config, '--seconds', '1', '--out', join(w.dir, 'g.wav')]);
    assert.equal(r.code, 1);
    assert.match(r.err, /generate needs a WaveNet; the config describes a TCN/);
  });
});
