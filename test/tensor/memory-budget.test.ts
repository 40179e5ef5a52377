import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryLimitError, checkAllocation, formatBytes, getMemoryLimit, setMemoryLimit } from '../../src/index.js';

describe('the memory budget', () => {
  it('defaults in Node to half of the memory the process may use', () => {
    assert.ok(getMemoryLimit() >= 2 ** 28, `limit ${getMemoryLimit()}`);
    assert.ok(Number.isSafeInteger(getMemoryLimit()));
  });

  it('refuses an allocation over the limit by name and size, and accepts one within it', () => {
    const previous = setMemoryLimit(2 ** 20);
    try {
      checkAllocation('pad', 'output', 2 ** 20);
      assert.throws(() => checkAllocation('pad', 'output', 2 ** 20 + 1), (e: unknown) => {
        assert.ok(e instanceof MemoryLimitError);
        assert.equal(e.op, 'pad');
        assert.equal(e.argument, 'output');
        assert.match(e.message, /the output would need 1 MiB, more than the memory limit of 1 MiB; .*setMemoryLimit/);
        return true;
      });
      assert.throws(() => checkAllocation('pad', 'output', 2 ** 80), MemoryLimitError);
      assert.throws(() => checkAllocation('pad', 'output', NaN), MemoryLimitError);
    } finally {
      setMemoryLimit(previous);
    }
  });

  it('takes only positive safe integers', () => {
    for (const bad of [0, -1, 1.5, NaN, Infinity, 2 ** 60, '1GB']) {
      assert.throws(() => setMemoryLimit(bad as number), MemoryLimitError);
    }
  });

  it('formats sizes for people', () => {
    assert.equal(formatBytes(12), '12 bytes');
    assert.equal(formatBytes(1536 * 2 ** 20), '1.5 GiB');
    assert.equal(formatBytes(2 ** 42), '4 TiB');
  });
});
