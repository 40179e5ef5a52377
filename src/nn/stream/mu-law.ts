/**
 * µ-law companding (ITU-T G.711's curve, as `torchaudio.functional.mu_law_encoding`/`decoding`): an amplitude in
 * [−1, 1] ↔ one of `classes` (default 256) integers, finer near zero where speech and music spend their time.
 * WaveNet predicts these classes with a softmax.
 */
import { OptionError, describeValue } from '../../errors.js';

function checkClasses(op: string, classes: number): number {
  if (!Number.isInteger(classes) || classes < 2) throw new OptionError(op, 'classes', `classes ${describeValue(classes)} must be an integer ≥ 2`);
  return classes - 1;
}

/**
 * Amplitude (clipped to [−1, 1]) → class in [0, classes).
 *
 * @example muLawEncode(0) // 128
 */
export function muLawEncode(amplitude: number, classes = 256): number {
  const mu = checkClasses('muLawEncode', classes);
  const x = Math.max(-1, Math.min(1, amplitude));
  const companded = Math.sign(x) * Math.log1p(mu * Math.abs(x)) / Math.log1p(mu);
  return Math.floor(((companded + 1) / 2) * mu + 0.5);
}

/**
 * Class in [0, classes) → amplitude in [−1, 1].
 *
 * @example muLawDecode(255) // 1
 */
export function muLawDecode(index: number, classes = 256): number {
  const mu = checkClasses('muLawDecode', classes);
  if (!Number.isInteger(index) || index < 0 || index > mu) throw new OptionError('muLawDecode', 'index', `class ${describeValue(index)} must be an integer from 0 to ${mu}`);
  const companded = (index / mu) * 2 - 1;
  return Math.sign(companded) * Math.expm1(Math.abs(companded) * Math.log1p(mu)) / mu;
}
