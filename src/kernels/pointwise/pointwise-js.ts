/**
 * The pointwise functions on plain JavaScript numbers: the reference the WASM SIMD kernels are checked against and
 * the path every backend other than `wasm` takes. One monomorphic loop per function, no per-element closure.
 */
import type { GateLayout, TranscendentalKind } from './pointwise-kind.js';

/** `out[i] = f(x[i])` for one of the transcendental functions. */
export function transcendentalJs(kind: TranscendentalKind, x: Float32Array, out: Float32Array): void {
  const n = x.length;
  switch (kind) {
    case 'exp': for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]); break;
    case 'tanh': for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]); break;
    case 'sigmoid': for (let i = 0; i < n; i++) out[i] = sigmoidValue(x[i]); break;
    case 'erf': for (let i = 0; i < n; i++) out[i] = erfValue(x[i]); break;
    case 'gelu': for (let i = 0; i < n; i++) { const v = x[i]; out[i] = v * normalCdf(v); } break;
  }
}

/** WaveNet's gate on the layout's rows: `out = tanh(a)·σ(b)`. */
export function gateJs(src: Float32Array, layout: GateLayout, out: Float32Array): void {
  const { rows, length, rowStride, aOffset, bOffset } = layout;
  for (let r = 0; r < rows; r++) {
    const a = aOffset + r * rowStride, b = bOffset + r * rowStride, o = r * length;
    for (let i = 0; i < length; i++) out[o + i] = Math.tanh(src[a + i]) * sigmoidValue(src[b + i]);
  }
}

/** The logistic function on one number, without overflow for large |x|. */
export function sigmoidValue(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/** Φ(x), the standard normal CDF, from erfc so that large negative x keep their relative accuracy. */
export function normalCdf(x: number): number {
  const u = x * Math.SQRT1_2;
  return u < 0 ? 0.5 * erfcValue(-u) : 1 - 0.5 * erfcValue(u);
}

/**
 * erf(x) to about 1e-12 relative error — far below float32 resolution — by its Maclaurin series near 0 and
 * {@link erfcValue} in the tails (JavaScript has no `Math.erf`).
 */
export function erfValue(x: number): number {
  const ax = Math.abs(x);
  if (ax >= 2.5) return Math.sign(x) * (1 - erfcValue(ax));
  let term = ax, sum = ax;
  const x2 = ax * ax;
  for (let n = 1; n < 60; n++) {
    term *= -x2 / n;
    const next = term / (2 * n + 1);
    sum += next;
    if (Math.abs(next) < 1e-17 * Math.abs(sum)) break;
  }
  return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
}

/** erfc(a) for a ≥ 0: 1 − erf(a) below 2.5, beyond it e^{−a²}/√π over erfc's continued fraction (no cancellation). */
export function erfcValue(a: number): number {
  if (a < 2.5) return 1 - erfValue(a);
  if (a > 27) return 0;
  let fraction = 0;
  for (let n = 60; n >= 1; n--) fraction = (n / 2) / (a + fraction);
  return Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + fraction);
}
