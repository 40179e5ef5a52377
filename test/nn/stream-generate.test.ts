import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { noGrad } from '../../src/autograd/variable.js';
import { OptionError } from '../../src/errors.js';
import { WaveNet } from '../../src/nn/blocks/wavenet.js';
import { generate } from '../../src/nn/stream/generate.js';
import { muLawDecode, muLawEncode } from '../../src/nn/stream/mu-law.js';
import { Random, randn } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';

function classNet(inChannels: number, conditionChannels?: number): WaveNet {
  return new WaveNet({ inChannels, outChannels: 16, residualChannels: 8, skipChannels: 8, layersPerStack: 4, stacks: 2, conditionChannels, random: new Random(4) }).eval();
}

describe('µ-law', () => {
  it('maps silence, full scale and the ends as torchaudio does (256 classes)', () => {
    assert.equal(muLawEncode(0), 128);
    assert.equal(muLawEncode(1), 255);
    assert.equal(muLawEncode(-1), 0);
    assert.equal(muLawEncode(7), 255);
    assert.ok(Math.abs(muLawDecode(255) - 1) < 1e-12);
    assert.ok(Math.abs(muLawDecode(0) + 1) < 1e-12);
  });

  it('decode(encode(x)) is within half a class of x on the companded scale, for any class count', () => {
    for (const classes of [256, 16]) {
      const mu = classes - 1;
      for (let x = -1; x <= 1; x += 0.01) {
        const compand = (v: number): number => Math.sign(v) * Math.log1p(mu * Math.abs(v)) / Math.log1p(mu);
        assert.ok(Math.abs(compand(muLawDecode(muLawEncode(x, classes), classes)) - compand(x)) <= 1 / mu + 1e-12);
      }
    }
  });

  it('refuses a class outside the range', () => {
    assert.throws(() => muLawDecode(256), (e: unknown) => e instanceof OptionError && /from 0 to 255/.test(e.message));
  });
});

describe('generate(wavenet)', () => {
  for (const inChannels of [16, 1]) {
    it(`at temperature 0 each class is the argmax of the full forward over the fed-back inputs (${inChannels === 1 ? 'amplitude' : 'one-hot'} feedback)`, () => {
      const net = classNet(inChannels);
      const n = 120;
      const { classes, audio } = generate(net, { samples: n, temperature: 0, batch: 2 });
      for (let b = 0; b < 2; b++) {
        const x = new Float32Array(inChannels * n);
        let previous = muLawEncode(0, 16);
        for (let t = 0; t < n; t++) {
          if (inChannels === 1) x[t] = muLawDecode(previous, 16); else x[previous * n + t] = 1;
          previous = classes[b][t];
          assert.equal(audio[b][t], Math.fround(muLawDecode(previous, 16)));
        }
        const logits = noGrad(() => net.forward(new Tensor(x, [1, inChannels, n]))).value;
        for (let t = 0; t < n; t++) {
          let best = 0;
          for (let c = 1; c < 16; c++) if (logits.data[c * n + t] > logits.data[best * n + t]) best = c;
          assert.equal(classes[b][t], best, `stream ${b}, step ${t}`);
        }
      }
    });
  }

  it('is repeatable for a seed and differs between seeds; temperature spreads the classes', () => {
    const net = classNet(16);
    const a = generate(net, { samples: 300, seed: 1 }).classes[0];
    assert.deepEqual(generate(net, { samples: 300, seed: 1 }).classes[0], a);
    assert.notDeepEqual(generate(net, { samples: 300, seed: 2 }).classes[0], a);
    const distinct = (t: number): number => new Set(generate(net, { samples: 300, seed: 3, temperature: t }).classes[0]).size;
    assert.ok(distinct(3) > distinct(0.05));
  });

  it('keeps global conditioning per stream', () => {
    const net = classNet(16, 2);
    const condition = randn([2, 2], 1);
    const both = generate(net, { samples: 60, temperature: 0, batch: 2, condition });
    const second = generate(net, { samples: 60, temperature: 0, condition: condition.data.subarray(2, 4) });
    assert.deepEqual(both.classes[1], second.classes[0]);
  });

  it('refuses unknown options, negative temperatures and nets it cannot feed back into', () => {
    assert.throws(() => generate(classNet(16), { samples: 2, temp: 1 } as never), (e: unknown) => e instanceof OptionError && e.argument === 'temp');
    assert.throws(() => generate(classNet(16), { samples: 2, temperature: -1 }), OptionError);
    assert.throws(() => generate(classNet(3), { samples: 2 }), /one-hot class \(inChannels = outChannels = 16\) or the decoded amplitude/);
  });
});
