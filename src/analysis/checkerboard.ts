import { OptionError, describeValue } from '../errors.js';

/**
 * The checkerboard frequency of a strided dilated layer, `gcd(s, d)/d` (seed 002): as the window steps by `s`
 * over a grid of taps spaced `d`, the phase of the taps relative to the input repeats with this frequency
 * (cycles per input sample along the tap grid). `1` (e.g. `d = 1`, or `d` dividing `s`) means the taps land
 * on the same phase at every output — no checkerboard; smaller values mean a pattern of period `d/gcd(s, d)`
 * outputs.
 *
 * @example checkerboardFrequency(2, 4) // 0.5
 */
export function checkerboardFrequency(stride: number, dilation: number): number {
  for (const [argument, value] of [['stride', stride], ['dilation', dilation]] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new OptionError('checkerboardFrequency', argument, `${argument} ${describeValue(value)} must be a positive integer`);
    }
  }
  return gcd(stride, dilation) / dilation;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
