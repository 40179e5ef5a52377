/** Loads the PyTorch fixtures written by scripts/make_torch_block_fixtures.py and compares tensors with them. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readSafetensors, readSafetensorsHeader, type Tensor } from '../../src/index.js';

export const BLOCK_FIXTURES = new URL('../../../fixtures/blocks/', import.meta.url);

/** Every tensor of `fixtures/blocks/<name>.safetensors`, and the file's metadata. */
export function loadFixture(name: string): { tensors: Map<string, Tensor>; metadata: Record<string, string> } {
  const bytes = readFileSync(new URL(`${name}.safetensors`, BLOCK_FIXTURES));
  return { tensors: readSafetensors(bytes), metadata: readSafetensorsHeader(bytes).metadata };
}

/** The tensors whose names start with `prefix`, with the prefix removed. */
export function withPrefix(tensors: Map<string, Tensor>, prefix: string): Map<string, Tensor> {
  return new Map([...tensors].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
}

/** Float32 agreement with PyTorch: |actual − expected| ≤ tolerance·(1 + |expected|) everywhere. */
export function assertClose(actual: Tensor | null | undefined, expected: Tensor | undefined, what: string, tolerance = 1e-4): void {
  assert.ok(expected, `fixture lacks ${what}`);
  assert.ok(actual, `${what}: no value computed`);
  assert.deepEqual([...actual.shape], [...expected.shape], `${what}: shape`);
  let worst = 0, at = -1;
  for (let i = 0; i < expected.size; i++) {
    const error = Math.abs(actual.data[i] - expected.data[i]) / (1 + Math.abs(expected.data[i]));
    if (!(error <= worst)) { worst = error; at = i; }
  }
  assert.ok(worst <= tolerance, `${what}: scaled error ${worst} at ${at} (got ${actual.data[at]}, PyTorch ${expected.data[at]})`);
}
