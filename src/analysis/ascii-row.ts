/**
 * Seed 003's `visualize_receptive_field` row: one character per input offset, `█` where some path reaches it
 * and `.` for a hole.
 *
 * @example asciiRow([1, 1, 1, 0, 1]) // '███.█'
 */
export function asciiRow(multiplicity: ArrayLike<number>): string {
  let row = '';
  for (let i = 0; i < multiplicity.length; i++) row += multiplicity[i] > 0 ? '█' : '.';
  return row;
}
