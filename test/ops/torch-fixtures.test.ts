import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  conv, convBackward, convTranspose, convTransposeBackward, getBackend, setBackend, type Tensor,
} from '../../src/index.js';
import { RELATIVE_TOLERANCE, decode, loadTorchFixtures, scaledError, type TorchCase } from './torch-fixtures.js';

const fixtures = loadTorchFixtures();

/** Runs one case's forward and backward in atrous and returns [name, actual, expected] for every tensor. */
function compute(c: TorchCase): [string, Tensor | null, Tensor | null][] {
  const x = decode(c.input), w = decode(c.weight);
  const bias = c.bias ? decode(c.bias) : null;
  const dy = decode(c.gradOutput);
  const options = { ...c.options, bias };
  const forward = c.op === 'conv' ? conv(x, w, options) : convTranspose(x, w, options);
  const grads = c.op === 'conv' ? convBackward(x, w, dy, options) : convTransposeBackward(x, w, dy, options);
  return [
    ['output', forward, decode(c.output)],
    ['gradInput', grads.input, decode(c.gradInput)],
    ['gradWeight', grads.weight, decode(c.gradWeight)],
    ['gradBias', grads.bias, c.gradBias ? decode(c.gradBias) : null],
  ];
}

describe(`PyTorch ${fixtures.torchVersion} fixtures (schema ${fixtures.schemaVersion}, seed ${fixtures.seed}, ${fixtures.cases.length} cases)`, () => {
  it('hold at least 300 cases over 1-D, 2-D and 3-D, conv and convTranspose', () => {
    assert.equal(fixtures.schemaVersion, 1);
    assert.ok(fixtures.cases.length >= 300);
    for (const op of ['conv', 'convTranspose']) {
      for (const rank of [1, 2, 3]) assert.ok(fixtures.cases.some((c) => c.op === op && c.rank === rank), `${op} ${rank}-D`);
    }
  });

  for (const backend of ['reference', 'js']) {
    describe(`on the ${backend} backend, every tensor within ${RELATIVE_TOLERANCE} of max(1, max|torch|)`, () => {
      let previous = '';
      let worst = { error: 0, where: 'none' };
      before(() => { previous = getBackend(); setBackend(backend); });
      after(() => {
        setBackend(previous);
        console.log(`# ${backend}: ${fixtures.cases.length} cases × 4 tensors, worst scaled error ${worst.error.toExponential(2)} (${worst.where})`);
      });
      for (const c of fixtures.cases) {
        it(`${c.id}: ${c.op} ${c.rank}-D ${JSON.stringify(c.options)}${c.bias ? ' +bias' : ''} (torch: ${c.torch})`, () => {
          for (const [name, actual, expected] of compute(c)) {
            if (expected === null) { assert.equal(actual, null, `${name} should be null without a bias`); continue; }
            assert.ok(actual, `${name} is missing`);
            const error = scaledError(actual, expected, `${c.id} ${name}`);
            if (error > worst.error) worst = { error, where: `${c.id} ${name}` };
            assert.ok(error <= RELATIVE_TOLERANCE, `${c.id} ${name}: scaled error ${error} exceeds ${RELATIVE_TOLERANCE}`);
          }
        });
      }
    });
  }
});
