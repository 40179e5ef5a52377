/**
 * WAV (RIFF WAVE) audio in and out: 8-bit unsigned, 16/24/32-bit signed PCM and 32-bit float, any number of
 * channels, `WAVE_FORMAT_EXTENSIBLE` headers included. Files come from outside, so every chunk size and field is
 * checked against the bytes present before anything is allocated; anything else is a {@link FormatError} saying
 * what is wrong. Works on bytes in memory (Node and browsers alike).
 */
import { checkOptionKeys } from '../options.js';
import { FormatError, OptionError, describeValue } from '../errors.js';

/** Decoded audio: one Float32Array per channel, PCM scaled to [−1, 1). */
export interface WavAudio {
  sampleRate: number;
  channels: Float32Array[];
}

/** How samples are stored. */
export type WavEncoding = 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'float32';

const MAX_CHANNELS = 1024;
const MAX_SAMPLE_RATE = 10_000_000;
const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;

/**
 * Reads a WAV file's bytes.
 *
 * @example const { sampleRate, channels } = readWav(fs.readFileSync('in.wav'));
 */
export function readWav(bytes: Uint8Array): WavAudio & { encoding: WavEncoding } {
  const fail = (message: string): never => { throw new FormatError('readWav', 'bytes', message); };
  if (!(bytes instanceof Uint8Array)) fail(`expected the file's bytes as a Uint8Array, got ${describeValue(bytes)}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number): string => String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') fail(`not a WAV file: it must start with "RIFF" ....  "WAVE" (got ${bytes.length} bytes)`);
  let format: { code: number; channels: number; sampleRate: number; blockAlign: number; bits: number } | null = null;
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'data') {
      if (!format) fail('the "data" chunk comes before any "fmt " chunk');
      if (size > bytes.length - body) fail(`truncated: the "data" chunk declares ${size} bytes but only ${bytes.length - body} follow`);
      return decode(bytes.subarray(body, body + size), format!, fail);
    }
    if (size > bytes.length - body) fail(`truncated: chunk "${id}" at byte ${at} declares ${size} bytes but only ${bytes.length - body} follow`);
    if (id === 'fmt ') {
      if (size < 16) fail(`the "fmt " chunk has ${size} bytes; it needs at least 16`);
      let code = view.getUint16(body, true);
      if (code === FORMAT_EXTENSIBLE) {
        if (size < 40) fail(`an extensible "fmt " chunk needs 40 bytes, this one has ${size}`);
        code = view.getUint16(body + 24, true);
      }
      format = {
        code, channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true),
        blockAlign: view.getUint16(body + 12, true), bits: view.getUint16(body + 14, true),
      };
    }
    at = body + size + (size & 1);
  }
  return fail(format ? 'truncated: no "data" chunk' : 'truncated: no "fmt " chunk');
}

function decode(data: Uint8Array, format: { code: number; channels: number; sampleRate: number; blockAlign: number; bits: number }, fail: (m: string) => never): WavAudio & { encoding: WavEncoding } {
  const { code, channels, sampleRate, blockAlign, bits } = format;
  if (channels < 1 || channels > MAX_CHANNELS) fail(`${channels} channels; a WAV here has 1 to ${MAX_CHANNELS}`);
  if (sampleRate < 1 || sampleRate > MAX_SAMPLE_RATE) fail(`sample rate ${sampleRate} Hz is outside 1 Hz to ${MAX_SAMPLE_RATE} Hz`);
  let encoding: WavEncoding;
  if (code === FORMAT_PCM && [8, 16, 24, 32].includes(bits)) encoding = `pcm${bits}` as WavEncoding;
  else if (code === FORMAT_FLOAT && bits === 32) encoding = 'float32';
  else return fail(`format ${code} with ${bits} bits per sample is not supported; readWav takes PCM (format 1) of 8, 16, 24 or 32 bits and float (format 3) of 32 bits`);
  const width = bits / 8;
  if (blockAlign !== width * channels) fail(`block align ${blockAlign} does not match ${channels} channel(s) of ${bits} bits (${width * channels})`);
  const frames = Math.floor(data.length / blockAlign);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = Array.from({ length: channels }, () => new Float32Array(frames));
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < channels; c++) {
      const at = f * blockAlign + c * width;
      let v: number;
      if (encoding === 'pcm8') v = (data[at] - 128) / 128;
      else if (encoding === 'pcm16') v = view.getInt16(at, true) / 32768;
      else if (encoding === 'pcm24') v = (((data[at + 2] << 24) | (data[at + 1] << 16) | (data[at] << 8)) >> 8) / 8388608;
      else if (encoding === 'pcm32') v = view.getInt32(at, true) / 2147483648;
      else v = view.getFloat32(at, true);
      out[c][f] = v;
    }
  }
  return { sampleRate, channels: out, encoding };
}

/**
 * Encodes audio as a WAV file (default 16-bit PCM; PCM clips to [−1, 1] and rounds; `float32` keeps every value).
 *
 * @example fs.writeFileSync('out.wav', writeWav({ sampleRate: 16000, channels: [samples] }, { encoding: 'float32' }));
 */
export function writeWav(audio: WavAudio, options: { encoding?: WavEncoding } = {}): Uint8Array {
  checkOptionKeys('writeWav', options, ['encoding']);
  const encoding = options.encoding ?? 'pcm16';
  const widths: Record<WavEncoding, number> = { pcm8: 1, pcm16: 2, pcm24: 3, pcm32: 4, float32: 4 };
  const width = widths[encoding];
  if (width === undefined) throw new OptionError('writeWav', 'encoding', `encoding ${describeValue(encoding)} must be one of ${Object.keys(widths).join(', ')}`);
  const { sampleRate, channels } = audio;
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > MAX_SAMPLE_RATE) {
    throw new OptionError('writeWav', 'sampleRate', `sampleRate ${describeValue(sampleRate)} must be an integer from 1 to ${MAX_SAMPLE_RATE}`);
  }
  if (!Array.isArray(channels) || channels.length < 1 || channels.length > MAX_CHANNELS) {
    throw new OptionError('writeWav', 'channels', `channels must be 1 to ${MAX_CHANNELS} Float32Arrays, got ${describeValue(channels?.length)}`);
  }
  const frames = channels[0].length;
  if (channels.some((c) => c.length !== frames)) {
    throw new OptionError('writeWav', 'channels', `channels have different lengths (${channels.map((c) => c.length).join(', ')})`);
  }
  const blockAlign = width * channels.length;
  const dataBytes = frames * blockAlign;
  if (dataBytes + 36 > 0xffffffff) throw new OptionError('writeWav', 'channels', `${dataBytes} bytes of samples exceed the 4 GiB a WAV file can hold`);
  const bytes = new Uint8Array(44 + dataBytes + (dataBytes & 1));
  const view = new DataView(bytes.buffer);
  const text = (at: number, s: string): void => { for (let i = 0; i < 4; i++) bytes[at + i] = s.charCodeAt(i); };
  text(0, 'RIFF'); view.setUint32(4, bytes.length - 8, true); text(8, 'WAVE');
  text(12, 'fmt '); view.setUint32(16, 16, true);
  view.setUint16(20, encoding === 'float32' ? FORMAT_FLOAT : FORMAT_PCM, true);
  view.setUint16(22, channels.length, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, width * 8, true);
  text(36, 'data'); view.setUint32(40, dataBytes, true);
  const pcm = (v: number, full: number): number => Math.round(Math.max(-1, Math.min(1, v)) * full);
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < channels.length; c++) {
      const at = 44 + f * blockAlign + c * width;
      const v = channels[c][f];
      if (!Number.isFinite(v)) throw new OptionError('writeWav', 'channels', `sample ${f} of channel ${c} is ${v}; a WAV file holds finite numbers`);
      if (encoding === 'float32') view.setFloat32(at, v, true);
      else if (encoding === 'pcm8') bytes[at] = Math.min(255, pcm(v, 128) + 128);
      else if (encoding === 'pcm16') view.setInt16(at, Math.min(32767, pcm(v, 32768)), true);
      else if (encoding === 'pcm24') {
        const s = Math.min(8388607, pcm(v, 8388608));
        bytes[at] = s & 0xff; bytes[at + 1] = (s >> 8) & 0xff; bytes[at + 2] = (s >> 16) & 0xff;
      } else view.setInt32(at, Math.min(2147483647, pcm(v, 2147483648)), true);
    }
  }
  return bytes;
}
