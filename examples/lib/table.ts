/** Plain-text tables for the terminal: columns padded to their widest cell, numbers right-aligned. */
import type { ResultTable } from './example.js';

/**
 * The table as lines of text, with a rule under the header.
 *
 * @example formatTable({ title: 'RF', columns: ['net', 'rf'], rows: [['d=1', 9]] })
 */
export function formatTable(table: ResultTable): string {
  const cells = [table.columns, ...table.rows.map((row) => row.map(String))];
  const widths = table.columns.map((_, j) => Math.max(...cells.map((row) => row[j]?.length ?? 0)));
  const numeric = table.columns.map((_, j) => table.rows.every((row) => typeof row[j] === 'number' || /^[−\-]?[\d.,]+( ?[%×kMG]|x| ms| dB)?$/.test(String(row[j]))));
  const line = (row: string[]) => row.map((c, j) => (numeric[j] ? c.padStart(widths[j]) : c.padEnd(widths[j]))).join('  ').trimEnd();
  return [table.title, line(table.columns), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** `0.8123` → `0.812`; fixed significant digits for metric columns. */
export function fixed(value: number, digits = 3): string {
  return value.toFixed(digits);
}

/** `1234567` → `1.23M`, `45600` → `45.6k`. */
export function compact(value: number): string {
  if (value >= 1e9) return `${(value / 1e9).toPrecision(3)}G`;
  if (value >= 1e6) return `${(value / 1e6).toPrecision(3)}M`;
  if (value >= 1e3) return `${(value / 1e3).toPrecision(3)}k`;
  return String(value);
}
