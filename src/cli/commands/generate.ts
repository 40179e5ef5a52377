import { OptionError } from '../../errors.js';
import { WaveNet } from '../../nn/blocks/wavenet.js';
import { generate } from '../../nn/stream/generate.js';
import { writeWav } from '../../tensor/wav.js';
import { parseArgs, parseInteger } from '../args.js';
import { UsageError, type Command, type CommandIO } from '../command.js';
import { loadModel } from '../model-config.js';
import { writeFileAtomically } from '../write-atomically.js';

const usage = `atrous generate — generate µ-law audio sample by sample from a WaveNet

usage:
  atrous generate model.safetensors --model-config wavenet.json --seconds 2 --out out.wav

options:
  --model-config FILE   JSON architecture {"type": "WaveNet", ...}; outChannels = µ-law classes (256), inChannels
                        = classes (one-hot feedback) or 1 (amplitude feedback)
  --seconds S           length to generate
  --out FILE            16-bit PCM WAV, written to a temporary name and renamed
  --rate HZ             sample rate (default 16000)
  --temperature T       softmax temperature (default 1; 0 picks the most likely class)
  --seed N              sampling seed (default 0): same seed, same audio
  --condition V,V,...   global condition of a conditioned WaveNet
  --json                print { samples, sampleRate, seconds, generateSeconds, realTimeFactor }`;

/** `atrous generate`: autoregressive WaveNet sampling into a WAV file. */
export const generateCommand: Command = {
  name: 'generate',
  summary: 'generate audio from a WaveNet, sample by sample',
  usage,
  run(args: string[], io: CommandIO): number {
    const parsed = parseArgs(args, ['model-config', 'seconds', 'out', 'rate', 'temperature', 'seed', 'condition'], ['json']);
    if (parsed.positional.length !== 1) throw new UsageError('give exactly one weights file: atrous generate model.safetensors --model-config m.json --seconds 2 --out out.wav');
    const configPath = parsed.flags.get('model-config'), outPath = parsed.flags.get('out'), secondsText = parsed.flags.get('seconds');
    if (!configPath || !outPath || !secondsText) throw new UsageError('--model-config, --seconds and --out are required');
    const seconds = Number(secondsText);
    if (!(seconds > 0 && Number.isFinite(seconds))) throw new UsageError(`--seconds ${JSON.stringify(secondsText)} must be a positive number`);
    const rate = parseInteger('rate', parsed.flags.get('rate') ?? '16000');
    const temperature = Number(parsed.flags.get('temperature') ?? '1');
    if (!(temperature >= 0 && Number.isFinite(temperature))) throw new UsageError(`--temperature must be a number ≥ 0`);
    const seed = parseInteger('seed', parsed.flags.get('seed') ?? '0', 0);
    const conditionText = parsed.flags.get('condition');
    const condition = conditionText === undefined ? undefined : conditionText.split(',').map(Number);
    if (condition && condition.some((v) => !Number.isFinite(v))) throw new UsageError(`--condition ${JSON.stringify(conditionText)} must be comma-separated numbers`);
    const model = loadModel('generate', parsed.positional[0], configPath);
    if (!(model instanceof WaveNet)) throw new OptionError('generate', 'model-config', `generate needs a WaveNet; the config describes a ${model.constructor.name}`);
    const samples = Math.round(seconds * rate);
    const started = performance.now();
    const { audio } = generate(model, { samples, temperature, seed, condition });
    const took = (performance.now() - started) / 1000;
    writeFileAtomically('generate', outPath, writeWav({ sampleRate: rate, channels: audio }, { encoding: 'pcm16' }));
    const report = { samples, sampleRate: rate, seconds: samples / rate, generateSeconds: took, realTimeFactor: took > 0 ? samples / rate / took : Infinity, out: outPath };
    if (parsed.switches.has('json')) io.out(JSON.stringify(report));
    else io.out(`${samples} samples (${report.seconds.toFixed(3)} s at ${rate} Hz) in ${took.toFixed(3)} s: ${report.realTimeFactor.toFixed(2)}× real time → ${outPath}`);
    return 0;
  },
};
