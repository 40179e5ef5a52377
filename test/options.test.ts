import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OptionError, checkOptionKeys, closestKey } from '../src/index.js';

describe('checkOptionKeys', () => {
  it('accepts known keys and undefined options', () => {
    checkOptionKeys('conv', { stride: 2, dilation: 2 }, ['stride', 'dilation', 'padding']);
    checkOptionKeys('conv', undefined, ['stride']);
  });

  it('refuses an unknown key, naming it and the closest valid one', () => {
    assert.throws(() => checkOptionKeys('Adam', { learningRate: 0.1 }, ['lr', 'betas', 'eps', 'weightDecay']), (e: unknown) => {
      assert.ok(e instanceof OptionError);
      assert.equal(e.argument, 'learningRate');
      assert.match(e.message, /^Adam: unknown option "learningRate" \(did you mean "lr"\?\); valid options: lr, betas, eps, weightDecay$/);
      return true;
    });
    assert.throws(() => checkOptionKeys('Conv1d', { dilations: 4 }, ['kernelSize', 'dilation', 'padding']), /did you mean "dilation"/);
  });

  it('offers no suggestion when nothing is close', () => {
    assert.throws(() => checkOptionKeys('conv', { zzzzzz: 1 }, ['stride', 'padding']), (e: unknown) => e instanceof OptionError && !/did you mean/.test(e.message));
  });

  it('refuses options that are not a plain object', () => {
    for (const bad of [null, 3, 'stride', [1, 2]]) {
      assert.throws(() => checkOptionKeys('conv', bad, ['stride']), OptionError);
    }
  });
});

describe('closestKey', () => {
  it('finds misspellings, plurals and case slips', () => {
    assert.equal(closestKey('dilations', ['stride', 'dilation', 'padding']), 'dilation');
    assert.equal(closestKey('strid', ['stride', 'dilation']), 'stride');
    assert.equal(closestKey('PaddingMode', ['paddingMode', 'padding']), 'paddingMode');
    assert.equal(closestKey('momentum', ['lr', 'eps']), undefined);
  });
});
