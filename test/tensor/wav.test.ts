import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FormatError, OptionError } from '../../src/errors.js';
import { readWav, writeWav, type WavEncoding } from '../../src/tensor/wav.js';

/** Quantization step of each encoding: a round trip may move a sample by half of it. */
const STEP: Record<WavEncoding, number> = { pcm8: 1 / 128, pcm16: 1 / 32768, pcm24: 1 / 8388608, pcm32: 1 / 2147483648, float32: 0 };

function ramp(frames: number, phase: number): Float32Array {
  return Float32Array.from({ length: frames }, (_, i) => Math.sin(i * 0.37 + phase) * 0.9);
}

/** A WAV built field by field, for headers writeWav never produces. */
function handmade(chunks: [string, Uint8Array][]): Uint8Array {
  const total = chunks.reduce((n, [, body]) => n + 8 + body.length + (body.length & 1), 12);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  const text = (at: number, s: string): void => { for (let i = 0; i < 4; i++) bytes[at + i] = s.charCodeAt(i); };
  text(0, 'RIFF'); view.setUint32(4, total - 8, true); text(8, 'WAVE');
  let at = 12;
  for (const [id, body] of chunks) {
    text(at, id); view.setUint32(at + 4, body.length, true); bytes.set(body, at + 8);
    at += 8 + body.length + (body.length & 1);
  }
  return bytes;
}

function fmt(code: number, channels: number, rate: number, bits: number, extensible = false): Uint8Array {
  const body = new Uint8Array(extensible ? 40 : 16);
  const v = new DataView(body.buffer);
  v.setUint16(0, extensible ? 0xfffe : code, true); v.setUint16(2, channels, true); v.setUint32(4, rate, true);
  v.setUint32(8, rate * channels * bits / 8, true); v.setUint16(12, channels * bits / 8, true); v.setUint16(14, bits, true);
  if (extensible) { v.setUint16(16, 22, true); v.setUint16(18, bits, true); v.setUint16(24, code, true); }
  return body;
}

describe('writeWav then readWav', () => {
  for (const encoding of Object.keys(STEP) as WavEncoding[]) {
    for (const channels of [1, 3]) {
      it(`${encoding}, ${channels} channel(s): same rate, same samples within half a quantization step`, () => {
        const audio = { sampleRate: 22050, channels: Array.from({ length: channels }, (_, c) => ramp(101, c)) };
        const back = readWav(writeWav(audio, { encoding }));
        assert.equal(back.sampleRate, 22050);
        assert.equal(back.encoding, encoding);
        assert.equal(back.channels.length, channels);
        for (let c = 0; c < channels; c++) {
          assert.equal(back.channels[c].length, 101);
          for (let i = 0; i < 101; i++) assert.ok(Math.abs(back.channels[c][i] - audio.channels[c][i]) <= STEP[encoding] / 2 + 1e-9);
        }
      });
    }
  }

  it('PCM clips to [−1, 1]; float32 keeps values beyond it', () => {
    const audio = { sampleRate: 8000, channels: [Float32Array.from([2, -3, 0.5])] };
    assert.deepEqual(Array.from(readWav(writeWav(audio)).channels[0]), [32767 / 32768, -1, 0.5]);
    assert.deepEqual(Array.from(readWav(writeWav(audio, { encoding: 'float32' })).channels[0]), [2, -3, 0.5]);
  });

  it('refuses NaN samples, channels of different lengths and unknown encodings', () => {
    assert.throws(() => writeWav({ sampleRate: 8000, channels: [Float32Array.from([0, Number.NaN])] }), (e: unknown) => e instanceof OptionError && /sample 1 of channel 0 is NaN/.test(e.message));
    assert.throws(() => writeWav({ sampleRate: 8000, channels: [new Float32Array(2), new Float32Array(3)] }), /different lengths/);
    assert.throws(() => writeWav({ sampleRate: 8000, channels: [new Float32Array(2)] }, { encoding: 'mp3' as never }), OptionError);
  });
});

describe('readWav reads headers other writers produce', () => {
  it('WAVE_FORMAT_EXTENSIBLE, a LIST chunk of odd size before the data (padded to even)', () => {
    const data = new Uint8Array(8);
    new DataView(data.buffer).setInt16(0, 16384, true);
    new DataView(data.buffer).setInt16(6, -32768, true);
    const audio = readWav(handmade([['fmt ', fmt(1, 2, 44100, 16, true)], ['LIST', new Uint8Array(5)], ['data', data]]));
    assert.equal(audio.sampleRate, 44100);
    assert.deepEqual(audio.channels.map((c) => Array.from(c)), [[0.5, 0], [0, -1]]);
  });

  it('8-bit PCM is unsigned around 128; 24-bit is sign-extended', () => {
    assert.deepEqual(Array.from(readWav(handmade([['fmt ', fmt(1, 1, 8000, 8)], ['data', Uint8Array.from([0, 128, 192])]])).channels[0]), [-1, 0, 0.5]);
    assert.deepEqual(Array.from(readWav(handmade([['fmt ', fmt(1, 1, 8000, 24)], ['data', Uint8Array.from([0, 0, 0x80, 0, 0, 0x40])]])).channels[0]), [-1, 0.5]);
  });
});

describe('readWav refuses what it cannot read with a FormatError', () => {
  const good = writeWav({ sampleRate: 16000, channels: [ramp(50, 0)] });
  const cases: [string, Uint8Array, RegExp][] = [
    ['a file cut inside its samples', good.subarray(0, 80), /truncated: the "data" chunk declares 100 bytes but only 36 follow/],
    ['a file cut inside its header', good.subarray(0, 30), /truncated/],
    ['a file without data', handmade([['fmt ', fmt(1, 1, 8000, 16)]]), /no "data" chunk/],
    ['data before fmt', handmade([['data', new Uint8Array(4)], ['fmt ', fmt(1, 1, 8000, 16)]]), /before any "fmt "/],
    ['not RIFF at all', new TextEncoder().encode('ID3\u0004 not a wave file'), /not a WAV file/],
    ['a compressed format', handmade([['fmt ', fmt(2, 1, 8000, 4)], ['data', new Uint8Array(4)]]), /format 2 with 4 bits per sample is not supported/],
    ['a header claiming 65535 channels', handmade([['fmt ', fmt(1, 65535, 8000, 8)], ['data', new Uint8Array(4)]]), /65535 channels; a WAV here has 1 to 1024/],
    ['a sample rate of 0', handmade([['fmt ', fmt(1, 1, 0, 16)], ['data', new Uint8Array(4)]]), /sample rate 0 Hz/],
    ['a chunk claiming 4 GiB', (() => { const b = good.slice(); new DataView(b.buffer).setUint32(16, 0xffffffff, true); return b; })(), /chunk "fmt " at byte 12 declares 4294967295 bytes/],
  ];
  for (const [what, bytes, message] of cases) {
    it(`refuses ${what}`, () => {
      assert.throws(() => readWav(bytes), (e: unknown) => e instanceof FormatError && message.test(e.message));
    });
  }
});
