import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OptionError, getBackend, listBackends, ready, setBackend } from '../../src/index.js';

describe('backend selection', () => {
  it('lists the reference and js backends', () => {
    assert.ok(listBackends().includes('reference'));
    assert.ok(listBackends().includes('js'));
  });

  it('switches by name and reports the backend in use', async () => {
    const previous = getBackend();
    try {
      setBackend('reference');
      await ready();
      assert.equal(getBackend(), 'reference');
      setBackend('js');
      assert.equal(getBackend(), 'js');
    } finally {
      setBackend(previous);
    }
  });

  it('refuses an unknown name, listing the registered ones, and keeps the current backend', () => {
    const previous = getBackend();
    assert.throws(() => setBackend('cuda'), (e: unknown) =>
      e instanceof OptionError && e.op === 'setBackend' && e.argument === 'name' && /backend "cuda" is not one of .*"reference"/.test(e.message));
    assert.equal(getBackend(), previous);
  });
});
