/**
 * Reads fixtures/torch/conv-cases.json (written by scripts/make_torch_fixtures.py) and compares tensors at the
 * tolerance every fixture test uses.
 */
import { readFileSync } from 'node:fs';
import { Tensor } from '../../src/index.js';

/** The repository's fixtures/torch folder, found from the compiled test's location (dist/test/ops/). */
export const TORCH_FIXTURES = new URL('../../../fixtures/torch/', import.meta.url);

export interface EncodedArray { shape: number[]; data: string }

export interface TorchCase {
  id: string;
  op: 'conv' | 'convTranspose';
  rank: number;
  torch: string;
  options: Record<string, unknown>;
  input: EncodedArray;
  weight: EncodedArray;
  bias: EncodedArray | null;
  output: EncodedArray;
  gradOutput: EncodedArray;
  gradInput: EncodedArray;
  gradWeight: EncodedArray;
  gradBias: EncodedArray | null;
}

export interface PadCase {
  id: string;
  rank: number;
  padding: number[][];
  options: { mode: 'zeros' | 'reflect' | 'replicate' | 'circular'; value?: number };
  input: EncodedArray;
  output: EncodedArray;
  gradOutput: EncodedArray;
  gradInput: EncodedArray;
}

export interface NpyFixture { file: string; dtype: string; fortranOrder: boolean; shape: number[]; values: number[] }

export interface TorchFixtures {
  schemaVersion: number;
  torchVersion: string;
  seed: number;
  cases: TorchCase[];
  padCases: PadCase[];
  npy: NpyFixture[];
}

export function loadTorchFixtures(): TorchFixtures {
  return JSON.parse(readFileSync(new URL('conv-cases.json', TORCH_FIXTURES), 'utf8')) as TorchFixtures;
}

/** Base64 little-endian float32 → Tensor (byte order explicit, so the test reads the same on any machine). */
export function decode(array: EncodedArray): Tensor {
  const bytes = Buffer.from(array.data, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true);
  return new Tensor(values, array.shape);
}

/** Relative tolerance of every fixture comparison: |a − b| ≤ RELATIVE_TOLERANCE · max(1, max|expected|). */
export const RELATIVE_TOLERANCE = 1e-4;

/**
 * max |actual − expected| / max(1, max|expected|) over a tensor, after checking the shapes agree; Infinity if
 * any value is NaN.
 */
export function scaledError(actual: Tensor, expected: Tensor, what: string): number {
  if (actual.shape.join() !== expected.shape.join()) {
    throw new Error(`${what}: shape [${actual.shape}] differs from torch's [${expected.shape}]`);
  }
  let scale = 1;
  for (const v of expected.data) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < expected.size; i++) {
    const error = Math.abs(actual.data[i] - expected.data[i]);
    worst = Number.isNaN(error) ? Infinity : Math.max(worst, error);
  }
  return worst / scale;
}
