import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { noGrad } from '../../src/autograd/variable.js';
import { TCN } from '../../src/nn/blocks/tcn.js';
import { WaveNet } from '../../src/nn/blocks/wavenet.js';
import type { Module } from '../../src/nn/module.js';
import { streamWorkletOptions } from '../../src/nn/stream/streamer.js';
import { StreamBlockProcessor, type StreamWorkletOptions } from '../../src/nn/stream/worklet-processor.js';
import { Random, randn } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';

const TOLERANCE = 1e-5;
const BLOCK = 128;

/** Feeds `[channels][frames]` through `process` in 128-frame blocks as an AudioWorklet would; returns the outputs. */
function runBlocks(processor: { process(i: Float32Array[][], o: Float32Array[][]): boolean }, input: Float32Array[], outChannels: number): Float32Array[] {
  const frames = input[0].length;
  const result = Array.from({ length: outChannels }, () => new Float32Array(frames));
  const outputs = [Array.from({ length: outChannels }, () => new Float32Array(BLOCK))];
  for (let start = 0; start < frames; start += BLOCK) {
    const inputs = [input.map((c) => c.subarray(start, start + BLOCK))];
    assert.equal(processor.process(inputs, outputs), true);
    outputs[0].forEach((c, i) => result[i].set(c, start));
  }
  return result;
}

function signal(channels: number, frames: number, seed: number): Float32Array[] {
  const x = randn([channels, frames], seed).data;
  return Array.from({ length: channels }, (_, c) => x.subarray(c * frames, (c + 1) * frames));
}

function expected(model: Module, input: Float32Array[], batch: number): Float32Array[] {
  const frames = input[0].length;
  const perStream = input.length / batch;
  const x = new Float32Array(input.length * frames);
  input.forEach((c, i) => x.set(c, i * frames));
  const y = noGrad(() => model.forward(new Tensor(x, [batch, perStream, frames]))).value;
  const channels = y.shape[1] * batch;
  return Array.from({ length: channels }, (_, c) => y.data.subarray(c * frames, (c + 1) * frames));
}

function maxDifference(a: Float32Array[], b: Float32Array[]): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  a.forEach((c, i) => c.forEach((v, t) => { worst = Math.max(worst, Math.abs(v - b[i][t])); }));
  return worst;
}

const tcn = new TCN({ inputChannels: 2, channels: [5, 3], kernelSize: 3, random: new Random(1) }).eval();
const wavenet = new WaveNet({ inChannels: 1, outChannels: 2, residualChannels: 8, skipChannels: 8, layersPerStack: 6, random: new Random(2) }).eval();

describe('StreamBlockProcessor (the AudioWorklet side)', () => {
  for (const engine of ['wasm', 'js'] as const) {
    it(`128-frame blocks through a TCN equal the full forward (${engine})`, () => {
      const options = streamWorkletOptions(tcn);
      const processor = new StreamBlockProcessor(engine === 'wasm' ? options : { plan: options.plan });
      assert.equal(processor.engineName, engine);
      const input = signal(2, 128 * 20, 3);
      assert.ok(maxDifference(runBlocks(processor, input, 3), expected(tcn, input, 1)) <= TOLERANCE);
    });
  }

  it('a one-channel WaveNet at batch 2 takes input channel i as stream i, outputs stream-major', () => {
    const processor = new StreamBlockProcessor(streamWorkletOptions(wavenet, { batch: 2 }));
    const input = signal(2, 128 * 12, 4);
    assert.ok(maxDifference(runBlocks(processor, input, 4), expected(wavenet, input, 2)) <= TOLERANCE);
  });

  it('no input connected is silence; NaN samples enter as 0 and are counted', () => {
    const processor = new StreamBlockProcessor(streamWorkletOptions(tcn));
    const silent = runBlocks({ process: (_, o) => processor.process([[]], o) }, [new Float32Array(256)], 3);
    const reference = new StreamBlockProcessor(streamWorkletOptions(tcn));
    assert.deepEqual(silent, runBlocks(reference, [new Float32Array(256), new Float32Array(256)], 3));
    const withNaN = signal(2, 128, 5);
    withNaN[1][7] = Number.NaN;
    const cleaned = withNaN.map((c) => c.map((v) => (Number.isNaN(v) ? 0 : v)));
    const a = new StreamBlockProcessor(streamWorkletOptions(tcn)), b = new StreamBlockProcessor(streamWorkletOptions(tcn));
    assert.deepEqual(runBlocks(a, withNaN, 3), runBlocks(b, cleaned, 3));
    assert.equal(a.nonFiniteSamples, 1);
  });

  it('the bundled dist/web/stream-worklet.js registers "atrous-stream", which runs a plan posted to it', async () => {
    const registered = new Map<string, new (options: { processorOptions: StreamWorkletOptions }) => { process(i: Float32Array[][], o: Float32Array[][]): boolean }>();
    const scope = globalThis as Record<string, unknown>;
    scope.AudioWorkletProcessor = class {};
    scope.registerProcessor = (name: string, processor: never) => { registered.set(name, processor); };
    try {
      await import(new URL('../../web/stream-worklet.js', import.meta.url).href);
    } finally {
      delete scope.AudioWorkletProcessor;
      delete scope.registerProcessor;
    }
    const Processor = registered.get('atrous-stream');
    assert.ok(Processor, 'atrous-stream was not registered');
    // processorOptions reach the worklet through the structured clone, WebAssembly.Module included.
    const node = new Processor({ processorOptions: structuredClone(streamWorkletOptions(tcn)) });
    const input = signal(2, 128 * 4, 6);
    assert.ok(maxDifference(runBlocks(node, input, 3), expected(tcn, input, 1)) <= TOLERANCE);
  });
});
