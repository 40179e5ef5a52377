import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OptionError, Random, ShapeError, pad, padBackward, rand, tensor, type PaddingMode } from '../../src/index.js';
import { RELATIVE_TOLERANCE, decode, loadTorchFixtures, scaledError } from './torch-fixtures.js';
import { dot } from './random-conv.js';

const { padCases, torchVersion } = loadTorchFixtures();

describe(`pad and padBackward against torch ${torchVersion} F.pad (${padCases.length} cases, relative tolerance ${RELATIVE_TOLERANCE})`, () => {
  for (const c of padCases) {
    it(`${c.id}: ${c.rank}-D ${JSON.stringify(c.padding)} ${JSON.stringify(c.options)}`, () => {
      const x = decode(c.input);
      assert.ok(scaledError(pad(x, c.padding, c.options), decode(c.output), 'output') <= RELATIVE_TOLERANCE);
      const grad = padBackward(decode(c.gradOutput), x.shape, c.padding, c.options.mode);
      assert.ok(scaledError(grad, decode(c.gradInput), 'gradInput') <= RELATIVE_TOLERANCE);
    });
  }

  it('cover every mode in 1-D, 2-D and 3-D', () => {
    for (const mode of ['zeros', 'reflect', 'replicate', 'circular']) {
      for (const rank of [1, 2, 3]) assert.ok(padCases.some((c) => c.options.mode === mode && c.rank === rank), `${mode} ${rank}-D`);
    }
  });
});

describe('pad', () => {
  it('reflects without repeating the edge: [1, 2, 3] padded [2, 1] is [3, 2, 1, 2, 3, 2]', () => {
    assert.deepEqual(Array.from(pad(tensor([1, 2, 3], [1, 1, 3]), [[2, 1]], { mode: 'reflect' }).data), [3, 2, 1, 2, 3, 2]);
  });

  it('a single number pads every dimension after N and C', () => {
    assert.deepEqual(pad(rand([2, 3, 4, 5], 1), 1).shape, [2, 3, 6, 7]);
  });

  it('padBackward is the adjoint of pad: ⟨pad(x), y⟩ = ⟨x, padBackward(y)⟩ in every mode on random shapes', () => {
    const rng = new Random(8);
    for (let i = 0; i < 80; i++) {
      const mode = (['zeros', 'reflect', 'replicate', 'circular'] as PaddingMode[])[i % 4];
      const rank = 1 + rng.int(3);
      const shape = [1 + rng.int(2), 1 + rng.int(2), ...Array.from({ length: rank }, () => 2 + rng.int(4))];
      const padding = shape.slice(2).map((n) => {
        const most = mode === 'reflect' ? n - 1 : mode === 'circular' ? n : 4;
        return [rng.int(most + 1), rng.int(most + 1)];
      });
      const x = rand(shape, i, -1, 1);
      const padded = pad(x, padding, { mode });
      const y = rand(padded.shape, 100 + i, -1, 1);
      const back = padBackward(y, shape, padding, mode);
      assert.ok(Math.abs(dot(padded, y) - dot(x, back)) <= 1e-5 * Math.max(1, Math.abs(dot(padded, y))), `${mode} ${JSON.stringify(padding)}`);
    }
  });

  it('refuses malformed padding, padding the mode cannot produce, and a wrong gradient shape', () => {
    assert.throws(() => pad(rand([1, 1, 3], 1), [[1]] as never), (e: unknown) => e instanceof OptionError && e.op === 'pad' && e.argument === 'padding' && /\[\[1\]\]/.test(e.message));
    assert.throws(() => pad(rand([1, 1, 3], 1), -1), (e: unknown) => e instanceof OptionError && /padding -1 must be a non-negative integer/.test(e.message));
    assert.throws(() => pad(rand([1, 1, 3], 1), [[3, 0]], { mode: 'reflect' }), (e: unknown) => e instanceof OptionError && /reflect padding 3/.test(e.message));
    assert.throws(() => padBackward(rand([1, 1, 4], 1), [1, 1, 3], [[1, 1]]), (e: unknown) =>
      e instanceof ShapeError && e.op === 'padBackward' && e.argument === 'gradOutput' && /\[1, 1, 4\] must be the padded shape \[1, 1, 5\]/.test(e.message));
  });
});
