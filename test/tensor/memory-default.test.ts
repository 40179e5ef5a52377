/** The Node default of the memory budget: a quarter of what the process may use, or ATROUS_MEMORY_LIMIT. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUDGET_SHARE, defaultMemoryLimit, parseMemorySize } from '../../src/node-memory.js';
import { MemoryLimitError } from '../../src/errors.js';
import { runLimited } from '../hardening/limited-child.js';

const PRINT_LIMIT = "import('./dist/src/index.js').then((a) => console.log(a.getMemoryLimit()))";

describe('the default memory budget in Node', () => {
  it('parses ATROUS_MEMORY_LIMIT sizes', () => {
    assert.equal(parseMemorySize('1048576'), 2 ** 20);
    assert.equal(parseMemorySize('2G'), 2 ** 31);
    assert.equal(parseMemorySize('512MiB'), 2 ** 29);
    assert.equal(parseMemorySize('1.5k'), 1536);
    for (const bad of ['', 'lots', '-1G', '0', '1e9999']) {
      assert.throws(() => parseMemorySize(bad), (e: unknown) => e instanceof MemoryLimitError && /is not a memory size/.test((e as Error).message), bad);
    }
  });

  it('ATROUS_MEMORY_LIMIT wins over the machine', () => {
    assert.equal(defaultMemoryLimit({ ATROUS_MEMORY_LIMIT: '3G' }), 3 * 2 ** 30);
    assert.ok(defaultMemoryLimit({}) > 0);
  });

  it('a process limited to 4 GiB (ulimit -d) gets a budget of 1 GiB; ATROUS_MEMORY_LIMIT overrides it', async () => {
    const limited = await runLimited(['-e', PRINT_LIMIT]);
    assert.equal(Number(limited.stdout), 4 * 2 ** 30 * BUDGET_SHARE, limited.stderr);
    const configured = await runLimited(['-e', PRINT_LIMIT], { env: { ATROUS_MEMORY_LIMIT: '256M' } });
    assert.equal(Number(configured.stdout), 2 ** 28, configured.stderr);
  });
});
