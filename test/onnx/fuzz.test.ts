import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { AtrousError } from '../../src/errors.js';
import { loadOnnx } from '../../src/onnx/model.js';
import { Random } from '../../src/tensor/random.js';
import { randn } from '../../src/tensor/random.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'onnx');
const SEED = 6;
const MUTANTS_PER_MODEL = 250;

/** One random corruption: flipped bits, overwritten bytes (often a varint length), a cut, a splice or a duplicate. */
function mutate(bytes: Uint8Array, random: Random): Uint8Array {
  const out = bytes.slice();
  const at = Math.floor(random.uniform() * out.length);
  switch (Math.floor(random.uniform() * 5)) {
    case 0:
      for (let i = 0; i < 1 + random.uniform() * 8; i++) out[Math.floor(random.uniform() * out.length)] ^= 1 << Math.floor(random.uniform() * 8);
      return out;
    case 1:
      for (let i = 0; i < 10 && at + i < out.length; i++) out[at + i] = i < 9 ? 0xff : 0x7f;
      return out;
    case 2:
      return out.subarray(0, at);
    case 3: {
      const from = Math.floor(random.uniform() * out.length);
      return Uint8Array.from([...out.subarray(0, at), ...out.subarray(from, from + 64), ...out.subarray(at)]);
    }
    default:
      out[at] = Math.floor(random.uniform() * 256);
      return out;
  }
}

test('mutated model files load, fail with a typed error, or run — never crash or hang', () => {
  const random = new Random(SEED);
  const outcomes = { loaded: 0, refused: 0, ran: 0 };
  for (const [file, shape] of [['aspp-no-pooling.onnx', [1, 16, 33, 33]], ['wavenet.onnx', [1, 1, 200]]] as const) {
    const original = new Uint8Array(readFileSync(join(FIXTURES, file)));
    const input = randn(shape.slice(), 1);
    for (let i = 0; i < MUTANTS_PER_MODEL; i++) {
      const bytes = mutate(original, random);
      try {
        const model = loadOnnx(bytes);
        outcomes.loaded++;
        const plan = model.plan({ [model.inputNames[0]]: shape.slice() });
        // Run only mutants whose planned activations stay near the original's size, to keep the test fast.
        const largest = Math.max(...[...plan.infos.values()].map((v) => v.shape.reduce((a, b) => a * b, 1)));
        if (largest <= 4 * 8 * 33 * 33 * 5) { model.run({ [model.inputNames[0]]: input }); outcomes.ran++; }
      } catch (error) {
        assert.ok(error instanceof AtrousError, `mutant ${i} of ${file} threw ${(error as Error)?.stack}`);
        outcomes.refused++;
      }
    }
  }
  console.log('fuzz outcomes', outcomes);
  assert.ok(outcomes.refused > 0 && outcomes.ran > 0, JSON.stringify(outcomes));
});
