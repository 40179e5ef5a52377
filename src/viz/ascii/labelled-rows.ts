/**
 * Seed 003's picture of a 1-D receptive field: one character per input offset, `█` where some path reaches the
 * output, `.` for a gridding hole (`███.███.███…` for kernel 3, dilations 1,4,8).
 */

/** The seed's mark for a reached offset. */
export const REACHED = '█';
/** The seed's mark for a hole. */
export const HOLE = '.';

/**
 * `visualize_receptive_field` of seed 003 drawn from the analysis's multiplicities (paths per offset, left to
 * right): `█` where the count is positive, `.` where it is zero.
 *
 * @example receptiveFieldRow([1, 1, 1, 0, 1]) // "███.█"
 */
export function receptiveFieldRow(multiplicity: readonly number[]): string {
  return multiplicity.map((m) => (m > 0 ? REACHED : HOLE)).join('');
}

/** Options of {@link formatRows}. */
export interface FormatRowsOptions {
  /** Terminal width (default 80): no line is wider. */
  width?: number;
  /** Pad the labels to one width so the rows line up (the seed does not). */
  alignLabels?: boolean;
}

/**
 * Labelled rows as seed 003 prints them — `standard (11): ███████████`, the counts right-aligned to a common
 * width — wrapped to `width` columns: a row too long continues on indented lines that start with the offset
 * they begin at.
 *
 * @example formatRows([{ label: 'standard', row: '███' }]) // "standard (3): ███"
 */
export function formatRows(rows: readonly { label: string; row: string }[], options: FormatRowsOptions = {}): string {
  const width = options.width ?? 80;
  const countWidth = Math.max(...rows.map((r) => String([...r.row].length).length));
  const labelWidth = options.alignLabels ? Math.max(...rows.map((r) => r.label.length)) : 0;
  const lines: string[] = [];
  for (const { label, row } of rows) {
    const cells = [...row];
    const prefix = `${label.padEnd(labelWidth)} (${String(cells.length).padStart(countWidth)}): `;
    const room = Math.max(8, width - prefix.length);
    if (cells.length <= room) {
      lines.push(prefix + row);
      continue;
    }
    const chunk = room - (room % 8 === 0 ? 0 : room % 8);
    for (let start = 0; start < cells.length; start += chunk) {
      const head = start === 0 ? prefix : `${`[${start}…]`.padStart(prefix.length - 1)} `;
      lines.push(head + cells.slice(start, start + chunk).join(''));
    }
  }
  return lines.join('\n');
}
