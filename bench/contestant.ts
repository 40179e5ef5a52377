import type { BenchShape } from './shapes.js';

/** The seeded operands of one layer, shared by every contestant (each reads them in its own layout). */
export interface LayerData {
  x: Float32Array;
  w: Float32Array;
}

/** One timed call, returning its duration in milliseconds (measured where the work runs). */
export type Trial = () => Promise<number>;

/**
 * Something that runs a layer: atrous under one backend and thread count, or a peer library. `prepare` builds
 * whatever the contestant needs outside the timing (sessions, uploaded weights) and returns the trial, or the
 * reason it cannot run the layer (printed as "unsupported").
 */
export interface Contestant {
  name: string;
  /** How ratios treat it: the default atrous backend, another atrous path, a WebAssembly/JS peer, or native. */
  role: 'atrous-default' | 'atrous' | 'peer' | 'native';
  /** The pass it times; peers only run forward. */
  pass: 'forward' | 'backward';
  /** Cores it computes on, for its efficiency against the per-core SIMD peak; absent for native code (not WASM). */
  threads?: number;
  prepare(shape: BenchShape, data: LayerData): Promise<Trial | { unsupported: string }>;
  dispose?(): Promise<void>;
}

/** Times a synchronous call. */
export function timed(run: () => void): Trial {
  return async () => {
    const start = performance.now();
    run();
    return performance.now() - start;
  };
}
