/** The transcendental functions the pointwise kernels compute (WASM SIMD lanes, or the JS loops elsewhere). */
export type TranscendentalKind = 'exp' | 'tanh' | 'sigmoid' | 'gelu' | 'erf';

/**
 * Where WaveNet's gate reads its two halves: `rows` rows of `length` floats, row r of the tanh half at
 * `aOffset + r·rowStride` and of the sigmoid half at `bOffset + r·rowStride` (for a `[N, 2C, L]` conv output split
 * over channels: rows = N, length = C·L, rowStride = 2C·L, aOffset = 0, bOffset = C·L). The output is dense
 * `[rows][length]`.
 */
export interface GateLayout {
  rows: number;
  length: number;
  rowStride: number;
  aOffset: number;
  bOffset: number;
}
