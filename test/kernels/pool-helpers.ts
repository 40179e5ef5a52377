import assert from 'node:assert/strict';
import { getThreads, setThreads } from '../../src/kernels/index.js';
import { wasmRuntime } from '../../src/kernels/wasm/wasm-runtime.js';

/** The WASM runtime, or null where WebAssembly SIMD is missing (the suites skip then). */
export const runtime = wasmRuntime();

/** Runs `run` with `threads` threads and every job sent to the pool, however small, so tiny test layers exercise it. */
export function onPool<T>(threads: number, run: () => T): T {
  const rt = runtime!;
  const threshold = rt.parallelThreshold, previous = getThreads();
  rt.parallelThreshold = 0;
  setThreads(threads);
  try {
    return run();
  } finally {
    rt.parallelThreshold = threshold;
    setThreads(previous);
  }
}

/** max |a − b| / max(1, max |b|); a NaN anywhere in `actual` counts as an infinite error. */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  assert.equal(actual.length, expected.length);
  let scale = 1, worst = 0;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < expected.length; i++) {
    const e = Math.abs(actual[i] - expected[i]);
    worst = Number.isNaN(e) ? Infinity : Math.max(worst, e);
  }
  return worst / scale;
}
