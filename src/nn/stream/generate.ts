/**
 * Autoregressive WaveNet generation: each step feeds the previous output back in — as a one-hot class when the
 * net takes `classes` input channels, as the µ-law decoded amplitude when it takes one — samples the next class
 * from `softmax(logits / temperature)` with a seeded generator, and reuses the stream's per-layer history, so a
 * sample costs O(layers).
 */
import { checkOptionKeys } from '../../options.js';
import { OptionError, describeValue } from '../../errors.js';
import { Random } from '../../tensor/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { WaveNet } from '../blocks/wavenet.js';
import { muLawDecode, muLawEncode } from './mu-law.js';
import { stream } from './streamer.js';

/** Options of {@link generate}. */
export interface GenerateOptions {
  /** Samples per stream to generate. */
  samples: number;
  /** Independent sequences generated together (default 1). */
  batch?: number;
  /** Softmax temperature (default 1); 0 takes the most likely class every step. */
  temperature?: number;
  /** Seed of the sampling generator (default 0): the same seed gives the same audio. */
  seed?: number;
  /** Global condition of a conditioned WaveNet, `[batch, conditionChannels]`. */
  condition?: Tensor | ArrayLike<number>;
  /** Engine (default as {@link stream}). */
  engine?: 'wasm' | 'js';
}

const OPTION_KEYS = ['samples', 'batch', 'temperature', 'seed', 'condition', 'engine'];

/** What {@link generate} returns: per stream, the classes drawn and their decoded amplitudes. */
export interface Generated {
  classes: Int32Array[];
  audio: Float32Array[];
}

/**
 * Generates µ-law audio from a WaveNet whose outputs are class logits (`outChannels` classes, 256 for 8-bit
 * µ-law). The first input is silence (the class of amplitude 0).
 *
 * @example
 * const net = new WaveNet({ inChannels: 256, outChannels: 256, residualChannels: 32, skipChannels: 64 }).eval();
 * const { audio } = generate(net, { samples: 16000, temperature: 0.9, seed: 7 }); // one second at 16 kHz
 */
export function generate(net: WaveNet, options: GenerateOptions): Generated {
  checkOptionKeys('generate', options, OPTION_KEYS);
  const { samples } = options;
  if (!Number.isInteger(samples) || samples < 0) throw new OptionError('generate', 'samples', `samples ${describeValue(samples)} must be a whole number ≥ 0`);
  const temperature = options.temperature ?? 1;
  if (!(typeof temperature === 'number' && temperature >= 0 && Number.isFinite(temperature))) {
    throw new OptionError('generate', 'temperature', `temperature ${describeValue(temperature)} must be a finite number ≥ 0`);
  }
  const batch = options.batch ?? 1;
  const classes = net.output2.options.outChannels;
  const inputs = net.inChannels;
  if (inputs !== classes && inputs !== 1) {
    throw new OptionError('generate', 'net', `the WaveNet takes ${inputs} input channels; generation feeds back either a one-hot class (inChannels = outChannels = ${classes}) or the decoded amplitude (inChannels = 1)`);
  }
  const s = stream(net, { batch, condition: options.condition, engine: options.engine });
  const random = new Random(options.seed ?? 0);
  const result: Generated = {
    classes: Array.from({ length: batch }, () => new Int32Array(samples)),
    audio: Array.from({ length: batch }, () => new Float32Array(samples)),
  };
  const input = new Float32Array(batch * inputs);
  const previous = new Int32Array(batch).fill(muLawEncode(0, classes));
  const probabilities = new Float64Array(classes);
  for (let t = 0; t < samples; t++) {
    input.fill(0);
    for (let b = 0; b < batch; b++) {
      if (inputs === 1) input[b] = muLawDecode(previous[b], classes);
      else input[b * inputs + previous[b]] = 1;
    }
    const logits = s.step(input).data;
    for (let b = 0; b < batch; b++) {
      const c = sampleClass(logits, b * classes, classes, temperature, random, probabilities);
      previous[b] = c;
      result.classes[b][t] = c;
      result.audio[b][t] = muLawDecode(c, classes);
    }
  }
  return result;
}

/** Draws from softmax(logits/temperature) by inverting the cumulative sum; temperature 0 is argmax. */
function sampleClass(logits: Float32Array, offset: number, classes: number, temperature: number, random: Random, scratch: Float64Array): number {
  let best = 0;
  for (let i = 1; i < classes; i++) if (logits[offset + i] > logits[offset + best]) best = i;
  if (temperature === 0) return best;
  const top = logits[offset + best];
  let total = 0;
  for (let i = 0; i < classes; i++) {
    scratch[i] = Math.exp((logits[offset + i] - top) / temperature);
    total += scratch[i];
  }
  let u = random.uniform() * total;
  for (let i = 0; i < classes; i++) {
    u -= scratch[i];
    if (u < 0) return i;
  }
  return best;
}
