/**
 * Seed 003's receptive-field rows side by side: `standard (11): ███████████`. The rows themselves (`█` reached,
 * `.` hole) are the analysis's `asciiRow`; this only labels and wraps them for a terminal.
 */
import { checkOptionKeys, optionKeys } from '../../options.js';

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
  checkOptionKeys('formatRows', options, optionKeys<typeof options>({ width: true, alignLabels: true }));
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
