import { readFileSync } from 'node:fs';
import { FormatError, ShapeError } from '../../errors.js';
import { stream } from '../../nn/stream/streamer.js';
import { readWav, writeWav, type WavEncoding } from '../../tensor/wav.js';
import { Tensor } from '../../tensor/tensor.js';
import { parseArgs, parseInteger } from '../args.js';
import { UsageError, type Command, type CommandIO } from '../command.js';
import { loadModel } from '../model-config.js';
import { writeFileAtomically } from '../write-atomically.js';

const ENCODINGS: WavEncoding[] = ['float32', 'pcm16', 'pcm24', 'pcm32', 'pcm8'];

const usage = `atrous stream — apply a causal model to a WAV file as a stream, chunk by chunk, and report the real-time factor

usage:
  atrous stream model.safetensors --model-config model.json --in in.wav --out out.wav [--chunk 4096]

options:
  --model-config FILE   JSON architecture: {"type": "WaveNet" | "TCN" | "Sequential", ...} (see README, Streaming)
  --in FILE             input WAV (8/16/24/32-bit PCM or float32); its channels feed the model's input channels,
                        or, for a one-channel model, each channel is a stream of its own
  --out FILE            output WAV; written to a temporary name and renamed, so a failed run leaves no file
  --chunk N             samples per call to the stream (default 4096; 1 steps sample by sample)
  --encoding E          output samples: float32 (default), pcm16, pcm24, pcm32, pcm8
  --json                print { seconds, sampleRate, streams, inChannels, outChannels, processSeconds, realTimeFactor }`;

/** `atrous stream`: a causal model over an audio file through the streaming engine. */
export const streamCommand: Command = {
  name: 'stream',
  summary: 'apply a causal model (WaveNet, TCN, causal Sequential) to a WAV file as a stream',
  usage,
  run(args: string[], io: CommandIO): number {
    const parsed = parseArgs(args, ['model-config', 'in', 'out', 'chunk', 'encoding'], ['json']);
    if (parsed.positional.length !== 1) throw new UsageError('give exactly one weights file: atrous stream model.safetensors --model-config m.json --in in.wav --out out.wav');
    const configPath = parsed.flags.get('model-config'), inPath = parsed.flags.get('in'), outPath = parsed.flags.get('out');
    if (!configPath || !inPath || !outPath) throw new UsageError('--model-config, --in and --out are required');
    const chunk = parseInteger('chunk', parsed.flags.get('chunk') ?? '4096');
    const encoding = (parsed.flags.get('encoding') ?? 'float32') as WavEncoding;
    if (!ENCODINGS.includes(encoding)) throw new UsageError(`--encoding ${JSON.stringify(encoding)} must be one of ${ENCODINGS.join(', ')}`);
    const model = loadModel('stream', parsed.positional[0], configPath);
    let bytes: Uint8Array;
    try { bytes = readFileSync(inPath); } catch (e) { throw new FormatError('stream', 'in', `cannot read ${JSON.stringify(inPath)}: ${(e as Error).message}`); }
    const audio = readWav(bytes);
    const frames = audio.channels[0].length;
    const probe = stream(model, { batch: 1, maxSteps: 1 });
    const fileChannels = audio.channels.length;
    let batch: number;
    if (probe.inChannels === fileChannels) batch = 1;
    else if (probe.inChannels === 1) batch = fileChannels;
    else throw new ShapeError('stream', 'in', `${JSON.stringify(inPath)} has ${fileChannels} channel(s) but the model takes ${probe.inChannels}; give a file with ${probe.inChannels} channels (or use a one-channel model, which streams each channel)`);
    const perStream = batch === 1 ? fileChannels : 1;
    const s = stream(model, { batch, maxSteps: Math.min(chunk, 512) });
    const outputs = Array.from({ length: batch * s.outChannels }, () => new Float32Array(frames));
    const started = performance.now();
    for (let start = 0; start < frames; start += chunk) {
      const n = Math.min(chunk, frames - start);
      const x = new Float32Array(batch * perStream * n);
      for (let c = 0; c < batch * perStream; c++) x.set(audio.channels[c].subarray(start, start + n), c * n);
      const y = s.process(new Tensor(x, [batch, perStream, n]));
      for (let c = 0; c < outputs.length; c++) outputs[c].set(y.data.subarray(c * n, (c + 1) * n), start);
    }
    const seconds = (performance.now() - started) / 1000;
    writeFileAtomically('stream', outPath, writeWav({ sampleRate: audio.sampleRate, channels: outputs }, { encoding }));
    const duration = frames / audio.sampleRate;
    const report = {
      seconds: duration, sampleRate: audio.sampleRate, streams: batch, inChannels: s.inChannels, outChannels: s.outChannels,
      processSeconds: seconds, realTimeFactor: seconds > 0 ? duration / seconds : Infinity, engine: s.engineName, out: outPath,
    };
    if (parsed.switches.has('json')) io.out(JSON.stringify(report));
    else {
      io.out(`${duration.toFixed(3)} s of audio (${batch} stream(s) × ${s.inChannels} → ${s.outChannels} channel(s), ${audio.sampleRate} Hz) in ${seconds.toFixed(3)} s on ${s.engineName}: ${report.realTimeFactor.toFixed(1)}× real time`);
      io.out(`→ ${outPath}`);
    }
    return 0;
  },
};
