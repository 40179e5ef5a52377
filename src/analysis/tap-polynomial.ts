/**
 * Path-count polynomials: a multiplicity map over input offsets is the polynomial Σ count(e)·xᵉ, and a layer
 * with taps at exponents `e₁ … e_k` multiplies it by the sparse polynomial Σ x^{eᵢ}. A stride before the
 * layer scales the variable (taps `t·d` become exponents `t·d·S`), so strided stacks stay exact products.
 * Coefficients are path counts in float64, exact up to 2^53.
 */
import { countBuffer } from './count-buffer.js';

/** A 1-D polynomial: `coeffs[i]` is the coefficient of x^(start + i). */
export interface Poly {
  start: number;
  coeffs: Float64Array;
}

/** The polynomial 1 (one path, to offset 0). @example unitPoly().coeffs // Float64Array [1] */
export function unitPoly(): Poly {
  return { start: 0, coeffs: Float64Array.of(1) };
}

/**
 * Multiplies by Σ x^{shift + e} over the sparse exponents `taps` (ascending, from 0): one pass per tap.
 *
 * @example multiplyTaps(unitPoly(), [0, 1, 2], 0).coeffs // Float64Array [1, 1, 1]
 */
export function multiplyTaps(p: Poly, taps: readonly number[], shift: number): Poly {
  const span = taps[taps.length - 1];
  const n = p.coeffs.length;
  const out = countBuffer(n + span);
  for (const e of taps) {
    for (let i = 0; i < n; i++) out[i + e] += p.coeffs[i];
  }
  return { start: p.start + shift, coeffs: out };
}

/** `p + q`, on the hull of their exponents. @example addPolys(unitPoly(), { start: 2, coeffs: Float64Array.of(1) }).coeffs // [1, 0, 1] */
export function addPolys(p: Poly, q: Poly): Poly {
  const start = Math.min(p.start, q.start);
  const end = Math.max(p.start + p.coeffs.length, q.start + q.coeffs.length);
  const out = countBuffer(end - start);
  out.set(p.coeffs, p.start - start);
  const offset = q.start - start;
  for (let i = 0; i < q.coeffs.length; i++) out[offset + i] += q.coeffs[i];
  return { start, coeffs: out };
}

/** Whether two polynomials are equal coefficient by coefficient. @example equalPolys(unitPoly(), unitPoly()) // true */
export function equalPolys(p: Poly, q: Poly): boolean {
  if (p.start !== q.start || p.coeffs.length !== q.coeffs.length) return false;
  for (let i = 0; i < p.coeffs.length; i++) if (p.coeffs[i] !== q.coeffs[i]) return false;
  return true;
}
